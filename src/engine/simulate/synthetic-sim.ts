import { prng } from '../network/synthetic.js';
import {
  CLASS_DOMESTIC,
  CLASS_EXPORT,
  CLASS_POOL,
  LOCATION_POOL,
  NODE_DEMAND,
  NODE_POOL,
  NODE_PRODUCER,
  type SimNetwork,
  SLOT_ESSENTIAL,
} from './sim-network.js';

/**
 * A seeded, balanced synthetic simulation network for the benchmark and property tests, written
 * straight into typed arrays (1M nodes / 10M edges in a few seconds).
 *
 * Tiers of producers (tier 0: no inputs), each material made in 2–6 distinct locations, followed
 * by its spot pool; final-demand nodes last, each buying one material of the last producer tier.
 * A producer in tier t buys 1+ input materials from tier t−1 (sometimes t−2) near its own relative
 * position (± `window` materials), so with `order: 'locality'` suppliers sit near their users in
 * memory (nodes numbered by tier, inputs near users). `order: 'random'` relabels the nodes with a
 * random permutation (same network, scattered memory accesses).
 *
 * Base rates are balanced by construction: demand rates are drawn, then propagated upstream in
 * reverse tier order (each producer's output = the orders its buyers place at base); capacity is
 * output × (1 + headroom·U(0,1)).
 */
export interface SyntheticSimOptions {
  /** total nodes, pools and demand nodes included (approximate) */
  nodes: number;
  /** target edges per node over the whole network, pool edges included (default 10) */
  edgesPerNode?: number;
  /** producer tiers (default 6) */
  tiers?: number;
  /** locations (default 20, at most 676) */
  locations?: number;
  seed?: number;
  order?: 'locality' | 'random';
  /** maximum spare capacity as a fraction of output (default 0.2) */
  headroom?: number;
  /** share of nodes that are final demand (default 0.15) */
  demandShare?: number;
  /** how far (in materials) an input may sit from the user's relative position (default 8) */
  window?: number;
  /** stock cover of demand nodes and producers' inputs, days (default 30) */
  coverDays?: number;
}

export interface SyntheticSimNetwork extends SimNetwork {
  /** producer materials per tier: tierMaterialStart[t] … tierMaterialStart[t+1]−1 */
  tierMaterialStart: Int32Array;
}

function locationCode(i: number): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `L${a[Math.floor(i / 26) % 26]}${a[i % 26]}`;
}

export function syntheticSimNetwork(opts: SyntheticSimOptions): SyntheticSimNetwork {
  const N = Math.max(8, Math.floor(opts.nodes));
  const T = Math.max(1, opts.tiers ?? 6);
  const C = Math.max(2, Math.min(676, opts.locations ?? 20));
  const target = opts.edgesPerNode ?? 10;
  const headroom = opts.headroom ?? 0.2;
  const demandShare = opts.demandShare ?? 0.15;
  const window = opts.window ?? 8;
  const cover = opts.coverDays ?? 30;
  const rand = prng(opts.seed ?? 1);
  const ri = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const maxSize = Math.min(6, C);
  const minSize = Math.min(2, maxSize);

  // producers + pools + demand = N, with pools ≈ producers / 4
  const D = Math.max(1, Math.round(N * demandShare));
  const P = Math.max(T * minSize, Math.round((N - D) / 1.25));

  // ── materials by tier (tier-major), sizes 2–6 ─────────────────────────────────────────────
  const matSize: number[] = [];
  const tierMaterialStart = new Int32Array(T + 1);
  let made = 0;
  for (let t = 0; t < T; t++) {
    tierMaterialStart[t] = matSize.length;
    const end = Math.round(((t + 1) * P) / T);
    while (made < end) {
      let k = ri(minSize, maxSize);
      if (end - made - k < minSize) k = end - made;
      matSize.push(k);
      made += k;
    }
  }
  tierMaterialStart[T] = matSize.length;
  const Mt = matSize.length;
  const tierOf = new Int32Array(Mt);
  for (let t = 0; t < T; t++)
    for (let m = tierMaterialStart[t]!; m < tierMaterialStart[t + 1]!; m++) tierOf[m] = t;

  // ── nodes in locality order: each material's producers, then its pool; demand last ─────────
  const n = made + Mt + D;
  const nodeKind = new Uint8Array(n);
  const nodeMaterial = new Int32Array(n);
  const nodeLocation = new Int32Array(n);
  const matFirst = new Int32Array(Mt);
  const poolOf = new Int32Array(Mt);
  let id = 0;
  const locs = new Int32Array(C);
  for (let m = 0; m < Mt; m++) {
    matFirst[m] = id;
    // distinct locations, location 0 the most frequent (one dominant producer)
    for (let c = 0; c < C; c++) locs[c] = c;
    for (let q = 0; q < matSize[m]!; q++) {
      const r = q === 0 && rand() < 0.5 ? 0 : q + Math.floor(rand() * (C - q));
      const tmp = locs[q]!;
      locs[q] = locs[r]!;
      locs[r] = tmp;
      nodeKind[id] = NODE_PRODUCER;
      nodeMaterial[id] = m;
      nodeLocation[id] = locs[q]!;
      id++;
    }
    poolOf[m] = id;
    nodeKind[id] = NODE_POOL;
    nodeMaterial[id] = m;
    nodeLocation[id] = C; // XWM
    id++;
  }
  const firstDemand = id;
  const lastTier = T - 1;
  const lastStart = tierMaterialStart[lastTier]!;
  const lastCount = tierMaterialStart[T]! - lastStart;
  for (let q = 0; q < D; q++) {
    nodeKind[id] = NODE_DEMAND;
    nodeMaterial[id] = lastStart + Math.min(lastCount - 1, Math.floor((q * lastCount) / D));
    nodeLocation[id] = Math.floor(rand() * C);
    id++;
  }

  // ── slots: how many inputs each producer of tier ≥ 1 takes to reach the edge target ────────
  const meanSize = made / Mt;
  const fixedEdges = made /* pool edges */ + D * meanSize;
  let tier0 = 0;
  for (let m = 0; m < tierMaterialStart[1]!; m++) tier0 += matSize[m]!;
  const users = made - tier0;
  const perUser = T > 1 && users > 0 ? Math.max(1, (target * n - fixedEdges) / (users * meanSize)) : 0;
  const slotsOf = new Int32Array(n);
  let S = 0;
  for (let i = 0; i < n; i++) {
    const k = nodeKind[i]!;
    if (k === NODE_PRODUCER) {
      if (tierOf[nodeMaterial[i]!]! === 0) slotsOf[i] = 0;
      else {
        const lo = Math.floor(perUser);
        slotsOf[i] = Math.max(1, lo + (rand() < perUser - lo ? 1 : 0));
      }
    } else slotsOf[i] = 1;
    S += slotsOf[i]!;
  }
  const nodeSlotStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) nodeSlotStart[i + 1] = nodeSlotStart[i]! + slotsOf[i]!;
  const slotNode = new Int32Array(S);
  const slotMaterial = new Int32Array(S);
  const slotRatio = new Float64Array(S);
  const slotWeight = new Float64Array(S).fill(1);
  const slotGroup = new Int32Array(S).fill(SLOT_ESSENTIAL);
  const slotPool = new Int32Array(S);
  const slotCoverDays = new Float64Array(S);
  for (let i = 0; i < n; i++) {
    const k = nodeKind[i]!;
    const m = nodeMaterial[i]!;
    const used = new Set<number>();
    for (let s = nodeSlotStart[i]!; s < nodeSlotStart[i + 1]!; s++) {
      slotNode[s] = i;
      let input: number;
      if (k === NODE_POOL || k === NODE_DEMAND) input = m;
      else {
        const t = tierOf[m]!;
        const from = t >= 2 && rand() < 0.15 ? t - 2 : t - 1;
        const a = tierMaterialStart[from]!;
        const cnt = tierMaterialStart[from + 1]! - a;
        const rel =
          (m - tierMaterialStart[t]!) / Math.max(1, tierMaterialStart[t + 1]! - tierMaterialStart[t]!);
        const centre = a + Math.floor(rel * cnt);
        input = centre;
        for (let tries = 0; tries < 8; tries++) {
          input = Math.min(a + cnt - 1, Math.max(a, centre + ri(-window, window)));
          if (!used.has(input)) break;
        }
        used.add(input);
      }
      slotMaterial[s] = input;
      slotRatio[s] = k === NODE_PRODUCER ? 0.2 + rand() * 1.8 : 1;
      slotPool[s] = k === NODE_POOL ? -1 : poolOf[input]!;
      slotCoverDays[s] = k === NODE_POOL ? 0 : cover;
    }
  }
  const slotEdgeStart = new Int32Array(S + 1);
  for (let s = 0; s < S; s++) slotEdgeStart[s + 1] = slotEdgeStart[s]! + matSize[slotMaterial[s]!]!;
  const E = slotEdgeStart[S]!;
  const edgeSupplier = new Int32Array(E);
  const edgeShare = new Float64Array(E);
  const edgeClass = new Uint8Array(E);
  for (let s = 0; s < S; s++) {
    const k = nodeKind[slotNode[s]!]!;
    const m = slotMaterial[s]!;
    const e0 = slotEdgeStart[s]!;
    const size = matSize[m]!;
    let sum = 0;
    for (let q = 0; q < size; q++) {
      const w = k === NODE_POOL ? 0 : 0.05 + rand();
      edgeSupplier[e0 + q] = matFirst[m]! + q;
      edgeShare[e0 + q] = w;
      sum += w;
    }
    for (let q = 0; q < size; q++) {
      const e = e0 + q;
      if (sum > 0) edgeShare[e] = edgeShare[e]! / sum;
      edgeClass[e] =
        k === NODE_POOL
          ? CLASS_POOL
          : nodeLocation[edgeSupplier[e]!] === nodeLocation[slotNode[s]!]
            ? CLASS_DOMESTIC
            : CLASS_EXPORT;
    }
  }

  // ── base rates: demand drawn, propagated upstream (buyers have higher ids than suppliers) ──
  const nodeRate = new Float64Array(n);
  for (let i = firstDemand; i < n; i++) nodeRate[i] = 1 + rand() * 9;
  for (let j = n - 1; j >= 0; j--) {
    const x = nodeRate[j]!;
    if (x === 0 || nodeKind[j] === NODE_POOL) continue;
    for (let s = nodeSlotStart[j]!; s < nodeSlotStart[j + 1]!; s++) {
      const need = slotRatio[s]! * x;
      for (let e = slotEdgeStart[s]!; e < slotEdgeStart[s + 1]!; e++)
        nodeRate[edgeSupplier[e]!]! += edgeShare[e]! * need;
    }
  }
  const nodeCapacity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = nodeKind[i]!;
    nodeCapacity[i] =
      k === NODE_PRODUCER ? nodeRate[i]! * (1 + headroom * rand()) : k === NODE_POOL ? Infinity : 0;
  }

  const locations = Array.from({ length: C }, (_, i) => locationCode(i));
  locations.push(LOCATION_POOL);
  const net: SyntheticSimNetwork = {
    year: 2025,
    dataVersion: `synthetic-${opts.seed ?? 1}`,
    materialIds: Array.from({ length: Mt }, (_, m) => `m${m}`),
    materialUnits: new Array<string>(Mt).fill('t'),
    materialCommodity: Array.from({ length: Mt }, (_, m) => `m${m}`),
    locations,
    nodeCount: n,
    nodeKind,
    nodeMaterial,
    nodeLocation,
    nodeRate,
    nodeCapacity,
    nodeSlotStart,
    slotCount: S,
    slotNode,
    slotMaterial,
    slotRatio,
    slotWeight,
    slotGroup,
    slotPool,
    slotCoverDays,
    slotEdgeStart,
    edgeCount: E,
    edgeSupplier,
    edgeShare,
    edgeClass,
    agreementEdge: new Int32Array(0),
    agreementRate: new Float64Array(0),
    calibration: [],
    sources: [],
    assumptions: ['synthetic network (benchmarks and tests): no real data'],
    tierMaterialStart,
  };
  return opts.order === 'random' ? permuteNodes(net, rand) : net;
}

/** The same network with node ids relabelled by a random permutation (slots and edges follow). */
export function permuteNodes<T extends SimNetwork>(net: T, rand: () => number): T {
  const n = net.nodeCount;
  const perm = new Int32Array(n); // new id → old id
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const inv = new Int32Array(n); // old id → new id
  for (let i = 0; i < n; i++) inv[perm[i]!] = i;
  const S = net.slotCount;
  const E = net.edgeCount;
  const nodeSlotStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const o = perm[i]!;
    nodeSlotStart[i + 1] = nodeSlotStart[i]! + (net.nodeSlotStart[o + 1]! - net.nodeSlotStart[o]!);
  }
  const slotNode = new Int32Array(S);
  const slotMaterial = new Int32Array(S);
  const slotRatio = new Float64Array(S);
  const slotWeight = new Float64Array(S);
  const slotGroup = new Int32Array(S);
  const slotPool = new Int32Array(S);
  const slotCoverDays = new Float64Array(S);
  const slotEdgeStart = new Int32Array(S + 1);
  const edgeSupplier = new Int32Array(E);
  const edgeShare = new Float64Array(E);
  const edgeClass = new Uint8Array(E);
  const edgeMap = new Int32Array(E); // old edge → new edge
  let s = 0;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const o = perm[i]!;
    for (let os = net.nodeSlotStart[o]!; os < net.nodeSlotStart[o + 1]!; os++, s++) {
      slotNode[s] = i;
      slotMaterial[s] = net.slotMaterial[os]!;
      slotRatio[s] = net.slotRatio[os]!;
      slotWeight[s] = net.slotWeight[os]!;
      slotGroup[s] = net.slotGroup[os]!;
      slotPool[s] = net.slotPool[os]! >= 0 ? inv[net.slotPool[os]!]! : -1;
      slotCoverDays[s] = net.slotCoverDays[os]!;
      slotEdgeStart[s] = e;
      for (let oe = net.slotEdgeStart[os]!; oe < net.slotEdgeStart[os + 1]!; oe++, e++) {
        edgeSupplier[e] = inv[net.edgeSupplier[oe]!]!;
        edgeShare[e] = net.edgeShare[oe]!;
        edgeClass[e] = net.edgeClass[oe]!;
        edgeMap[oe] = e;
      }
    }
  }
  slotEdgeStart[S] = e;
  const pick = <A extends Int32Array | Float64Array | Uint8Array>(a: A): A => {
    const out = new (a.constructor as new (k: number) => A)(n);
    for (let i = 0; i < n; i++) out[i] = a[perm[i]!]!;
    return out;
  };
  return {
    ...net,
    nodeKind: pick(net.nodeKind),
    nodeMaterial: pick(net.nodeMaterial),
    nodeLocation: pick(net.nodeLocation),
    nodeRate: pick(net.nodeRate),
    nodeCapacity: pick(net.nodeCapacity),
    nodeSlotStart,
    slotNode,
    slotMaterial,
    slotRatio,
    slotWeight,
    slotGroup,
    slotPool,
    slotCoverDays,
    slotEdgeStart,
    edgeSupplier,
    edgeShare,
    edgeClass,
    agreementEdge: Int32Array.from(net.agreementEdge, (x) => edgeMap[x]!),
  };
}
