import { type HighsModel, type HighsRuntime, HighsModel as Model, type SolveStatus } from './highs-model.js';
import { LpBuilder } from './lp-builder.js';

/**
 * The intervention portfolio (DESIGN "Optimization"): a two-stage stochastic MILP solved by HiGHS.
 *
 * First stage (here-and-now), per candidate i: size x_i ≥ 0 and a binary y_i (bought or not):
 *   x_i ≤ max_i · y_i,  x_i ≥ min_i · y_i,  Σ_i (fixed_i · y_i + unit_i · x_i) ≤ budget.
 *   A regulatory fast-track k for capacity candidate c has x_k ≤ x_c and x_k ≤ max_c · y_k: it is
 *   the part of c's capacity that starts at the shorter lead time (useless without c).
 * Second stage (per scenario s, product p, period t), the aggregate shortfall LP:
 *   u_spt + Σ_i a_sit · x_i + Σ_{stockpiles j of p} d_sjt ≥ g_spt,  u ≥ 0,
 *   where g_spt is the simulated shortfall of the scenario without interventions (demand − the
 *   supply still available after the shock) and a_sit the units per unit of size that candidate i
 *   delivers in period t of scenario s: for capacity, recycling and offtake
 *   availability_sit × days of the period after its lead time (and before the end of its term) / 365;
 *   for a fast-track the extra days between its shorter lead time and the target's.
 *   Stockpile j (size x_j units) is drawn down: L_sj0 = x_j − d_sj0, L_sjt = L_sj,t−1 − d_sjt,
 *   L ≥ 0; no draw before the stock is filled (lead time).
 * Objective: Σ_s π_s Σ_p w_p Σ_t u_spt  (+ λ · CVaR_α of the per-scenario loss
 *   ℓ_s = Σ_p w_p Σ_t u_spt, as Rockafellar & Uryasev 2000: η + Σ_s π_s ξ_s / (1 − α),
 *   ξ_s ≥ ℓ_s − η, ξ ≥ 0) + a tie-break of ε per USD spent (ε · budget ≤ 10⁻⁴ of the
 *   baseline objective) so that, of equally good portfolios, the cheapest is reported.
 *
 * "More budget never raises expected shortfall" holds only at optimality (gap 0), up to the
 * tie-break: a larger budget can raise the shortfall part by at most ε × the budget difference.
 */

export const KIND_CAPACITY = 0;
export const KIND_STOCKPILE = 1;
export const KIND_OFFTAKE = 2;
export const KIND_RECYCLING = 3;
export const KIND_FASTTRACK = 4;
export const KIND_NAMES = ['capacity', 'stockpile', 'offtake', 'recycling', 'fast_track'] as const;

export const DAYS_PER_YEAR = 365;
/** the tie-break's share of the baseline objective when the whole budget is spent */
export const TIE_BREAK = 1e-4;

/** Everything the model needs, as plain typed arrays (structured-clone safe: a worker can solve it). */
export interface PortfolioInstance {
  products: number;
  periods: number;
  scenarios: number;
  candidates: number;
  /** objective weight per unit of shortfall of product p (criticality weight ÷ annual demand) */
  weight: Float64Array;
  /** scenario probabilities π_s (sum 1) */
  probability: Float64Array;
  /** period t covers days [periodStart[t], periodEnd[t]) of the horizon */
  periodStart: Float64Array;
  periodEnd: Float64Array;
  /** baseline shortfall g[(s·P + p)·T + t] ≥ 0, units of product p */
  gap: Float64Array;
  kind: Uint8Array;
  product: Int32Array;
  /** USD when bought (y = 1) */
  fixedCost: Float64Array;
  /** USD per unit of size (capacity, recycling, offtake: units per year; stockpile: units) */
  unitCost: Float64Array;
  minSize: Float64Array;
  maxSize: Float64Array;
  /** day the candidate starts delivering (capacity, recycling: lead time; stockpile: filled; offtake: start) */
  startDay: Float64Array;
  /** day it stops delivering (offtake: end of term; Infinity otherwise) */
  endDay: Float64Array;
  /** fast-track: its capacity or recycling candidate; −1 otherwise */
  target: Int32Array;
  /** 1: must be bought (an existing commitment) */
  required: Uint8Array;
  /** share of the candidate's supply that reaches the market, avail[(s·N + i)·T + t]; null = all 1 */
  availability: Float32Array | null;
  /** USD */
  budget: number;
  cvar: { alpha: number; weight: number } | null;
}

export interface ModelSize {
  rows: number;
  columns: number;
  nonzeros: number;
  integers: number;
}

export interface PortfolioModel {
  lp: ReturnType<LpBuilder['build']>;
  size: ModelSize;
  budgetRow: number;
  /** column of u_spt: uCol + (s·P + p)·T + t is NOT contiguous per scenario; use uIndex */
  uIndex: Int32Array;
  /** tie-break cost per USD (in objective units) */
  epsilon: number;
  /**
   * Scaling (HiGHS's tolerances are absolute, ~10⁻⁷: unscaled, a candidate's reduced cost per kg can
   * fall below them). Quantities of product p are in units of productScale[p] (its largest
   * shortfall in any cell), the objective in units of the baseline objective, the budget row in
   * units of the budget: model value = true value / scale.
   */
  productScale: Float64Array;
  objectiveScale: number;
  budgetScale: number;
  rowLabel(row: number): string;
  colLabel(col: number): string;
}

/** Days of [a, b) inside [c, d). */
export function overlapDays(a: number, b: number, c: number, d: number): number {
  return Math.max(0, Math.min(b, d) - Math.max(a, c));
}

/** Units that one unit of size of candidate i delivers in period t of scenario s (not stockpiles). */
export function deliveryCoefficient(inst: PortfolioInstance, s: number, i: number, t: number): number {
  const N = inst.candidates;
  const T = inst.periods;
  const k = inst.kind[i]!;
  const ps = inst.periodStart[t]!;
  const pe = inst.periodEnd[t]!;
  let days: number;
  let avail: number;
  if (k === KIND_FASTTRACK) {
    const c = inst.target[i]!;
    days = Math.max(
      0,
      overlapDays(inst.startDay[i]!, inst.endDay[c]!, ps, pe) -
        overlapDays(inst.startDay[c]!, inst.endDay[c]!, ps, pe),
    );
    avail = inst.availability ? inst.availability[(s * N + c) * T + t]! : 1;
  } else if (k === KIND_STOCKPILE) return 0;
  else {
    days = overlapDays(inst.startDay[i]!, inst.endDay[i]!, ps, pe);
    avail = inst.availability ? inst.availability[(s * N + i) * T + t]! : 1;
  }
  return (avail * days) / DAYS_PER_YEAR;
}

/** The baseline objective Σ_s π_s Σ_p w_p Σ_t g_spt (no interventions, no CVaR). */
export function baselineObjective(inst: PortfolioInstance): number {
  const { products: P, periods: T, scenarios: S } = inst;
  let z = 0;
  for (let s = 0; s < S; s++)
    for (let p = 0; p < P; p++)
      for (let t = 0; t < T; t++)
        z += inst.probability[s]! * inst.weight[p]! * inst.gap[(s * P + p) * T + t]!;
  return z;
}

/** Builds the MILP of an instance from typed arrays (column and row layout in the file header). */
export function buildPortfolioModel(inst: PortfolioInstance): PortfolioModel {
  const { products: P, periods: T, scenarios: S, candidates: N } = inst;
  const b = new LpBuilder();
  const base = baselineObjective(inst);
  const epsilon = inst.budget > 0 && base > 0 ? (TIE_BREAK * base) / inst.budget : 0;
  const objectiveScale = base > 0 ? base : 1;
  const budgetScale = inst.budget > 0 ? inst.budget : 1;
  const productScale = new Float64Array(P).fill(0);
  for (let s = 0; s < S; s++)
    for (let p = 0; p < P; p++)
      for (let t = 0; t < T; t++)
        productScale[p] = Math.max(productScale[p]!, inst.gap[(s * P + p) * T + t]!);
  for (let p = 0; p < P; p++) if (!(productScale[p]! > 0)) productScale[p] = 1;
  const sigma = (i: number) => productScale[inst.product[i]!]!;
  const eps = epsilon / objectiveScale;
  // first stage: x_i (sizes, in units of their product's scale) then y_i (binaries)
  const x0 = b.addCols(N, 0, 0, 0);
  const y0 = b.addCols(N, 0, 0, 1, true);
  for (let i = 0; i < N; i++) {
    const maxSize = inst.kind[i] === KIND_FASTTRACK ? inst.maxSize[inst.target[i]!]! : inst.maxSize[i]!;
    b.setBounds(x0 + i, 0, maxSize / sigma(i));
    b.setCost(x0 + i, eps * inst.unitCost[i]! * sigma(i));
    b.setCost(y0 + i, eps * inst.fixedCost[i]!);
    if (inst.required[i]) b.setBounds(y0 + i, 1, 1);
  }
  const budgetRow = b.row(Number.NEGATIVE_INFINITY, inst.budget / budgetScale);
  for (let i = 0; i < N; i++) {
    b.entry(x0 + i, (inst.unitCost[i]! * sigma(i)) / budgetScale);
    b.entry(y0 + i, inst.fixedCost[i]! / budgetScale);
  }
  const linkStart = b.numRows;
  const linkKind: number[] = [];
  const linkCand: number[] = [];
  for (let i = 0; i < N; i++) {
    const ft = inst.kind[i] === KIND_FASTTRACK;
    const maxSize = ft ? inst.maxSize[inst.target[i]!]! : inst.maxSize[i]!;
    b.row(Number.NEGATIVE_INFINITY, 0);
    b.entry(x0 + i, 1);
    b.entry(y0 + i, -maxSize / sigma(i));
    linkKind.push(0);
    linkCand.push(i);
    if (!ft && inst.minSize[i]! > 0) {
      b.row(0, Number.POSITIVE_INFINITY);
      b.entry(x0 + i, 1);
      b.entry(y0 + i, -inst.minSize[i]! / sigma(i));
      linkKind.push(1);
      linkCand.push(i);
    }
    if (ft) {
      b.row(Number.NEGATIVE_INFINITY, 0);
      b.entry(x0 + i, 1);
      b.entry(x0 + inst.target[i]!, -1);
      linkKind.push(2);
      linkCand.push(i);
    }
  }
  const linkEnd = b.numRows;
  // candidates per product, stockpiles per product
  const byProduct: number[][] = Array.from({ length: P }, () => []);
  const stockpiles: number[] = [];
  for (let i = 0; i < N; i++) {
    if (inst.kind[i] === KIND_STOCKPILE) stockpiles.push(i);
    else byProduct[inst.product[i]!]!.push(i);
  }
  const J = stockpiles.length;
  const stockOfProduct: number[][] = Array.from({ length: P }, () => []);
  stockpiles.forEach((i, j) => {
    stockOfProduct[inst.product[i]!]!.push(j);
  });
  // second stage, scenario by scenario: u (P·T), then per stockpile draws d (T) and levels L (T)
  const cvar = inst.cvar && inst.cvar.weight > 0 ? inst.cvar : null;
  const perScenarioCols = P * T + 2 * J * T;
  const scen0 = b.numCols;
  const uIndex = new Int32Array(S * P * T);
  for (let s = 0; s < S; s++) {
    const c0 = b.addCols(perScenarioCols, 0, 0, Number.POSITIVE_INFINITY);
    for (let p = 0; p < P; p++)
      for (let t = 0; t < T; t++) {
        const col = c0 + p * T + t;
        uIndex[(s * P + p) * T + t] = col;
        b.setCost(col, (inst.probability[s]! * inst.weight[p]! * productScale[p]!) / objectiveScale);
      }
    for (let j = 0; j < J; j++) {
      const i = stockpiles[j]!;
      for (let t = 0; t < T; t++)
        if (inst.periodStart[t]! < inst.startDay[i]!) b.setBounds(c0 + P * T + j * 2 * T + t, 0, 0);
    }
  }
  const scenEnd = b.numCols;
  // η and ξ in units of the baseline objective
  const eta = cvar ? b.addCols(1, cvar.weight, 0, Number.POSITIVE_INFINITY) : -1;
  const xi0 = cvar ? b.addCols(S, 0, 0, Number.POSITIVE_INFINITY) : -1;
  if (cvar)
    for (let s = 0; s < S; s++) b.setCost(xi0 + s, (cvar.weight * inst.probability[s]!) / (1 - cvar.alpha));
  const balanceStart = b.numRows;
  for (let s = 0; s < S; s++) {
    const c0 = scen0 + s * perScenarioCols;
    for (let p = 0; p < P; p++)
      for (let t = 0; t < T; t++) {
        b.row(inst.gap[(s * P + p) * T + t]! / productScale[p]!, Number.POSITIVE_INFINITY);
        b.entry(c0 + p * T + t, 1);
        for (const i of byProduct[p]!) b.entry(x0 + i, deliveryCoefficient(inst, s, i, t));
        for (const j of stockOfProduct[p]!) b.entry(c0 + P * T + j * 2 * T + t, 1);
      }
    for (let j = 0; j < J; j++) {
      const d0 = c0 + P * T + j * 2 * T;
      const l0 = d0 + T;
      for (let t = 0; t < T; t++) {
        b.row(0, 0);
        b.entry(l0 + t, 1);
        b.entry(d0 + t, 1);
        if (t === 0) b.entry(x0 + stockpiles[j]!, -1);
        else b.entry(l0 + t - 1, -1);
      }
    }
  }
  const balanceEnd = b.numRows;
  if (cvar)
    for (let s = 0; s < S; s++) {
      b.row(0, Number.POSITIVE_INFINITY);
      b.entry(xi0 + s, 1);
      b.entry(eta, 1);
      const c0 = scen0 + s * perScenarioCols;
      for (let p = 0; p < P; p++)
        for (let t = 0; t < T; t++) b.entry(c0 + p * T + t, (-inst.weight[p]! * productScale[p]!) / objectiveScale);
    }
  const lp = b.build('minimize');
  const rowsPerScenario = P * T + J * T;
  const colLabel = (col: number): string => {
    if (col < x0 + N) return `size[${col - x0}]`;
    if (col < y0 + N) return `buy[${col - y0}]`;
    if (col < scenEnd) {
      const s = Math.floor((col - scen0) / perScenarioCols);
      const r = (col - scen0) % perScenarioCols;
      if (r < P * T) return `shortfall[s${s},p${Math.floor(r / T)},t${r % T}]`;
      const j = Math.floor((r - P * T) / (2 * T));
      const q = (r - P * T) % (2 * T);
      return `${q < T ? 'draw' : 'stock'}[s${s},candidate ${stockpiles[j]},t${q % T}]`;
    }
    if (col === eta) return 'cvar_threshold';
    return `cvar_excess[s${col - xi0}]`;
  };
  const rowLabel = (row: number): string => {
    if (row === budgetRow) return 'budget';
    if (row >= linkStart && row < linkEnd) {
      const k = row - linkStart;
      const i = linkCand[k]!;
      return [`size_max[${i}]`, `size_min[${i}]`, `fast_track_needs_target[${i}]`][linkKind[k]!]!;
    }
    if (row >= balanceStart && row < balanceEnd) {
      const s = Math.floor((row - balanceStart) / rowsPerScenario);
      const r = (row - balanceStart) % rowsPerScenario;
      if (r < P * T) return `shortfall_balance[s${s},p${Math.floor(r / T)},t${r % T}]`;
      const j = Math.floor((r - P * T) / T);
      return `stock_balance[s${s},candidate ${stockpiles[j]},t${(r - P * T) % T}]`;
    }
    return `cvar[s${row - balanceEnd}]`;
  };
  return {
    lp,
    size: { rows: lp.numRows, columns: lp.numCols, nonzeros: lp.matrix.values.length, integers: N },
    budgetRow,
    uIndex,
    epsilon,
    productScale,
    objectiveScale,
    budgetScale,
    rowLabel,
    colLabel,
  };
}

export interface Diagnosis {
  /** rows and columns of an irreducible infeasible subsystem (Highs_getIis), by name */
  conflict?: { rows: string[]; columns: string[] };
  /** columns that grow without bound along HiGHS's primal ray */
  ray?: string[];
  message: string;
}

export interface PortfolioSolve {
  budget: number;
  status: SolveStatus;
  /** true when a feasible portfolio is reported (optimal, or the incumbent at a limit) */
  hasSolution: boolean;
  /** the MIP objective (with the tie-break), null without a solution */
  objective: number | null;
  dualBound: number | null;
  gap: number | null;
  seconds: number;
  size: ModelSize;
  /** per candidate: size x_i and bought y_i (empty without a solution) */
  size_: Float64Array;
  bought: Uint8Array;
  spent: number;
  /** expected shortfall per product (units), model estimate */
  expectedShortfall: Float64Array;
  /** weighted loss per scenario ℓ_s (model estimate) */
  scenarioLoss: Float64Array;
  /** shortfall of product p in scenario s summed over periods, [s·P + p] (model estimate) */
  productScenarioShortfall: Float64Array;
  diagnosis?: Diagnosis;
}

/** Weighted nearest-rank quantile: the smallest ℓ with P(loss ≤ ℓ) ≥ q. */
export function weightedQuantile(values: Float64Array, prob: Float64Array, q: number): number {
  const idx = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || a - b);
  let acc = 0;
  for (const i of idx) {
    acc += prob[i]!;
    if (acc >= q - 1e-12) return values[i]!;
  }
  return values[idx[idx.length - 1]!] ?? 0;
}

/** Per-scenario weighted loss of the baseline (no interventions). */
export function baselineLoss(inst: PortfolioInstance): Float64Array {
  const { products: P, periods: T, scenarios: S } = inst;
  const out = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let z = 0;
    for (let p = 0; p < P; p++)
      for (let t = 0; t < T; t++) z += inst.weight[p]! * inst.gap[(s * P + p) * T + t]!;
    out[s] = z;
  }
  return out;
}

export function baselineShortfall(inst: PortfolioInstance): Float64Array {
  const { products: P, periods: T, scenarios: S } = inst;
  const out = new Float64Array(P);
  for (let s = 0; s < S; s++)
    for (let p = 0; p < P; p++)
      for (let t = 0; t < T; t++) out[p]! += inst.probability[s]! * inst.gap[(s * P + p) * T + t]!;
  return out;
}

function diagnose(model: HighsModel, pm: PortfolioModel, status: SolveStatus): Diagnosis | undefined {
  if (status === 'infeasible' || status === 'unbounded-or-infeasible') {
    const c = model.conflict();
    if (c)
      return {
        conflict: {
          rows: c.rows.map((r) => `${pm.rowLabel(r.index)} (${r.bound} bound)`),
          columns: c.columns.map((x) => `${pm.colLabel(x.index)} (${x.bound} bound)`),
        },
        message: `infeasible: ${c.rows.map((r) => pm.rowLabel(r.index)).join(', ') || 'column bounds'} cannot all hold`,
      };
    return { message: 'infeasible (HiGHS gave no conflicting subsystem)' };
  }
  if (status === 'unbounded') {
    const ray = model.primalRay();
    const cols: string[] = [];
    if (ray)
      for (let j = 0; j < ray.length && cols.length < 20; j++) if (ray[j] !== 0) cols.push(pm.colLabel(j));
    return {
      ...(ray ? { ray: cols } : {}),
      message: `unbounded${cols.length ? `: ${cols.join(', ')} can grow without limit` : ''}`,
    };
  }
  return undefined;
}

export interface SolveOptions {
  timeLimitSeconds: number;
  /** relative MIP gap (default 0.01) */
  mipRelGap?: number;
  /** budgets to solve, USD (default [inst.budget]); solved in ascending order, each warm-starting the next */
  budgets?: number[];
  onSolve?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Reads the solution of the last run into a PortfolioSolve. */
function extract(
  inst: PortfolioInstance,
  pm: PortfolioModel,
  model: HighsModel,
  budget: number,
  status: SolveStatus,
  seconds: number,
): PortfolioSolve {
  const { products: P, periods: T, scenarios: S, candidates: N } = inst;
  const progress = model.mipProgress();
  const hasSolution = status === 'optimal' || progress.hasSolution;
  const size_ = new Float64Array(hasSolution ? N : 0);
  const bought = new Uint8Array(hasSolution ? N : 0);
  const expectedShortfall = new Float64Array(P);
  const scenarioLoss = new Float64Array(S);
  const productScenarioShortfall = new Float64Array(S * P);
  let spent = 0;
  let x: Float64Array | null = null;
  if (hasSolution) {
    x = model.primal();
    for (let i = 0; i < N; i++) {
      const yi = x[N + i]! > 0.5 ? 1 : 0;
      const xi = yi ? Math.max(0, x[i]! * pm.productScale[inst.product[i]!]!) : 0;
      size_[i] = xi < 1e-9 * Math.max(1, inst.maxSize[i]!) ? 0 : xi;
      // a binary at 1 with size 0 delivers nothing: not a purchase (dropping it keeps the portfolio
      // feasible and its shortfall unchanged; within a MIP gap the solver may leave such waste)
      bought[i] = yi && (size_[i]! > 0 || inst.required[i]) ? 1 : 0;
      spent += bought[i]! * inst.fixedCost[i]! + inst.unitCost[i]! * size_[i]!;
    }
    for (let s = 0; s < S; s++)
      for (let p = 0; p < P; p++)
        for (let t = 0; t < T; t++) {
          const u = Math.max(0, x[pm.uIndex[(s * P + p) * T + t]!]! * pm.productScale[p]!);
          expectedShortfall[p]! += inst.probability[s]! * u;
          productScenarioShortfall[s * P + p]! += u;
          scenarioLoss[s]! += inst.weight[p]! * u;
        }
  }
  const diagnosis = diagnose(model, pm, status);
  return {
    budget,
    status,
    hasSolution,
    objective: hasSolution ? model.objectiveValue() * pm.objectiveScale : null,
    dualBound: progress.dualBound === null ? null : progress.dualBound * pm.objectiveScale,
    gap: status === 'optimal' ? (progress.gap ?? 0) : progress.gap,
    seconds,
    size: pm.size,
    size_,
    bought,
    spent,
    expectedShortfall,
    scenarioLoss,
    productScenarioShortfall,
    ...(diagnosis ? { diagnosis } : {}),
  };
}

/**
 * Builds the model once and solves it at each budget (ascending), changing only the budget row's
 * bound. A portfolio affordable at a lower budget is affordable at a higher one, so each solve
 * is warm-started with the previous solution as its first incumbent (Highs_setSolution).
 */
export function solvePortfolio(
  highs: HighsRuntime,
  inst: PortfolioInstance,
  opts: SolveOptions,
): { model: PortfolioModel; solves: PortfolioSolve[] } {
  const pm = buildPortfolioModel(inst);
  const budgets = [...(opts.budgets ?? [inst.budget])].sort((a, b) => a - b);
  const model = Model.create(highs, pm.lp, {
    timeLimitSeconds: opts.timeLimitSeconds,
    mipRelGap: opts.mipRelGap ?? 0.01,
    // the tie-break's reduced costs are ~10⁻⁴ × a candidate's share of the budget
    dualFeasibilityTolerance: 1e-9,
  });
  const solves: PortfolioSolve[] = [];
  try {
    let previous: Float64Array | null = null;
    for (const [k, budget] of budgets.entries()) {
      if (opts.signal?.aborted) throw new Error('optimisation cancelled');
      model.changeRowBounds(pm.budgetRow, Number.NEGATIVE_INFINITY, budget / pm.budgetScale);
      if (previous) model.setSolution(previous);
      const t0 = performance.now();
      const status = model.run();
      const solve = extract(inst, pm, model, budget, status, (performance.now() - t0) / 1000);
      solves.push(solve);
      previous = solve.hasSolution ? model.primal() : null;
      opts.onSolve?.(k + 1, budgets.length);
    }
  } finally {
    model.destroy();
  }
  return { model: pm, solves };
}
