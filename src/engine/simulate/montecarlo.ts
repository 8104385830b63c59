import type { HazardSet, SensitivityVariant } from '../../model/hazard-set.js';
import { DEFAULT_SENSITIVITY } from '../../model/hazard-set.js';
import type { Scenario } from '../../model/index.js';
import { ValidationError } from '../../model/index.js';
import { type CompileOptions, compileScenario, resolveMaterialName } from './compile-scenario.js';
import {
  expectedEvents,
  type HazardScale,
  hazardLabel,
  hazardPlace,
  sampleRun,
  UNIT_SCALE,
} from './hazards.js';
import { runSimulation, SHORT_TOLERANCE } from './kernel.js';
import { RunRandom, seedKey } from './prng.js';
import type { SimNetwork } from './sim-network.js';

/**
 * Monte Carlo over a hazard set (DESIGN "Monte Carlo"): run i draws its shocks from the set's
 * hazards with the counter-based generator keyed by (seed, i) (prng.ts, hazards.ts), compiles
 * them onto the network and runs the flow kernel (summaries only). Runs are independent, so they
 * can be spread over worker threads in any grouping; each run's figures land at its index and
 * every statistic is reduced in run order, so the answer is the same for any number of threads.
 *
 * Statistics per (material, market) over the runs: mean; percentiles by nearest rank
 * (P_q = the ⌈q·N⌉-th smallest value, an observed run); worst. The tail of a (material, market)
 * is the runs at or above its P95 shortfall with a shortfall at all; a hazard's part in it is how
 * often it fired there against how often it fired overall (lift), and its share of the tail's
 * shortfall when each tail run's shortfall is split equally among the hazards that fired in it
 * and can reach the material (an attribution, not a counterfactual). A hazard reaches a material
 * when its materials are linked to it by recipes: the kernel couples materials only through
 * recipe inputs, so a shock on an unlinked material cannot change its supply.
 *
 * The sensitivity analysis repeats the first K runs with every rate, severity or duration scaled
 * (with the same random numbers: common random numbers) and reports how mean and P95 move
 * against the base case over the same K runs.
 */

/** Figures kept per run and (material, market). */
export const STAT_SHORTFALL = 0;
export const STAT_DEMAND = 1;
export const STAT_DELIVERED = 2;
export const STAT_PEAK = 3;
export const STAT_DAYS_SHORT = 4;
export const STATS = 5;

export const PRNG_DESCRIPTION =
  'Philox4x32-10 (Salmon et al. 2011), key = seed, counter = (block, run, hazard, 0): run i’s draws depend only on (seed, i)';

export interface MonteCarloOptions {
  seed: number;
  /** region code → members (for markets and demand surges); TRUST = USA + IND by default */
  regions?: CompileOptions['regions'];
}

export interface McGroup {
  material: string;
  market: string;
  unit: string;
}

/** Everything a worker needs besides the network: plain data (structured-clone safe). */
export interface MonteCarloPlan {
  setName: string;
  seed: number;
  horizonDays: number;
  stepDays: number;
  hazards: HazardSet['hazards'];
  /** the scenario every run starts from: no shocks, the set's markets, report materials and levers */
  scenario: Scenario;
  regions: NonNullable<CompileOptions['regions']>;
  groups: McGroup[];
  labels: string[];
  /**
   * per group: the hazards that can reach its material, i.e. whose materials are linked to it by
   * recipes (the kernel couples materials only through recipe inputs, so no other hazard can
   * change its supply)
   */
  groupHazards: number[][];
  variants: SensitivityVariant[];
  warnings: string[];
  assumptions: string[];
  sources: string[];
}

/** The figures of a block of runs of one variant: stats[(r·G + g)·STATS + k], fired[r·H + h]. */
export interface MonteCarloRuns {
  runs: number;
  stats: Float64Array;
  fired: Uint16Array;
  updates: number;
}

export function emptyRuns(plan: MonteCarloPlan, runs: number): MonteCarloRuns {
  return {
    runs,
    stats: new Float64Array(runs * plan.groups.length * STATS),
    fired: new Uint16Array(runs * plan.hazards.length),
    updates: 0,
  };
}

/** The scale of variant v: 0 is the base case, 1 … the set's sensitivity variants. */
export function variantScale(plan: MonteCarloPlan, v: number): HazardScale {
  if (v === 0) return UNIT_SCALE;
  const x = plan.variants[v - 1];
  if (!x) throw new RangeError(`no sensitivity variant ${v}`);
  return { rate: x.rate ?? 1, severity: x.severity ?? 1, duration: x.duration ?? 1 };
}

/**
 * Checks a set against a network and fixes what every run shares: the report materials (so
 * every run has the same (material, market) groups, in the same order), the labels and warnings
 * of hazards that touch nothing. Throws NotFoundError for a material the network lacks.
 */
export function planMonteCarlo(net: SimNetwork, set: HazardSet, opts: MonteCarloOptions): MonteCarloPlan {
  seedKey(opts.seed);
  const horizonDays = set.horizon_days ?? 365;
  const stepDays = set.step_days ?? 1;
  const names = set.report ?? set.hazards.flatMap((h) => h.materials);
  const report = [...new Set(names.flatMap((n) => resolveMaterialName(net, n)))].sort((a, b) => a - b);
  const regions = { TRUST: ['USA', 'IND'], ...(opts.regions ?? {}) };
  const scenario: Scenario = {
    name: set.name,
    year: set.year,
    horizon_days: horizonDays,
    step_days: stepDays,
    ...(set.markets ? { markets: [...set.markets] } : {}),
    materials: report.map((m) => net.materialIds[m]!),
    shocks: [],
    ...(set.levers ? { levers: structuredClone(set.levers) } : {}),
    seed: opts.seed,
  };
  const base = compileScenario(net, scenario, { regions });
  const warnings = [...base.warnings];
  // one probe per hazard: an event at day 0 lasting the horizon, to learn whether it touches anything
  set.hazards.forEach((h, i) => {
    const probe = sampleRun(
      [{ ...h, probability: 1, rate_per_year: undefined, start_day: { dist: 'fixed', value: 0 } }],
      new RunRandom(0, 0),
      horizonDays,
      UNIT_SCALE,
    );
    for (const s of probe) if ('duration_days' in s) s.duration_days = horizonDays;
    const cs = compileScenario(net, { ...scenario, shocks: probe }, { regions });
    for (const w of cs.warnings)
      if (w.startsWith('shocks/'))
        warnings.push(`hazards/${i} (${hazardLabel(h)}): ${w.replace(/^shocks\/\d+: /, '')}`);
  });
  // materials linked by recipes: union-find over (input material, output material) of every slot
  const parent = Int32Array.from(net.materialIds, (_, i) => i);
  const find = (m: number): number => {
    while (parent[m] !== m) {
      parent[m] = parent[parent[m]!]!;
      m = parent[m]!;
    }
    return m;
  };
  for (let s = 0; s < net.slotCount; s++) {
    const a = find(net.slotMaterial[s]!);
    const b = find(net.nodeMaterial[net.slotNode[s]!]!);
    if (a !== b) parent[a] = b;
  }
  const hazardRoots = set.hazards.map(
    (h) => new Set(h.materials.flatMap((n) => resolveMaterialName(net, n)).map(find)),
  );
  const groupHazards = base.groups.map((g) => {
    const root = find(g.material);
    return set.hazards.map((_, i) => i).filter((i) => hazardRoots[i]!.has(root));
  });
  const variants = set.sensitivity?.variants ?? [...DEFAULT_SENSITIVITY];
  const assumptions = [
    ...base.assumptions,
    `hazard rates, severities and durations are ${set.illustrative ? 'ILLUSTRATIVE assumptions' : 'taken from the set'} (${set.name}); the sensitivity analysis shows how the tail moves when they are scaled`,
    'hazards are independent; event counts are Poisson over the horizon (or one event with the given probability), start days uniform over the horizon unless given; overlapping capacity losses multiply',
    `random numbers: ${PRNG_DESCRIPTION}`,
    'percentiles by nearest rank over the runs (P95 = the ⌈0.95·N⌉-th smallest shortfall); a hazard’s share of the tail splits each tail run’s shortfall equally among the hazards that fired in it and are linked to the material by recipes (an attribution, not a counterfactual)',
  ];
  if (set.assumptions) assumptions.push(...set.assumptions);
  for (const [i, h] of set.hazards.entries())
    if (h.illustrative !== false)
      assumptions.push(
        `hazards/${i} ${hazardLabel(h)}: ${h.probability !== undefined ? `probability ${h.probability} in the horizon` : `${h.rate_per_year} events per year`} (illustrative)${h.basis ? ` — basis: ${h.basis}` : ''}`,
      );
  return {
    setName: set.name,
    seed: opts.seed,
    horizonDays,
    stepDays,
    hazards: set.hazards,
    scenario,
    regions,
    groups: base.groups.map((g) => ({
      material: net.materialIds[g.material]!,
      market: g.market,
      unit: net.materialUnits[g.material]!,
    })),
    labels: set.hazards.map(hazardLabel),
    groupHazards,
    variants,
    warnings,
    assumptions: [...new Set(assumptions)],
    sources: [...net.sources],
  };
}

/** The shocks of run `run` of variant `v` (to show or reproduce one run). */
export function runShocks(plan: MonteCarloPlan, run: number, v = 0): Scenario['shocks'] {
  return sampleRun(plan.hazards, new RunRandom(plan.seed, run), plan.horizonDays, variantScale(plan, v));
}

/**
 * Runs [from, to) of variant v on this thread, writing run r's figures at row r − offset of
 * `out` (offset defaults to from). A run depends only on (network, plan, v, r).
 */
export function runMonteCarloRange(
  net: SimNetwork,
  plan: MonteCarloPlan,
  v: number,
  from: number,
  to: number,
  out: MonteCarloRuns,
  offset = from,
  onRun?: (run: number) => void,
): void {
  const G = plan.groups.length;
  const H = plan.hazards.length;
  const scale = variantScale(plan, v);
  const fired = new Uint16Array(H);
  for (let r = from; r < to; r++) {
    const shocks = sampleRun(plan.hazards, new RunRandom(plan.seed, r), plan.horizonDays, scale, fired);
    const cs = compileScenario(
      net,
      { ...plan.scenario, name: `${plan.setName} run ${r}`, shocks },
      { regions: plan.regions },
    );
    if (cs.groups.length !== G) throw new Error(`run ${r}: ${cs.groups.length} report groups, expected ${G}`);
    const res = runSimulation(net, cs, { curves: false });
    const row = r - offset;
    out.fired.set(fired, row * H);
    const base = row * G * STATS;
    res.summaries.forEach((s, g) => {
      const o = base + g * STATS;
      out.stats[o + STAT_SHORTFALL] = s.shortfall;
      out.stats[o + STAT_DEMAND] = s.demand;
      out.stats[o + STAT_DELIVERED] = s.delivered;
      out.stats[o + STAT_PEAK] = s.peakShortfall;
      out.stats[o + STAT_DAYS_SHORT] = s.daysShort;
    });
    out.updates += res.updates;
    onRun?.(r);
  }
}

// ── reduction ─────────────────────────────────────────────────────────────────────────────────

export interface McStat {
  mean: number;
  p50: number;
  p95: number;
  worst: number;
}

export interface McFillRate {
  mean: number;
  p50: number;
  /** 5th percentile: the fill rate 95 % of runs reach */
  p5: number;
  worst: number;
}

export interface McDriver {
  hazard: number;
  label: string;
  type: string;
  place: string;
  materials: string[];
  /** tail runs in which the hazard fired */
  tailRuns: number;
  tailFrequency: number;
  /** share of all runs in which it fired */
  baseFrequency: number;
  /** tailFrequency / baseFrequency */
  lift: number | null;
  tailShortfallShare: number;
}

export interface McTail {
  /** the P95 shortfall */
  threshold: number;
  runs: number;
  drivers: McDriver[];
  /** share of the tail's shortfall by shock type and by country (from the drivers' shares) */
  byType: Record<string, number>;
  byPlace: Record<string, number>;
  /** share of the tail's shortfall in runs where no hazard linked to the material fired (the base state) */
  unattributed: number;
}

export interface McMarketResult {
  material: string;
  market: string;
  unit: string;
  /** mean demand over the horizon */
  demand: number;
  /** share of runs with a shortfall */
  probabilityShort: number;
  shortfall: McStat;
  /** shortfall as a share of demand */
  shortfallShare: McStat;
  fillRate: McFillRate;
  peakShortfall: McStat;
  daysShort: McStat;
  /** run index of the worst shortfall (the first such run) */
  worstRun: number;
  tail: McTail;
}

export interface McSensitivityRow {
  material: string;
  market: string;
  base: { mean: number; p95: number };
  variants: { mean: number; p95: number }[];
}

export interface McSensitivity {
  runs: number;
  variants: SensitivityVariant[];
  rows: McSensitivityRow[];
  /** per variant: groups whose P95 rose, fell, stayed */
  moves: { name: string; up: number; down: number; same: number; meanP95Change: number | null }[];
}

export interface McHazardSummary {
  index: number;
  label: string;
  type: string;
  place: string;
  materials: string[];
  expectedEvents: number;
  /** share of runs in which it fired */
  firedRuns: number;
  illustrative: boolean;
}

export interface MonteCarloResult {
  set: string;
  runs: number;
  seed: number;
  horizonDays: number;
  stepDays: number;
  prng: string;
  hazards: McHazardSummary[];
  markets: McMarketResult[];
  sensitivity: McSensitivity | null;
  updates: number;
  sources: string[];
  assumptions: string[];
  warnings: string[];
}

/** Nearest-rank percentile of an ascending array: the ⌈q·n⌉-th smallest. */
export function nearestRank(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const k = Math.min(n, Math.max(1, Math.ceil(q * n - 1e-12)));
  return sorted[k - 1]!;
}

function stat(values: Float64Array): McStat {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const sorted = Float64Array.from(values).sort();
  return {
    mean: sum / values.length,
    p50: nearestRank(sorted, 0.5),
    p95: nearestRank(sorted, 0.95),
    worst: sorted[sorted.length - 1]!,
  };
}

function column(runs: MonteCarloRuns, G: number, g: number, k: number, n = runs.runs): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = runs.stats[(r * G + g) * STATS + k]!;
  return out;
}

function isShort(shortfall: number, demand: number): boolean {
  return shortfall > SHORT_TOLERANCE * Math.max(demand, 1e-300);
}

/** Reduces the runs (in run order) to statistics per (material, market), tail drivers and sensitivity. */
export function summariseMonteCarlo(
  plan: MonteCarloPlan,
  base: MonteCarloRuns,
  sensitivity: { runs: number; variants: MonteCarloRuns[] } | null = null,
): MonteCarloResult {
  const N = base.runs;
  if (N < 1) throw new ValidationError([{ column: 'runs', message: 'at least one run is needed' }]);
  const G = plan.groups.length;
  const H = plan.hazards.length;
  const firedIn = (r: number, h: number) => base.fired[r * H + h]! > 0;
  const baseFired = new Float64Array(H);
  for (let r = 0; r < N; r++) for (let h = 0; h < H; h++) if (firedIn(r, h)) baseFired[h]!++;

  const markets = plan.groups.map((grp, g): McMarketResult => {
    const sf = column(base, G, g, STAT_SHORTFALL);
    const dem = column(base, G, g, STAT_DEMAND);
    const del = column(base, G, g, STAT_DELIVERED);
    const fill = new Float64Array(N);
    const share = new Float64Array(N);
    let demandSum = 0;
    let shortRuns = 0;
    let worstRun = 0;
    for (let r = 0; r < N; r++) {
      demandSum += dem[r]!;
      fill[r] = dem[r]! > 0 ? del[r]! / dem[r]! : 1;
      share[r] = dem[r]! > 0 ? sf[r]! / dem[r]! : 0;
      if (isShort(sf[r]!, dem[r]!)) shortRuns++;
      if (sf[r]! > sf[worstRun]!) worstRun = r;
    }
    const shortfall = stat(sf);
    const fr = stat(fill);
    const fillSorted = Float64Array.from(fill).sort();

    // the tail: runs at or above P95 with a shortfall at all
    const tailRuns: number[] = [];
    for (let r = 0; r < N; r++) if (sf[r]! >= shortfall.p95 && isShort(sf[r]!, dem[r]!)) tailRuns.push(r);
    let tailTotal = 0;
    for (const r of tailRuns) tailTotal += sf[r]!;
    const linked = plan.groupHazards[g]!;
    const counts = new Float64Array(H);
    const shares = new Float64Array(H);
    let unattributed = 0;
    for (const r of tailRuns) {
      let k = 0;
      for (const h of linked) if (firedIn(r, h)) k++;
      if (k === 0) {
        unattributed += sf[r]!;
        continue;
      }
      for (const h of linked)
        if (firedIn(r, h)) {
          counts[h]!++;
          shares[h]! += sf[r]! / k;
        }
    }
    const drivers: McDriver[] = [];
    for (const h of linked) {
      if (!counts[h]) continue;
      const hz = plan.hazards[h]!;
      const tailFrequency = counts[h]! / tailRuns.length;
      const baseFrequency = baseFired[h]! / N;
      drivers.push({
        hazard: h,
        label: plan.labels[h]!,
        type: hz.type,
        place: hazardPlace(hz),
        materials: [...hz.materials],
        tailRuns: counts[h]!,
        tailFrequency,
        baseFrequency,
        lift: baseFrequency > 0 ? tailFrequency / baseFrequency : null,
        tailShortfallShare: tailTotal > 0 ? shares[h]! / tailTotal : 0,
      });
    }
    drivers.sort(
      (a, b) => b.tailShortfallShare - a.tailShortfallShare || b.tailRuns - a.tailRuns || a.hazard - b.hazard,
    );
    const byType: Record<string, number> = {};
    const byPlace: Record<string, number> = {};
    for (const d of drivers) {
      byType[d.type] = (byType[d.type] ?? 0) + d.tailShortfallShare;
      byPlace[d.place] = (byPlace[d.place] ?? 0) + d.tailShortfallShare;
    }
    return {
      material: grp.material,
      market: grp.market,
      unit: grp.unit,
      demand: demandSum / N,
      probabilityShort: shortRuns / N,
      shortfall,
      shortfallShare: stat(share),
      fillRate: {
        mean: fr.mean,
        p50: nearestRank(fillSorted, 0.5),
        p5: nearestRank(fillSorted, 0.05),
        worst: fillSorted[0]!,
      },
      peakShortfall: stat(column(base, G, g, STAT_PEAK)),
      daysShort: stat(column(base, G, g, STAT_DAYS_SHORT)),
      worstRun,
      tail: {
        threshold: shortfall.p95,
        runs: tailRuns.length,
        drivers,
        byType,
        byPlace,
        unattributed: tailTotal > 0 ? unattributed / tailTotal : 0,
      },
    };
  });

  let sens: McSensitivity | null = null;
  let updates = base.updates;
  if (sensitivity && sensitivity.runs > 0) {
    const K = Math.min(sensitivity.runs, N);
    const meanP95 = (runs: MonteCarloRuns, g: number) => {
      const s = stat(column(runs, G, g, STAT_SHORTFALL, K));
      return { mean: s.mean, p95: s.p95 };
    };
    const rows: McSensitivityRow[] = plan.groups.map((grp, g) => ({
      material: grp.material,
      market: grp.market,
      base: meanP95(base, g),
      variants: sensitivity.variants.map((v) => meanP95(v, g)),
    }));
    const moves = plan.variants.map((v, k) => {
      let up = 0;
      let down = 0;
      let same = 0;
      let rel = 0;
      let relN = 0;
      for (const row of rows) {
        const a = row.base.p95;
        const b = row.variants[k]!.p95;
        const tol = 1e-9 * Math.max(1, Math.abs(a));
        if (b > a + tol) up++;
        else if (b < a - tol) down++;
        else same++;
        if (a > 0) {
          rel += (b - a) / a;
          relN++;
        }
      }
      return { name: v.name, up, down, same, meanP95Change: relN ? rel / relN : null };
    });
    for (const v of sensitivity.variants) updates += v.updates;
    sens = { runs: K, variants: plan.variants, rows, moves };
  }

  return {
    set: plan.setName,
    runs: N,
    seed: plan.seed,
    horizonDays: plan.horizonDays,
    stepDays: plan.stepDays,
    prng: PRNG_DESCRIPTION,
    hazards: plan.hazards.map((h, i) => ({
      index: i,
      label: plan.labels[i]!,
      type: h.type,
      place: hazardPlace(h),
      materials: [...h.materials],
      expectedEvents: expectedEvents(h, plan.horizonDays),
      firedRuns: baseFired[i]! / N,
      illustrative: h.illustrative !== false,
    })),
    markets,
    sensitivity: sens,
    updates,
    sources: plan.sources,
    assumptions: plan.assumptions,
    warnings: plan.warnings,
  };
}

/** Runs everything on this thread (tests, tiny studies); the service spreads runs over workers. */
export function runMonteCarloInline(
  net: SimNetwork,
  plan: MonteCarloPlan,
  runs: number,
  sensitivityRuns = 0,
): MonteCarloResult {
  const base = emptyRuns(plan, runs);
  runMonteCarloRange(net, plan, 0, 0, runs, base);
  const K = Math.min(sensitivityRuns, runs);
  if (K <= 0 || plan.variants.length === 0) return summariseMonteCarlo(plan, base);
  const variants = plan.variants.map((_, k) => {
    const out = emptyRuns(plan, K);
    runMonteCarloRange(net, plan, k + 1, 0, K, out);
    return out;
  });
  return summariseMonteCarlo(plan, base, { runs: K, variants });
}
