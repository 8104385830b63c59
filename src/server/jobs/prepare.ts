import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValidationError } from '../../model/index.js';
import { validateHazardSet } from '../../services/montecarlo.js';
import { validatePlan } from '../../services/optimize.js';
import { validateScenario } from '../../services/simulate.js';
import {
  bundledHazardSet,
  bundledHazardSetPath,
  shippedPlan,
  shippedScenario,
  shippedScenarioPath,
} from '../catalog.js';
import { SchemaError } from '../errors.js';
import {
  type JobPayload,
  MonteCarloParams,
  OptimizeParams,
  ReproduceParams,
  SimulateParams,
  SUBMITTABLE_KINDS,
  TtsParams,
} from './run-job.js';

/**
 * Checks a submitted job's parameters on the main thread, before anything is queued, so a mistake
 * is a 400/422 naming the field (`/body/params/runs`), not a failed job; resolves names of shipped
 * scenarios and hazard sets to their content. Cheap: no store access.
 */

const CHECKS: Record<(typeof SUBMITTABLE_KINDS)[number], ReturnType<typeof TypeCompiler.Compile<TSchema>>> = {
  simulate: TypeCompiler.Compile(SimulateParams),
  montecarlo: TypeCompiler.Compile(MonteCarloParams),
  tts: TypeCompiler.Compile(TtsParams),
  optimize: TypeCompiler.Compile(OptimizeParams),
  reproduce: TypeCompiler.Compile(ReproduceParams),
};

function check(kind: keyof typeof CHECKS, params: unknown): void {
  const c = CHECKS[kind];
  if (c.Check(params)) return;
  const e = c.Errors(params).First();
  throw new SchemaError(
    `/body/params${e?.path ?? ''}`,
    e?.message === 'Unexpected property' ? 'unknown field' : (e?.message ?? 'invalid'),
  );
}

/** Re-roots a service's ValidationError (fields relative to the scenario) under the request body. */
function underBody(e: unknown, prefix: string): never {
  if (e instanceof ValidationError) {
    throw new ValidationError(
      e.issues.map((i) => ({ ...i, column: `body/params/${prefix}${i.column ? `/${i.column}` : ''}` })),
      e.truncated,
    );
  }
  throw e;
}

export function prepareJob(kind: string, params: unknown): JobPayload {
  if (!(SUBMITTABLE_KINDS as readonly string[]).includes(kind))
    throw new SchemaError('/body/kind', `expected one of ${SUBMITTABLE_KINDS.join(', ')}`);
  const k = kind as (typeof SUBMITTABLE_KINDS)[number];
  check(k, params);
  if (k === 'tts') return { kind: 'tts', options: params as Static<typeof TtsParams> };
  if (k === 'optimize') return prepareOptimize(params as Static<typeof OptimizeParams>);
  if (k === 'reproduce') return { kind: 'reproduce', run: (params as Static<typeof ReproduceParams>).run };
  if (k === 'simulate') {
    const p = params as { scenario: unknown; save?: boolean };
    if (typeof p.scenario === 'string') {
      const s = shippedScenario(p.scenario);
      return { kind: 'simulate', scenario: s.scenario, file: s.entry.file, save: p.save !== false };
    }
    if (typeof p.scenario !== 'object' || p.scenario === null || Array.isArray(p.scenario))
      throw new SchemaError('/body/params/scenario', 'expected a scenario name or a scenario object');
    try {
      return { kind: 'simulate', scenario: validateScenario(p.scenario), save: p.save !== false };
    } catch (e) {
      underBody(e, 'scenario');
    }
  }
  const p = params as { set: unknown; runs: number; seed?: number; sensitivityRuns?: number };
  const common = {
    runs: p.runs,
    seed: p.seed ?? 1,
    ...(p.sensitivityRuns !== undefined ? { sensitivityRuns: p.sensitivityRuns } : {}),
  };
  if (typeof p.set === 'string') {
    const s = bundledHazardSet(p.set);
    return { kind: 'montecarlo', set: s.set, file: s.entry.file, ...common };
  }
  if (typeof p.set !== 'object' || p.set === null || Array.isArray(p.set))
    throw new SchemaError('/body/params/set', 'expected a hazard set name or a hazard set object');
  try {
    return { kind: 'montecarlo', set: validateHazardSet(p.set), ...common };
  } catch (e) {
    underBody(e, 'set');
  }
}

/**
 * An optimiser job: a shipped plan by name, or a plan object. A submitted plan may only name a
 * bundled hazard set or shipped scenarios (by name); they are resolved to their files here, so a
 * client can never make the server read a path of its choosing.
 */
function prepareOptimize(p: Static<typeof OptimizeParams>): JobPayload {
  const overrides = {
    ...(p.budget !== undefined ? { budget: p.budget } : {}),
    ...(p.timeLimitSeconds !== undefined ? { timeLimitSeconds: p.timeLimitSeconds } : {}),
  };
  if (typeof p.plan === 'string') return { kind: 'optimize', file: shippedPlan(p.plan).path, ...overrides };
  if (typeof p.plan !== 'object' || p.plan === null || Array.isArray(p.plan))
    throw new SchemaError('/body/params/plan', 'expected a plan name or a plan object');
  let plan: ReturnType<typeof validatePlan>;
  try {
    plan = validatePlan(p.plan);
  } catch (e) {
    underBody(e, 'plan');
  }
  const byName = (field: string, ref: string, resolve: (name: string) => string): string => {
    const name = ref.replace(/^.*[/\\]/, '').replace(/\.json$/, '');
    try {
      return resolve(name);
    } catch {
      throw new ValidationError([
        {
          column: `body/params/plan/${field}`,
          message: `${JSON.stringify(ref)} is not a bundled name: a submitted plan names a bundled hazard set (GET /api/hazard-sets) or shipped scenarios (GET /api/scenarios)`,
        },
      ]);
    }
  };
  const scenarios =
    'hazard_set' in plan.scenarios
      ? {
          ...plan.scenarios,
          hazard_set: byName('scenarios/hazard_set', plan.scenarios.hazard_set, bundledHazardSetPath),
        }
      : {
          ...plan.scenarios,
          files: plan.scenarios.files.map((f, i) => byName(`scenarios/files/${i}`, f, shippedScenarioPath)),
        };
  return { kind: 'optimize', plan: { ...plan, scenarios }, ...overrides };
}
