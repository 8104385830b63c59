import type { CompiledScenario } from './compile-scenario.js';
import { RULE_ORIGIN } from './compile-scenario.js';
import type { MarketCurves, MarketSummary, SimulationResult } from './contract.js';
import {
  CLASS_AGREEMENT,
  CLASS_EXPORT,
  NODE_DEMAND,
  NODE_POOL,
  NODE_PRODUCER,
  NODE_UNALLOCATED_SINK,
  NODE_UNALLOCATED_SOURCE,
  type SimNetwork,
  SLOT_ESSENTIAL,
  SLOT_OPTIONAL,
} from './sim-network.js';
import { allocate, type PlainNodeStep } from './wasm/plain-node.js';

/**
 * The time-stepped flow kernel (day by default): an adaptive-regional-input-output style model
 * of orders, rationing and stocks on the compiled network (after ARIO, Hallegatte 2008, and
 * BoARIO, Sitzia et al. 2024: demand-driven production, pro-rata rationing of orders, inventories
 * rebuilt toward target cover), with priority classes and trade diversion.
 *
 * One step t:
 *  A. every node, in node order: capacity after shocks and ramp-ups; production
 *     u = min(plan, capacity, inputs on hand / recipe ratio) (a substitute group counts the sum of
 *     its members); inputs drawn; what it holds (unsold goods + u) is rationed over the orders
 *     received at t−1 by class — agreements, then domestic buyers, then other exports, then the
 *     spot pool — pro rata within a class; the plan for t+1 is the orders received less unsold
 *     goods, capped by capacity. A demand node consumes min(demand, stock).
 *  B. every input slot: deliveries of its t−1 orders (order × the supplier's fill ratio of the
 *     edge's class) into stock; the new need is an order-up-to rule on the inventory position:
 *     need = use + (safety stock + use − stock − on order) / rebuild time, split over suppliers by
 *     their shares. Export restrictions cut an order before the supplier sees it (a ban overrides
 *     a contract); agreement edges take their contracted volume first. A slot whose orders have
 *     gone unfilled for τ steps also orders the unfilled amount from its material's spot pool,
 *     which buys from suppliers in proportion to their spare output (trade diversion).
 *
 * Suppliers keep standing order totals by class; a slot sends only the change of its order, and
 * computes its deliveries edge by edge only when a supplier of the material rationed this step
 * (otherwise every order was filled: deliveries = order). A quiet part of the network therefore
 * costs one visit per node and slot, not per edge — and nothing once it is at a fixed point.
 *
 * Orders placed at t arrive at t+1. Quantities are per step in the material's unit.
 *
 * Skipping nodes at a fixed point (event-driven stepping). A node with its input slots is one
 * unit; a step maps the unit's state (plan, unsold goods, spare output, fill ratios, rationing,
 * stocks, standing orders, short counts, pool orders) and its inputs (capacity, demand, releases,
 * the order totals its buyers left at t−1, and its suppliers' fill ratios and rationing at t) to
 * the next state. The map is deterministic, so a unit whose state did not change in the last step
 * and whose inputs are the same as in the last step would compute exactly what it holds already:
 * it is skipped. A unit runs when it is woken — its state changed (compared bit for bit as it is
 * written), a buyer changed its standing order with it, an event changed its capacity or demand
 * or released stock into it, it has a slot with agreements, restriction rules or origin tracking,
 * or it is a busy spot pool — and its slots run phase B (after redoing its production, which
 * phase A skipped) when a supplier of one of their materials changed its fill ratios or rationing
 * this step. Slots still run in slot order (standing order totals are sums, and a sum depends on
 * its order), so the results are bit for bit those of the full pass (kernel-reference.ts; checked
 * by kernel-equivalence.test.ts). No tolerance is involved: a stock converging geometrically
 * keeps its node running until it stops changing in the last bit.
 *
 * When every supplier of a material is numbered before its buyers (`fusable`: nodes numbered by
 * tier), a node's phase B runs right after its phase A, while its records are in cache; otherwise
 * all phase A, then all phase B. Node and slot scalars sit in one record each (one cache line).
 * In the fused order of a large network (RunOptions.engine) the step runs in WebAssembly
 * (wasm/plain-node.as.ts, over the same records in its linear memory): a plain node — a producer or
 * trader without substitute groups or slow slots, most of a large network — runs there, and every
 * other node calls back into nodeA and nodeB. Woken for its slots alone (their stock changed, or a
 * supplier's fills did) a plain node redoes its production and, only if the output changed, its
 * rationing — the other inputs of phase A (capacity, plan, unsold goods, the orders it holds) are
 * those of its last run, so its order record is not even read; and a change in its slots alone
 * wakes only its slots for the next step. (nodeA and nodeB, run for a plain node in JavaScript,
 * ration and wake it in full: more work, the same results.) A buyer that changes an order marks the
 * material; at the end of the step every supplier of a marked material wakes (a superset of the
 * suppliers whose totals changed; one that was at a fixed point recomputes what it holds).
 *
 * One update is one visit of a node (phase A, or the production redone before phase B) or of an
 * edge (B) in one step; `updates` counts the visits made (an edge read for deliveries and again
 * for orders in the same pass counts once; a skipped node or edge is not visited).
 */

export interface RunOptions {
  /** keep per-step curves per (material, market); Monte Carlo asks for summaries only */
  curves: boolean;
  /** record the material balance of every step (tests) */
  audit?: boolean;
  /**
   * 'auto' (default): phase B of a node right after its phase A when the numbering allows it
   * (`fusable`), else all A then all B; 'two-pass' forces the latter (tests). Same results.
   */
  order?: 'auto' | 'two-pass';
  /**
   * Where the fused step runs its plain nodes: 'wasm', the WebAssembly step (wasm/plain-node.as.ts)
   * over records in one linear memory; 'js', nodeA and nodeB in JavaScript; 'auto' (default),
   * 'wasm' for networks of at least WASM_MIN_UPDATES nodes + edges that fit in its 4 GiB memory.
   * Same results bit for bit (kernel-equivalence.test.ts runs both).
   */
  engine?: 'auto' | 'wasm' | 'js';
}

/**
 * Below this many nodes + edges a run stays in JavaScript: a step of a small network is over before
 * the WebAssembly step pays for itself, and Monte Carlo's thousands of small runs would each
 * reserve a linear memory.
 */
export const WASM_MIN_UPDATES = 200_000;

/** Per step and material: the terms of produced = consumed + stocked + exported + unallocated. */
export interface MaterialBalance {
  materials: readonly string[];
  steps: number;
  /** [step][material][term], terms: produced, consumed, stocked, exported, unallocated */
  rows: Float64Array;
  /** the smallest stock held anywhere at the end of each step */
  minStock: Float64Array;
}

export const BALANCE_TERMS = ['produced', 'consumed', 'stocked', 'exported', 'unallocated'] as const;

export interface SimulationRun extends SimulationResult {
  balance?: MaterialBalance;
  warnings: string[];
}

/** Shortfalls at or below this fraction of demand are rounding, not shortage. */
export const SHORT_TOLERANCE = 1e-9;
/** A change of a standing order below this fraction of it is rounding: the order stands. */
const ORDER_EPS = 1e-12;

// ── memory layout ─────────────────────────────────────────────────────────────────────────────
// The hot loops read a node's or a slot's scalars from one record (one 64-byte cache line)
// instead of one array per field: a skipped node then costs no memory traffic, and a visited one
// a few lines rather than one per field.

/** node record (Float64, 8 per node) */
const NF = 8;
const NF_CAP = 0; // capacity this step (producers, traders, pools)
const NF_PLAN = 1; // producers: output planned for this step; demand nodes: this step's demand
const NF_FIN = 2; // unsold goods
const NF_SPARE = 3; // capacity left over + unsold goods (what a spot pool may buy)
const NF_DEM = 4; // demand this step (demand nodes)
const NF_CONS = 5; // consumed this step (demand nodes)
const NF_RATION = 6; // 1 if it rationed an order class at the last phase A it ran
const NF_PROD = 7; // produced this step (u; phase B draws the inputs from it, see NI_EARLY)
/** node record (Int32, 4 per node) */
const NI = 4;
const NI_S0 = 0; // first slot
const NI_S1 = 1; // one past the last slot
const NI_MAT = 2; // material
const NI_KIND = 3; // NODE_* | NI_HAS_GROUP
const NI_HAS_GROUP = 16; // a slot of the node is in a substitute group
const NI_IN_REPORT = 32; // the node belongs to a reporting group
/**
 * phase A draws the node's inputs (demand nodes, spot pools, substitute groups, slow slots);
 * otherwise phase A only computes the output u (kept in NF_PROD) and phase B draws each slot's
 * input just before its deliveries — the same arithmetic on the same values (nothing else reads or
 * writes a slot's stock between its node's phase A and phase B), one pass over the slots fewer
 */
const NI_EARLY = 64;
/** slot record (Float64, 8 per slot) */
const SF = 8;
const SF_RATIO = 0; // input per unit of output × base weight
const SF_INV = 1; // 1 / ratio of an essential slot (∞ for ratio 0 and for other slots: never limits)
/**
 * safety stock: target cover less the one step in the pipeline. A slot orders up to an inventory
 * position (on hand after use + on order) of safety + this step's use.
 */
const SF_SAFETY = 2;
const SF_SHARES = 3; // Σ of a fast slot's edge shares (its deliveries when no supplier rations)
const SF_NEED = 4; // orders placed at t−1 (fast slots: share × need on every edge)
const SF_STOCK = 5;
const SF_STOCK0 = 6; // stock at the start of the step (a changed stock wakes its node)
const SF_POOL_ORDER = 7; // ordered from the spot pool at t−1
/** slot record (Int32, 8 per slot) */
const SI = 8;
const SI_E0 = 0; // first edge
const SI_E1 = 1; // one past the last edge
const SI_MAT = 2;
const SI_SHORT = 3; // steps its orders have gone unfilled
const SI_POOL = 4; // spot pool node of its material, −1 for none
const SI_GROUP = 5; // SLOT_ESSENTIAL, SLOT_OPTIONAL or a substitute group
const SI_SLOW = 6; // 1: agreements, restriction rules, origin tracking or a pool's dynamic shares

/** Everything a run mutates, plus the network's arrays the hot loops read. */
interface State {
  net: SimNetwork;
  cs: CompiledScenario;
  n: number;
  S: number;
  E: number;
  T: number;
  sd: number;
  /** node records (NF_*, NI_*) and slot records (SF_*, SI_*) */
  nf: Float64Array;
  ni: Int32Array;
  sf: Float64Array;
  si: Int32Array;
  capBase: Float64Array;
  demBase: Float64Array;
  /** record production and input use per step (the balance audit) */
  track: boolean;
  /** per node: orders received by class [0..3], then fill ratios by class [4..7] */
  sb: Float64Array;
  /** per material: whether a supplier rationed any order class this step */
  rationed: Uint8Array;
  /** edges visited so far (an idle spot pool's edges are skipped) */
  edgeVisits: number;
  inputUsed: Float64Array;
  /** supplier × 8 + class, per edge */
  sbIdx: Int32Array;
  agRate: Map<number, number>;
  /** orders placed on each edge at t−1 (slow slots only) */
  edgeOrder: Float64Array;
  /** need before cuts at t−1 (slow slots) */
  requested: Float64Array;
  /** placed after cuts at t−1 (slow slots): what is on order */
  placed: Float64Array;
  R: number;
  active: Float64Array;
  ruleStart: Int32Array;
  poolRules: Map<number, number[]>;
  originRow: Int32Array;
  originFrac: Float64Array;
  originTracked: Uint8Array;
  tmpOrigin: Float64Array;
  exporterLoc: number[];
  tau: number;
  invRebuild: number;

  // ── event-driven stepping (see "Skipping nodes at a fixed point" above) ──────────────────
  /**
   * per node, this step: bit 1 = run in full (phase A and its slots' phase B); bit 2 = a supplier
   * of one of its inputs changed its fill ratios or rationing, so its slots run phase B (after
   * redoing its production, which phase A skipped); 0 = at a fixed point: skipped
   */
  run: Uint8Array;
  /** per node: run in full next step (its state changed this step, or its orders did) */
  wake: Uint8Array;
  /** nodes with a slow slot (agreements, restriction rules, origin tracking): run every step */
  always: Int32Array;
  /** per material: suppliers now rationing (rationed[m] = rationCount[m] > 0) */
  rationCount: Int32Array;
  /** per material: a supplier's fill ratios or rationing changed this step (its buyers run B) */
  matDirty: Uint8Array;
  /**
   * per material: a buyer's fast slot changed its standing order this step; at the end of the
   * step every supplier of the material wakes (a superset of the suppliers whose totals changed —
   * a supplier at a fixed point that runs anyway computes what it holds — for one store per slot
   * instead of one per edge)
   */
  orderChanged: Uint8Array;
  /** per material: the nodes that supply it on some edge (CSR) */
  matSupplierStart: Int32Array;
  matSupplier: Int32Array;
  /** per material: the nodes that buy it (CSR) */
  matBuyerStart: Int32Array;
  matBuyer: Int32Array;
  /** nodes visited so far (phase A, or a late production before phase B) */
  nodeVisits: number;
  /** per node: the reporting groups it belongs to (CSR) */
  groupStart: Int32Array;
  groupList: Int32Array;
  /** per group: a member ran this step (its sums are recomputed) */
  groupDirty: Uint8Array;
  /** the WebAssembly fused step, when the arrays above live in its memory (RunOptions.engine) */
  wasm: PlainNodeStep | null;
}

function createState(net: SimNetwork, cs: CompiledScenario, track: boolean, useWasm: boolean): State {
  const n = net.nodeCount;
  const S = net.slotCount;
  const E = net.edgeCount;
  const M = net.materialIds.length;
  const G = cs.groups.length;
  let L = 0;
  for (const g of cs.groups) L += g.nodes.length;
  const sd = cs.stepDays;
  const kind = net.nodeKind;
  const slotNode = net.slotNode;
  const slotEdgeStart = net.slotEdgeStart;
  // the arrays the WebAssembly step reads or writes, in its memory when it runs
  const { arena, arrays: hot } = allocate(
    {
      nf: ['f64', n * NF],
      ni: ['i32', n * NI],
      sb: ['f64', n * 8],
      sf: ['f64', S * SF],
      si: ['i32', S * SI],
      sbIdx: ['i32', E],
      // a copy in the memory for the WebAssembly step; JavaScript reads the network's
      edgeShare: ['f64', useWasm ? E : 0],
      matBuyerStart: ['i32', M + 1],
      matBuyer: ['i32', S],
      groupStart: ['i32', n + 1],
      groupList: ['i32', L],
      rationed: ['u8', M],
      rationCount: ['i32', M],
      matDirty: ['u8', M],
      orderChanged: ['u8', M],
      groupDirty: ['u8', G],
      inputUsed: ['f64', track ? S : 0],
      run: ['u8', n],
      wake: ['u8', n],
    },
    useWasm,
  );
  const capBase = new Float64Array(n);
  const demBase = new Float64Array(n);
  const { nf, ni, sb, sf, si, sbIdx, matBuyerStart, matBuyer, groupStart, groupList } = hot;
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    const b = i * NF;
    if (k === NODE_DEMAND || k === NODE_UNALLOCATED_SINK) {
      demBase[i] = net.nodeRate[i]! * sd;
      nf[b + NF_DEM] = demBase[i]!;
      nf[b + NF_PLAN] = demBase[i]!;
    } else {
      capBase[i] = net.nodeCapacity[i]! * sd;
      nf[b + NF_CAP] = capBase[i]!;
      nf[b + NF_PLAN] = net.nodeRate[i]! * sd;
    }
    ni[i * NI + NI_S0] = net.nodeSlotStart[i]!;
    ni[i * NI + NI_S1] = net.nodeSlotStart[i + 1]!;
    ni[i * NI + NI_MAT] = net.nodeMaterial[i]!;
    ni[i * NI + NI_KIND] = k;
    for (let c = 4; c < 8; c++) sb[i * 8 + c] = 1;
  }
  for (let s = 0; s < S; s++) {
    const f = s * SF;
    const r = net.slotRatio[s]! * net.slotWeight[s]!;
    sf[f + SF_RATIO] = r;
    // stock × ∞ is ∞ (or NaN for an empty stock): neither is below u, so the slot never limits
    sf[f + SF_INV] = r > 0 && net.slotGroup[s] === SLOT_ESSENTIAL ? 1 / r : Number.POSITIVE_INFINITY;
    const base = r * nf[slotNode[s]! * NF + NF_PLAN]!;
    const cover = cs.slotCoverDays[s]! / sd;
    // stock at the end of a step: the target cover, at least the next step's use
    sf[f + SF_STOCK] = (cover > 1 ? cover : 1) * base;
    sf[f + SF_SAFETY] = sf[f + SF_STOCK]! - base;
    sf[f + SF_NEED] = base;
    const g = s * SI;
    si[g + SI_E0] = slotEdgeStart[s]!;
    si[g + SI_E1] = slotEdgeStart[s + 1]!;
    si[g + SI_MAT] = net.slotMaterial[s]!;
    si[g + SI_POOL] = net.slotPool[s]!;
    si[g + SI_GROUP] = net.slotGroup[s]!;
    if (net.slotGroup[s]! >= 0) ni[slotNode[s]! * NI + NI_KIND]! |= NI_HAS_GROUP;
  }
  for (let e = 0; e < E; e++) sbIdx[e] = net.edgeSupplier[e]! * 8 + net.edgeClass[e]!;
  const edgeShare = arena.isWasm ? hot.edgeShare : net.edgeShare;
  if (arena.isWasm) edgeShare.set(net.edgeShare);

  // slow slots: agreements, restriction rules, origin tracking, pools' dynamic shares
  const slow = new Uint8Array(S);
  const agRate = new Map<number, number>();
  for (let k = 0; k < net.agreementEdge.length; k++)
    agRate.set(net.agreementEdge[k]!, net.agreementRate[k]! * sd);
  const edgeSlotOf = (e: number) => {
    let lo = 0;
    let hi = S - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (slotEdgeStart[mid]! <= e) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const e of agRate.keys()) slow[edgeSlotOf(e)] = 1;
  const R = cs.restrictions.length;
  const ruleStart = new Int32Array(cs.ruleEdge.length ? E : 0).fill(-1);
  for (let q = cs.ruleEdge.length - 1; q >= 0; q--) {
    const e = cs.ruleEdge[q]!;
    ruleStart[e] = q;
    slow[edgeSlotOf(e)] = 1;
  }
  const poolRules = new Map<number, number[]>();
  for (let q = 0; q < cs.poolRuleSlot.length; q++) {
    const s = cs.poolRuleSlot[q]!;
    const list = poolRules.get(s) ?? [];
    list.push(cs.poolRuleRestriction[q]!);
    poolRules.set(s, list);
    slow[s] = 1;
  }
  const originRow = new Int32Array(cs.originNode.length ? n : 0).fill(-1);
  let rows = 0;
  for (let q = 0; q < cs.originNode.length; q++) {
    const node = cs.originNode[q]!;
    if (originRow[node] === -1) originRow[node] = rows++;
    for (let s = net.nodeSlotStart[node]!; s < net.nodeSlotStart[node + 1]!; s++) slow[s] = 1;
  }
  const originTracked = new Uint8Array(rows * R);
  for (let q = 0; q < cs.originNode.length; q++)
    originTracked[originRow[cs.originNode[q]!]! * R + cs.originRestriction[q]!] = 1;
  for (let s = 0; s < S; s++) if (kind[slotNode[s]!] === NODE_POOL) slow[s] = 1;
  let anySlow = false;
  for (let s = 0; s < S; s++) {
    si[s * SI + SI_SLOW] = slow[s]!;
    if (slow[s]) anySlow = true;
  }
  // nodes with a slow slot run every step, except spot pools (they run while they are not idle)
  const alwaysList: number[] = [];
  for (let i = 0; i < n; i++) {
    if (kind[i] === NODE_POOL) continue;
    for (let s = net.nodeSlotStart[i]!; s < net.nodeSlotStart[i + 1]!; s++)
      if (slow[s]) {
        alwaysList.push(i);
        break;
      }
  }
  // the buyers of each material (a node once per slot of the material)
  for (let s = 0; s < S; s++) matBuyerStart[net.slotMaterial[s]! + 1]!++;
  for (let m = 0; m < M; m++) matBuyerStart[m + 1]! += matBuyerStart[m] ?? 0;
  const fillAt = matBuyerStart.slice(0, M);
  for (let s = 0; s < S; s++) matBuyer[fillAt[net.slotMaterial[s]!]!++] = slotNode[s]!;
  // the suppliers of each material, each once (slots taken material by material)
  const matSupplierStart = new Int32Array(M + 1);
  const supplierList: number[] = [];
  {
    const bySlot = new Int32Array(S);
    const at = new Int32Array(M + 1);
    for (let s = 0; s < S; s++) at[net.slotMaterial[s]! + 1]!++;
    for (let m = 0; m < M; m++) at[m + 1]! += at[m] ?? 0;
    for (let s = 0; s < S; s++) bySlot[at[net.slotMaterial[s]!]!++] = s;
    const seen = new Int32Array(n).fill(-1);
    let q = 0;
    for (let m = 0; m < M; m++) {
      matSupplierStart[m] = supplierList.length;
      for (; q < S && net.slotMaterial[bySlot[q]!] === m; q++) {
        const sl = bySlot[q]!;
        for (let e = slotEdgeStart[sl]!; e < slotEdgeStart[sl + 1]!; e++) {
          const i = net.edgeSupplier[e]!;
          if (seen[i] !== m) {
            seen[i] = m;
            supplierList.push(i);
          }
        }
      }
    }
    matSupplierStart[M] = supplierList.length;
  }
  // the reporting groups of each node
  for (const g of cs.groups) for (const i of g.nodes) groupStart[i + 1]!++;
  for (let i = 0; i < n; i++) groupStart[i + 1]! += groupStart[i] ?? 0;
  const groupAt = groupStart.slice(0, n);
  cs.groups.forEach((g, k) => {
    for (const i of g.nodes) groupList[groupAt[i]!++] = k;
  });
  for (let i = 0; i < n; i++) {
    if (groupStart[i + 1]! > groupStart[i]!) ni[i * NI + NI_KIND]! |= NI_IN_REPORT;
    const k = kind[i]!;
    let early = k === NODE_DEMAND || k === NODE_UNALLOCATED_SINK || k === NODE_POOL;
    if ((ni[i * NI + NI_KIND]! & NI_HAS_GROUP) !== 0) early = true;
    for (let s = net.nodeSlotStart[i]!; s < net.nodeSlotStart[i + 1]!; s++) if (slow[s]) early = true;
    if (early) ni[i * NI + NI_KIND]! |= NI_EARLY;
  }

  const st: State = {
    net,
    cs,
    n,
    S,
    E,
    T: cs.steps,
    sd,
    nf,
    ni,
    sf,
    si,
    capBase,
    demBase,
    track,
    sb,
    rationed: hot.rationed,
    edgeVisits: 0,
    inputUsed: hot.inputUsed,
    sbIdx,
    agRate,
    edgeOrder: new Float64Array(anySlow ? E : 0),
    requested: new Float64Array(anySlow ? S : 0),
    placed: new Float64Array(anySlow ? S : 0),
    R,
    active: new Float64Array(R),
    ruleStart,
    poolRules,
    originRow,
    originFrac: new Float64Array(rows * R),
    originTracked,
    tmpOrigin: new Float64Array(R),
    exporterLoc: cs.restrictions.map((r) => net.locations.indexOf(r.exporter)),
    tau: cs.diversionSteps,
    invRebuild: 1 / cs.rebuildSteps,
    run: hot.run.fill(1),
    wake: hot.wake,
    always: Int32Array.from(alwaysList),
    rationCount: hot.rationCount,
    matDirty: hot.matDirty,
    matBuyerStart,
    matBuyer,
    orderChanged: hot.orderChanged,
    matSupplierStart,
    matSupplier: Int32Array.from(supplierList),
    nodeVisits: 0,
    groupStart,
    groupList,
    groupDirty: hot.groupDirty.fill(1),
    wasm: null,
  };
  // the base state's orders, as if placed at step −1; suppliers keep the standing totals
  for (let s = 0; s < S; s++) {
    const need = sf[s * SF + SF_NEED]!;
    const e0 = slotEdgeStart[s]!;
    const e1 = slotEdgeStart[s + 1]!;
    if (!slow[s]) {
      let sum = 0;
      for (let e = e0; e < e1; e++) {
        sb[sbIdx[e]!]! += need * edgeShare[e]!;
        sum += edgeShare[e]!;
      }
      sf[s * SF + SF_SHARES] = sum;
      continue;
    }
    st.requested[s] = need;
    for (let e = e0; e < e1; e++) {
      let o = need * edgeShare[e]!;
      const a = agRate.size ? agRate.get(e) : undefined;
      if (a !== undefined && o > a) o = a;
      st.edgeOrder[e] = o;
      st.placed[s]! += o;
      sb[sbIdx[e]!]! += o;
    }
  }
  if (arena.isWasm) {
    // the fused step's plain nodes run in WebAssembly; it calls back for every other node
    const w = arena.instantiate((i, r) => {
      if (r & 1) nodeA(st, i);
      nodeB(st, i);
    });
    w.init(
      nf.byteOffset,
      ni.byteOffset,
      sf.byteOffset,
      si.byteOffset,
      sb.byteOffset,
      edgeShare.byteOffset,
      sbIdx.byteOffset,
      st.rationed.byteOffset,
      st.rationCount.byteOffset,
      st.matDirty.byteOffset,
      matBuyerStart.byteOffset,
      matBuyer.byteOffset,
      st.orderChanged.byteOffset,
      groupStart.byteOffset,
      groupList.byteOffset,
      st.groupDirty.byteOffset,
      st.inputUsed.byteOffset,
      st.tau,
      st.invRebuild,
      track ? 1 : 0,
    );
    st.wasm = w;
  }
  return st;
}

/** Capacity, demand, restrictions and releases of step t; a node whose inputs change runs. */
function applyEvents(st: State, t: number): void {
  const cs = st.cs;
  const T = st.T;
  const run = st.run;
  const nf = st.nf;
  for (let k = 0; k < cs.capacityNodes.length; k++) {
    const i = cs.capacityNodes[k]!;
    const c = st.capBase[i]! * cs.capacityFactor[k * T + t]! + cs.capacityExtra[k * T + t]! * st.sd;
    if (c !== nf[i * NF + NF_CAP]) {
      nf[i * NF + NF_CAP] = c;
      run[i] = 1;
    }
  }
  for (let k = 0; k < cs.demandNodes.length; k++) {
    const i = cs.demandNodes[k]!;
    const d = st.demBase[i]! * cs.demandFactor[k * T + t]!;
    if (d !== nf[i * NF + NF_DEM]) {
      nf[i * NF + NF_DEM] = d;
      run[i] = 1;
    }
  }
  for (let r = 0; r < st.R; r++) {
    const x = cs.restrictions[r]!;
    st.active[r] = t >= x.startStep && t < x.endStep ? x.share : 0;
  }
  for (let q = 0; q < cs.releaseSlot.length; q++) {
    if (cs.releaseStep[q] === t) {
      const s = cs.releaseSlot[q]!;
      st.sf[s * SF + SF_STOCK]! += cs.releaseQuantity[q] ?? 0;
      // this step's input differs from the last one's and from the next one's
      const j = st.net.slotNode[s]!;
      run[j] = 1;
      st.wake[j] = 1;
    }
  }
}

/** A supplier of material m changed its fill ratios or rationing: every buyer of m runs phase B. */
function materialChanged(st: State, m: number): void {
  if (st.matDirty[m]) return;
  st.matDirty[m] = 1;
  const run = st.run;
  const buyer = st.matBuyer;
  for (let q = st.matBuyerStart[m]!; q < st.matBuyerStart[m + 1]!; q++) run[buyer[q]!]! |= 2;
}

/**
 * Production u = min(plan, capacity, inputs on hand / recipe ratio) and the inputs it draws, for a
 * producer, trader or busy pool; records each slot's stock before the draw. Returns u.
 */
function produce(st: State, i: number, s0: number, s1: number, kf: number): number {
  const nf = st.nf;
  const sf = st.sf;
  const cap = nf[i * NF + NF_CAP]!;
  const pl = nf[i * NF + NF_PLAN]!;
  let u = pl < cap ? pl : cap;
  if (s1 > s0) {
    if ((kf & NI_HAS_GROUP) !== 0) {
      for (let s = s0; s < s1; s++) sf[s * SF + SF_STOCK0] = sf[s * SF + SF_STOCK]!;
      u = limitWithGroups(st, s0, s1, u);
    } else {
      for (let s = s0; s < s1; s++) {
        // stock × (1 / ratio) for an essential input; ∞ (or NaN) for the others never limits
        const lim = sf[s * SF + SF_STOCK]! * sf[s * SF + SF_INV]!;
        if (lim < u) u = lim;
      }
      // the draw: here only for NI_EARLY nodes, else in phase B (nodeB)
      if ((kf & NI_EARLY) !== 0)
        for (let s = s0; s < s1; s++) {
          const f = s * SF;
          const take = sf[f + SF_RATIO]! * u;
          const x = sf[f + SF_STOCK]!;
          sf[f + SF_STOCK0] = x;
          const used = take < x ? take : x;
          sf[f + SF_STOCK] = x - used;
          if (st.track) st.inputUsed[s] = used;
        }
    }
  }
  nf[i * NF + NF_PROD] = u;
  return u;
}

/**
 * The production part of phase A for a node that phase A skipped (its state and inputs are those
 * of the last step, so plans, fills and spare output would come out unchanged) but whose slots run
 * phase B this step: the inputs it draws (a demand node: what it consumes).
 */
function produceLate(st: State, i: number): void {
  const ni = st.ni;
  const nf = st.nf;
  const sf = st.sf;
  const k = ni[i * NI + NI_KIND]! & 15;
  const s0 = ni[i * NI + NI_S0]!;
  const s1 = ni[i * NI + NI_S1]!;
  if (k === NODE_DEMAND || k === NODE_UNALLOCATED_SINK) {
    const d = nf[i * NF + NF_DEM]!;
    const x = sf[s0 * SF + SF_STOCK]!;
    sf[s0 * SF + SF_STOCK0] = x;
    sf[s0 * SF + SF_STOCK] = x - (d < x ? d : x);
    return;
  }
  // an idle spot pool makes nothing (and with nothing planned, nothing is drawn anyway)
  if (
    k === NODE_POOL &&
    nf[i * NF + NF_PLAN] === 0 &&
    nf[i * NF + NF_FIN] === 0 &&
    sf[s0 * SF + SF_STOCK] === 0
  )
    return;
  produce(st, i, s0, s1, ni[i * NI + NI_KIND]!);
}

/**
 * Phase A for the nodes that run in full: production, rationing by class, plans; final demand
 * consumes from stock. A node whose plan, unsold goods, spare output, fill ratios or rationing
 * change wakes for the next step; a change of fill ratios or rationing makes every buyer of the
 * material run phase B this step.
 */
function nodeA(st: State, i: number): void {
  const nf = st.nf;
  const ni = st.ni;
  const sf = st.sf;
  const sb = st.sb;
  const wake = st.wake;
  st.nodeVisits++;
  const a = i * NF;
  const kf = ni[i * NI + NI_KIND]!;
  const k = kf & 15;
  const s0 = ni[i * NI + NI_S0]!;
  if (k === NODE_DEMAND || k === NODE_UNALLOCATED_SINK) {
    const d = nf[a + NF_DEM]!;
    const f = s0 * SF;
    const x = sf[f + SF_STOCK]!;
    const c = d < x ? d : x;
    sf[f + SF_STOCK0] = x;
    sf[f + SF_STOCK] = x - c;
    if (c !== nf[a + NF_CONS] || d !== nf[a + NF_PLAN]) {
      nf[a + NF_CONS] = c;
      nf[a + NF_PLAN] = d;
      wake[i] = 1;
    }
    return;
  }
  const b = i << 3;
  if (k === NODE_POOL) {
    // an idle spot pool: nothing planned, held or ordered
    if (nf[a + NF_PLAN] === 0 && nf[a + NF_FIN] === 0 && sf[s0 * SF + SF_STOCK] === 0) {
      if (sb[b] === 0 && sb[b + 1] === 0 && sb[b + 2] === 0 && sb[b + 3] === 0) {
        if (nf[a + NF_SPARE] !== 0) {
          nf[a + NF_SPARE] = 0;
          wake[i] = 1;
        }
        return;
      }
    }
    // a busy pool buys by its suppliers' spare output (not tracked): it runs until idle
    wake[i] = 1;
  }
  const cap = nf[a + NF_CAP]!;
  const u = produce(st, i, s0, ni[i * NI + NI_S1]!, kf);
  let rem = nf[a + NF_FIN]! + u;
  // standing order totals by class (kept across steps; rounding may leave a total a hair below 0)
  const o0 = sb[b]! > 0 ? sb[b]! : 0;
  const o1 = sb[b + 1]! > 0 ? sb[b + 1]! : 0;
  const o2 = sb[b + 2]! > 0 ? sb[b + 2]! : 0;
  const o3 = sb[b + 3]! > 0 ? sb[b + 3]! : 0;
  const orders = o0 + o1 + o2 + o3;
  let f0 = 1;
  let f1 = 1;
  let f2 = 1;
  let f3 = 1;
  let rat = 0;
  if (orders <= rem * (1 + ORDER_EPS)) {
    // every order filled (the common case; an excess below 1e-12 is rounding): no division
    rem = orders < rem ? rem - orders : 0;
  } else {
    if (k !== NODE_POOL) rat = 1;
    let take = o0 < rem ? o0 : rem;
    if (o0 > 0) f0 = take / o0;
    rem -= take;
    take = o1 < rem ? o1 : rem;
    if (o1 > 0) f1 = take / o1;
    rem -= take;
    take = o2 < rem ? o2 : rem;
    if (o2 > 0) f2 = take / o2;
    rem -= take;
    take = o3 < rem ? o3 : rem;
    if (o3 > 0) f3 = take / o3;
    rem -= take;
  }
  if (
    f0 !== sb[b + 4] ||
    f1 !== sb[b + 5] ||
    f2 !== sb[b + 6] ||
    f3 !== sb[b + 7] ||
    rat !== nf[a + NF_RATION]
  ) {
    sb[b + 4] = f0;
    sb[b + 5] = f1;
    sb[b + 6] = f2;
    sb[b + 7] = f3;
    const m = ni[i * NI + NI_MAT]!;
    if (rat !== nf[a + NF_RATION]) {
      nf[a + NF_RATION] = rat;
      st.rationCount[m]! += rat ? 1 : -1;
      st.rationed[m] = st.rationCount[m]! > 0 ? 1 : 0;
    }
    materialChanged(st, m);
    wake[i] = 1;
  }
  let p = orders - rem;
  if (p < 0) p = 0;
  if (p > cap) p = cap;
  const sp = cap - u + rem;
  if (rem !== nf[a + NF_FIN] || p !== nf[a + NF_PLAN] || sp !== nf[a + NF_SPARE]) {
    nf[a + NF_FIN] = rem;
    nf[a + NF_PLAN] = p;
    nf[a + NF_SPARE] = sp;
    wake[i] = 1;
  }
}

/**
 * Phase B for the slots of the nodes that run (in slot order, as the standing order totals are
 * sums): deliveries of the t−1 orders, new orders, diversion to the spot pool. A slot whose order
 * changes wakes its suppliers (their orders changed) and its node; a slot whose stock, short count
 * or pool order changes wakes its node.
 */
function nodeB(st: State, j: number): void {
  let visited = 0;
  const nf = st.nf;
  const ni = st.ni;
  const sf = st.sf;
  const si = st.si;
  const edgeShare = st.net.edgeShare;
  const sbIdx = st.sbIdx;
  const sb = st.sb;
  const placed = st.placed;
  const rationed = st.rationed;
  const orderChanged = st.orderChanged;
  const tau = st.tau;
  const invRebuild = st.invRebuild;
  const run = st.run;
  const wake = st.wake;
  if ((run[j]! & 1) === 0) {
    produceLate(st, j);
    st.nodeVisits++;
  }
  const kf = ni[j * NI + NI_KIND]!;
  if ((kf & NI_IN_REPORT) !== 0) {
    const groupStart = st.groupStart;
    for (let q = groupStart[j]!; q < groupStart[j + 1]!; q++) st.groupDirty[st.groupList[q]!] = 1;
  }
  const isPool = (kf & 15) === NODE_POOL;
  // draw the inputs here (not in phase A): the output u phase A computed
  const late = (kf & NI_EARLY) === 0;
  const u = nf[j * NF + NF_PROD]!;
  const track = st.track;
  const plan = nf[j * NF + NF_PLAN]!;
  const sEnd = ni[j * NI + NI_S1]!;
  let w = 0;
  for (let s = ni[j * NI + NI_S0]!; s < sEnd; s++) {
    const f = s * SF;
    const g = s * SI;
    const e0 = si[g + SI_E0]!;
    const e1 = si[g + SI_E1]!;
    if (si[g + SI_SLOW] !== 0) {
      // an idle spot pool (nothing on order, nothing to buy) costs one test
      const idle = isPool && placed[s] === 0 && plan === 0 && sf[f + SF_STOCK] === 0;
      if (!idle) {
        slowSlot(st, s);
        visited += e1 - e0;
        w = 1;
      }
      continue;
    }
    const np = sf[f + SF_NEED]!;
    const sh0 = si[g + SI_SHORT]!;
    // a pool order is outstanding only while the slot diverts
    const po = sh0 >= tau && sh0 > 0 ? sf[f + SF_POOL_ORDER]! : 0;
    const ratio = sf[f + SF_RATIO]!;
    // stock at the start of the step (x0) and after the draw (st0)
    let x0: number;
    let st0: number;
    if (late) {
      x0 = sf[f + SF_STOCK]!;
      const take = ratio * u;
      const used = take < x0 ? take : x0;
      st0 = x0 - used;
      if (track) st.inputUsed[s] = used;
    } else {
      x0 = sf[f + SF_STOCK0]!;
      st0 = sf[f + SF_STOCK]!;
    }
    // order up to target on the inventory position (stock on hand + on order)
    const use = ratio * plan;
    let need = use + (sf[f + SF_SAFETY]! + use - st0 - np - po) * invRebuild;
    if (need < 0) need = 0;
    // a change below 1e-12 of the order is rounding: keep the standing order
    const delta = need - np;
    const changed = delta > ORDER_EPS * np || delta < -ORDER_EPS * np;
    const mat = si[g + SI_MAT]!;
    if (!changed) need = np;
    else {
      sf[f + SF_NEED] = need;
      // its suppliers wake at the end of the step (wakeSuppliers)
      orderChanged[mat] = 1;
      w = 1;
    }
    // deliveries of the t−1 orders: share × fill per edge, unless no supplier of the material rationed
    let got: number;
    if (rationed[mat]) {
      let acc = 0;
      if (changed) {
        for (let e = e0; e < e1; e++) {
          const k = sbIdx[e]!;
          const sh = edgeShare[e]!;
          acc += sh * sb[k + 4]!;
          sb[k]! += sh * delta;
        }
      } else for (let e = e0; e < e1; e++) acc += edgeShare[e]! * sb[sbIdx[e]! + 4]!;
      got = acc * np;
      visited += e1 - e0;
    } else {
      got = sf[f + SF_SHARES]! * np;
      if (changed) {
        // standing orders are kept at the suppliers: only the change is sent
        for (let e = e0; e < e1; e++) {
          const k = sbIdx[e]!;
          sb[k]! += edgeShare[e]! * delta;
        }
        visited += e1 - e0;
      }
    }
    const unf = np - got;
    let newPo = 0;
    if (unf > SHORT_TOLERANCE * np) {
      const short = sh0 + 1;
      si[g + SI_SHORT] = short;
      w = 1;
      if (short >= tau && unf > 0 && si[g + SI_POOL]! >= 0) newPo = unf;
    } else if (sh0 !== 0) {
      si[g + SI_SHORT] = 0;
      w = 1;
    }
    const x = po > 0 ? st0 + (got + po * sb[si[g + SI_POOL]! * 8 + 4 + CLASS_EXPORT]!) : st0 + got;
    sf[f + SF_STOCK] = x;
    if (x !== x0) w = 1;
    if (newPo !== po) {
      const pool = si[g + SI_POOL]!;
      sb[pool * 8 + CLASS_EXPORT]! += newPo - po;
      sf[f + SF_POOL_ORDER] = newPo;
      wake[pool] = 1;
      w = 1;
    }
  }
  if (w) wake[j] = 1;
  st.edgeVisits += visited;
}

/** The suppliers of every material whose buyers changed a standing order this step run next step. */
function wakeSuppliers(st: State): void {
  const oc = st.orderChanged;
  const start = st.matSupplierStart;
  const list = st.matSupplier;
  const wake = st.wake;
  for (let m = 0; m < oc.length; m++) {
    if (oc[m] === 0) continue;
    oc[m] = 0;
    for (let q = start[m]!; q < start[m + 1]!; q++) wake[list[q]!] = 1;
  }
}

/** One step with phase A for every node that runs, then phase B (any node order). */
function stepTwoPass(st: State): void {
  const n = st.n;
  const run = st.run;
  for (let i = 0; i < n; i++) if (run[i]! & 1) nodeA(st, i);
  for (let j = 0; j < n; j++) if (run[j]) nodeB(st, j);
}

/**
 * One step with each node's phase B right after its phase A, while its records are in cache.
 * The same results as stepTwoPass when every node of a material is numbered before (or is) each
 * of its buyers (`fusable`): a node's phase A then still sees the orders of t−1 (its buyers come
 * later), and its buyers' phase B sees the fills and rationing of t.
 */
function stepFused(st: State): void {
  if (st.wasm) {
    st.wasm.step(st.n, st.run.byteOffset, st.wake.byteOffset);
    return;
  }
  const n = st.n;
  const run = st.run;
  for (let i = 0; i < n; i++) {
    const r = run[i]!;
    if (r === 0) continue;
    if (r & 1) nodeA(st, i);
    nodeB(st, i);
  }
}

/**
 * Whether every node that supplies a slot's material (producers, traders, its spot pool, the
 * unallocated source) is numbered at or before the slot's node.
 */
export function fusable(net: SimNetwork): boolean {
  const last = new Int32Array(net.materialIds.length).fill(-1);
  for (let i = 0; i < net.nodeCount; i++) {
    const k = net.nodeKind[i]!;
    if (k !== NODE_DEMAND && k !== NODE_UNALLOCATED_SINK) last[net.nodeMaterial[i]!] = i;
  }
  for (let s = 0; s < net.slotCount; s++) {
    const j = net.slotNode[s]!;
    if (last[net.slotMaterial[s]!]! > j || net.slotPool[s]! > j) return false;
    for (let e = net.slotEdgeStart[s]!; e < net.slotEdgeStart[s + 1]!; e++)
      if (net.edgeSupplier[e]! > j) return false;
  }
  return true;
}

function limitWithGroups(st: State, s0: number, s1: number, u0: number): number {
  const slotGroup = st.net.slotGroup;
  const slotRatio = st.net.slotRatio;
  const sf = st.sf;
  let u = u0;
  for (let s = s0; s < s1; s++) {
    const g = slotGroup[s]!;
    if (g === SLOT_ESSENTIAL) {
      const r = sf[s * SF + SF_RATIO]!;
      if (r > 0 && sf[s * SF + SF_STOCK]! / r < u) u = sf[s * SF + SF_STOCK]! / r;
    } else if (g >= 0 && firstOfGroup(slotGroup, s0, s, g)) {
      let eq = 0;
      for (let q = s; q < s1; q++)
        if (slotGroup[q] === g && slotRatio[q]! > 0) eq += sf[q * SF + SF_STOCK]! / slotRatio[q]!;
      if (eq < u) u = eq;
    }
  }
  for (let s = s0; s < s1; s++) {
    const g = slotGroup[s]!;
    if (g === SLOT_ESSENTIAL || g === SLOT_OPTIONAL) {
      const take = sf[s * SF + SF_RATIO]! * u;
      const x = sf[s * SF + SF_STOCK]!;
      if (st.track) st.inputUsed[s] = take < x ? take : x;
      sf[s * SF + SF_STOCK] = take < x ? x - take : 0;
    } else if (firstOfGroup(slotGroup, s0, s, g)) {
      let eq = 0;
      for (let q = s; q < s1; q++)
        if (slotGroup[q] === g && slotRatio[q]! > 0) eq += sf[q * SF + SF_STOCK]! / slotRatio[q]!;
      // draw each member in proportion to the output it can make
      const f = eq > 0 ? u / eq : 0;
      for (let q = s; q < s1; q++) {
        if (slotGroup[q] !== g) continue;
        const take = sf[q * SF + SF_STOCK]! * (f < 1 ? f : 1);
        sf[q * SF + SF_STOCK] = sf[q * SF + SF_STOCK]! - take;
        if (st.track) st.inputUsed[q] = take;
      }
    }
  }
  return u;
}

function firstOfGroup(slotGroup: Int32Array, s0: number, s: number, g: number): boolean {
  for (let q = s0; q < s; q++) if (slotGroup[q] === g) return false;
  return true;
}

/** The share of an order on edge e that export restrictions (and the origin rule) let through. */
function allowOf(st: State, e: number): number {
  if (st.ruleStart.length === 0) return 1;
  let q = st.ruleStart[e]!;
  if (q < 0) return 1;
  const cs = st.cs;
  const R = st.R;
  let allow = 1;
  for (; q < cs.ruleEdge.length && cs.ruleEdge[q] === e; q++) {
    const r = cs.ruleRestriction[q]!;
    const a = st.active[r]!;
    if (a === 0) continue;
    if (cs.ruleKind[q] === RULE_ORIGIN) {
      const row = st.originRow.length ? st.originRow[st.net.edgeSupplier[e]!]! : -1;
      if (row >= 0) allow *= 1 - a * st.originFrac[row * R + r]!;
    } else allow *= 1 - a;
  }
  return allow;
}

/**
 * Phase B for a slot with agreements, restriction rules, origin tracking or dynamic shares (a
 * spot pool's purchases): orders are kept per edge, since cuts make them differ from share × need.
 */
function slowSlot(st: State, s: number): void {
  const net = st.net;
  const sb = st.sb;
  const sbIdx = st.sbIdx;
  const wake = st.wake;
  const R = st.R;
  const j = net.slotNode[s]!;
  const e0 = net.slotEdgeStart[s]!;
  const e1 = net.slotEdgeStart[s + 1]!;
  const row = st.originRow.length ? st.originRow[j]! : -1;
  const sh0 = st.si[s * SI + SI_SHORT]!;
  const po = sh0 >= st.tau && sh0 > 0 ? st.sf[s * SF + SF_POOL_ORDER]! : 0;
  const st0 = st.sf[s * SF + SF_STOCK]!;
  const use = st.sf[s * SF + SF_RATIO]! * st.nf[j * NF + NF_PLAN]!;
  let need = use + (st.sf[s * SF + SF_SAFETY]! + use - st0 - st.placed[s]! - po) * st.invRebuild;
  if (need < 0) need = 0;
  let got = 0;
  for (let e = e0; e < e1; e++) {
    const d = st.edgeOrder[e]! * sb[sbIdx[e]! + 4]!;
    got += d;
    if (row >= 0) {
      const loc = net.nodeLocation[net.edgeSupplier[e]!]!;
      for (let r = 0; r < R; r++)
        if (st.originTracked[row * R + r] && st.exporterLoc[r] === loc) st.tmpOrigin[r]! += d;
    }
  }
  const req = st.requested[s]!;
  const unf = req - got;
  const pool = net.slotPool[s]!;
  let total = got;
  if (po > 0) {
    const pd = po * sb[pool * 8 + 4 + CLASS_EXPORT]!;
    total += pd;
    const prow = st.originRow.length ? st.originRow[pool]! : -1;
    if (row >= 0 && prow >= 0)
      for (let r = 0; r < R; r++)
        if (st.originTracked[row * R + r]) st.tmpOrigin[r]! += pd * st.originFrac[prow * R + r]!;
  }
  if (row >= 0) {
    // proportional mixing: the origin shares of what arrived this step
    for (let r = 0; r < R; r++) {
      if (!st.originTracked[row * R + r]) continue;
      if (total > 0) st.originFrac[row * R + r] = st.tmpOrigin[r]! / total;
      st.tmpOrigin[r] = 0;
    }
  }
  st.sf[s * SF + SF_STOCK] = st0 + total;
  const short = unf > SHORT_TOLERANCE * req ? sh0 + 1 : 0;
  st.si[s * SI + SI_SHORT] = short;
  st.sf[s * SF + SF_NEED] = need;
  st.requested[s] = need;
  let sum = 0;
  if (net.nodeKind[j] === NODE_POOL) {
    // spot market: buys in proportion to each supplier's spare output it may legally buy
    let w = 0;
    for (let e = e0; e < e1; e++) w += st.nf[net.edgeSupplier[e]! * NF + NF_SPARE]! * allowOf(st, e);
    for (let e = e0; e < e1; e++) {
      const o = w > 0 ? (need * st.nf[net.edgeSupplier[e]! * NF + NF_SPARE]! * allowOf(st, e)) / w : 0;
      if (o !== st.edgeOrder[e]) wake[net.edgeSupplier[e]!] = 1;
      sb[sbIdx[e]!]! += o - st.edgeOrder[e]!;
      st.edgeOrder[e] = o;
      sum += o;
    }
    if (w <= 0) st.requested[s] = 0;
  } else {
    // agreement edges come first in the slot: contracted volume before the historical split
    let rest = need;
    let agShare = 0;
    let e = e0;
    for (; e < e1 && net.edgeClass[e] === CLASS_AGREEMENT; e++) {
      const cap = st.agRate.get(e) ?? 0;
      const o = rest < cap ? rest : cap;
      rest -= o;
      agShare += net.edgeShare[e]!;
      const x = o * allowOf(st, e);
      if (x !== st.edgeOrder[e]) wake[net.edgeSupplier[e]!] = 1;
      sb[sbIdx[e]!]! += x - st.edgeOrder[e]!;
      st.edgeOrder[e] = x;
      sum += x;
    }
    const scale = agShare > 0 && agShare < 1 ? 1 / (1 - agShare) : 1;
    for (; e < e1; e++) {
      const x = rest * net.edgeShare[e]! * scale * allowOf(st, e);
      if (x !== st.edgeOrder[e]) wake[net.edgeSupplier[e]!] = 1;
      sb[sbIdx[e]!]! += x - st.edgeOrder[e]!;
      st.edgeOrder[e] = x;
      sum += x;
    }
  }
  st.placed[s] = sum;
  if (pool >= 0 && short >= st.tau && short > 0 && unf > 0) {
    let allow = 1;
    const pr = st.poolRules.get(s);
    if (pr) {
      const prow = st.originRow.length ? st.originRow[pool]! : -1;
      for (const r of pr) if (prow >= 0) allow *= 1 - st.active[r]! * st.originFrac[prow * R + r]!;
    }
    st.sf[s * SF + SF_POOL_ORDER] = unf * allow;
    sb[pool * 8 + CLASS_EXPORT]! += unf * allow - po;
    if (unf * allow !== po) wake[pool] = 1;
  } else if (po !== 0) {
    sb[pool * 8 + CLASS_EXPORT]! -= po;
    st.sf[s * SF + SF_POOL_ORDER] = 0;
    wake[pool] = 1;
  }
}

interface Reporter {
  /** inventory of each group at the end of the previous step */
  inv: Float64Array;
  /** stockpile releases into each group's nodes: group, release */
  releaseGroup: Int32Array;
  releaseIndex: Int32Array;
  demand: Float64Array;
  delivered: Float64Array;
  short: Float64Array;
  peak: Float64Array;
  daysShort: Int32Array;
  first: Int32Array;
  last: Int32Array;
  curves: MarketCurves[] | undefined;
  /** per group: demand and consumption summed at the last step a member ran */
  d: Float64Array;
  c: Float64Array;
}

function report(st: State, rep: Reporter, t: number): void {
  const groups = st.cs.groups;
  const nodeSlotStart = st.net.nodeSlotStart;
  const dirty = st.groupDirty;
  for (let g = 0; g < groups.length; g++) {
    let d: number;
    let c: number;
    let inv: number;
    if (dirty[g]) {
      dirty[g] = 0;
      const nodes = groups[g]!.nodes;
      d = 0;
      c = 0;
      inv = 0;
      for (let q = 0; q < nodes.length; q++) {
        const i = nodes[q]!;
        d += st.nf[i * NF + NF_DEM]!;
        c += st.nf[i * NF + NF_CONS]!;
        inv += st.sf[nodeSlotStart[i]! * SF + SF_STOCK]!;
      }
      rep.d[g] = d;
      rep.c[g] = c;
    } else {
      // no member ran this step: its sums are those of the last step, bit for bit
      d = rep.d[g]!;
      c = rep.c[g]!;
      inv = rep.inv[g]!;
    }
    // arrivals: what the stock gained beyond consumption, less stockpile releases into it
    let a = inv - rep.inv[g]! + c;
    for (let q = 0; q < rep.releaseGroup.length; q++)
      if (rep.releaseGroup[q] === g && st.cs.releaseStep[rep.releaseIndex[q]!] === t)
        a -= st.cs.releaseQuantity[rep.releaseIndex[q]!]!;
    rep.inv[g] = inv;
    let short = d - c;
    if (short <= SHORT_TOLERANCE * d) short = 0;
    rep.demand[g]! += d;
    rep.delivered[g]! += c;
    rep.short[g]! += short;
    if (short > rep.peak[g]!) rep.peak[g] = short;
    if (short > 0) {
      rep.daysShort[g]!++;
      if (rep.first[g] === -1) rep.first[g] = t;
      rep.last[g] = t;
    }
    if (rep.curves) {
      const cv = rep.curves[g]!;
      cv.supply[t] = a;
      cv.demand[t] = d;
      cv.shortfall[t] = short;
      cv.inventory[t] = inv;
    }
  }
}

interface Auditor {
  rows: Float64Array;
  minStock: Float64Array;
  prev: Float64Array;
  reported: Uint8Array;
  pendingRelease: Float64Array;
}

function stockedByMaterial(st: State, au: Auditor, out: Float64Array): void {
  const net = st.net;
  out.fill(0);
  for (let s = 0; s < st.S; s++) out[net.slotMaterial[s]!]! += st.sf[s * SF + SF_STOCK] ?? 0;
  for (let i = 0; i < st.n; i++) out[net.nodeMaterial[i]!]! += st.nf[i * NF + NF_FIN] ?? 0;
  for (let m = 0; m < out.length; m++) out[m]! += au.pendingRelease[m] ?? 0;
}

function createAuditor(st: State): Auditor {
  const M = st.net.materialIds.length;
  const au: Auditor = {
    rows: new Float64Array(st.T * M * 5),
    minStock: new Float64Array(st.T),
    prev: new Float64Array(M),
    reported: new Uint8Array(st.n),
    pendingRelease: new Float64Array(M),
  };
  for (const g of st.cs.groups) if (!g.restOfWorld) for (const i of g.nodes) au.reported[i] = 1;
  const cs = st.cs;
  for (let q = 0; q < cs.releaseSlot.length; q++)
    au.pendingRelease[st.net.slotMaterial[cs.releaseSlot[q]!]!]! += cs.releaseQuantity[q] ?? 0;
  stockedByMaterial(st, au, au.prev);
  return au;
}

function recordBalance(st: State, au: Auditor, t: number): void {
  const net = st.net;
  const M = net.materialIds.length;
  const cs = st.cs;
  for (let q = 0; q < cs.releaseSlot.length; q++)
    if (cs.releaseStep[q] === t)
      au.pendingRelease[net.slotMaterial[cs.releaseSlot[q]!]!]! -= cs.releaseQuantity[q] ?? 0;
  const base = t * M * 5;
  const rows = au.rows;
  for (let i = 0; i < st.n; i++) {
    const m = net.nodeMaterial[i]!;
    const k = net.nodeKind[i]!;
    if (k === NODE_PRODUCER) rows[base + m * 5]! += st.nf[i * NF + NF_PROD] ?? 0;
    else if (k === NODE_UNALLOCATED_SOURCE) rows[base + m * 5 + 4]! -= st.nf[i * NF + NF_PROD] ?? 0;
    else if (k === NODE_UNALLOCATED_SINK) rows[base + m * 5 + 4]! += st.nf[i * NF + NF_CONS] ?? 0;
    else if (k === NODE_DEMAND) {
      if (au.reported[i]) rows[base + m * 5 + 1]! += st.nf[i * NF + NF_CONS] ?? 0;
      else rows[base + m * 5 + 3]! += st.nf[i * NF + NF_CONS] ?? 0;
    }
  }
  // inputs used up by producers (traders' and pools' draws only move goods between their stocks)
  for (let s = 0; s < st.S; s++) {
    if (net.nodeKind[net.slotNode[s]!] !== NODE_PRODUCER) continue;
    rows[base + net.slotMaterial[s]! * 5 + 1]! += st.inputUsed[s] ?? 0;
  }
  const now = new Float64Array(M);
  stockedByMaterial(st, au, now);
  let mn = Number.POSITIVE_INFINITY;
  for (let s = 0; s < st.S; s++) if (st.sf[s * SF + SF_STOCK]! < mn) mn = st.sf[s * SF + SF_STOCK]!;
  for (let i = 0; i < st.n; i++) if (st.nf[i * NF + NF_FIN]! < mn) mn = st.nf[i * NF + NF_FIN]!;
  au.minStock[t] = mn;
  for (let m = 0; m < M; m++) {
    rows[base + m * 5 + 2] = now[m]! - au.prev[m]!;
    au.prev[m] = now[m]!;
  }
}

/** Whether a run's fused step goes to WebAssembly (see RunOptions.engine). */
function wasmEngine(net: SimNetwork, engine: 'auto' | 'wasm' | 'js'): boolean {
  if (engine === 'auto') return net.nodeCount + net.edgeCount >= WASM_MIN_UPDATES;
  return engine === 'wasm';
}

export function runSimulation(net: SimNetwork, cs: CompiledScenario, opts: RunOptions): SimulationRun {
  const fused = opts.order !== 'two-pass' && fusable(net);
  const st = createState(net, cs, opts.audit === true, fused && wasmEngine(net, opts.engine ?? 'auto'));
  const T = st.T;
  const sd = st.sd;
  const G = cs.groups.length;
  const releaseGroup: number[] = [];
  const releaseIndex: number[] = [];
  const inv0 = new Float64Array(G);
  cs.groups.forEach((g, k) => {
    for (const i of g.nodes) inv0[k]! += st.sf[net.nodeSlotStart[i]! * SF + SF_STOCK] ?? 0;
    for (let q = 0; q < cs.releaseSlot.length; q++) {
      if (g.nodes.includes(net.slotNode[cs.releaseSlot[q]!]!)) {
        releaseGroup.push(k);
        releaseIndex.push(q);
      }
    }
  });
  const rep: Reporter = {
    inv: inv0,
    releaseGroup: Int32Array.from(releaseGroup),
    releaseIndex: Int32Array.from(releaseIndex),
    demand: new Float64Array(G),
    delivered: new Float64Array(G),
    short: new Float64Array(G),
    peak: new Float64Array(G),
    daysShort: new Int32Array(G),
    first: new Int32Array(G).fill(-1),
    last: new Int32Array(G).fill(-1),
    curves: opts.curves
      ? cs.groups.map((g) => ({
          material: net.materialIds[g.material]!,
          market: g.market,
          supply: new Float64Array(T),
          demand: new Float64Array(T),
          shortfall: new Float64Array(T),
          inventory: new Float64Array(T),
        }))
      : undefined,
    d: new Float64Array(G),
    c: new Float64Array(G),
  };
  const au = opts.audit ? createAuditor(st) : null;
  for (let t = 0; t < T; t++) {
    // run: woken last step (all nodes at t = 0), always-on nodes, and nodes whose events change
    const always = st.always;
    for (let q = 0; q < always.length; q++) st.run[always[q]!] = 1;
    applyEvents(st, t);
    if (fused) stepFused(st);
    else stepTwoPass(st);
    wakeSuppliers(st);
    report(st, rep, t);
    if (au) recordBalance(st, au, t);
    const done = st.run;
    done.fill(0);
    st.run = st.wake;
    st.wake = done;
    st.matDirty.fill(0);
  }
  const summaries: MarketSummary[] = cs.groups.map((g, k) => {
    const first = rep.first[k]!;
    const last = rep.last[k]!;
    const demand = rep.demand[k]!;
    return {
      material: net.materialIds[g.material]!,
      market: g.market,
      demand,
      delivered: rep.delivered[k]!,
      shortfall: rep.short[k]!,
      fillRate: demand > 0 ? rep.delivered[k]! / demand : 1,
      peakShortfall: rep.peak[k]!,
      daysShort: rep.daysShort[k]! * sd,
      observedTTS: first < 0 ? null : first * sd,
      observedTTR: first < 0 ? null : last === T - 1 ? Number.POSITIVE_INFINITY : (last + 1 - first) * sd,
    };
  });
  return {
    steps: T,
    stepDays: sd,
    summaries,
    ...(rep.curves ? { curves: rep.curves } : {}),
    updates:
      st.nodeVisits + st.edgeVisits + (st.wasm ? st.wasm.plainNodeVisits() + st.wasm.plainEdgeVisits() : 0),
    sources: [...net.sources],
    assumptions: [...net.assumptions, ...cs.assumptions],
    warnings: [...cs.warnings],
    ...(au
      ? { balance: { materials: net.materialIds, steps: T, rows: au.rows, minStock: au.minStock } }
      : {}),
  };
}
