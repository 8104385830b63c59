import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { checkHazards, hazardLabel } from '../engine/simulate/hazards.js';
import {
  emptyRuns,
  type MonteCarloPlan,
  type MonteCarloResult,
  type MonteCarloRuns,
  planMonteCarlo,
  runMonteCarloRange,
  STATS,
  summariseMonteCarlo,
} from '../engine/simulate/montecarlo.js';
import { MAX_SEED } from '../engine/simulate/prng.js';
import type { SimNetwork } from '../engine/simulate/sim-network.js';
import {
  BetaDistribution,
  CapacityLossHazard,
  DemandSurgeHazard,
  ExportRestrictionHazard,
  FixedDistribution,
  HazardSet,
  LogNormalDistribution,
  TriangularDistribution,
  UniformDistribution,
} from '../model/hazard-set.js';
import { type Material, NotFoundError, type Scenario, ValidationError } from '../model/index.js';
import type { StoreOrView } from '../store/read-view.js';
import type { McWorkerData, McWorkerMessage, McWorkerRequest } from './montecarlo-worker.js';
import { codeVersion, dataLevers, resolver, simulationNetwork } from './simulate.js';
import { dedupe, issue, TaggedArray } from './validation.js';

/**
 * `trustmap montecarlo`: load a hazard set (a file, or a set bundled under scenarios/sets),
 * validate it (errors name the field: `hazards/3/share/max`), resolve its materials and countries
 * against the store, build the calibrated network of its base year (the simulator's, cached),
 * and spread the runs over worker threads. The engine (src/engine/simulate/montecarlo.ts) makes
 * the answer independent of the number of threads; this file only schedules blocks of runs and
 * puts each block's figures at its run indices. See docs/montecarlo.md.
 */

export interface MonteCarloRunOptions {
  runs: number;
  /** default 1 */
  seed?: number;
  /** worker threads (default: the machine's available parallelism, at most one per block of runs) */
  threads?: number;
  /** runs per sensitivity variant (default min(runs, the set's sensitivity.runs ?? 200); 0 = none) */
  sensitivityRuns?: number;
  /** run on this thread instead of worker threads */
  inline?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** terminates the workers */
  signal?: AbortSignal;
}

export interface MonteCarloReport extends MonteCarloResult {
  run: {
    codeVersion: string;
    dataVersion: string;
    year: number;
    file: string | null;
    network: { nodes: number; edges: number };
    threads: number;
    seconds: number;
    /** base and sensitivity runs per second, wall clock, network build excluded */
    runsPerSecond: number;
    totalRuns: number;
  };
}

export const MAX_RUNS = 1_000_000;
export const DEFAULT_SENSITIVITY_RUNS = 200;

// ── loading and validation ────────────────────────────────────────────────────────────────────

const setCheck = TypeCompiler.Compile(HazardSet);
const HAZARDS = new TaggedArray(
  'hazards',
  'type',
  {
    export_restriction: ExportRestrictionHazard,
    capacity_loss: CapacityLossHazard,
    demand_surge: DemandSurgeHazard,
  },
  true,
);
const distChecks: Record<string, ReturnType<typeof TypeCompiler.Compile>> = {
  fixed: TypeCompiler.Compile(FixedDistribution),
  uniform: TypeCompiler.Compile(UniformDistribution),
  triangular: TypeCompiler.Compile(TriangularDistribution),
  beta: TypeCompiler.Compile(BetaDistribution),
  lognormal: TypeCompiler.Compile(LogNormalDistribution),
};
const DIST_FIELDS = ['share', 'factor', 'duration_days', 'start_day', 'recovery_days'];

/**
 * Checks a hazard set against the schema (src/model/hazard-set.ts) and the rules it cannot state;
 * fills in defaults. A hazard is checked against the schema its `type` names and a distribution
 * against the one its `dist` names, so messages point inside them (`hazards/2/share/alpha`).
 */
export function validateHazardSet(input: unknown, file?: string): HazardSet {
  const value = Value.Default(HazardSet, Value.Clone(input)) as Record<string, unknown>;
  const issues = HAZARDS.issues(setCheck, value, file, {
    // a distribution field is explained against the schema its `dist` names, below
    skip: (e, hazard) => {
      const field = e.path.split('/')[1] ?? '';
      return DIST_FIELDS.includes(field) && !!hazard[field] && typeof hazard[field] === 'object';
    },
    after: (hazard, at, out) => {
      for (const field of DIST_FIELDS) {
        const d = hazard[field];
        if (!d || typeof d !== 'object') continue;
        const dist = (d as { dist?: unknown }).dist;
        const dc = typeof dist === 'string' ? distChecks[dist] : undefined;
        if (!dc) {
          out.push(
            issue(
              `${at}/${field}/dist`,
              `expected one of ${Object.keys(distChecks).join(', ')}, got ${JSON.stringify(dist)}`,
              file,
            ),
          );
          continue;
        }
        for (const e of dc.Errors(d)) out.push(issue(`${at}/${field}${e.path}`, e.message, file));
      }
    },
  });
  if (issues.length) throw new ValidationError(dedupe(issues));
  const set = value as unknown as HazardSet;
  for (const x of checkHazards(set)) issues.push(issue(x.column ?? '', x.message, file));
  if (set.step_days > set.horizon_days) issues.push(issue('step_days', 'longer than the horizon', file));
  if (issues.length) throw new ValidationError(dedupe(issues));
  return set;
}

/** The directory of the bundled hazard sets (scenarios/sets beside package.json), or null. */
export function bundledSetsDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const d = join(dir, 'scenarios', 'sets');
    if (existsSync(join(dir, 'package.json')) && existsSync(d)) return d;
    dir = dirname(dir);
  }
  return null;
}

/** Names of the bundled hazard sets (file names without .json). */
export function bundledHazardSets(): string[] {
  const d = bundledSetsDir();
  if (!d) return [];
  return readdirSync(d)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Reads and validates a hazard set: a JSON file, or the name of a bundled set. */
export function loadHazardSet(pathOrName: string): { set: HazardSet; file: string } {
  let file = pathOrName;
  if (!existsSync(file) || !statSync(file).isFile()) {
    const d = bundledSetsDir();
    const bundled = d ? join(d, `${basename(pathOrName, '.json')}.json`) : null;
    if (bundled && existsSync(bundled)) file = bundled;
    else throw new NotFoundError('hazard set (file or bundled name)', pathOrName, bundledHazardSets());
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ValidationError([{ file, message: `not valid JSON: ${(e as Error).message}` }]);
  }
  return { set: validateHazardSet(json, file), file };
}

// ── resolution of names against the store ────────────────────────────────────────────────────

function _norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The set with every material name replaced by material ids (an id, a commodity = all its
 * stages, a name or a synonym) and every country and market checked. NotFoundError names the
 * field and suggests near names.
 */
export async function resolveHazardSet(
  store: StoreOrView,
  set: HazardSet,
): Promise<{ set: HazardSet; regions: Record<string, string[]>; materials: Material[] }> {
  const names = await resolver(store);
  const { materials, regions } = names;
  const material = names.material;
  const country = names.country;
  const ids = (names: string[], path: string) => [
    ...new Set(names.flatMap((n, i) => material(n, `${path}/${i}`))),
  ];
  const out = structuredClone(set);
  if (out.materials) out.materials = ids(out.materials, 'materials');
  if (out.report) out.report = ids(out.report, 'report');
  for (const [i, c] of (out.markets ?? []).entries()) country(c, `markets/${i}`, true);
  out.hazards.forEach((h, i) => {
    const at = `hazards/${i}`;
    h.id ??= hazardLabel(h); // labelled with the names as given, before they become material ids
    h.materials = ids(h.materials, `${at}/materials`);
    if (h.type === 'export_restriction') {
      country(h.exporter, `${at}/exporter`);
      if (h.importers !== 'all')
        for (const [k, c] of h.importers.entries()) country(c, `${at}/importers/${k}`);
      for (const [k, c] of (h.except ?? []).entries()) country(c, `${at}/except/${k}`);
    } else if (h.type === 'capacity_loss') country(h.country, `${at}/country`);
    else country(h.market, `${at}/market`, true);
  });
  const one = (name: string, path: string): string => {
    const list = material(name, path);
    if (list.length > 1)
      throw new ValidationError([
        {
          column: path,
          message: `${JSON.stringify(name)} names ${list.length} materials (${list.join(', ')}): name one`,
        },
      ]);
    return list[0]!;
  };
  const lv = out.levers;
  lv?.agreements?.forEach((a, i) => {
    a.material = one(a.material, `levers/agreements/${i}/material`);
    country(a.buyer, `levers/agreements/${i}/buyer`);
    country(a.supplier, `levers/agreements/${i}/supplier`);
  });
  lv?.ramp_ups?.forEach((a, i) => {
    a.material = one(a.material, `levers/ramp_ups/${i}/material`);
    country(a.supplier, `levers/ramp_ups/${i}/supplier`);
  });
  lv?.stocks?.forEach((a, i) => {
    const list = material(a.material, `levers/stocks/${i}/material`);
    if (list.length === 1) a.material = list[0]!;
    country(a.holder, `levers/stocks/${i}/holder`);
  });
  return { set: out, regions, materials };
}

/** The scenario whose network a set runs on: its base year, scope and calibration levers. */
function networkScenario(set: HazardSet): Scenario {
  const scope = set.materials
    ? [...set.materials, ...set.hazards.flatMap((h) => h.materials), ...(set.report ?? [])]
    : undefined;
  return {
    name: set.name,
    year: set.year,
    horizon_days: set.horizon_days,
    step_days: set.step_days,
    ...(scope ? { materials: [...new Set(scope)] } : {}),
    shocks: [],
    ...(set.levers ? { levers: set.levers } : {}),
    seed: null,
  };
}

// ── running: blocks of runs over worker threads ───────────────────────────────────────────────

/** The worker's entry: the compiled .js beside this file, or the .ts source through tsx in development and tests. */
function startWorker(data: McWorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // tsx's ES entry (its package exports map './esm/api' → import), so the worker can load .ts
    const pkgFile = createRequire(here).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    const tsx = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
    const entry = new URL('./montecarlo-worker.ts', here).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: data });
  }
  return new Worker(new URL('./montecarlo-worker.js', here), { workerData: data });
}

interface Task {
  variant: number;
  from: number;
  to: number;
}

/** Blocks of runs: small enough to balance the threads and move the progress bar, at most 16 runs. */
function makeTasks(counts: number[], threads: number): Task[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const size = Math.max(1, Math.min(16, Math.ceil(total / (threads * 16))));
  const tasks: Task[] = [];
  counts.forEach((n, variant) => {
    for (let from = 0; from < n; from += size) tasks.push({ variant, from, to: Math.min(n, from + size) });
  });
  return tasks;
}

function resolveThreads(requested: number | undefined, tasks: number): number {
  const t = requested ?? Math.max(1, availableParallelism());
  return Math.max(1, Math.min(t, tasks));
}

/**
 * Runs a planned Monte Carlo study: `runs` base runs and `sensitivityRuns` runs of every
 * sensitivity variant, over worker threads (or inline), then reduces them in run order. The
 * result is the same for any thread count (tested).
 */
export async function runMonteCarlo(
  net: SimNetwork,
  plan: MonteCarloPlan,
  opts: MonteCarloRunOptions,
): Promise<MonteCarloResult & { threads: number }> {
  const runs = opts.runs;
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS)
    throw new ValidationError([
      { column: 'runs', message: `must be a whole number 1 … ${MAX_RUNS}, got ${runs}` },
    ]);
  const K = Math.min(runs, opts.sensitivityRuns ?? DEFAULT_SENSITIVITY_RUNS);
  const counts = [runs, ...plan.variants.map(() => (K > 0 ? K : 0))];
  const outputs = counts.map((n) => emptyRuns(plan, n));
  const total = counts.reduce((a, b) => a + b, 0);
  const G = plan.groups.length;
  const H = plan.hazards.length;
  const finish = (threads: number) => ({
    ...summariseMonteCarlo(
      plan,
      outputs[0]!,
      K > 0 && plan.variants.length ? { runs: K, variants: outputs.slice(1) } : null,
    ),
    threads,
  });

  if (opts.inline) {
    let done = 0;
    counts.forEach((n, v) => {
      runMonteCarloRange(net, plan, v, 0, n, outputs[v]!, 0, () => {
        done++;
        if (done === total || done % 4 === 0) opts.onProgress?.(done, total);
      });
    });
    return finish(0);
  }

  const tasks = makeTasks(counts, resolveThreads(opts.threads, Number.POSITIVE_INFINITY));
  const threads = resolveThreads(opts.threads, tasks.length);
  if (opts.signal?.aborted) throw new Error('Monte Carlo cancelled');
  await new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const end = (err?: Error) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => end(new Error('Monte Carlo cancelled'));
    opts.signal?.addEventListener('abort', onAbort);
    const send = (w: Worker) => {
      if (next >= tasks.length) return;
      const t = tasks[next]!;
      w.postMessage({ kind: 'run', task: next, ...t } satisfies McWorkerRequest);
      next++;
    };
    for (let i = 0; i < threads; i++) {
      const w = startWorker({ net, plan });
      workers.push(w);
      w.on('message', (msg: McWorkerMessage) => {
        if (settled) return;
        if (msg.kind === 'error') return end(new Error(`Monte Carlo worker: ${msg.name}: ${msg.message}`));
        const out: MonteCarloRuns = outputs[msg.variant]!;
        out.stats.set(msg.stats, msg.from * G * STATS);
        out.fired.set(msg.fired, msg.from * H);
        out.updates += msg.updates;
        done += msg.to - msg.from;
        opts.onProgress?.(done, total);
        if (done === total) return end();
        send(w);
      });
      w.on('error', (e) => end(e));
      w.on('exit', (code) => {
        if (!settled)
          end(new Error(`a Monte Carlo worker stopped (exit code ${code}) before the runs were done`));
      });
      // two blocks in flight per thread, so a thread never waits for the next one
      send(w);
      send(w);
    }
  });
  return finish(threads);
}

/**
 * A Monte Carlo study of a hazard set on the store's data: validates (if not yet) and resolves the
 * set, builds the network of its base year, runs and reduces. Throws ValidationError or
 * NotFoundError (fields named) for a bad set.
 */
export async function monteCarloReport(
  store: StoreOrView,
  input: unknown,
  opts: MonteCarloRunOptions & { file?: string },
): Promise<MonteCarloReport> {
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ValidationError([
      { column: 'seed', message: `must be a whole number 0 … ${MAX_SEED}, got ${seed}` },
    ]);
  const given = validateHazardSet(input, opts.file);
  const resolved = await resolveHazardSet(store, given);
  const { regions, materials } = resolved;
  // the view's stock and agreement records join the set's levers (as in `simulate`)
  const data = await dataLevers(store, resolved.set.levers, resolved.set.year, materials);
  const set: HazardSet = data.notes.length ? { ...resolved.set, levers: data.levers } : resolved.set;
  const net = await simulationNetwork(store, networkScenario(set), materials);
  const plan = planMonteCarlo(net, set, { seed, regions });
  const sensitivityRuns =
    opts.sensitivityRuns ?? Math.min(opts.runs, set.sensitivity?.runs ?? DEFAULT_SENSITIVITY_RUNS);
  const t0 = performance.now();
  const { threads, ...result } = await runMonteCarlo(net, plan, { ...opts, seed, sensitivityRuns });
  const seconds = (performance.now() - t0) / 1000;
  const totalRuns =
    opts.runs + (result.sensitivity ? result.sensitivity.runs * result.sensitivity.variants.length : 0);
  return {
    ...result,
    sources: [...new Set([...result.sources, ...data.sources])],
    assumptions: [...result.assumptions, ...data.notes],
    run: {
      codeVersion: codeVersion(),
      dataVersion: net.dataVersion,
      year: set.year,
      file: opts.file ?? null,
      network: { nodes: net.nodeCount, edges: net.edgeCount },
      threads,
      seconds,
      runsPerSecond: totalRuns / seconds,
      totalRuns,
    },
  };
}
