import { type Issue, ValidationError } from '../../model/errors.js';
import {
  HighsModel,
  type HighsRuntime,
  type LpData,
  type LpSize,
  type SolveStatus,
} from '../optimize/highs-model.js';

/**
 * Time to survive (TTS) and performance impact (PI) of losing each node of a supply network.
 *
 * [Reference]: D. Simchi-Levi, W. Schmidt, Y. Wei, P. Y. Zhang, K. Combs, Y. Ge, O. Gusikhin,
 * M. Sanders, D. Zhang (2015), "Identifying risks and mitigating disruptions in the automotive
 * supply chain", Interfaces 45(5):375–390 (the time-to-survive / time-to-recover model).
 *
 * Variables (cumulative quantities over a window of t days): u_j production of node j, y_ij flow
 * from i to j, l_j unmet demand; data: s_j stock at the start, d_j demand rate, c_j capacity rate,
 * α_j weight of a unit of unmet demand. Constraints:
 *
 *   recipe     u_j ≤ Σ_{i∈S(j,e)} y_ij / r_ij   for every requirement e of j (an input material,
 *              or a substitutable group of them): alternative suppliers add up
 *   flow       Σ_j y_ij ≤ u_i + s_i
 *   capacity   u_i ≤ c_i · t
 *   demand     u_j + s_j + l_j ≥ d_j · t         (demand nodes)
 *   disruption u_n = 0; unless its stock may still ship, Σ_j y_nj ≤ 0
 *
 * TTS_n: maximise t with l = 0 (one LP: t is a variable, so the capacity rows are linear in t).
 * The zero solution is always feasible, so an unbounded LP means TTS_n = ∞ — a result. By
 * default t is capped at a horizon (100 years) and one time column is kept per connected part of
 * the network (see `buildTtsLp`); reaching the horizon reports ∞.
 * PI_n: minimise Σ_j α_j l_j with t fixed at TTR_n. A node with TTS_n < TTR_n needs mitigation;
 * nodes rank by PI (risk exposure index REI_n = PI_n / max PI). Variables are continuous (the
 * public Databricks implementation declares integer variables: compare rankings, not values).
 *
 * The n LPs differ only in bounds, so each problem is one persistent HiGHS model built once from
 * typed arrays; per node the bounds of u_n (and of n's flow row) change, HiGHS re-solves from the
 * previous basis, and the bounds are restored. Each material's quantities are divided by a scale
 * (its largest rate) before they reach the solver, so coefficients stay near 1 whatever the units.
 */

/**
 * The network the analysis reads: nodes (a material at a location), each with its rates, stock
 * and recipe requirements; requirement e of node j lists its supplier nodes and, per supplier,
 * r: the quantity of the supplier's material per unit of j's output (in the supplier material's
 * unit). An essential input is one requirement whose suppliers all make that material; a
 * substitutable group is one requirement whose suppliers make any of the group's materials.
 * A demand node may not supply other nodes (split it into a producer and a market).
 */
export interface TtsNetwork {
  materials: readonly string[];
  locations: readonly string[];
  nodeMaterial: Int32Array;
  nodeLocation: Int32Array;
  /** capacity rate c_j per day, in the material's unit; Infinity = no limit */
  capacity: Float64Array;
  /** stock s_j at the start */
  stock: Float64Array;
  /** demand rate d_j per day; 0 for a node without demand */
  demand: Float64Array;
  /** α_j: weight of one unit of unmet demand at j */
  alpha: Float64Array;
  /** the requirements of node j are requirementStart[j] … requirementStart[j+1]−1 */
  requirementStart: Int32Array;
  /** the suppliers of requirement e are supplierStart[e] … supplierStart[e+1]−1 */
  supplierStart: Int32Array;
  supplierNode: Int32Array;
  /** r_ij > 0 */
  supplierRate: Float64Array;
}

/** A readable form of one node, for small networks and tests (see `ttsNetworkFrom`). */
export interface TtsNodeSpec {
  material: string;
  location: string;
  capacity?: number;
  stock?: number;
  demand?: number;
  alpha?: number;
  /** one entry per requirement: its suppliers (node indices) and their r */
  requires?: readonly { suppliers: readonly { node: number; rate: number }[] }[];
}

export function ttsNetworkFrom(nodes: readonly TtsNodeSpec[]): TtsNetwork {
  const materials: string[] = [];
  const locations: string[] = [];
  const idx = (list: string[], v: string) => {
    let i = list.indexOf(v);
    if (i < 0) i = list.push(v) - 1;
    return i;
  };
  const n = nodes.length;
  const requirementStart = new Int32Array(n + 1);
  const supplierStart: number[] = [0];
  const supplierNode: number[] = [];
  const supplierRate: number[] = [];
  nodes.forEach((s, j) => {
    requirementStart[j] = supplierStart.length - 1;
    for (const r of s.requires ?? []) {
      for (const x of r.suppliers) {
        supplierNode.push(x.node);
        supplierRate.push(x.rate);
      }
      supplierStart.push(supplierNode.length);
    }
  });
  requirementStart[n] = supplierStart.length - 1;
  return {
    materials,
    locations,
    nodeMaterial: Int32Array.from(nodes, (s) => idx(materials, s.material)),
    nodeLocation: Int32Array.from(nodes, (s) => idx(locations, s.location)),
    capacity: Float64Array.from(nodes, (s) => s.capacity ?? Number.POSITIVE_INFINITY),
    stock: Float64Array.from(nodes, (s) => s.stock ?? 0),
    demand: Float64Array.from(nodes, (s) => s.demand ?? 0),
    alpha: Float64Array.from(nodes, (s) => s.alpha ?? 1),
    requirementStart,
    supplierStart: Int32Array.from(supplierStart),
    supplierNode: Int32Array.from(supplierNode),
    supplierRate: Float64Array.from(supplierRate),
  };
}

/** Checks shapes and values; throws ValidationError naming each field at fault (`capacity/3`). */
export function validateTtsNetwork(net: TtsNetwork): void {
  const issues: Issue[] = [];
  const add = (column: string, message: string) => {
    if (issues.length < 100) issues.push({ column, message });
  };
  const n = net.nodeMaterial.length;
  for (const [name, a] of [
    ['nodeLocation', net.nodeLocation],
    ['capacity', net.capacity],
    ['stock', net.stock],
    ['demand', net.demand],
    ['alpha', net.alpha],
  ] as const) {
    if (a.length !== n) add(name, `length ${a.length}, expected ${n} (one per node)`);
  }
  if (net.requirementStart.length !== n + 1)
    add('requirementStart', `length ${net.requirementStart.length}, expected ${n + 1}`);
  if (issues.length) throw new ValidationError(issues);
  const reqs = net.supplierStart.length - 1;
  if (net.requirementStart[n] !== reqs)
    add('requirementStart', `ends at ${net.requirementStart[n]}, expected ${reqs}`);
  const edges = net.supplierNode.length;
  if (net.supplierStart[reqs] !== edges)
    add('supplierStart', `ends at ${net.supplierStart[reqs]}, expected ${edges}`);
  if (net.supplierRate.length !== edges)
    add('supplierRate', `length ${net.supplierRate.length}, expected ${edges}`);
  for (let j = 0; j < n; j++) {
    const m = net.nodeMaterial[j]!;
    if (m < 0 || m >= net.materials.length) add(`nodeMaterial/${j}`, `no material ${m}`);
    const l = net.nodeLocation[j]!;
    if (l < 0 || l >= net.locations.length) add(`nodeLocation/${j}`, `no location ${l}`);
    const c = net.capacity[j]!;
    if (!(c >= 0)) add(`capacity/${j}`, `must be ≥ 0 or Infinity, got ${c}`);
    for (const [name, a] of [
      ['stock', net.stock],
      ['demand', net.demand],
      ['alpha', net.alpha],
    ] as const) {
      const v = a[j]!;
      if (!(v >= 0 && Number.isFinite(v))) add(`${name}/${j}`, `must be a finite number ≥ 0, got ${v}`);
    }
    if (net.requirementStart[j + 1]! < net.requirementStart[j]!) add(`requirementStart/${j}`, 'decreasing');
  }
  const supplies = new Uint8Array(n);
  for (let k = 0; k < edges; k++) {
    const i = net.supplierNode[k]!;
    if (i < 0 || i >= n) add(`supplierNode/${k}`, `no node ${i}`);
    else supplies[i] = 1;
    const r = net.supplierRate[k]!;
    if (!(r > 0 && Number.isFinite(r))) add(`supplierRate/${k}`, `must be a finite number > 0, got ${r}`);
  }
  for (let j = 0; j < n; j++) {
    if (supplies[j] && net.demand[j]! > 0)
      add(`demand/${j}`, 'a demand node may not supply other nodes: split it into a producer and a market');
  }
  if (issues.length) throw new ValidationError(issues);
}

/** Column and row layout of the LP (shared by the TTS and PI models). */
export interface TtsLayout {
  /** u_j is column j; y of supplier entry k is column yStart + k */
  yStart: number;
  /** the time column of group g is tStart + g */
  tStart: number;
  /** time group of each node (its connected part of the network, or 0 for all) */
  group: Int32Array;
  groups: number;
  /** l_j column per node, −1 without demand */
  lossCol: Int32Array;
  /** flow row per node, −1 for a node that supplies nobody */
  flowRow: Int32Array;
  /** material scale σ_m: the LP sees quantities of material m divided by it */
  scale: Float64Array;
  /** stock of each node divided by its material's scale */
  scaledStock: Float64Array;
}

function materialScales(net: TtsNetwork): Float64Array {
  const scale = new Float64Array(net.materials.length);
  const n = net.nodeMaterial.length;
  for (let j = 0; j < n; j++) {
    const m = net.nodeMaterial[j]!;
    const c = net.capacity[j]!;
    const v = Math.max(net.demand[j]!, Number.isFinite(c) ? c : 0, net.stock[j]! / 365);
    if (v > scale[m]!) scale[m] = v;
  }
  for (let m = 0; m < scale.length; m++) if (!(scale[m]! > 0)) scale[m] = 1;
  return scale;
}

/** Connected parts of the network (a node and its suppliers are connected), numbered by first node. */
export function connectedParts(net: TtsNetwork): { group: Int32Array; groups: number } {
  const n = net.nodeMaterial.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let j = 0; j < n; j++)
    for (let e = net.requirementStart[j]!; e < net.requirementStart[j + 1]!; e++)
      for (let k = net.supplierStart[e]!; k < net.supplierStart[e + 1]!; k++) {
        const a = find(j);
        const b = find(net.supplierNode[k]!);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
  const group = new Int32Array(n);
  const id = new Int32Array(n).fill(-1);
  let groups = 0;
  for (let j = 0; j < n; j++) {
    const r = find(j);
    if (id[r] === -1) id[r] = groups++;
    group[j] = id[r]!;
  }
  return { group, groups };
}

/** 100 years: a TTS that reaches it is reported as ∞ (no shortfall within any horizon that matters). */
export const DEFAULT_HORIZON_DAYS = 36_500;

export interface TtsLpOptions {
  /** days the TTS may reach before it counts as ∞; Infinity leaves t unbounded (one time column) */
  horizon: number;
  /** the PI window: every time column is fixed at it */
  ttr: number;
}

/**
 * Builds the LP both problems share, column-wise (CSC): the TTS form (maximise Σ_g t_g, each
 * t_g ≤ horizon; l fixed at 0) or the PI form (minimise Σ α l; every t_g fixed at `ttr`).
 *
 * With a finite horizon each connected part g of the network gets its own time column t_g. The
 * parts share no constraint, so maximising Σ t_g maximises each t_g on its own, and the network's
 * TTS — the longest time every demand is met — is min_g t_g: the single-t LP, capped at the
 * horizon. Losing node n moves only its own part's t_g, so a re-solve from the previous basis
 * touches only that part (with one shared t, every flow of the network moves with it).
 */
export function buildTtsLp(
  net: TtsNetwork,
  problem: 'tts' | 'pi',
  opts: TtsLpOptions = { horizon: DEFAULT_HORIZON_DAYS, ttr: 0 },
): { lp: LpData; layout: TtsLayout } {
  const n = net.nodeMaterial.length;
  const reqs = net.supplierStart.length - 1;
  const edges = net.supplierNode.length;
  const scale = materialScales(net);
  const sigma = (j: number) => scale[net.nodeMaterial[j]!]!;
  const { group, groups } = Number.isFinite(opts.horizon)
    ? connectedParts(net)
    : { group: new Int32Array(n), groups: 1 };

  // requirement rows 0 … reqs−1, then flow, capacity and demand rows
  const flowRow = new Int32Array(n).fill(-1);
  const capRow = new Int32Array(n).fill(-1);
  const demRow = new Int32Array(n).fill(-1);
  let rows = reqs;
  for (let k = 0; k < edges; k++) {
    const i = net.supplierNode[k]!;
    if (flowRow[i] === -1) flowRow[i] = -2;
  }
  for (let j = 0; j < n; j++) if (flowRow[j] === -2) flowRow[j] = rows++;
  for (let j = 0; j < n; j++) if (Number.isFinite(net.capacity[j]!)) capRow[j] = rows++;
  for (let j = 0; j < n; j++) if (net.demand[j]! > 0) demRow[j] = rows++;
  const lossCol = new Int32Array(n).fill(-1);
  const yStart = n;
  const tStart = n + edges;
  let cols = tStart + groups;
  for (let j = 0; j < n; j++) if (demRow[j]! >= 0) lossCol[j] = cols++;

  // owner node of each requirement
  const reqOwner = new Int32Array(reqs);
  for (let j = 0; j < n; j++)
    for (let e = net.requirementStart[j]!; e < net.requirementStart[j + 1]!; e++) reqOwner[e] = j;

  const starts = new Int32Array(cols + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const push = (row: number, v: number) => {
    if (v !== 0) {
      indices.push(row);
      values.push(v);
    }
  };
  let col = 0;
  // u_j: +1 in each requirement row of j, −1 in its flow row, +1 in its capacity and demand rows
  for (let j = 0; j < n; j++, col++) {
    starts[col] = indices.length;
    for (let e = net.requirementStart[j]!; e < net.requirementStart[j + 1]!; e++) push(e, 1);
    if (flowRow[j]! >= 0) push(flowRow[j]!, -1);
    if (capRow[j]! >= 0) push(capRow[j]!, 1);
    if (demRow[j]! >= 0) push(demRow[j]!, 1);
  }
  // y of supplier entry k (supplier i, requirement e of node j): −σ_i/(r σ_j) in row e, +1 in i's flow row
  for (let e = 0; e < reqs; e++) {
    const j = reqOwner[e]!;
    for (let k = net.supplierStart[e]!; k < net.supplierStart[e + 1]!; k++, col++) {
      starts[col] = indices.length;
      const i = net.supplierNode[k]!;
      push(e, -sigma(i) / (net.supplierRate[k]! * sigma(j)));
      push(flowRow[i]!, 1);
    }
  }
  // t_g: −c_i/σ_i in the capacity rows, −d_j/σ_j in the demand rows of g's nodes (rows ascending)
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (let j = 0; j < n; j++) members[group[j]!]!.push(j);
  for (let g = 0; g < groups; g++, col++) {
    starts[col] = indices.length;
    for (const j of members[g]!) if (capRow[j]! >= 0) push(capRow[j]!, -net.capacity[j]! / sigma(j));
    for (const j of members[g]!) if (demRow[j]! >= 0) push(demRow[j]!, -net.demand[j]! / sigma(j));
  }
  // l_j: +1 in its demand row
  for (let j = 0; j < n; j++) {
    if (lossCol[j]! < 0) continue;
    starts[col] = indices.length;
    push(demRow[j]!, 1);
    col++;
  }
  starts[cols] = indices.length;

  const inf = Number.POSITIVE_INFINITY;
  const rowLower = new Float64Array(rows).fill(-inf);
  const rowUpper = new Float64Array(rows);
  const scaledStock = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    scaledStock[j] = net.stock[j]! / sigma(j);
    if (flowRow[j]! >= 0) rowUpper[flowRow[j]!] = scaledStock[j]!;
    if (demRow[j]! >= 0) {
      rowLower[demRow[j]!] = -scaledStock[j]!;
      rowUpper[demRow[j]!] = inf;
    }
  }
  const colLower = new Float64Array(cols);
  const colUpper = new Float64Array(cols).fill(inf);
  const colCost = new Float64Array(cols);
  for (let j = 0; j < n; j++) if (net.capacity[j] === 0) colUpper[j] = 0;
  for (let g = 0; g < groups; g++) {
    if (problem === 'tts') {
      colCost[tStart + g] = 1;
      colUpper[tStart + g] = opts.horizon;
    } else {
      colLower[tStart + g] = opts.ttr;
      colUpper[tStart + g] = opts.ttr;
    }
  }
  for (let j = 0; j < n; j++) {
    const c = lossCol[j]!;
    if (c < 0) continue;
    if (problem === 'tts') colUpper[c] = 0;
    else colCost[c] = net.alpha[j]! * sigma(j);
  }
  return {
    lp: {
      numCols: cols,
      numRows: rows,
      sense: problem === 'tts' ? 'maximize' : 'minimize',
      colCost,
      colLower,
      colUpper,
      rowLower,
      rowUpper,
      matrix: {
        format: 'csc',
        starts,
        indices: Int32Array.from(indices),
        values: Float64Array.from(values),
      },
    },
    layout: { yStart, tStart, group, groups, lossCol, flowRow, scale, scaledStock },
  };
}

export interface TtsOptions {
  /** time to recover per node (days): one figure for every node, or one per node */
  ttr: number | Float64Array;
  /** whether a disrupted node's stock may still ship (after a site failure perhaps; under an export ban no) */
  stockShips: boolean;
  /** the nodes to disrupt, in order (default: every node) */
  nodes?: Int32Array;
  /**
   * days a TTS may reach before it counts as ∞ (default 36,500). Infinity: one unbounded time
   * column and ∞ when HiGHS finds the LP unbounded (the paper's form; slower warm starts)
   */
  horizonDays?: number;
  /** seconds per LP (HiGHS time limit); default 10 */
  timeLimitSeconds?: number;
  /**
   * 'previous' (default): one persistent model per problem, each solve starts from the previous
   * basis; 'cold': the same model, basis dropped before each solve; 'rebuild': a new LP passed
   * for each solve
   */
  start?: 'previous' | 'cold' | 'rebuild';
  onProgress?: (done: number, total: number) => void;
}

export interface TtsNodeResult {
  node: number;
  /**
   * days; Infinity when no demand runs short within the horizon (or the LP is unbounded); null
   * when the LP was not solved (see ttsStatus)
   */
  tts: number | null;
  ttsStatus: SolveStatus;
  ttr: number;
  /** Σ α_j l_j over the TTR window; null when not solved (see piStatus) */
  pi: number | null;
  piStatus: SolveStatus;
  /** PI_n / max PI over the analysed nodes (0 when every PI is 0); null when PI is unknown */
  rei: number | null;
  /** TTS_n < TTR_n; null when either is unknown */
  needsMitigation: boolean | null;
  /** the demand node with the largest share of its demand lost in the PI solution; −1 when none */
  worstDemandNode: number;
}

export interface TtsAnalysis {
  results: TtsNodeResult[];
  /** both LPs without any disruption: TTS should be ∞ and PI 0 for a network that meets its demand */
  baseline: { tts: number | null; ttsStatus: SolveStatus; pi: number | null; piStatus: SolveStatus };
  lp: { tts: LpSize; pi: LpSize };
  /** time columns: connected parts of the network (1 with an infinite horizon) */
  parts: number;
  horizonDays: number;
  solves: number;
  iterations: number;
  seconds: number;
}

/** Runs both LPs for every node. Synchronous: call it in a worker thread for a large network. */
export function analyseTtsTtr(highs: HighsRuntime, net: TtsNetwork, opts: TtsOptions): TtsAnalysis {
  validateTtsNetwork(net);
  const t0 = performance.now();
  const n = net.nodeMaterial.length;
  const nodes = opts.nodes ?? Int32Array.from({ length: n }, (_, i) => i);
  const ttrOf = (j: number) => (typeof opts.ttr === 'number' ? opts.ttr : opts.ttr[j]!);
  const horizon = opts.horizonDays ?? DEFAULT_HORIZON_DAYS;
  if (!(horizon > 0))
    throw new ValidationError([{ column: 'horizonDays', message: `must be > 0, got ${horizon}` }]);
  // the PI model's time columns sit at the longest TTR; a node's own part moves to its TTR
  let baseTtr = 0;
  for (let k = 0; k < nodes.length; k++) {
    const j = nodes[k]!;
    if (j < 0 || j >= n) throw new ValidationError([{ column: `nodes/${k}`, message: `no node ${j}` }]);
    const r = ttrOf(j);
    if (!(r >= 0 && Number.isFinite(r)))
      throw new ValidationError([{ column: `ttr/${j}`, message: `must be a finite number ≥ 0, got ${r}` }]);
    if (r > baseTtr) baseTtr = r;
  }
  const start = opts.start ?? 'previous';
  // presolve off: HiGHS 1.15's presolve declared a feasible, unbounded TTS LP infeasible (the
  // 13-row case in the tests; the same class of bug as ERGO-Code/HiGHS#2511). The LPs are small
  // and warm solves skip presolve anyway.
  const limit = { timeLimitSeconds: opts.timeLimitSeconds ?? 10, presolve: 'off' as const };
  const ttsBuilt = buildTtsLp(net, 'tts', { horizon, ttr: baseTtr });
  const piBuilt = buildTtsLp(net, 'pi', { horizon, ttr: baseTtr });
  const { layout } = ttsBuilt;
  const inf = Number.POSITIVE_INFINITY;
  const ttsModel = HighsModel.create(highs, ttsBuilt.lp, limit);
  const piModel = HighsModel.create(highs, piBuilt.lp, limit);
  let solves = 0;
  let iterations = 0;
  try {
    const solve = (model: HighsModel, lp: LpData): SolveStatus => {
      if (start === 'cold') model.clearSolver();
      if (start === 'rebuild') model.pass(lp);
      const s = model.run();
      solves++;
      iterations += model.iterations();
      return s;
    };
    // min over the time columns; ∞ at the horizon, or for an unbounded LP (the zero solution is
    // always feasible, so "unbounded or infeasible" means unbounded)
    const ttsValue = (status: SolveStatus): number | null => {
      if (status === 'unbounded' || status === 'unbounded-or-infeasible') return inf;
      if (status !== 'optimal') return null;
      const x = ttsModel.primal();
      let t = inf;
      for (let g = 0; g < layout.groups; g++) t = Math.min(t, x[layout.tStart + g]!);
      return t >= horizon * (1 - 1e-9) ? inf : Math.max(0, t);
    };
    // every bound change is mirrored into the LP arrays, so 'rebuild' passes the same model
    const setCol = (model: HighsModel, lp: LpData, c: number, lo: number, hi: number) => {
      model.changeColBounds(c, lo, hi);
      lp.colLower[c] = lo;
      lp.colUpper[c] = hi;
    };
    const disrupt = (model: HighsModel, lp: LpData, j: number, on: boolean) => {
      setCol(model, lp, j, 0, on || net.capacity[j] === 0 ? 0 : inf);
      const f = layout.flowRow[j]!;
      if (!opts.stockShips && f >= 0) {
        const hi = on ? 0 : layout.scaledStock[j]!;
        model.changeRowBounds(f, -inf, hi);
        lp.rowUpper[f] = hi;
      }
    };

    const baseTts = solve(ttsModel, ttsBuilt.lp);
    const basePi = solve(piModel, piBuilt.lp);
    const baseline = {
      tts: ttsValue(baseTts),
      ttsStatus: baseTts,
      pi: basePi === 'optimal' ? piModel.objectiveValue() : null,
      piStatus: basePi,
    };

    const results: TtsNodeResult[] = [];
    for (let k = 0; k < nodes.length; k++) {
      const j = nodes[k]!;
      const ttr = ttrOf(j);
      const tCol = layout.tStart + layout.group[j]!;

      disrupt(ttsModel, ttsBuilt.lp, j, true);
      const ts = solve(ttsModel, ttsBuilt.lp);
      const tts = ttsValue(ts);
      disrupt(ttsModel, ttsBuilt.lp, j, false);

      disrupt(piModel, piBuilt.lp, j, true);
      if (ttr !== baseTtr) setCol(piModel, piBuilt.lp, tCol, ttr, ttr);
      const ps = solve(piModel, piBuilt.lp);
      let pi: number | null = null;
      let worst = -1;
      if (ps === 'optimal') {
        pi = Math.max(0, piModel.objectiveValue());
        const x = piModel.primal();
        let worstShare = 1e-9;
        for (let d = 0; d < n; d++) {
          const c = layout.lossCol[d]!;
          if (c < 0) continue;
          const window = layout.group[d] === layout.group[j] ? ttr : baseTtr;
          const demand = (net.demand[d]! / layout.scale[net.nodeMaterial[d]!]!) * Math.max(window, 1e-12);
          const share = x[c]! / demand;
          if (share > worstShare) {
            worstShare = share;
            worst = d;
          }
        }
      }
      if (ttr !== baseTtr) setCol(piModel, piBuilt.lp, tCol, baseTtr, baseTtr);
      disrupt(piModel, piBuilt.lp, j, false);

      results.push({
        node: j,
        tts,
        ttsStatus: ts,
        ttr,
        pi,
        piStatus: ps,
        rei: null,
        needsMitigation: tts === null ? null : tts < ttr,
        worstDemandNode: worst,
      });
      opts.onProgress?.(k + 1, nodes.length);
    }
    let maxPi = 0;
    for (const r of results) if (r.pi !== null && r.pi > maxPi) maxPi = r.pi;
    for (const r of results) r.rei = r.pi === null ? null : maxPi > 0 ? r.pi / maxPi : 0;
    return {
      results,
      baseline,
      lp: { tts: ttsModel.size(), pi: piModel.size() },
      parts: layout.groups,
      horizonDays: horizon,
      solves,
      iterations,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    ttsModel.destroy();
    piModel.destroy();
  }
}

/**
 * Ranks by performance impact (highest first); ties by shorter TTS, then node index. Results
 * whose PI is unknown go last.
 */
export function rankByImpact(results: readonly TtsNodeResult[]): TtsNodeResult[] {
  const key = (x: number | null, missing: number) => (x === null ? missing : x);
  return [...results].sort(
    (a, b) =>
      key(b.pi, Number.NEGATIVE_INFINITY) - key(a.pi, Number.NEGATIVE_INFINITY) ||
      key(a.tts, Number.POSITIVE_INFINITY) - key(b.tts, Number.POSITIVE_INFINITY) ||
      a.node - b.node,
  );
}
