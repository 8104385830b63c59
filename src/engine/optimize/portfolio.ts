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
  /** column of u_spt at uIndex[(s·P + p)·T + t]; −1 where u = g (no shortfall, or no candidate reaches the cell) */
  uIndex: Int32Array;
  /** objective of the cells kept out of the model (u = g), true units */
  offset: number;
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
  // second stage, scenario by scenario. Only cells with a shortfall get a row: where g = 0 the
  // row is void (u = 0, and drawing stock there only wastes it). A cell no candidate can reach
  // (no delivery, no stock) has u = g: a constant, kept out of the model (offset).
  const cvar = inst.cvar && inst.cvar.weight > 0 ? inst.cvar : null;
  const uIndex = new Int32Array(S * P * T).fill(-1);
  const colType: number[] = []; // second-stage columns from scen0: 0 shortfall, 1 draw, 2 stock level
  const colS: number[] = [];
  const colA: number[] = [];
  const colT: number[] = [];
  const rowType: number[] = []; // rows from balanceStart: 0 shortfall balance, 1 stock balance
  const rowS: number[] = [];
  const rowA: number[] = [];
  const rowT: number[] = [];
  const scen0 = b.numCols;
  const balanceStart = b.numRows;
  let offset = 0;
  const constantLoss = new Float64Array(S);
  const uCols: number[][] = [];
  const coef = new Float64Array(N);
  for (let s = 0; s < S; s++) {
    const mine: number[] = [];
    uCols.push(mine);
    // draws: per stockpile, the cells (t) where it may be drawn: a shortfall and the stock filled
    const drawCol = new Int32Array(J * T).fill(-1);
    for (let j = 0; j < J; j++) {
      const i = stockpiles[j]!;
      const p = inst.product[i]!;
      let prevLevel = -1;
      for (let t = 0; t < T; t++) {
        if (!(inst.gap[(s * P + p) * T + t]! > 0) || inst.periodStart[t]! < inst.startDay[i]!) continue;
        const d = b.addCols(2, 0, 0, Number.POSITIVE_INFINITY);
        drawCol[j * T + t] = d;
        colType.push(1, 2);
        colS.push(s, s);
        colA.push(i, i);
        colT.push(t, t);
        // L_t − L_prev + d_t = 0, with L_prev = x_j before the first draw
        b.row(0, 0);
        rowType.push(1);
        rowS.push(s);
        rowA.push(i);
        rowT.push(t);
        b.entry(d + 1, 1);
        b.entry(d, 1);
        b.entry(prevLevel < 0 ? x0 + i : prevLevel, -1);
        prevLevel = d + 1;
      }
    }
    for (let p = 0; p < P; p++)
      for (let t = 0; t < T; t++) {
        const g = inst.gap[(s * P + p) * T + t]!;
        if (!(g > 0)) continue;
        let reach = false;
        for (const i of byProduct[p]!) {
          coef[i] = deliveryCoefficient(inst, s, i, t);
          if (coef[i]! > 0) reach = true;
        }
        for (const j of stockOfProduct[p]!) if (drawCol[j * T + t]! >= 0) reach = true;
        const w = inst.probability[s]! * inst.weight[p]!;
        if (!reach) {
          offset += w * g;
          constantLoss[s]! += inst.weight[p]! * g;
          continue;
        }
        const u = b.addCols(1, (w * productScale[p]!) / objectiveScale, 0, Number.POSITIVE_INFINITY);
        colType.push(0);
        colS.push(s);
        colA.push(p);
        colT.push(t);
        uIndex[(s * P + p) * T + t] = u;
        mine.push(u);
        b.row(g / productScale[p]!, Number.POSITIVE_INFINITY);
        rowType.push(0);
        rowS.push(s);
        rowA.push(p);
        rowT.push(t);
        b.entry(u, 1);
        for (const i of byProduct[p]!) b.entry(x0 + i, coef[i]!);
        for (const j of stockOfProduct[p]!) if (drawCol[j * T + t]! >= 0) b.entry(drawCol[j * T + t]!, 1);
      }
  }
  const scenEnd = b.numCols;
  const balanceEnd = b.numRows;
  // CVaR: η and ξ in units of the baseline objective; ξ_s + η − ℓ_s ≥ 0 with ℓ_s's constant part on the right
  const eta = cvar ? b.addCols(1, cvar.weight, 0, Number.POSITIVE_INFINITY) : -1;
  const xi0 = cvar ? b.addCols(S, 0, 0, Number.POSITIVE_INFINITY) : -1;
  if (cvar) {
    for (let s = 0; s < S; s++) b.setCost(xi0 + s, (cvar.weight * inst.probability[s]!) / (1 - cvar.alpha));
    for (let s = 0; s < S; s++) {
      b.row(constantLoss[s]! / objectiveScale, Number.POSITIVE_INFINITY);
      b.entry(xi0 + s, 1);
      b.entry(eta, 1);
      for (const u of uCols[s]!) {
        const k = u - scen0;
        const p = colA[k]!;
        b.entry(u, (-inst.weight[p]! * productScale[p]!) / objectiveScale);
      }
    }
  }
  const lp = b.build('minimize');
  const colLabel = (col: number): string => {
    if (col < x0 + N) return `size[${col - x0}]`;
    if (col < y0 + N) return `buy[${col - y0}]`;
    if (col >= scen0 && col < scenEnd) {
      const k = col - scen0;
      const where = `s${colS[k]},${colType[k] === 0 ? `p${colA[k]}` : `candidate ${colA[k]}`},t${colT[k]}`;
      return `${['shortfall', 'draw', 'stock'][colType[k]!]}[${where}]`;
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
      const k = row - balanceStart;
      return rowType[k] === 0
        ? `shortfall_balance[s${rowS[k]},p${rowA[k]},t${rowT[k]}]`
        : `stock_balance[s${rowS[k]},candidate ${rowA[k]},t${rowT[k]}]`;
    }
    return `cvar[s${row - balanceEnd}]`;
  };
  return {
    lp,
    size: { rows: lp.numRows, columns: lp.numCols, nonzeros: lp.matrix.values.length, integers: N },
    budgetRow,
    uIndex,
    offset,
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
          const col = pm.uIndex[(s * P + p) * T + t]!;
          const u = col < 0 ? inst.gap[(s * P + p) * T + t]! : Math.max(0, x[col]! * pm.productScale[p]!);
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
    objective: hasSolution ? model.objectiveValue() * pm.objectiveScale + pm.offset : null,
    dualBound: progress.dualBound === null ? null : progress.dualBound * pm.objectiveScale + pm.offset,
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
