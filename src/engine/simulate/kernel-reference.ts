import type { CompiledScenario } from './compile-scenario.js';
import { RULE_ORIGIN } from './compile-scenario.js';
import type { MarketCurves, MarketSummary } from './contract.js';
import { type RunOptions, SHORT_TOLERANCE, type SimulationRun } from './kernel.js';
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

/**
 * The full-pass reference of the flow kernel: every node and every slot visited in every step, in
 * node order, phase A then phase B — the kernel as first written and tested (see kernel.ts for the
 * semantics). `runSimulation` (kernel.ts) skips the parts of the network at a fixed point and must
 * give bit-for-bit the same results; kernel.test.ts checks that against this file on random
 * networks and scenarios. Not used outside tests; keep it simple rather than fast.
 */

/** A change of a standing order below this fraction of it is rounding: the order stands. */
const ORDER_EPS = 1e-12;

/** Everything a run mutates, plus the network's arrays the hot loops read. */
interface State {
  net: SimNetwork;
  cs: CompiledScenario;
  n: number;
  S: number;
  E: number;
  T: number;
  sd: number;
  capBase: Float64Array;
  capNow: Float64Array;
  demBase: Float64Array;
  demNow: Float64Array;
  /** producers: output planned for the next step; demand nodes: this step's demand */
  plan: Float64Array;
  fin: Float64Array;
  produced: Float64Array;
  spare: Float64Array;
  consumed: Float64Array;
  /** record production and input use per step (the balance audit) */
  track: boolean;
  /** per node: orders received by class [0..3], then fill ratios by class [4..7] */
  sb: Float64Array;
  /** input per unit of output × base weight, per slot */
  ratio: Float64Array;
  invRatio: Float64Array;
  /** Σ of a fast slot's edge shares (its deliveries when no supplier rations) */
  shareSum: Float64Array;
  /** per material: whether a supplier rationed any order class this step */
  rationed: Uint8Array;
  /** edges visited so far (an idle spot pool's edges are skipped) */
  edgeVisits: number;
  /**
   * safety stock per slot: target cover less the one step in the pipeline. A slot orders up to an
   * inventory position (on hand after use + on order) of safety + this step's use.
   */
  safety: Float64Array;
  stock: Float64Array;
  /** orders placed at t−1 (fast slots: share × needPrev on every edge) */
  needPrev: Float64Array;
  poolPrev: Float64Array;
  shortSteps: Int32Array;
  inputUsed: Float64Array;
  nodeHasGroup: Uint8Array;
  /** supplier × 8 + class, per edge */
  sbIdx: Int32Array;
  slow: Uint8Array;
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
}

function createState(net: SimNetwork, cs: CompiledScenario, track: boolean): State {
  const n = net.nodeCount;
  const S = net.slotCount;
  const E = net.edgeCount;
  const sd = cs.stepDays;
  const kind = net.nodeKind;
  const slotNode = net.slotNode;
  const slotEdgeStart = net.slotEdgeStart;
  const capBase = new Float64Array(n);
  const capNow = new Float64Array(n);
  const demBase = new Float64Array(n);
  const demNow = new Float64Array(n);
  const plan = new Float64Array(n);
  const sb = new Float64Array(n * 8);
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    if (k === NODE_DEMAND || k === NODE_UNALLOCATED_SINK) {
      demBase[i] = net.nodeRate[i]! * sd;
      demNow[i] = demBase[i]!;
      plan[i] = demBase[i]!;
    } else {
      capBase[i] = net.nodeCapacity[i]! * sd;
      capNow[i] = capBase[i]!;
      plan[i] = net.nodeRate[i]! * sd;
    }
    for (let c = 4; c < 8; c++) sb[i * 8 + c] = 1;
  }
  const ratio = new Float64Array(S);
  const safety = new Float64Array(S);
  const stock = new Float64Array(S);
  const needPrev = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    ratio[s] = net.slotRatio[s]! * net.slotWeight[s]!;
    const base = ratio[s]! * plan[slotNode[s]!]!;
    const cover = cs.slotCoverDays[s]! / sd;
    // stock at the end of a step: the target cover, at least the next step's use
    stock[s] = (cover > 1 ? cover : 1) * base;
    safety[s] = stock[s]! - base;
    needPrev[s] = base;
  }
  const nodeHasGroup = new Uint8Array(n);
  for (let s = 0; s < S; s++) if (net.slotGroup[s]! >= 0) nodeHasGroup[slotNode[s]!] = 1;
  const sbIdx = new Int32Array(E);
  for (let e = 0; e < E; e++) sbIdx[e] = net.edgeSupplier[e]! * 8 + net.edgeClass[e]!;

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
  for (let s = 0; s < S && !anySlow; s++) if (slow[s]) anySlow = true;

  const st: State = {
    net,
    cs,
    n,
    S,
    E,
    T: cs.steps,
    sd,
    capBase,
    capNow,
    demBase,
    demNow,
    plan,
    fin: new Float64Array(n),
    produced: new Float64Array(track ? n : 0),
    spare: new Float64Array(n),
    consumed: new Float64Array(n),
    track,
    sb,
    ratio,
    invRatio: ratio.map((r) => (r > 0 ? 1 / r : Number.POSITIVE_INFINITY)),
    shareSum: new Float64Array(S),
    rationed: new Uint8Array(net.materialIds.length),
    edgeVisits: 0,
    safety,
    stock,
    needPrev,
    poolPrev: new Float64Array(S),
    shortSteps: new Int32Array(S),
    inputUsed: new Float64Array(track ? S : 0),
    nodeHasGroup,
    sbIdx,
    slow,
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
  };
  // the base state's orders, as if placed at step −1; suppliers keep the standing totals
  const edgeShare = net.edgeShare;
  for (let s = 0; s < S; s++) {
    const need = needPrev[s]!;
    const e0 = slotEdgeStart[s]!;
    const e1 = slotEdgeStart[s + 1]!;
    if (!slow[s]) {
      let sum = 0;
      for (let e = e0; e < e1; e++) {
        sb[sbIdx[e]!]! += need * edgeShare[e]!;
        sum += edgeShare[e]!;
      }
      st.shareSum[s] = sum;
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
  return st;
}

function applyEvents(st: State, t: number): void {
  const cs = st.cs;
  const T = st.T;
  for (let k = 0; k < cs.capacityNodes.length; k++) {
    const i = cs.capacityNodes[k]!;
    st.capNow[i] = st.capBase[i]! * cs.capacityFactor[k * T + t]! + cs.capacityExtra[k * T + t]! * st.sd;
  }
  for (let k = 0; k < cs.demandNodes.length; k++) {
    const i = cs.demandNodes[k]!;
    st.demNow[i] = st.demBase[i]! * cs.demandFactor[k * T + t]!;
  }
  for (let r = 0; r < st.R; r++) {
    const x = cs.restrictions[r]!;
    st.active[r] = t >= x.startStep && t < x.endStep ? x.share : 0;
  }
  for (let q = 0; q < cs.releaseSlot.length; q++) {
    if (cs.releaseStep[q] === t) st.stock[cs.releaseSlot[q]!]! += cs.releaseQuantity[q] ?? 0;
  }
}

/** Phase A: production, rationing by class, plans; final demand consumes from stock. */
function phaseNodes(st: State): void {
  const n = st.n;
  const kind = st.net.nodeKind;
  const nodeSlotStart = st.net.nodeSlotStart;
  const slotGroup = st.net.slotGroup;
  const capNow = st.capNow;
  const demNow = st.demNow;
  const plan = st.plan;
  const fin = st.fin;
  const produced = st.produced;
  const track = st.track;
  const spare = st.spare;
  const consumed = st.consumed;
  const sb = st.sb;
  const ratio = st.ratio;
  const stock = st.stock;
  const inputUsed = st.inputUsed;
  const nodeHasGroup = st.nodeHasGroup;
  const invRatio = st.invRatio;
  const rationed = st.rationed;
  const material = st.net.nodeMaterial;
  rationed.fill(0);
  for (let i = 0; i < n; i++) {
    const k = kind[i]!;
    const s0 = nodeSlotStart[i]!;
    if (k === NODE_DEMAND || k === NODE_UNALLOCATED_SINK) {
      const d = demNow[i]!;
      const x = stock[s0]!;
      const c = d < x ? d : x;
      stock[s0] = x - c;
      consumed[i] = c;
      plan[i] = d;
      continue;
    }
    const b = i << 3;
    // an idle spot pool: nothing planned, held or ordered
    if (k === NODE_POOL && plan[i] === 0 && fin[i] === 0 && stock[s0] === 0) {
      if (sb[b] === 0 && sb[b + 1] === 0 && sb[b + 2] === 0 && sb[b + 3] === 0) {
        spare[i] = 0;
        continue;
      }
    }
    const cap = capNow[i]!;
    const pl = plan[i]!;
    let u = pl < cap ? pl : cap;
    const s1 = nodeSlotStart[i + 1]!;
    if (s1 > s0) {
      if (nodeHasGroup[i]) u = limitWithGroups(st, s0, s1, u);
      else {
        for (let s = s0; s < s1; s++) {
          if (slotGroup[s] !== SLOT_ESSENTIAL) continue;
          // stock × (1 / ratio); 1/0 = ∞ never limits
          const lim = stock[s]! * invRatio[s]!;
          if (lim < u) u = lim;
        }
        for (let s = s0; s < s1; s++) {
          const take = ratio[s]! * u;
          const x = stock[s]!;
          const used = take < x ? take : x;
          stock[s] = x - used;
          if (track) inputUsed[s] = used;
        }
      }
    }
    if (track) produced[i] = u;
    let rem = fin[i]! + u;
    // standing order totals by class (kept across steps; rounding may leave a total a hair below 0)
    const o0 = sb[b]! > 0 ? sb[b]! : 0;
    const o1 = sb[b + 1]! > 0 ? sb[b + 1]! : 0;
    const o2 = sb[b + 2]! > 0 ? sb[b + 2]! : 0;
    const o3 = sb[b + 3]! > 0 ? sb[b + 3]! : 0;
    const orders = o0 + o1 + o2 + o3;
    if (orders <= rem * (1 + ORDER_EPS)) {
      // every order filled (the common case; an excess below 1e-12 is rounding): no division
      sb[b + 4] = 1;
      sb[b + 5] = 1;
      sb[b + 6] = 1;
      sb[b + 7] = 1;
      rem = orders < rem ? rem - orders : 0;
    } else {
      if (k !== NODE_POOL) rationed[material[i]!] = 1;
      let take = o0 < rem ? o0 : rem;
      sb[b + 4] = o0 > 0 ? take / o0 : 1;
      rem -= take;
      take = o1 < rem ? o1 : rem;
      sb[b + 5] = o1 > 0 ? take / o1 : 1;
      rem -= take;
      take = o2 < rem ? o2 : rem;
      sb[b + 6] = o2 > 0 ? take / o2 : 1;
      rem -= take;
      take = o3 < rem ? o3 : rem;
      sb[b + 7] = o3 > 0 ? take / o3 : 1;
      rem -= take;
    }
    fin[i] = rem;
    let p = orders - rem;
    if (p < 0) p = 0;
    if (p > cap) p = cap;
    plan[i] = p;
    spare[i] = cap - u + rem;
  }
}

/** Phase B: deliveries of the t−1 orders, new orders, diversion to the spot pool. */
function phaseSlots(st: State): void {
  let visited = 0;
  const S = st.S;
  const kind = st.net.nodeKind;
  const slotNode = st.net.slotNode;
  const slotMaterial = st.net.slotMaterial;
  const slotEdgeStart = st.net.slotEdgeStart;
  const slotPool = st.net.slotPool;
  const edgeShare = st.net.edgeShare;
  const sbIdx = st.sbIdx;
  const sb = st.sb;
  const slow = st.slow;
  const plan = st.plan;
  const ratio = st.ratio;
  const safety = st.safety;
  const stock = st.stock;
  const needPrev = st.needPrev;
  const poolPrev = st.poolPrev;
  const shortSteps = st.shortSteps;
  const placed = st.placed;
  const shareSum = st.shareSum;
  const rationed = st.rationed;
  const tau = st.tau;
  const invRebuild = st.invRebuild;
  let e1 = slotEdgeStart[0]!;
  for (let s = 0; s < S; s++) {
    const j = slotNode[s]!;
    const e0 = e1;
    e1 = slotEdgeStart[s + 1]!;
    if (slow[s]) {
      // an idle spot pool (nothing on order, nothing to buy) costs one test
      if (!(kind[j] === NODE_POOL && placed[s] === 0 && plan[j] === 0 && stock[s] === 0)) {
        slowSlot(st, s);
        visited += e1 - e0;
      }
      continue;
    }
    const np = needPrev[s]!;
    const sh0 = shortSteps[s]!;
    // a pool order is outstanding only while the slot diverts
    const po = sh0 >= tau && sh0 > 0 ? poolPrev[s]! : 0;
    const st0 = stock[s]!;
    // order up to target on the inventory position (stock on hand + on order)
    const use = ratio[s]! * plan[j]!;
    let need = use + (safety[s]! + use - st0 - np - po) * invRebuild;
    if (need < 0) need = 0;
    // a change below 1e-12 of the order is rounding: keep the standing order
    const delta = need - np;
    const changed = delta > ORDER_EPS * np || delta < -ORDER_EPS * np;
    if (!changed) need = np;
    else needPrev[s] = need;
    // deliveries of the t−1 orders: share × fill per edge, unless no supplier of the material rationed
    let got: number;
    if (rationed[slotMaterial[s]!]) {
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
      got = shareSum[s]! * np;
      if (changed) {
        // standing orders are kept at the suppliers: only the change is sent
        for (let e = e0; e < e1; e++) sb[sbIdx[e]!]! += edgeShare[e]! * delta;
        visited += e1 - e0;
      }
    }
    const unf = np - got;
    const pool = slotPool[s]!;
    let newPo = 0;
    if (unf > SHORT_TOLERANCE * np) {
      const short = sh0 + 1;
      shortSteps[s] = short;
      if (pool >= 0 && short >= tau && unf > 0) newPo = unf;
    } else if (sh0 !== 0) shortSteps[s] = 0;
    stock[s] = st0 + (po > 0 ? got + po * sb[pool * 8 + 4 + CLASS_EXPORT]! : got);
    if (newPo !== po) {
      sb[pool * 8 + CLASS_EXPORT]! += newPo - po;
      poolPrev[s] = newPo;
    }
  }
  st.edgeVisits += visited;
}

function limitWithGroups(st: State, s0: number, s1: number, u0: number): number {
  const slotGroup = st.net.slotGroup;
  const slotRatio = st.net.slotRatio;
  const stock = st.stock;
  const ratio = st.ratio;
  let u = u0;
  for (let s = s0; s < s1; s++) {
    const g = slotGroup[s]!;
    if (g === SLOT_ESSENTIAL) {
      const r = ratio[s]!;
      if (r > 0 && stock[s]! / r < u) u = stock[s]! / r;
    } else if (g >= 0 && firstOfGroup(slotGroup, s0, s, g)) {
      let eq = 0;
      for (let q = s; q < s1; q++)
        if (slotGroup[q] === g && slotRatio[q]! > 0) eq += stock[q]! / slotRatio[q]!;
      if (eq < u) u = eq;
    }
  }
  for (let s = s0; s < s1; s++) {
    const g = slotGroup[s]!;
    if (g === SLOT_ESSENTIAL || g === SLOT_OPTIONAL) {
      const take = ratio[s]! * u;
      const x = stock[s]!;
      if (st.track) st.inputUsed[s] = take < x ? take : x;
      stock[s] = take < x ? x - take : 0;
    } else if (firstOfGroup(slotGroup, s0, s, g)) {
      let eq = 0;
      for (let q = s; q < s1; q++)
        if (slotGroup[q] === g && slotRatio[q]! > 0) eq += stock[q]! / slotRatio[q]!;
      // draw each member in proportion to the output it can make
      const f = eq > 0 ? u / eq : 0;
      for (let q = s; q < s1; q++) {
        if (slotGroup[q] !== g) continue;
        const take = stock[q]! * (f < 1 ? f : 1);
        stock[q] = stock[q]! - take;
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
  const R = st.R;
  const j = net.slotNode[s]!;
  const e0 = net.slotEdgeStart[s]!;
  const e1 = net.slotEdgeStart[s + 1]!;
  const row = st.originRow.length ? st.originRow[j]! : -1;
  const sh0 = st.shortSteps[s]!;
  const po = sh0 >= st.tau && sh0 > 0 ? st.poolPrev[s]! : 0;
  const st0 = st.stock[s]!;
  const use = st.ratio[s]! * st.plan[j]!;
  let need = use + (st.safety[s]! + use - st0 - st.placed[s]! - po) * st.invRebuild;
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
  st.stock[s] = st0 + total;
  const short = unf > SHORT_TOLERANCE * req ? sh0 + 1 : 0;
  st.shortSteps[s] = short;
  st.needPrev[s] = need;
  st.requested[s] = need;
  let sum = 0;
  if (net.nodeKind[j] === NODE_POOL) {
    // spot market: buys in proportion to each supplier's spare output it may legally buy
    let w = 0;
    for (let e = e0; e < e1; e++) w += st.spare[net.edgeSupplier[e]!]! * allowOf(st, e);
    for (let e = e0; e < e1; e++) {
      const o = w > 0 ? (need * st.spare[net.edgeSupplier[e]!]! * allowOf(st, e)) / w : 0;
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
      sb[sbIdx[e]!]! += x - st.edgeOrder[e]!;
      st.edgeOrder[e] = x;
      sum += x;
    }
    const scale = agShare > 0 && agShare < 1 ? 1 / (1 - agShare) : 1;
    for (; e < e1; e++) {
      const x = rest * net.edgeShare[e]! * scale * allowOf(st, e);
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
    st.poolPrev[s] = unf * allow;
    sb[pool * 8 + CLASS_EXPORT]! += unf * allow - po;
  } else if (po !== 0) {
    sb[pool * 8 + CLASS_EXPORT]! -= po;
    st.poolPrev[s] = 0;
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
}

function report(st: State, rep: Reporter, t: number): void {
  const groups = st.cs.groups;
  const nodeSlotStart = st.net.nodeSlotStart;
  for (let g = 0; g < groups.length; g++) {
    const nodes = groups[g]!.nodes;
    let d = 0;
    let c = 0;
    let inv = 0;
    for (let q = 0; q < nodes.length; q++) {
      const i = nodes[q]!;
      d += st.demNow[i]!;
      c += st.consumed[i]!;
      inv += st.stock[nodeSlotStart[i]!]!;
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
  for (let s = 0; s < st.S; s++) out[net.slotMaterial[s]!]! += st.stock[s] ?? 0;
  for (let i = 0; i < st.n; i++) out[net.nodeMaterial[i]!]! += st.fin[i] ?? 0;
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
    if (k === NODE_PRODUCER) rows[base + m * 5]! += st.produced[i] ?? 0;
    else if (k === NODE_UNALLOCATED_SOURCE) rows[base + m * 5 + 4]! -= st.produced[i] ?? 0;
    else if (k === NODE_UNALLOCATED_SINK) rows[base + m * 5 + 4]! += st.consumed[i] ?? 0;
    else if (k === NODE_DEMAND) {
      if (au.reported[i]) rows[base + m * 5 + 1]! += st.consumed[i] ?? 0;
      else rows[base + m * 5 + 3]! += st.consumed[i] ?? 0;
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
  for (let s = 0; s < st.S; s++) if (st.stock[s]! < mn) mn = st.stock[s]!;
  for (let i = 0; i < st.n; i++) if (st.fin[i]! < mn) mn = st.fin[i]!;
  au.minStock[t] = mn;
  for (let m = 0; m < M; m++) {
    rows[base + m * 5 + 2] = now[m]! - au.prev[m]!;
    au.prev[m] = now[m]!;
  }
}

export function runSimulationReference(
  net: SimNetwork,
  cs: CompiledScenario,
  opts: RunOptions,
): SimulationRun {
  const st = createState(net, cs, opts.audit === true);
  const T = st.T;
  const sd = st.sd;
  const G = cs.groups.length;
  const releaseGroup: number[] = [];
  const releaseIndex: number[] = [];
  const inv0 = new Float64Array(G);
  cs.groups.forEach((g, k) => {
    for (const i of g.nodes) inv0[k]! += st.stock[net.nodeSlotStart[i]!] ?? 0;
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
  };
  const au = opts.audit ? createAuditor(st) : null;
  for (let t = 0; t < T; t++) {
    applyEvents(st, t);
    phaseNodes(st);
    phaseSlots(st);
    report(st, rep, t);
    if (au) recordBalance(st, au, t);
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
    updates: T * st.n + st.edgeVisits,
    sources: [...net.sources],
    assumptions: [...net.assumptions, ...cs.assumptions],
    warnings: [...cs.warnings],
    ...(au
      ? { balance: { materials: net.materialIds, steps: T, rows: au.rows, minStock: au.minStock } }
      : {}),
  };
}
