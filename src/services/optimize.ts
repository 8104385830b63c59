import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { loadHighs, type SolveStatus } from '../engine/optimize/highs-model.js';
import {
  baselineLoss,
  DAYS_PER_YEAR,
  KIND_CAPACITY,
  KIND_FASTTRACK,
  KIND_NAMES,
  KIND_OFFTAKE,
  KIND_RECYCLING,
  KIND_STOCKPILE,
  type ModelSize,
  type PortfolioInstance,
  type PortfolioSolve,
  solvePortfolio,
  weightedQuantile,
} from '../engine/optimize/portfolio.js';
import { lostShare, sumByPeriod, surgeDemand } from '../engine/optimize/scenario-inputs.js';
import { sampleRun, UNIT_SCALE } from '../engine/simulate/hazards.js';
import { RunRandom } from '../engine/simulate/prng.js';
import { AGGREGATE_CODES } from '../model/common.js';
import { NotFoundError, type Scenario, type Shock, SolverError, ValidationError } from '../model/index.js';
import {
  CapacityCandidate,
  FastTrackCandidate,
  OfftakeCandidate,
  Plan,
  type PlanCandidate,
  RecyclingCandidate,
  StockpileCandidate,
} from '../model/plan.js';
import { newestProductionByMaterial } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { loadHazardSet, resolveHazardSet } from './montecarlo.js';
import type { OptWorkerData, OptWorkerMessage } from './optimize-worker.js';
import { resolver, type SimulationReport, simulate, validateScenario } from './simulate.js';
import { dedupe, issue, TaggedArray } from './validation.js';

/**
 * `trustmap optimize PLAN`: which interventions buy the most resilience for a budget.
 *
 * 1. Validate the plan (src/model/plan.ts; errors name the field path) and resolve its materials,
 *    countries and FDA establishments (FEI) against the store.
 * 2. Scenario set: draw `runs` runs of a hazard set with the Monte Carlo's keying (Philox keyed by
 *    (seed, run)), or read scenario files; simulate each (the flow simulator, curves kept) and sum
 *    each product's shortfall per period. Products the simulator cannot simulate take the plan's
 *    illustrative quantities and lose the supply the scenario's shocks cut off.
 * 3. Build the two-stage MILP (src/engine/optimize/portfolio.ts) and solve it with HiGHS at every
 *    budget of the budget–resilience curve on one persistent model, warm-starting upward.
 * 4. Turn the chosen interventions into scenario levers (ramp-ups, stocks, agreements) and
 *    simulate every scenario again: the "after" figures are the simulator's, with the model's
 *    estimate beside them.
 * 5. Rank the 2–3 products to start with.
 */

export interface OptimizeOptions {
  /** overrides the plan's budget (plan currency) */
  budget?: number;
  /** overrides the plan's solver time limit, seconds per solve */
  timeLimitSeconds?: number;
  /** file name for error messages (set when the plan is given as an object) */
  file?: string;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** cancels between simulations; terminates the solver's worker thread */
  signal?: AbortSignal;
  /** solve on this thread instead of a worker thread */
  inline?: boolean;
}

export interface Money {
  /** in the plan currency */
  amount: number;
  currency: 'USD' | 'INR';
  usd: number;
}

export interface LossFigures {
  /** probability-weighted mean */
  expected: number;
  /** nearest-rank P95 over the scenarios (probability-weighted) */
  p95: number;
}

export interface SolveSummary {
  budgetShare: number;
  budget: Money;
  status: SolveStatus;
  hasSolution: boolean;
  size: ModelSize;
  seconds: number;
  objective: number | null;
  dualBound: number | null;
  gap: number | null;
  spent: Money | null;
  /** model estimate of the weighted loss with this budget's portfolio */
  loss: LossFigures | null;
  message?: string;
}

export interface ChosenIntervention {
  id: string;
  kind: (typeof KIND_NAMES)[number];
  product: string;
  /** capacity, recycling, offtake: units per year; stockpile: units; fast-track: units per year sped up */
  size: number;
  sizeUnit: string;
  cost: Money;
  where: string;
  leadDays: number | null;
  /** an FDA-registered establishment named by FEI (existing registered site) */
  existingRegisteredSite: { fei: string; firmName: string; country: string; apiManufacture: boolean } | null;
  illustrative: boolean;
  source: string | null;
}

export interface ProductResult {
  material: string;
  market: string;
  unit: string;
  weight: number;
  annualDemand: number;
  /** false: not simulated (no public quantities); the plan's illustrative quantities were used */
  simulated: boolean;
  before: LossFigures;
  afterModel: LossFigures;
  /** null when the product cannot be re-simulated (not simulated) */
  afterResimulated: LossFigures | null;
  spent: Money;
  illustrative: boolean;
}

export interface Priority {
  rank: number;
  material: string;
  market: string;
  reasons: string[];
  /** weighted loss avoided per million USD (model estimate); null when nothing was bought for it */
  avoidedPerMillionUsd: number | null;
  weight: number;
  /** HHI of world production (0–10,000), newest year in the data; null if unavailable */
  hhi: number | null;
  concentrationNote: string;
}

export interface OptimizeReport {
  plan: {
    name: string;
    file: string | null;
    currency: 'USD' | 'INR';
    exchangeRate: Plan['exchange_rate'];
    budget: Money;
    year: number;
    horizonDays: number;
    periods: number;
    scenarios: { kind: 'hazard_set' | 'files'; count: number; seed: number | null; name: string };
  };
  status: SolveStatus;
  message: string;
  diagnosis: PortfolioSolve['diagnosis'] | null;
  /** the solve at the plan's budget */
  solve: SolveSummary;
  chosen: ChosenIntervention[];
  spent: Money | null;
  products: ProductResult[];
  /** weighted loss: Σ_p weight_p × shortfall_p ÷ annual demand_p (criticality-weighted share of a year's demand) */
  totals: { before: LossFigures; afterModel: LossFigures | null; afterResimulated: LossFigures | null };
  budgetCurve: SolveSummary[];
  priorities: Priority[];
  levers: NonNullable<Scenario['levers']>;
  sources: string[];
  assumptions: string[];
  warnings: string[];
  seconds: number;
}

export const DEFAULT_BUDGET_CURVE = [0, 0.25, 0.5, 0.75, 1, 1.5];
export const DEFAULT_TIME_LIMIT = 60;
export const DEFAULT_MIP_GAP = 0.01;

// ── validation ────────────────────────────────────────────────────────────────────────────────

const planCheck = TypeCompiler.Compile(Plan);
const CANDIDATES = new TaggedArray(
  'candidates',
  'kind',
  {
    capacity: CapacityCandidate,
    recycling: RecyclingCandidate,
    stockpile: StockpileCandidate,
    offtake: OfftakeCandidate,
    fast_track: FastTrackCandidate,
  },
  false,
);

/**
 * Checks a plan against the schema and the rules it cannot state; fills in defaults. Errors name
 * the field path (`candidates/3/lead_days`); a candidate is checked against the schema its `kind`
 * names, so messages point inside it.
 */
export function validatePlan(input: unknown, file?: string): Plan {
  const value = Value.Default(Plan, Value.Clone(input)) as Record<string, unknown>;
  const issues = CANDIDATES.issues(planCheck, value, file);
  if (issues.length) throw new ValidationError(dedupe(issues));
  const plan = value as unknown as Plan;
  const ids = new Map<string, number>();
  plan.candidates.forEach((c, i) => {
    if (ids.has(c.id)) issues.push(issue(`candidates/${i}/id`, `duplicate id ${JSON.stringify(c.id)}`, file));
    ids.set(c.id, i);
  });
  const products = new Set<string>();
  plan.products.forEach((p, i) => {
    const k = `${p.material}|${p.market ?? plan.market}`;
    if (products.has(k))
      issues.push(issue(`products/${i}/material`, 'listed twice for the same market', file));
    products.add(k);
  });
  const productNames = new Set(plan.products.map((p) => p.material));
  plan.candidates.forEach((c, i) => {
    const at = `candidates/${i}`;
    if (!productNames.has(c.product))
      issues.push(
        issue(`${at}/product`, `${JSON.stringify(c.product)} is not one of the plan's products`, file),
      );
    if (c.kind === 'fast_track') {
      const j = ids.get(c.target);
      const t = j === undefined ? undefined : plan.candidates[j];
      if (!t) issues.push(issue(`${at}/target`, `no candidate ${JSON.stringify(c.target)}`, file));
      else if (t.kind !== 'capacity' && t.kind !== 'recycling')
        issues.push(
          issue(`${at}/target`, `a fast-track speeds up capacity or recycling, not ${t.kind}`, file),
        );
      else {
        if (c.lead_days >= t.lead_days)
          issues.push(
            issue(`${at}/lead_days`, `not shorter than the target's lead time (${t.lead_days} days)`, file),
          );
        if (c.product !== t.product)
          issues.push(issue(`${at}/product`, `differs from its target's product (${t.product})`, file));
      }
    }
    if ((c.kind === 'capacity' || c.kind === 'recycling') && (c.min_per_year ?? 0) > c.max_per_year)
      issues.push(issue(`${at}/min_per_year`, 'above max_per_year', file));
    if (c.kind === 'offtake' && c.buyer === c.supplier)
      issues.push(issue(`${at}/supplier`, 'buyer and supplier are the same country', file));
    if (candidateCostless(c))
      issues.push(issue(at, 'costs nothing: give its cost (the optimiser would always buy it)', file));
  });
  if (plan.currency === 'INR' && !plan.exchange_rate.source && !plan.exchange_rate.illustrative)
    issues.push(
      issue('exchange_rate/source', 'give the rate’s source and date, or mark it illustrative', file),
    );
  if (!plan.exchange_rate.illustrative && !plan.exchange_rate.source)
    issues.push(issue('exchange_rate/source', 'a rate that is not illustrative needs its source', file));
  const probs = 'files' in plan.scenarios ? plan.scenarios.probabilities : undefined;
  if (probs && 'files' in plan.scenarios) {
    if (probs.length !== plan.scenarios.files.length)
      issues.push(issue('scenarios/probabilities', 'give one probability per file', file));
    else if (Math.abs(probs.reduce((a, b) => a + b, 0) - 1) > 1e-9)
      issues.push(issue('scenarios/probabilities', 'must sum to 1', file));
  }
  if (issues.length) throw new ValidationError(dedupe(issues));
  return plan;
}

function candidateCostless(c: PlanCandidate): boolean {
  switch (c.kind) {
    case 'capacity':
    case 'recycling':
      return c.fixed_cost === 0 && c.cost_per_unit_year === 0;
    case 'stockpile':
      return (c.fixed_cost ?? 0) === 0 && c.cost_per_unit === 0 && c.holding_cost_per_unit_year === 0;
    case 'offtake':
      return (c.fixed_cost ?? 0) === 0 && c.price_premium_per_unit === 0;
    case 'fast_track':
      return c.cost === 0;
  }
}

/** Reads and validates a plan file. */
export function loadPlan(path: string): { plan: Plan; file: string } {
  if (!existsSync(path) || !statSync(path).isFile()) throw new NotFoundError('plan file', path, []);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ValidationError([{ file: path, message: `not valid JSON: ${(e as Error).message}` }]);
  }
  return { plan: validatePlan(json, path), file: path };
}

// ── the optimiser ─────────────────────────────────────────────────────────────────────────────

interface ScenarioDraw {
  name: string;
  probability: number;
  shocks: Shock[];
}

interface ProductRef {
  index: number;
  material: string;
  market: string;
  members: string[];
  weight: number;
  given: Plan['products'][number];
}

function quantile(values: number[], prob: Float64Array, q: number): number {
  return weightedQuantile(Float64Array.from(values), prob, q);
}

function expectation(values: ArrayLike<number>, prob: Float64Array): number {
  let z = 0;
  for (let s = 0; s < prob.length; s++) z += prob[s]! * values[s]!;
  return z;
}

/** The curve of (material, market) in a report: the group itself, or the sum of a region's members. */
function productCurves(
  rep: SimulationReport,
  material: string,
  market: string,
  members: string[],
): { shortfall: Float64Array; demand: Float64Array } | null {
  const curves = rep.curves ?? [];
  const exact = curves.find((c) => c.material === material && c.market === market);
  if (exact) return { shortfall: exact.shortfall, demand: exact.demand };
  const parts = curves.filter((c) => c.material === material && members.includes(c.market));
  if (!parts.length) return null;
  const n = parts[0]!.shortfall.length;
  const shortfall = new Float64Array(n);
  const demand = new Float64Array(n);
  for (const p of parts)
    for (let k = 0; k < n; k++) {
      shortfall[k] = shortfall[k]! + p.shortfall[k]!;
      demand[k] = demand[k]! + p.demand[k]!;
    }
  return { shortfall, demand };
}

/**
 * Optimises a plan (a file path or a plan object) on the store's data. Returns a report (also when
 * the model is infeasible, unbounded or stopped at the time limit); throws ValidationError or
 * NotFoundError for a bad plan, naming the field.
 */
export async function optimizePlan(
  store: StoreOrView,
  planOrPath: string | unknown,
  opts: OptimizeOptions = {},
): Promise<OptimizeReport> {
  const t0 = performance.now();
  const { plan, file } =
    typeof planOrPath === 'string'
      ? loadPlan(planOrPath)
      : { plan: validatePlan(planOrPath, opts.file), file: opts.file ?? null };
  const progress = opts.onProgress ?? (() => {});
  const cancelled = () => {
    if (opts.signal?.aborted) throw new Error('optimisation cancelled');
  };
  const rate = plan.exchange_rate.inr_per_usd;
  const toUsd = (x: number) => (plan.currency === 'INR' ? x / rate : x);
  const money = (amount: number): Money => ({ amount, currency: plan.currency, usd: toUsd(amount) });
  const fromUsd = (usd: number): Money => ({
    amount: plan.currency === 'INR' ? usd * rate : usd,
    currency: plan.currency,
    usd,
  });
  const budget = opts.budget ?? plan.budget;
  if (!(budget >= 0))
    throw new ValidationError([{ column: 'budget', message: `must be ≥ 0, got ${budget}` }]);
  const warnings: string[] = [];
  const assumptions: string[] = [...(plan.assumptions ?? [])];
  const sources = new Set<string>();

  // names against the store
  const names = await resolver(store);
  const regions: Record<string, string[]> = { TRUST: ['USA', 'IND'], ...names.regions };
  const one = (name: string, path: string): string => {
    const list = names.material(name, path);
    if (list.length > 1)
      throw new ValidationError([
        {
          column: path,
          message: `${JSON.stringify(name)} names ${list.length} materials (${list.join(', ')}): name one`,
        },
      ]);
    return list[0]!;
  };
  names.country(plan.market, 'market', true);
  const products: ProductRef[] = plan.products.map((p, i) => {
    const market = p.market ?? plan.market;
    names.country(market, `products/${i}/market`, true);
    for (const [k, s] of (p.illustrative_quantities?.supply ?? []).entries())
      names.country(s.country, `products/${i}/illustrative_quantities/supply/${k}/country`);
    return {
      index: i,
      material: one(p.material, `products/${i}/material`),
      market,
      members: regions[market] ? [...regions[market]!] : [market],
      weight: p.weight,
      given: p,
    };
  });
  const productOf = new Map(plan.products.map((p, i) => [p.material, i]));
  const units = new Map(names.materials.map((m) => [m.id, m.unit]));
  const fei = new Map<number, ChosenIntervention['existingRegisteredSite']>();
  for (const [i, c] of plan.candidates.entries()) {
    const at = `candidates/${i}`;
    if (c.kind === 'capacity' || c.kind === 'recycling') names.country(c.country, `${at}/country`);
    if (c.kind === 'stockpile') names.country(c.holder, `${at}/holder`);
    if (c.kind === 'offtake') {
      names.country(c.buyer, `${at}/buyer`);
      names.country(c.supplier, `${at}/supplier`);
    }
    if (c.kind === 'capacity' && c.establishment_fei) {
      const rows = await store.db
        .selectFrom('establishment')
        .select(['fei', 'firm_name', 'country', 'api_manufacture', 'source_id'])
        .where('fei', '=', c.establishment_fei)
        .execute();
      if (!rows.length)
        throw new ValidationError([
          {
            column: `${at}/establishment_fei`,
            message: `no FDA-registered establishment with FEI ${c.establishment_fei} in the data`,
          },
        ]);
      const r = rows.find((x) => x.country === c.country);
      if (!r)
        throw new ValidationError([
          {
            column: `${at}/establishment_fei`,
            message: `FEI ${c.establishment_fei} (${rows[0]!.firm_name}) is registered in ${rows[0]!.country}, not ${c.country}`,
          },
        ]);
      sources.add(r.source_id);
      fei.set(i, {
        fei: r.fei,
        firmName: r.firm_name,
        country: r.country,
        apiManufacture: Boolean(Number(r.api_manufacture)),
      });
    }
  }

  // the scenario set
  const draws: ScenarioDraw[] = [];
  let scenarioName: string;
  let seed: number | null = null;
  let baseLevers: NonNullable<Scenario['levers']> = {};
  if ('hazard_set' in plan.scenarios) {
    const { set: given, file: setFile } = loadHazardSet(resolvePath(plan.scenarios.hazard_set, file));
    const { set } = await resolveHazardSet(store, given);
    seed = plan.scenarios.seed ?? 1;
    scenarioName = set.name;
    if (set.levers) baseLevers = structuredClone(set.levers);
    for (let r = 0; r < plan.scenarios.runs; r++)
      draws.push({
        name: `${set.name} run ${r}`,
        probability: 1 / plan.scenarios.runs,
        shocks: sampleRun(set.hazards, new RunRandom(seed, r), plan.horizon_days, UNIT_SCALE),
      });
    assumptions.push(
      `scenarios: ${plan.scenarios.runs} runs of the hazard set "${set.name}" (${setFile}), seed ${seed}, drawn as the Monte Carlo draws them (Philox4x32-10 keyed by (seed, run)), each with probability 1/${plan.scenarios.runs}; its hazards are ${set.illustrative ? 'ILLUSTRATIVE assumptions' : 'taken from the set'}`,
    );
    if (set.year !== plan.year || set.horizon_days !== plan.horizon_days)
      assumptions.push(
        `the set's year ${set.year} and horizon ${set.horizon_days} days are replaced by the plan's (${plan.year}, ${plan.horizon_days} days)`,
      );
  } else {
    scenarioName = plan.scenarios.files.join(', ');
    const probs = plan.scenarios.probabilities;
    for (const [k, f] of plan.scenarios.files.entries()) {
      const path = resolvePath(f, file);
      if (!existsSync(path)) throw new NotFoundError('scenario file', path, []);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new ValidationError([{ file: path, message: `not valid JSON: ${(e as Error).message}` }]);
      }
      const sc = validateScenario(json, path);
      const late = sc.shocks.filter((x) => x.start_day >= plan.horizon_days).length;
      if (late)
        warnings.push(
          `${f}: ${late} shock(s) start after the plan's horizon (${plan.horizon_days} days) and are left out`,
        );
      const shocks = structuredClone(sc.shocks.filter((x) => x.start_day < plan.horizon_days));
      shocks.forEach((s, i) => {
        s.materials = [
          ...new Set(s.materials.flatMap((m, j) => names.material(m, `${path}: shocks/${i}/materials/${j}`))),
        ];
      });
      draws.push({ name: sc.name, probability: probs?.[k] ?? 1 / plan.scenarios.files.length, shocks });
    }
    assumptions.push(
      'scenarios: the shocks of each scenario file, on the plan’s base year, horizon and markets (the files’ own levers are not used)',
    );
  }
  const S = draws.length;
  const prob = Float64Array.from(draws, (d) => d.probability);

  // simulate every scenario (curves kept), plus one run without shocks for base demand
  const scope = new Set<string>(products.map((p) => p.material));
  for (const d of draws) for (const s of d.shocks) for (const m of s.materials) scope.add(m);
  const markets = [...new Set(products.map((p) => p.market))];
  const scenarioOf = (shocks: Shock[], levers: NonNullable<Scenario['levers']>, name: string): Scenario => ({
    name,
    year: plan.year,
    horizon_days: plan.horizon_days,
    step_days: 1,
    markets,
    materials: [...scope].sort(),
    shocks,
    ...(Object.keys(levers).length ? { levers } : {}),
    seed: null,
  });
  const totalSims = 1 + 2 * S;
  let sims = 0;
  const run = async (sc: Scenario) => {
    cancelled();
    const rep = await simulate(store, sc, { save: false, curves: true });
    sims++;
    progress('simulate', sims, totalSims);
    for (const x of rep.sources) sources.add(x);
    return rep;
  };
  const baseRun = await run(scenarioOf([], baseLevers, `${plan.name}: no shock`));
  for (const a of baseRun.assumptions) assumptions.push(a);
  for (const w of baseRun.warnings) warnings.push(`simulation: ${w}`);

  const T = plan.periods;
  const H = plan.horizon_days;
  const periodStart = Float64Array.from({ length: T }, (_, t) => Math.round((t * H) / T));
  const periodEnd = Float64Array.from({ length: T }, (_, t) => Math.round(((t + 1) * H) / T));
  const P = products.length;
  const simulated = products.map((p) => productCurves(baseRun, p.material, p.market, p.members) !== null);
  const annualDemand = new Float64Array(P);
  const unitOf = products.map((p) => units.get(p.material) ?? '');
  for (const [k, p] of products.entries()) {
    const c = productCurves(baseRun, p.material, p.market, p.members);
    const iq = p.given.illustrative_quantities;
    if (c) {
      annualDemand[k] = (c.demand.reduce((a, b) => a + b, 0) * DAYS_PER_YEAR) / H;
      if (iq)
        warnings.push(`products/${k}: ${p.material} is simulated; its illustrative_quantities are not used`);
    } else if (iq) {
      annualDemand[k] = iq.demand_per_year;
      assumptions.push(
        `${p.material} in ${p.market}: not simulated (no public quantities by country); ILLUSTRATIVE demand ${iq.demand_per_year} ${unitOf[k]}/yr and supply ${iq.supply.map((s) => `${s.country} ${s.per_year}`).join(', ')} from the plan, each losing what the scenario's shocks cut off (time-averaged per period)${iq.note ? `: ${iq.note}` : ''}`,
      );
    } else
      throw new ValidationError([
        {
          column: `products/${k}/illustrative_quantities`,
          ...(file ? { file } : {}),
          message: `${p.material} has no simulated demand in ${p.market} (no production figures by country, or no demand there): give illustrative_quantities`,
        },
      ]);
  }

  // baseline shortfall per (scenario, product, period)
  const gap = new Float64Array(S * P * T);
  for (const [s, d] of draws.entries()) {
    const needSim = simulated.some(Boolean);
    const rep = needSim ? await run(scenarioOf(d.shocks, baseLevers, d.name)) : null;
    if (!needSim) {
      sims++;
      progress('simulate', sims, totalSims);
    }
    for (const [k, p] of products.entries()) {
      const o = (s * P + k) * T;
      if (simulated[k]) {
        const c = productCurves(rep!, p.material, p.market, p.members)!;
        gap.set(sumByPeriod(c.shortfall, 1, periodStart, periodEnd), o);
      } else {
        const iq = p.given.illustrative_quantities!;
        const mats = new Set([p.material]);
        const supply = iq.supply.reduce((a, x) => a + x.per_year, 0);
        for (let t = 0; t < T; t++) {
          const days = periodEnd[t]! - periodStart[t]!;
          let short = (Math.max(0, iq.demand_per_year - supply) * days) / DAYS_PER_YEAR;
          for (const x of iq.supply)
            short +=
              (x.per_year *
                days *
                lostShare(d.shocks, x.country, mats, p.members, periodStart[t]!, periodEnd[t]!)) /
              DAYS_PER_YEAR;
          short += surgeDemand(
            d.shocks,
            [p.market, ...p.members],
            mats,
            iq.demand_per_year / DAYS_PER_YEAR,
            periodStart[t]!,
            periodEnd[t]!,
          );
          gap[o + t] = short;
        }
      }
    }
  }

  // the instance
  const N = plan.candidates.length;
  const idIndex = new Map(plan.candidates.map((c, i) => [c.id, i]));
  const kind = new Uint8Array(N);
  const product = new Int32Array(N);
  const fixedCost = new Float64Array(N);
  const unitCost = new Float64Array(N);
  const minSize = new Float64Array(N);
  const maxSize = new Float64Array(N);
  const startDay = new Float64Array(N);
  const endDay = new Float64Array(N).fill(Number.POSITIVE_INFINITY);
  const target = new Int32Array(N).fill(-1);
  const required = new Uint8Array(N);
  const years = H / DAYS_PER_YEAR;
  for (const [i, c] of plan.candidates.entries()) {
    product[i] = productOf.get(c.product)!;
    required[i] = c.required ? 1 : 0;
    switch (c.kind) {
      case 'capacity':
      case 'recycling':
        kind[i] = c.kind === 'capacity' ? KIND_CAPACITY : KIND_RECYCLING;
        fixedCost[i] = toUsd(c.fixed_cost);
        unitCost[i] = toUsd(c.cost_per_unit_year);
        minSize[i] = c.min_per_year ?? 0;
        maxSize[i] = c.max_per_year;
        startDay[i] = c.lead_days;
        break;
      case 'stockpile':
        kind[i] = KIND_STOCKPILE;
        fixedCost[i] = toUsd(c.fixed_cost ?? 0);
        unitCost[i] = toUsd(c.cost_per_unit + c.holding_cost_per_unit_year * years);
        maxSize[i] = c.max_units;
        startDay[i] = c.lead_days ?? 0;
        break;
      case 'offtake':
        kind[i] = KIND_OFFTAKE;
        fixedCost[i] = toUsd(c.fixed_cost ?? 0);
        unitCost[i] = toUsd(c.price_premium_per_unit * c.term_years);
        minSize[i] = c.divisible ? 0 : c.volume_per_year;
        maxSize[i] = c.volume_per_year;
        startDay[i] = c.start_day ?? 0;
        endDay[i] = startDay[i]! + c.term_years * DAYS_PER_YEAR;
        break;
      case 'fast_track':
        kind[i] = KIND_FASTTRACK;
        fixedCost[i] = toUsd(c.cost);
        target[i] = idIndex.get(c.target)!;
        startDay[i] = c.lead_days;
        break;
    }
  }
  const availability = new Float32Array(S * N * T).fill(1);
  for (const [s, d] of draws.entries())
    for (const [i, c] of plan.candidates.entries()) {
      const p = products[product[i]!]!;
      const mats = new Set([p.material]);
      let country: string | null = null;
      let buyers = p.members;
      if (c.kind === 'capacity' || c.kind === 'recycling') country = c.country;
      else if (c.kind === 'offtake') {
        country = c.supplier;
        buyers = [c.buyer];
      }
      if (!country) continue;
      for (let t = 0; t < T; t++)
        availability[(s * N + i) * T + t] =
          1 - lostShare(d.shocks, country, mats, buyers, periodStart[t]!, periodEnd[t]!);
    }
  for (let i = 0; i < N; i++)
    if (kind[i] === KIND_FASTTRACK)
      for (let s = 0; s < S; s++)
        for (let t = 0; t < T; t++)
          availability[(s * N + i) * T + t] = availability[(s * N + target[i]!) * T + t]!;
  const weight = Float64Array.from(products, (p, k) =>
    annualDemand[k]! > 0 ? p.weight / annualDemand[k]! : 0,
  );
  const inst: PortfolioInstance = {
    products: P,
    periods: T,
    scenarios: S,
    candidates: N,
    weight,
    probability: prob,
    periodStart,
    periodEnd,
    gap,
    kind,
    product,
    fixedCost,
    unitCost,
    minSize,
    maxSize,
    startDay,
    endDay,
    target,
    required,
    availability,
    budget: toUsd(budget),
    cvar: plan.risk ? { alpha: plan.risk.cvar_alpha, weight: plan.risk.cvar_weight } : null,
  };

  // solve at every budget of the curve (one model, warm-started upward)
  const shares = [...new Set([...(plan.budget_curve ?? DEFAULT_BUDGET_CURVE), 1])].sort((a, b) => a - b);
  const highs = opts.inline ? await loadHighs() : null;
  cancelled();
  const timeLimit = opts.timeLimitSeconds ?? plan.solver?.time_limit_seconds ?? DEFAULT_TIME_LIMIT;
  const mipGap = plan.solver?.mip_gap ?? DEFAULT_MIP_GAP;
  const budgets = shares.map((x) => toUsd(budget) * x);
  const solves = opts.inline
    ? solvePortfolio(highs!, inst, {
        timeLimitSeconds: timeLimit,
        mipRelGap: mipGap,
        budgets,
        onSolve: (done, total) => progress('solve', done, total),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }).solves
    : await solveInWorker(
        { inst, timeLimitSeconds: timeLimit, mipRelGap: mipGap, budgets },
        progress,
        opts.signal,
      );
  const summary = (sv: PortfolioSolve, share: number): SolveSummary => ({
    budgetShare: share,
    budget: fromUsd(sv.budget),
    status: sv.status,
    hasSolution: sv.hasSolution,
    size: sv.size,
    seconds: sv.seconds,
    objective: sv.objective,
    dualBound: sv.dualBound,
    gap: sv.gap,
    spent: sv.hasSolution ? fromUsd(sv.spent) : null,
    loss: sv.hasSolution
      ? { expected: expectation(sv.scenarioLoss, prob), p95: weightedQuantile(sv.scenarioLoss, prob, 0.95) }
      : null,
    ...(sv.diagnosis ? { message: sv.diagnosis.message } : {}),
  });
  const curve = solves.map((sv, k) => summary(sv, shares[k]!));
  const mainIndex = shares.indexOf(1);
  const main = solves[mainIndex]!;
  const mainSummary = curve[mainIndex]!;

  // chosen interventions
  const chosen: ChosenIntervention[] = [];
  const spentPerProduct = new Float64Array(P);
  if (main.hasSolution)
    for (const [i, c] of plan.candidates.entries()) {
      if (!main.bought[i]) continue;
      const costUsd = main.bought[i]! * fixedCost[i]! + unitCost[i]! * main.size_[i]!;
      spentPerProduct[product[i]!]! += costUsd;
      const u = unitOf[product[i]!]!;
      chosen.push({
        id: c.id,
        kind: KIND_NAMES[kind[i]!]!,
        product: products[product[i]!]!.material,
        size: main.size_[i]!,
        sizeUnit: c.kind === 'stockpile' ? u : `${u}/yr`,
        cost: fromUsd(costUsd),
        where:
          c.kind === 'stockpile'
            ? c.holder
            : c.kind === 'offtake'
              ? `${c.supplier}→${c.buyer}`
              : c.kind === 'fast_track'
                ? `for ${c.target}`
                : c.country,
        leadDays: c.kind === 'offtake' ? (c.start_day ?? 0) : 'lead_days' in c ? (c.lead_days ?? 0) : null,
        existingRegisteredSite: fei.get(i) ?? null,
        illustrative: c.illustrative,
        source: c.source ?? null,
      });
      if (c.source) sources.add(c.source);
    }

  // re-simulation with the chosen interventions as levers
  const levers = leversFor(plan, products, main, baseLevers, baseRun, simulated, warnings);
  const baseLossModel = baselineLoss(inst);
  const perProductBefore = products.map((_, k) => perScenario(gap, S, P, T, k));
  const afterSim: (number[] | null)[] = products.map(() => null);
  let afterResimLoss: number[] | null = null;
  if (main.hasSolution && simulated.some(Boolean)) {
    const lossS: number[] = new Array(S).fill(0);
    const rows: number[][] = products.map(() => new Array(S).fill(0));
    for (const [s, d] of draws.entries()) {
      const rep = await run(scenarioOf(d.shocks, levers, `${d.name} with interventions`));
      for (const [k, p] of products.entries()) {
        let v: number;
        if (simulated[k]) {
          const c = productCurves(rep, p.material, p.market, p.members);
          v = c ? c.shortfall.reduce((a, b) => a + b, 0) : 0;
        } else v = modelShortfall(main, inst, s, k);
        rows[k]![s] = v;
        lossS[s]! += weight[k]! * v;
      }
    }
    products.forEach((_, k) => {
      if (simulated[k]) afterSim[k] = rows[k]!;
    });
    afterResimLoss = lossS;
  } else if (main.hasSolution) progress('simulate', totalSims, totalSims);

  const productResults: ProductResult[] = products.map((p, k) => {
    const before = perProductBefore[k]!;
    const after = main.hasSolution
      ? Array.from({ length: S }, (_, s) => modelShortfall(main, inst, s, k))
      : before;
    return {
      material: p.material,
      market: p.market,
      unit: unitOf[k]!,
      weight: p.weight,
      annualDemand: annualDemand[k]!,
      simulated: simulated[k]!,
      before: { expected: expectation(before, prob), p95: quantile(before, prob, 0.95) },
      afterModel: { expected: expectation(after, prob), p95: quantile(after, prob, 0.95) },
      afterResimulated: afterSim[k]
        ? { expected: expectation(afterSim[k]!, prob), p95: quantile(afterSim[k]!, prob, 0.95) }
        : null,
      spent: fromUsd(spentPerProduct[k]!),
      illustrative:
        !simulated[k] || plan.candidates.some((c) => c.product === p.given.material && c.illustrative),
    };
  });

  const priorities = await rankPriorities(
    store,
    products,
    productResults,
    weight,
    annualDemand,
    spentPerProduct,
    simulated,
  );

  if (plan.exchange_rate.illustrative) assumptions.push(`exchange rate ${rate} INR per USD is ILLUSTRATIVE`);
  else
    assumptions.push(
      `exchange rate ${rate} INR per USD (${plan.exchange_rate.source}${plan.exchange_rate.date ? `, ${plan.exchange_rate.date}` : ''})`,
    );
  const illus = plan.candidates.filter((c) => c.illustrative).map((c) => c.id);
  if (illus.length)
    assumptions.push(`ILLUSTRATIVE candidate figures (costs, sizes, lead times): ${illus.join(', ')}`);
  assumptions.push(
    `objective: criticality-weighted expected shortfall, each product's shortfall divided by its annual demand in the market (a share of a year's demand) × its weight${inst.cvar ? ` + ${inst.cvar.weight} × CVaR at α = ${inst.cvar.alpha}` : ''}; a tie-break of 10⁻⁴ of the baseline per budget spent prefers the cheaper of equally good portfolios`,
    `second stage: per scenario, product and ${T} periods of ~${Math.round(H / T)} days, the shortfall the simulator found without interventions is reduced by what the chosen interventions deliver (capacity and recycling from their lead time, at full rate; offtakes during their term unless the scenario cuts their supplier off; stockpiles drawn down with a stock balance); the model assumes their whole output reaches the product's market`,
    'after: re-simulated by the flow simulator with the interventions as scenario levers — capacity and recycling as ramp-ups of their country (from the lead time, fast-tracked part earlier), stockpiles as extra days of cover of the holder’s stock, offtakes as agreements (for the whole horizon, whatever their term) — beside the model’s own estimate; products the simulator cannot simulate show the model estimate only',
    `MIP solved by HiGHS to a relative gap of ${mipGap} (time limit ${timeLimit} s per solve); the budget curve re-solves the same model with only the budget changed, warm-started from the previous portfolio; its losses are model estimates`,
  );
  for (const c of plan.citations ?? []) sources.add(c.url ?? c.title);
  const status = main.status;
  const message =
    main.diagnosis?.message ??
    (status === 'optimal'
      ? `optimal within a ${(mipGap * 100).toFixed(2)} % gap`
      : status === 'time-limit'
        ? main.hasSolution
          ? `time limit reached: best portfolio found, gap ${main.gap === null ? 'unknown' : `${(main.gap * 100).toFixed(2)} %`}`
          : 'time limit reached before any portfolio was found'
        : `solver status ${status}`);
  return {
    plan: {
      name: plan.name,
      file,
      currency: plan.currency,
      exchangeRate: plan.exchange_rate,
      budget: money(budget),
      year: plan.year,
      horizonDays: H,
      periods: T,
      scenarios: {
        kind: 'hazard_set' in plan.scenarios ? 'hazard_set' : 'files',
        count: S,
        seed,
        name: scenarioName,
      },
    },
    status,
    message,
    diagnosis: main.diagnosis ?? null,
    solve: mainSummary,
    chosen,
    spent: main.hasSolution ? fromUsd(main.spent) : null,
    products: productResults,
    totals: {
      before: {
        expected: expectation(baseLossModel, prob),
        p95: weightedQuantile(baseLossModel, prob, 0.95),
      },
      afterModel: mainSummary.loss,
      afterResimulated: afterResimLoss
        ? { expected: expectation(afterResimLoss, prob), p95: quantile(afterResimLoss, prob, 0.95) }
        : null,
    },
    budgetCurve: curve,
    priorities,
    levers,
    sources: [...sources].sort(),
    assumptions: [...new Set(assumptions)],
    warnings,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The worker's entry: the compiled .js beside this file, or the .ts source through tsx (development, tests). */
function startWorker(data: OptWorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const pkgFile = createRequire(here).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    const tsx = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
    const entry = new URL('./optimize-worker.ts', here).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: data });
  }
  return new Worker(new URL('./optimize-worker.js', here), { workerData: data });
}

/** Solves the budget curve in a worker thread; `signal` terminates it. */
function solveInWorker(
  data: OptWorkerData,
  progress: (stage: string, done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<PortfolioSolve[]> {
  return new Promise((resolvePromise, reject) => {
    const w = startWorker(data);
    let settled = false;
    const end = (err: Error | null, solves?: PortfolioSolve[]) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void w.terminate();
      if (err) reject(err);
      else resolvePromise(solves!);
    };
    const onAbort = () => end(new Error('optimisation cancelled'));
    signal?.addEventListener('abort', onAbort);
    w.on('message', (m: OptWorkerMessage) => {
      if (m.kind === 'progress') progress('solve', m.done, m.total);
      else if (m.kind === 'done') end(null, m.solves);
      else end(new SolverError(`optimiser worker: ${m.name}: ${m.message}`));
    });
    w.on('error', (e) => end(e));
    w.on('exit', (code) =>
      end(new Error(`the optimiser worker stopped (exit code ${code}) before it finished`)),
    );
  });
}

/** A path in a plan: as given if it exists, else relative to the plan file's folder. */
function resolvePath(p: string, planFile: string | null): string {
  if (existsSync(p) || !planFile) return p;
  const rel = resolve(dirname(planFile), p);
  return existsSync(rel) ? rel : p;
}

function perScenario(gap: Float64Array, S: number, P: number, T: number, k: number): number[] {
  return Array.from({ length: S }, (_, s) => {
    let z = 0;
    for (let t = 0; t < T; t++) z += gap[(s * P + k) * T + t]!;
    return z;
  });
}

/** The model's shortfall of product k in scenario s (Σ over periods). */
function modelShortfall(sv: PortfolioSolve, inst: PortfolioInstance, s: number, k: number): number {
  return sv.productScenarioShortfall[s * inst.products + k]!;
}

function leversFor(
  plan: Plan,
  products: ProductRef[],
  sv: PortfolioSolve,
  base: NonNullable<Scenario['levers']>,
  baseRun: SimulationReport,
  simulated: boolean[],
  warnings: string[],
): NonNullable<Scenario['levers']> {
  const levers = structuredClone(base);
  if (!sv.hasSolution) return levers;
  const idIndex = new Map(plan.candidates.map((c, i) => [c.id, i]));
  const fastFor = new Map<number, number>();
  plan.candidates.forEach((c, i) => {
    if (c.kind === 'fast_track' && sv.bought[i] && sv.size_[i]! > 0) fastFor.set(idIndex.get(c.target)!, i);
  });
  const defaultCover = base.default_days_of_cover ?? 30;
  for (const [i, c] of plan.candidates.entries()) {
    if (!sv.bought[i] || !(sv.size_[i]! > 0)) continue;
    const k = products.findIndex((p) => p.given.material === c.product);
    if (!simulated[k]) continue; // not simulated: nothing to re-simulate (the model estimate stands)
    const material = products[k]!.material;
    if (c.kind === 'capacity' || c.kind === 'recycling') {
      const x = sv.size_[i]!;
      const f = fastFor.get(i);
      const z = f === undefined ? 0 : Math.min(x, sv.size_[f]!);
      levers.ramp_ups ??= [];
      if (z > 0) {
        const ft = plan.candidates[f!] as Extract<PlanCandidate, { kind: 'fast_track' }>;
        levers.ramp_ups.push({
          supplier: c.country,
          material,
          extra_per_year: z,
          build_days: ft.lead_days,
          ramp_days: 0,
          illustrative: c.illustrative,
          note: `${c.id} fast-tracked by ${ft.id}`,
        });
      }
      if (x - z > 1e-9)
        levers.ramp_ups.push({
          supplier: c.country,
          material,
          extra_per_year: x - z,
          build_days: c.lead_days,
          ramp_days: 0,
          illustrative: c.illustrative,
          note: c.id,
        });
    } else if (c.kind === 'stockpile') {
      const curve = baseRun.curves?.find((k) => k.material === material && k.market === c.holder);
      const perDay = curve ? curve.demand.reduce((a, b) => a + b, 0) / curve.demand.length : 0;
      if (!(perDay > 0)) {
        warnings.push(
          `${c.id}: ${c.holder} has no simulated demand for ${material}; the stockpile is not re-simulated`,
        );
        continue;
      }
      levers.stocks ??= [];
      const existing = levers.stocks.find((s) => s.holder === c.holder && s.material === material);
      const cover = (existing?.days_of_cover ?? defaultCover) + sv.size_[i]! / perDay;
      if (existing) existing.days_of_cover = cover;
      else
        levers.stocks.push({
          holder: c.holder,
          material,
          days_of_cover: cover,
          illustrative: c.illustrative,
          note: `${c.id}: ${sv.size_[i]!.toPrecision(4)} units on top of ${defaultCover} days`,
        });
    } else if (c.kind === 'offtake') {
      levers.agreements ??= [];
      levers.agreements.push({
        buyer: c.buyer,
        supplier: c.supplier,
        material,
        volume_per_year: sv.size_[i]!,
        illustrative: c.illustrative,
        note: c.id,
      });
    }
  }
  return levers;
}

/**
 * The 2–3 products to start with: products the portfolio spends on, by weighted loss avoided per
 * USD (model estimate), then the remaining products with a shortfall by criticality-weighted
 * expected loss. Reasons: loss avoided per USD, criticality weight, world production
 * concentration (HHI, newest year in the data).
 */
async function rankPriorities(
  store: StoreOrView,
  products: ProductRef[],
  results: ProductResult[],
  weight: Float64Array,
  annualDemand: Float64Array,
  spentUsd: Float64Array,
  simulated: boolean[],
): Promise<Priority[]> {
  const prod = await newestProductionByMaterial(store);
  const rows = products.map((p, k) => {
    const r = results[k]!;
    const avoided = weight[k]! * (r.before.expected - r.afterModel.expected);
    const perM = spentUsd[k]! > 0 ? (avoided / spentUsd[k]!) * 1e6 : null;
    let hhi: number | null = null;
    let note: string;
    const figures = prod.get(p.material);
    if (!simulated[k] && p.given.illustrative_quantities) {
      const sup = p.given.illustrative_quantities.supply;
      const tot = sup.reduce((a, x) => a + x.per_year, 0);
      hhi = tot > 0 ? sup.reduce((a, x) => a + (x.per_year / tot) ** 2, 0) * 10_000 : null;
      note = 'HHI of the plan’s ILLUSTRATIVE supply split';
    } else if (figures?.length) {
      // country rows and "Other countries" (never the rounded world total), newest year only
      const year = figures
        .map((f) => f.period)
        .sort()
        .at(-1);
      const q = figures.filter(
        (f) => f.quantity !== null && f.country !== AGGREGATE_CODES.world && f.period === year,
      );
      const tot = q.reduce((a, f) => a + f.quantity!, 0);
      hhi = tot > 0 ? q.reduce((a, f) => a + (f.quantity! / tot) ** 2, 0) * 10_000 : null;
      const top = [...q].sort((a, b) => b.quantity! - a.quantity!)[0];
      note =
        hhi === null
          ? 'no production figures'
          : `world production ${year} (${q[0]!.source_id}); largest ${top!.country} ${((top!.quantity! / tot) * 100).toFixed(0)} %`;
    } else note = 'unavailable: no production figures by country in the data';
    return { k, avoided, perM, hhi, note, baseline: weight[k]! * r.before.expected };
  });
  const bought = rows.filter((r) => r.perM !== null && r.avoided > 0).sort((a, b) => b.perM! - a.perM!);
  const rest = rows
    .filter((r) => !bought.includes(r) && r.baseline > 0)
    .sort((a, b) => b.baseline - a.baseline || (b.hhi ?? 0) - (a.hhi ?? 0));
  const pick = [...bought, ...rest].slice(0, 3);
  return pick.map((r, i) => {
    const p = products[r.k]!;
    const res = results[r.k]!;
    const reasons: string[] = [];
    if (r.perM !== null)
      reasons.push(
        `avoids ${r.perM.toPrecision(3)} weighted demand-years of expected shortfall per million USD (model estimate; ${(res.before.expected - res.afterModel.expected).toPrecision(3)} ${res.unit} a scenario on average)`,
      );
    else reasons.push('nothing in the portfolio for it at this budget');
    reasons.push(
      `expected shortfall without interventions ${res.before.expected.toPrecision(3)} ${res.unit} (${((res.before.expected / Math.max(annualDemand[r.k]!, 1e-300)) * 100).toFixed(2)} % of a year's demand), P95 ${res.before.p95.toPrecision(3)}`,
    );
    reasons.push(`criticality weight ${p.weight}${p.given.weight_basis ? ` (${p.given.weight_basis})` : ''}`);
    reasons.push(
      r.hhi === null ? `concentration ${r.note}` : `concentration HHI ${Math.round(r.hhi)} (${r.note})`,
    );
    return {
      rank: i + 1,
      material: p.material,
      market: p.market,
      reasons,
      avoidedPerMillionUsd: r.perM,
      weight: p.weight,
      hhi: r.hhi,
      concentrationNote: r.note,
    };
  });
}
