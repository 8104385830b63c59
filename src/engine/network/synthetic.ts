import {
  type ExposureNetwork,
  INPUT_ESSENTIAL,
  INPUT_OPTIONAL,
  INPUT_SUBSTITUTE,
} from './exposure-network.js';

/**
 * A seeded, layered synthetic supply network for benchmarks and property tests.
 *
 * Materials sit in tiers (tier 0 = raw materials with no inputs); each material is made in 2–6
 * locations (one node each, distinct locations, location 0 the most frequent, as one dominant
 * producer is in the real data). A material in tier t takes its inputs from materials of tier t−1
 * (sometimes t−2) at the same relative position ± a small window, so suppliers' ids lie near their
 * users' ids scaled by the tier sizes ("locality-preserving numbering": tiers in order, inputs near
 * users). Ids are tier-major, so suppliers always come before users. Each node has its own supplier
 * shares σ over the input material's locations and its own cost shares (Σ a ∈ [0.3, 0.8]); a few
 * inputs form substitute pairs or are optional.
 */
export interface SyntheticOptions {
  nodes: number;
  /** locations (default 20) */
  countries?: number;
  /** target supplier edges per node over the whole network (default 10) */
  edgesPerNode?: number;
  /** tiers (default 8) */
  tiers?: number;
  seed?: number;
  /** share of recipes with one substitute pair (default 0.1) */
  substituteRate?: number;
  /** share of recipes with one optional input (default 0.05) */
  optionalRate?: number;
  /** how far (in materials) an input may sit from the user's relative position (default 16) */
  window?: number;
}

export interface SyntheticNetwork extends ExposureNetwork {
  edges: number;
  materials: number;
  /** first node of each tier, plus the node count */
  tierStart: Int32Array;
}

/** mulberry32: a small, fast, seeded 32-bit PRNG (Tommy Ettinger, public domain). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticNetwork(opts: SyntheticOptions): SyntheticNetwork {
  const n = opts.nodes;
  const C = opts.countries ?? 20;
  const T = Math.max(1, opts.tiers ?? 8);
  const target = opts.edgesPerNode ?? 10;
  const subRate = opts.substituteRate ?? 0.1;
  const optRate = opts.optionalRate ?? 0.05;
  const window = opts.window ?? 16;
  const rand = prng(opts.seed ?? 1);
  const ri = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

  // materials: sizes 2–6 (mean 4), tier-major; the last material of a tier is cut to fit
  const tierStart = new Int32Array(T + 1);
  const matStartList: number[] = [];
  const matTierStart: number[] = [];
  let node = 0;
  for (let t = 0; t < T; t++) {
    tierStart[t] = node;
    matTierStart.push(matStartList.length);
    const end = Math.round(((t + 1) * n) / T);
    while (node < end) {
      matStartList.push(node);
      node = Math.min(end, node + ri(Math.min(2, C), Math.min(6, C)));
    }
  }
  tierStart[T] = n;
  matTierStart.push(matStartList.length);
  const M = matStartList.length;
  const matStart = new Int32Array(M + 1);
  matStart.set(matStartList);
  matStart[M] = n;
  const matTier = new Int32Array(M);
  for (let t = 0; t < T; t++) for (let m = matTierStart[t]!; m < matTierStart[t + 1]!; m++) matTier[m] = t;

  // recipes per material: slots → input material, kind, group
  const rawNodes = tierStart[1]! - tierStart[0]!;
  const meanSize = n / M;
  const slotsMean = T > 1 ? (target * n) / ((n - rawNodes) * meanSize) : 0;
  const rSlotStart = new Int32Array(M + 1);
  const rInput: number[] = [];
  const rKind: number[] = [];
  const rGroup: number[] = [];
  for (let m = 0; m < M; m++) {
    rSlotStart[m] = rInput.length;
    const t = matTier[m]!;
    if (t === 0) continue;
    let slots = Math.floor(slotsMean) + (rand() < slotsMean - Math.floor(slotsMean) ? 1 : 0);
    slots = Math.max(1, slots);
    const rel = (m - matTierStart[t]!) / (matTierStart[t + 1]! - matTierStart[t]!);
    const chosen = new Set<number>();
    const pick = () => {
      const from = t >= 2 && rand() < 0.2 ? t - 2 : t - 1;
      const lo = matTierStart[from]!;
      const size = matTierStart[from + 1]! - lo;
      for (let tries = 0; tries < 8; tries++) {
        const centre = lo + Math.floor(rel * size);
        const k = Math.min(lo + size - 1, Math.max(lo, centre + ri(-window, window)));
        if (!chosen.has(k)) {
          chosen.add(k);
          return k;
        }
      }
      return -1;
    };
    const group = rand() < subRate && slots >= 2 ? 1 : 0;
    const optional = rand() < optRate ? 1 : 0;
    for (let s = 0; s < slots; s++) {
      const k = pick();
      if (k < 0) continue;
      rInput.push(k);
      if (group && s >= slots - 2) {
        rKind.push(INPUT_SUBSTITUTE);
        rGroup.push(0);
      } else if (optional && s === 0) {
        rKind.push(INPUT_OPTIONAL);
        rGroup.push(-1);
      } else {
        rKind.push(INPUT_ESSENTIAL);
        rGroup.push(-1);
      }
    }
  }
  rSlotStart[M] = rInput.length;

  // sizes → exact allocation
  let slots = 0;
  let edges = 0;
  for (let m = 0; m < M; m++) {
    const cnt = matStart[m + 1]! - matStart[m]!;
    for (let r = rSlotStart[m]!; r < rSlotStart[m + 1]!; r++) {
      const k = rInput[r]!;
      slots += cnt;
      edges += cnt * (matStart[k + 1]! - matStart[k]!);
    }
  }
  const nodeLocation = new Int32Array(n);
  const inputStart = new Int32Array(n + 1);
  const inputKind = new Uint8Array(slots);
  const inputGroup = new Int32Array(slots);
  const inputCost = new Float64Array(slots);
  const supplyStart = new Int32Array(slots + 1);
  const supplyNode = new Int32Array(edges);
  const supplyShare = new Float64Array(edges);

  // locations: distinct per material, location 0 drawn three times as often as any other
  const loc = new Int32Array(C);
  for (let m = 0; m < M; m++) {
    const a = matStart[m]!;
    const cnt = matStart[m + 1]! - a;
    for (let c = 0; c < C; c++) loc[c] = c;
    let placed = 0;
    if (rand() < 3 / (C + 2)) {
      nodeLocation[a] = 0;
      loc[0] = loc[C - 1]!;
      placed = 1;
    }
    let pool = placed ? C - 1 : C;
    for (let p = placed; p < cnt; p++) {
      const x = Math.floor(rand() * pool);
      nodeLocation[a + p] = loc[x]!;
      loc[x] = loc[--pool]!;
    }
  }

  let s = 0;
  let e = 0;
  for (let m = 0; m < M; m++) {
    const r0 = rSlotStart[m]!;
    const r1 = rSlotStart[m + 1]!;
    for (let j = matStart[m]!; j < matStart[m + 1]!; j++) {
      inputStart[j] = s;
      const totalCost = 0.3 + 0.5 * rand();
      let wsum = 0;
      const first = s;
      for (let r = r0; r < r1; r++) {
        const k = rInput[r]!;
        inputKind[s] = rKind[r]!;
        inputGroup[s] = rGroup[r]!;
        const w = 0.2 + rand();
        inputCost[s] = w;
        wsum += w;
        supplyStart[s] = e;
        let ssum = 0;
        const e0 = e;
        for (let i = matStart[k]!; i < matStart[k + 1]!; i++) {
          const x = 0.05 + rand();
          supplyNode[e] = i;
          supplyShare[e] = x;
          ssum += x;
          e++;
        }
        for (let q = e0; q < e; q++) supplyShare[q]! /= ssum;
        s++;
      }
      for (let q = first; q < s; q++) inputCost[q] = (inputCost[q]! / wsum) * totalCost;
    }
  }
  inputStart[n] = s;
  supplyStart[slots] = e;
  return {
    nodeCount: n,
    countryCount: C,
    nodeLocation,
    inputStart,
    inputKind,
    inputGroup,
    inputCost,
    supplyStart,
    supplyNode,
    supplyShare,
    edges,
    materials: M,
    tierStart,
  };
}
