import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HazardSet, Scenario } from '../model/index.js';
import type { Plan } from '../model/plan.js';
import { bundledSetsDir, validateHazardSet } from '../services/montecarlo.js';
import { validatePlan } from '../services/optimize.js';
import { validateScenario } from '../services/simulate.js';
import { notFound } from './errors.js';

/**
 * The shipped scenarios (scenarios/*.json) and hazard sets (scenarios/sets/*.json), by name only:
 * a client names one, it never passes a path (no file outside these folders can be read).
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function scenariosDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const d = join(dir, 'scenarios');
    if (existsSync(join(dir, 'package.json')) && existsSync(d)) return d;
    dir = dirname(dir);
  }
  return null;
}

export interface ScenarioEntry {
  name: string;
  file: string;
  description: string | null;
  citations: NonNullable<Scenario['citations']>;
}

function jsonFiles(dir: string | null): string[] {
  if (!dir) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

let scenarioCache: Map<string, { entry: ScenarioEntry; scenario: Scenario }> | undefined;

function scenarios() {
  if (scenarioCache) return scenarioCache;
  const dir = scenariosDir();
  const out = new Map<string, { entry: ScenarioEntry; scenario: Scenario }>();
  for (const f of jsonFiles(dir)) {
    const file = join(dir!, f);
    const scenario = validateScenario(JSON.parse(readFileSync(file, 'utf8')), `scenarios/${f}`);
    const name = basename(f, '.json');
    out.set(name, {
      entry: {
        name,
        file: `scenarios/${f}`,
        description: scenario.description ?? null,
        citations: scenario.citations ?? [],
      },
      scenario,
    });
  }
  scenarioCache = out;
  return out;
}

export function listScenarios(): ScenarioEntry[] {
  return [...scenarios().values()].map((s) => s.entry);
}

/** A shipped scenario by name (404 not_found for any other name). */
export function shippedScenario(name: string): { entry: ScenarioEntry; scenario: Scenario } {
  const s = NAME.test(name) ? scenarios().get(name) : undefined;
  if (!s) throw notFound(`scenario ${JSON.stringify(name)}`);
  return s;
}

export interface HazardSetEntry {
  name: string;
  file: string;
  description: string | null;
  illustrative: boolean;
  year: number;
  hazards: number;
  citations: NonNullable<HazardSet['citations']>;
}

let setCache: Map<string, { entry: HazardSetEntry; set: HazardSet }> | undefined;

function hazardSets() {
  if (setCache) return setCache;
  const dir = bundledSetsDir();
  const out = new Map<string, { entry: HazardSetEntry; set: HazardSet }>();
  for (const f of jsonFiles(dir)) {
    const set = validateHazardSet(JSON.parse(readFileSync(join(dir!, f), 'utf8')), `scenarios/sets/${f}`);
    const name = basename(f, '.json');
    out.set(name, {
      entry: {
        name,
        file: `scenarios/sets/${f}`,
        description: set.description ?? null,
        illustrative: set.illustrative,
        year: set.year,
        hazards: set.hazards.length,
        citations: set.citations ?? [],
      },
      set,
    });
  }
  setCache = out;
  return out;
}

export function listHazardSets(): HazardSetEntry[] {
  return [...hazardSets().values()].map((s) => s.entry);
}

export function bundledHazardSet(name: string): { entry: HazardSetEntry; set: HazardSet } {
  const s = NAME.test(name) ? hazardSets().get(name) : undefined;
  if (!s) throw notFound(`hazard set ${JSON.stringify(name)}`);
  return s;
}

/** The shipped optimiser plans (plans/*.json), by name. */
export function plansDir(): string | null {
  const d = scenariosDir();
  if (!d) return null;
  const p = join(dirname(d), 'plans');
  return existsSync(p) ? p : null;
}

export interface PlanEntry {
  name: string;
  file: string;
  description: string | null;
  currency: Plan['currency'];
  budget: number;
  products: number;
  candidates: number;
}

let planCache: Map<string, { entry: PlanEntry; plan: Plan; path: string }> | undefined;

function plans() {
  if (planCache) return planCache;
  const dir = plansDir();
  const out = new Map<string, { entry: PlanEntry; plan: Plan; path: string }>();
  for (const f of jsonFiles(dir)) {
    const path = join(dir!, f);
    const plan = validatePlan(JSON.parse(readFileSync(path, 'utf8')), `plans/${f}`);
    const name = basename(f, '.json');
    out.set(name, {
      entry: {
        name,
        file: `plans/${f}`,
        description: plan.description ?? null,
        currency: plan.currency,
        budget: plan.budget,
        products: plan.products.length,
        candidates: plan.candidates.length,
      },
      plan,
      path,
    });
  }
  planCache = out;
  return out;
}

export function listPlans(): PlanEntry[] {
  return [...plans().values()].map((p) => p.entry);
}

/** A shipped plan by name (404 not_found for any other name); `path` is its file on the server. */
export function shippedPlan(name: string): { entry: PlanEntry; plan: Plan; path: string } {
  const p = NAME.test(name) ? plans().get(name) : undefined;
  if (!p) throw notFound(`plan ${JSON.stringify(name)}`);
  return p;
}

/** The server path of a shipped scenario or hazard set named in a submitted plan (never a client path). */
export function shippedScenarioPath(name: string): string {
  shippedScenario(name);
  return join(scenariosDir()!, `${name}.json`);
}

export function bundledHazardSetPath(name: string): string {
  bundledHazardSet(name);
  return join(bundledSetsDir()!, `${name}.json`);
}
