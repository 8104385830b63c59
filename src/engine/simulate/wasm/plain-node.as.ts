// AssemblyScript, compiled to WebAssembly by `npm run build:wasm` (scripts/build-wasm.mjs) into
// plain-node-wasm.ts. It is the fused step of the simulator kernel (kernel.ts, stepFused) for the
// large networks: every plain node — a producer or trader with neither substitute groups nor slow
// slots, most of a large network — runs here; every other node that runs calls back into
// kernel.ts (nodeA, nodeB) through the `early` import. The records live in one linear memory
// shared with kernel.ts's typed arrays, laid out as kernel.ts documents (NF_*, NI_*, SF_*, SI_*).
//
// The arithmetic is kernel.ts's nodeA (rationing) and nodeB (a late node's phase B), operation for
// operation in the same order, so a run gives the same bits whichever path it takes
// (kernel-equivalence.test.ts runs both paths against the full-pass reference).

@external('env', 'early')
declare function early(i: i32, r: i32): void;

// byte offsets in a node record (8 × f64, 64 bytes)
const NF_CAP: usize = 0;
const NF_PLAN: usize = 8;
const NF_FIN: usize = 16;
const NF_SPARE: usize = 24;
const NF_RATION: usize = 48;
const NF_PROD: usize = 56;
// byte offsets in a node's int record (4 × i32, 16 bytes)
const NI_S0: usize = 0;
const NI_S1: usize = 4;
const NI_MAT: usize = 8;
const NI_KIND: usize = 12;
const NI_IN_REPORT: i32 = 32;
const NI_EARLY: i32 = 64;
// byte offsets in a slot record (8 × f64, 64 bytes)
const SF_RATIO: usize = 0;
const SF_INV: usize = 8;
const SF_SAFETY: usize = 16;
const SF_SHARES: usize = 24;
const SF_NEED: usize = 32;
const SF_STOCK: usize = 40;
const SF_POOL_ORDER: usize = 56;
// byte offsets in a slot's int record (8 × i32, 32 bytes)
const SI_E0: usize = 0;
const SI_E1: usize = 4;
const SI_MAT: usize = 8;
const SI_SHORT: usize = 12;
const SI_POOL: usize = 16;
// a node's order book (8 × f64): orders by class, then fill ratios by class
const SB_EXPORT: usize = 16; // orders of class CLASS_EXPORT (2)
const SB_FILL: usize = 32;
const SB_FILL_EXPORT: usize = 48;

const ORDER_EPS: f64 = 1e-12;
const SHORT_TOLERANCE: f64 = 1e-9;

// base addresses of the arrays (set by init), and the run and wake flags of this step (step)
let nfP: usize = 0;
let niP: usize = 0;
let sfP: usize = 0;
let siP: usize = 0;
let sbP: usize = 0;
let shareP: usize = 0;
let sbIdxP: usize = 0;
let rationedP: usize = 0;
let rationCountP: usize = 0;
let matDirtyP: usize = 0;
let matBuyerStartP: usize = 0;
let matBuyerP: usize = 0;
let orderChangedP: usize = 0;
let groupStartP: usize = 0;
let groupListP: usize = 0;
let groupDirtyP: usize = 0;
let inputUsedP: usize = 0;
let runP: usize = 0;
let wakeP: usize = 0;
let tau: f64 = 0;
let invRebuild: f64 = 0;
let track: bool = false;
let nodeVisits: f64 = 0;
let edgeVisits: f64 = 0;

export function init(
  nf: usize,
  ni: usize,
  sf: usize,
  si: usize,
  sb: usize,
  share: usize,
  sbIdx: usize,
  rationed: usize,
  rationCount: usize,
  matDirty: usize,
  matBuyerStart: usize,
  matBuyer: usize,
  orderChanged: usize,
  groupStart: usize,
  groupList: usize,
  groupDirty: usize,
  inputUsed: usize,
  tauSteps: f64,
  rebuild: f64,
  tracking: i32,
): void {
  nfP = nf;
  niP = ni;
  sfP = sf;
  siP = si;
  sbP = sb;
  shareP = share;
  sbIdxP = sbIdx;
  rationedP = rationed;
  rationCountP = rationCount;
  matDirtyP = matDirty;
  matBuyerStartP = matBuyerStart;
  matBuyerP = matBuyer;
  orderChangedP = orderChanged;
  groupStartP = groupStart;
  groupListP = groupList;
  groupDirtyP = groupDirty;
  inputUsedP = inputUsed;
  tau = tauSteps;
  invRebuild = rebuild;
  track = tracking != 0;
  nodeVisits = 0;
  edgeVisits = 0;
}

/** Nodes visited by plain-node runs so far. */
export function plainNodeVisits(): f64 {
  return nodeVisits;
}

/** Edges visited by plain-node runs so far. */
export function plainEdgeVisits(): f64 {
  return edgeVisits;
}

/** kernel.ts stepFused: every node whose run flag is set, in node order. */
export function step(n: i32, run: usize, wake: usize): void {
  runP = run;
  wakeP = wake;
  for (let i: i32 = 0; i < n; i++) {
    const r = <i32>load<u8>(run + <usize>i);
    if (r == 0) continue;
    if ((load<i32>(niP + (<usize>i << 4), NI_KIND) & NI_EARLY) == 0) plainNode(i, (r & 1) != 0);
    else early(i, r);
  }
}

/** kernel.ts materialChanged: every buyer of material m runs its slots this step. */
function materialChanged(m: i32): void {
  const d = matDirtyP + <usize>m;
  if (load<u8>(d) != 0) return;
  store<u8>(d, 1);
  const q1 = load<i32>(matBuyerStartP + (<usize>(m + 1) << 2));
  for (let q = load<i32>(matBuyerStartP + (<usize>m << 2)); q < q1; q++) {
    const p = runP + <usize>load<i32>(matBuyerP + (<usize>q << 2));
    store<u8>(p, load<u8>(p) | 2);
  }
}

/** kernel.ts plainNode: phases A and B of a plain node. */
function plainNode(i: i32, full: bool): void {
  const a = nfP + (<usize>i << 6);
  const nip = niP + (<usize>i << 4);
  const s0 = load<i32>(nip, NI_S0);
  const s1 = load<i32>(nip, NI_S1);
  nodeVisits += 1;
  // production: u = min(plan, capacity, stock / ratio of each essential input)
  const cap = load<f64>(a, NF_CAP);
  let plan = load<f64>(a, NF_PLAN);
  let u = plan < cap ? plan : cap;
  for (let s = s0; s < s1; s++) {
    const f = sfP + (<usize>s << 6);
    const lim = load<f64>(f, SF_STOCK) * load<f64>(f, SF_INV);
    if (lim < u) u = lim;
  }
  // woken for its slots only, the rationing would come out as it stands unless u changed
  const rationNow = full || u != load<f64>(a, NF_PROD);
  store<f64>(a, u, NF_PROD);
  if (rationNow) {
    const b = sbP + (<usize>i << 6);
    let rem = load<f64>(a, NF_FIN) + u;
    const q0 = load<f64>(b, 0);
    const q1 = load<f64>(b, 8);
    const q2 = load<f64>(b, 16);
    const q3 = load<f64>(b, 24);
    const o0 = q0 > 0 ? q0 : 0;
    const o1 = q1 > 0 ? q1 : 0;
    const o2 = q2 > 0 ? q2 : 0;
    const o3 = q3 > 0 ? q3 : 0;
    const orders = o0 + o1 + o2 + o3;
    let f0: f64 = 1;
    let f1: f64 = 1;
    let f2: f64 = 1;
    let f3: f64 = 1;
    let rat: f64 = 0;
    if (orders <= rem * (1 + ORDER_EPS)) {
      rem = orders < rem ? rem - orders : 0;
    } else {
      rat = 1;
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
    const rat0 = load<f64>(a, NF_RATION);
    if (
      f0 != load<f64>(b, SB_FILL) ||
      f1 != load<f64>(b, SB_FILL + 8) ||
      f2 != load<f64>(b, SB_FILL + 16) ||
      f3 != load<f64>(b, SB_FILL + 24) ||
      rat != rat0
    ) {
      store<f64>(b, f0, SB_FILL);
      store<f64>(b, f1, SB_FILL + 8);
      store<f64>(b, f2, SB_FILL + 16);
      store<f64>(b, f3, SB_FILL + 24);
      const m = load<i32>(nip, NI_MAT);
      if (rat != rat0) {
        store<f64>(a, rat, NF_RATION);
        const c = rationCountP + (<usize>m << 2);
        const count = load<i32>(c) + (rat != 0 ? 1 : -1);
        store<i32>(c, count);
        store<u8>(rationedP + <usize>m, count > 0 ? 1 : 0);
      }
      materialChanged(m);
      store<u8>(wakeP + <usize>i, 1);
    }
    let p = orders - rem;
    if (p < 0) p = 0;
    if (p > cap) p = cap;
    const sp = cap - u + rem;
    if (rem != load<f64>(a, NF_FIN) || p != plan || sp != load<f64>(a, NF_SPARE)) {
      store<f64>(a, rem, NF_FIN);
      store<f64>(a, p, NF_PLAN);
      store<f64>(a, sp, NF_SPARE);
      plan = p;
      store<u8>(wakeP + <usize>i, 1);
    }
  }
  if ((load<i32>(nip, NI_KIND) & NI_IN_REPORT) != 0) {
    const g1 = load<i32>(groupStartP + (<usize>(i + 1) << 2));
    for (let q = load<i32>(groupStartP + (<usize>i << 2)); q < g1; q++)
      store<u8>(groupDirtyP + <usize>load<i32>(groupListP + (<usize>q << 2)), 1);
  }
  // phase B: draw, deliveries, new orders, diversion
  let visited: i32 = 0;
  let w = false;
  for (let s = s0; s < s1; s++) {
    const f = sfP + (<usize>s << 6);
    const g = siP + (<usize>s << 5);
    const np = load<f64>(f, SF_NEED);
    const sh0 = load<i32>(g, SI_SHORT);
    const po = <f64>sh0 >= tau && sh0 > 0 ? load<f64>(f, SF_POOL_ORDER) : 0;
    const ratio = load<f64>(f, SF_RATIO);
    const x0 = load<f64>(f, SF_STOCK);
    const take = ratio * u;
    const used = take < x0 ? take : x0;
    const st0 = x0 - used;
    if (track) store<f64>(inputUsedP + (<usize>s << 3), used);
    const use = ratio * plan;
    let need = use + (load<f64>(f, SF_SAFETY) + use - st0 - np - po) * invRebuild;
    if (need < 0) need = 0;
    const delta = need - np;
    const changed = delta > ORDER_EPS * np || delta < -ORDER_EPS * np;
    const mat = load<i32>(g, SI_MAT);
    if (changed) {
      store<f64>(f, need, SF_NEED);
      store<u8>(orderChangedP + <usize>mat, 1);
      w = true;
    }
    const e0 = load<i32>(g, SI_E0);
    const e1 = load<i32>(g, SI_E1);
    let got: f64;
    if (load<u8>(rationedP + <usize>mat) != 0) {
      let acc: f64 = 0;
      if (changed) {
        for (let e = e0; e < e1; e++) {
          const k = sbP + (<usize>load<i32>(sbIdxP + (<usize>e << 2)) << 3);
          const sh = load<f64>(shareP + (<usize>e << 3));
          acc += sh * load<f64>(k, SB_FILL);
          store<f64>(k, load<f64>(k) + sh * delta);
        }
      } else {
        for (let e = e0; e < e1; e++) {
          const k = sbP + (<usize>load<i32>(sbIdxP + (<usize>e << 2)) << 3);
          acc += load<f64>(shareP + (<usize>e << 3)) * load<f64>(k, SB_FILL);
        }
      }
      got = acc * np;
      visited += e1 - e0;
    } else {
      got = load<f64>(f, SF_SHARES) * np;
      if (changed) {
        for (let e = e0; e < e1; e++) {
          const k = sbP + (<usize>load<i32>(sbIdxP + (<usize>e << 2)) << 3);
          store<f64>(k, load<f64>(k) + load<f64>(shareP + (<usize>e << 3)) * delta);
        }
        visited += e1 - e0;
      }
    }
    const unf = np - got;
    let newPo: f64 = 0;
    if (unf > SHORT_TOLERANCE * np) {
      const short = sh0 + 1;
      store<i32>(g, short, SI_SHORT);
      w = true;
      if (<f64>short >= tau && unf > 0 && load<i32>(g, SI_POOL) >= 0) newPo = unf;
    } else if (sh0 != 0) {
      store<i32>(g, 0, SI_SHORT);
      w = true;
    }
    const x =
      po > 0
        ? st0 + (got + po * load<f64>(sbP + (<usize>load<i32>(g, SI_POOL) << 6), SB_FILL_EXPORT))
        : st0 + got;
    store<f64>(f, x, SF_STOCK);
    if (x != x0) w = true;
    if (newPo != po) {
      const pool = load<i32>(g, SI_POOL);
      const pb = sbP + (<usize>pool << 6);
      store<f64>(pb, load<f64>(pb, SB_EXPORT) + (newPo - po), SB_EXPORT);
      store<f64>(f, newPo, SF_POOL_ORDER);
      store<u8>(wakeP + <usize>pool, 1);
      w = true;
    }
  }
  // a change in its slots alone runs only its slots (and production) next step
  if (w) store<u8>(wakeP + <usize>i, load<u8>(wakeP + <usize>i) | 2);
  edgeVisits += <f64>visited;
}
