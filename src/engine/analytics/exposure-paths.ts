import { type ExposureNetwork, INPUT_OPTIONAL } from '../network/exposure-network.js';

/**
 * The supply paths that carry a node's exposure to one location, best first.
 *
 * Listing every path explodes (the number of paths grows exponentially with depth), so this is a
 * bounded best-first search per query (uniform-cost search in the product semiring: every factor is
 * ≤ 1, so a partial path's weight bounds all its extensions and completed paths come out in order
 * of weight; Dijkstra 1959 / A* with a zero heuristic).
 *
 * - value: a path j = n₀ ← n₁ ← … ← n_L carries Π_l (a_{k_l n_{l−1}} · σ_{n_l n_{l−1}}) · va_{n_L},
 *   ending at a node located in c. Summed over all paths this is exactly E_v(j, c) (the power
 *   series of (I − A)⁻¹), so the listed weights are the largest terms of that sum.
 * - bottleneck: a path carries Π σ along essential and substitute inputs and ends at the first node
 *   located in c (E_b = 1 there). Its weight is the share of that input's flow routed through it;
 *   E_b is a max over inputs, not a sum over paths.
 */
export interface PathQuery {
  node: number;
  country: number;
  variant: 'value' | 'bottleneck';
  /** how many paths (default 5) */
  k?: number;
  /** longest path in edges (default 12) */
  maxDepth?: number;
  /** node expansions before giving up (default 20,000) */
  maxExpansions?: number;
  /** ignore paths lighter than this (default 1e-9) */
  minWeight?: number;
}

export interface ExposurePath {
  /** node ids from the queried node to the origin */
  nodes: number[];
  /** input slot used at each step (nodes.length − 1 entries) */
  slots: number[];
  weight: number;
}

export interface PathResult {
  paths: ExposurePath[];
  /** true when the search stopped at a bound before finding k paths or exhausting the graph */
  truncated: boolean;
  expansions: number;
}

/** A binary max-heap of entry ids keyed by weight. */
class MaxHeap {
  private ids: number[] = [];
  constructor(private readonly key: number[]) {}
  get size(): number {
    return this.ids.length;
  }
  push(id: number): void {
    const h = this.ids;
    h.push(id);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key[h[p]!]! >= this.key[id]!) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = id;
  }
  pop(): number {
    const h = this.ids;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const w = this.key[last]!;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && this.key[h[r]!]! > this.key[h[l]!]! ? r : l;
        if (this.key[h[c]!]! <= w) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

export function topPaths(net: ExposureNetwork, q: PathQuery): PathResult {
  const k = q.k ?? 5;
  const maxDepth = q.maxDepth ?? 12;
  const maxExpansions = q.maxExpansions ?? 20_000;
  const minWeight = q.minWeight ?? 1e-9;
  const value = q.variant === 'value';
  const { inputStart, inputKind, inputCost, supplyStart, supplyNode, supplyShare, nodeLocation } = net;

  // search entries (partial or complete paths) as parallel arrays with parent pointers
  const node: number[] = [];
  const slot: number[] = [];
  const parent: number[] = [];
  const depth: number[] = [];
  const weight: number[] = [];
  const complete: boolean[] = [];
  const heap = new MaxHeap(weight);
  const add = (nd: number, sl: number, par: number, dp: number, w: number, done: boolean) => {
    node.push(nd);
    slot.push(sl);
    parent.push(par);
    depth.push(dp);
    weight.push(w);
    complete.push(done);
    heap.push(node.length - 1);
  };
  add(q.node, -1, -1, 0, 1, false);

  const paths: ExposurePath[] = [];
  let expansions = 0;
  let truncated = false;
  while (heap.size > 0 && paths.length < k) {
    const e = heap.pop();
    if (complete[e]) {
      const nodes: number[] = [];
      const slots: number[] = [];
      // a completed entry repeats its parent's node: rebuild from the parent
      for (let x = parent[e]!; x >= 0; x = parent[x]!) {
        nodes.push(node[x]!);
        if (slot[x]! >= 0) slots.push(slot[x]!);
      }
      paths.push({ nodes: nodes.reverse(), slots: slots.reverse(), weight: weight[e]! });
      continue;
    }
    if (expansions >= maxExpansions) {
      truncated = true;
      break;
    }
    expansions++;
    const j = node[e]!;
    const w = weight[e]!;
    const here = nodeLocation[j] === q.country;
    if (value) {
      let costSum = 0;
      for (let s = inputStart[j]!; s < inputStart[j + 1]!; s++) {
        const a = inputCost[s]!;
        if (!Number.isNaN(a)) costSum += a;
      }
      const va = 1 - costSum;
      if (here && va * w >= minWeight) add(j, -1, e, depth[e]!, va * w, true);
    } else if (here) {
      add(j, -1, e, depth[e]!, w, true);
      continue;
    }
    if (depth[e]! >= maxDepth) {
      truncated = true;
      continue;
    }
    for (let s = inputStart[j]!; s < inputStart[j + 1]!; s++) {
      let f: number;
      if (value) {
        f = inputCost[s]!;
        if (Number.isNaN(f) || f === 0) continue;
      } else {
        if (inputKind[s] === INPUT_OPTIONAL) continue;
        f = 1;
      }
      for (let t = supplyStart[s]!; t < supplyStart[s + 1]!; t++) {
        const w2 = w * f * supplyShare[t]!;
        if (w2 < minWeight) continue;
        add(supplyNode[t]!, s, e, depth[e]! + 1, w2, false);
      }
    }
  }
  return { paths, truncated, expansions };
}
