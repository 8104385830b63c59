import {
  type ExposureNetwork,
  INPUT_ESSENTIAL,
  INPUT_OPTIONAL,
  INPUT_SUBSTITUTE,
} from '../network/exposure-network.js';

/**
 * Multi-tier exposure of every node to every location (trustmap DESIGN, "Multi-tier exposure").
 *
 * Node j is a material made (or pooled) in one place; σ_ij is the share of j's input k that comes
 * from supplier node i; a_kj the cost share of input k in j's output; va_j = 1 − Σ_k a_kj.
 *
 * Value exposure (the input–output view; Leontief 1936, Miller & Blair, "Input–Output Analysis",
 * 2nd ed. 2009, ch. 6 — the value-added decomposition diag(va)(I − A)⁻¹ that pymrio computes):
 *
 *   E_v(j, c) = va_j · [loc j = c] + Σ_k a_kj Σ_i σ_ij E_v(i, c)
 *
 * With A_ij = Σ_k a_kj σ_ij (the technical coefficients over nodes) this is E_v = (I − Aᵀ)⁻¹ V,
 * V_jc = va_j [loc j = c], i.e. the transpose of diag(va)(I − A)⁻¹ aggregated to locations; so
 * Σ_c E_v(j, c) = 1 when every node's shares sum to 1 and every node has a location.
 *
 * Bottleneck exposure (the fixed-proportion, Leontief-production view; a first-order fraction of
 * output lost with no rerouting and no stocks — an upper bound):
 *
 *   E_b(j, c) = 1                                              if loc j = c
 *             = max( max_{k essential} Σ_i σ_ij E_b(i, c),
 *                    max_{groups G} min_{k ∈ G} Σ_i σ_ij E_b(i, c) )   otherwise
 *
 * Optional inputs (not essential, in no group) do not constrain output and are left out.
 *
 * Acyclic networks: one pass with suppliers before users (a topological order; the identity order
 * when ids already have suppliers first). Cycles: Gauss–Seidel fixed-point iteration from zero over
 * the nodes in or downstream of a cycle, with a tolerance and an iteration cap; from zero it reaches
 * the least fixed point (monotone for both variants), and reports the nodes still moving if capped.
 *
 * Layout: node-major Float64Array, row j is [j·C, (j+1)·C), so the inner loop over locations reads
 * and writes contiguous memory.
 */

export interface ExposureOptions {
  /** compute value exposure (default true) */
  value?: boolean;
  /** compute bottleneck exposure (default true) */
  bottleneck?: boolean;
  /** fixed-point tolerance on the largest change of any entry (default 1e-12) */
  tolerance?: number;
  /** fixed-point iteration cap (default 1000) */
  maxIterations?: number;
}

export interface NonConvergence {
  variant: 'value' | 'bottleneck';
  /** nodes whose row still changed by more than the tolerance in the last iteration (first 100) */
  nodes: number[];
  nodeCount: number;
  /** the largest change in the last iteration */
  residual: number;
  iterations: number;
}

export interface Exposure {
  countryCount: number;
  /** E_v, node-major [j·C + c]; null when not requested */
  value: Float64Array | null;
  /** 1 where every cost share upstream of the node is known; 0 where value exposure is unavailable */
  valueAvailable: Uint8Array | null;
  /** E_b, node-major [j·C + c]; null when not requested */
  bottleneck: Float64Array | null;
  /** how the pass was ordered */
  order: 'identity' | 'topological' | 'cyclic';
  /** nodes in or downstream of a cycle (solved by iteration) */
  cyclicNodes: number;
  /** fixed-point iterations used (max over variants; 0 when acyclic) */
  iterations: number;
  converged: boolean;
  nonConvergence: NonConvergence[];
}

/** Suppliers-before-users order: `order[0 … acyclic−1]` is topological, the rest lies on or below cycles. */
export interface SupplierOrder {
  order: Int32Array;
  acyclic: number;
  identity: boolean;
}

export function supplierOrder(net: ExposureNetwork): SupplierOrder {
  const n = net.nodeCount;
  const { inputStart, supplyStart, supplyNode } = net;
  let identity = true;
  for (let j = 0; j < n && identity; j++) {
    const t0 = supplyStart[inputStart[j]!]!;
    const t1 = supplyStart[inputStart[j + 1]!]!;
    for (let t = t0; t < t1; t++) {
      if (supplyNode[t]! >= j) {
        identity = false;
        break;
      }
    }
  }
  if (identity) {
    const order = new Int32Array(n);
    for (let j = 0; j < n; j++) order[j] = j;
    return { order, acyclic: n, identity: true };
  }
  // Kahn: users CSR (supplier i → user j), in-degree = number of supplier edges
  const indeg = new Int32Array(n);
  const userStart = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    const t0 = supplyStart[inputStart[j]!]!;
    const t1 = supplyStart[inputStart[j + 1]!]!;
    indeg[j] = t1 - t0;
    for (let t = t0; t < t1; t++) userStart[supplyNode[t]! + 1]!++;
  }
  for (let i = 0; i < n; i++) userStart[i + 1] = userStart[i + 1]! + userStart[i]!;
  const fill = userStart.slice(0, n);
  const users = new Int32Array(userStart[n]!);
  for (let j = 0; j < n; j++) {
    const t0 = supplyStart[inputStart[j]!]!;
    const t1 = supplyStart[inputStart[j + 1]!]!;
    for (let t = t0; t < t1; t++) users[fill[supplyNode[t]!]!++] = j;
  }
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let j = 0; j < n; j++) if (indeg[j] === 0) order[tail++] = j;
  while (head < tail) {
    const i = order[head++]!;
    for (let u = userStart[i]!; u < userStart[i + 1]!; u++) {
      const j = users[u]!;
      if (--indeg[j]! === 0) order[tail++] = j;
    }
  }
  const acyclic = tail;
  for (let j = 0; j < n; j++) if (indeg[j]! > 0) order[tail++] = j;
  return { order, acyclic, identity: false };
}

/** One value row: out[ob … ob+C) ← va_j [loc] + Σ a σ E_v(i, ·). Returns 0 if a cost share upstream is unknown. */
function valueRow(
  net: ExposureNetwork,
  E: Float64Array,
  avail: Uint8Array,
  C: number,
  j: number,
  out: Float64Array,
  ob: number,
): number {
  const { inputStart, inputCost, supplyStart, supplyNode, supplyShare } = net;
  out.fill(0, ob, ob + C);
  let costSum = 0;
  let ok = 1;
  const s1 = inputStart[j + 1]!;
  for (let s = inputStart[j]!; s < s1; s++) {
    const a = inputCost[s]!;
    if (Number.isNaN(a)) {
      ok = 0;
      continue;
    }
    costSum += a;
    if (a === 0) continue;
    const t1 = supplyStart[s + 1]!;
    for (let t = supplyStart[s]!; t < t1; t++) {
      const i = supplyNode[t]!;
      if (avail[i] === 0) ok = 0;
      const w = a * supplyShare[t]!;
      if (w === 0) continue;
      const ib = i * C;
      for (let c = 0; c < C; c++) out[ob + c]! += w * E[ib + c]!;
    }
  }
  const loc = net.nodeLocation[j]!;
  if (loc >= 0) out[ob + loc]! += 1 - costSum;
  return ok;
}

/** One bottleneck row: max over essential inputs, min within a substitute group, 1 at the node's own location. */
function bottleneckRow(
  net: ExposureNetwork,
  E: Float64Array,
  C: number,
  j: number,
  out: Float64Array,
  ob: number,
  tmp: Float64Array,
  gmin: Float64Array,
): void {
  const { inputStart, inputKind, inputGroup, supplyStart, supplyNode, supplyShare } = net;
  out.fill(0, ob, ob + C);
  const s0 = inputStart[j]!;
  const s1 = inputStart[j + 1]!;
  for (let s = s0; s < s1; s++) {
    const kind = inputKind[s]!;
    if (kind === INPUT_OPTIONAL) continue;
    tmp.fill(0);
    const t1 = supplyStart[s + 1]!;
    for (let t = supplyStart[s]!; t < t1; t++) {
      const w = supplyShare[t]!;
      if (w === 0) continue;
      const ib = supplyNode[t]! * C;
      for (let c = 0; c < C; c++) tmp[c]! += w * E[ib + c]!;
    }
    if (kind === INPUT_ESSENTIAL) {
      for (let c = 0; c < C; c++) if (tmp[c]! > out[ob + c]!) out[ob + c] = tmp[c]!;
      continue;
    }
    const g = inputGroup[s]!;
    const first = s === s0 || inputKind[s - 1] !== INPUT_SUBSTITUTE || inputGroup[s - 1] !== g;
    if (first) gmin.set(tmp);
    else for (let c = 0; c < C; c++) if (tmp[c]! < gmin[c]!) gmin[c] = tmp[c]!;
    const last = s + 1 === s1 || inputKind[s + 1] !== INPUT_SUBSTITUTE || inputGroup[s + 1] !== g;
    if (last) for (let c = 0; c < C; c++) if (gmin[c]! > out[ob + c]!) out[ob + c] = gmin[c]!;
  }
  const loc = net.nodeLocation[j]!;
  if (loc >= 0) out[ob + loc] = 1;
}

export function computeExposure(net: ExposureNetwork, opts: ExposureOptions = {}): Exposure {
  const n = net.nodeCount;
  const C = net.countryCount;
  const tol = opts.tolerance ?? 1e-12;
  const cap = opts.maxIterations ?? 1000;
  const wantValue = opts.value ?? true;
  const wantBottleneck = opts.bottleneck ?? true;
  const { order, acyclic, identity } = supplierOrder(net);
  const cyclic = n - acyclic;
  const nonConvergence: NonConvergence[] = [];
  let iterations = 0;

  let value: Float64Array | null = null;
  let valueAvailable: Uint8Array | null = null;
  if (wantValue) {
    value = new Float64Array(n * C);
    valueAvailable = new Uint8Array(n);
    // nodes on cycles start available (greatest fixed point of "all upstream costs known")
    for (let p = acyclic; p < n; p++) valueAvailable[order[p]!] = 1;
    for (let p = 0; p < acyclic; p++) {
      const j = order[p]!;
      valueAvailable[j] = valueRow(net, value, valueAvailable, C, j, value, j * C);
    }
    if (cyclic > 0) {
      const row = new Float64Array(C);
      const r = iterate(order, acyclic, n, C, tol, cap, value, row, (j) => {
        const ok = valueRow(net, value!, valueAvailable!, C, j, row, 0);
        const changed = ok !== valueAvailable![j];
        valueAvailable![j] = ok;
        // a change of availability is a change too: sweep again until it settles
        return changed ? Number.POSITIVE_INFINITY : 0;
      });
      iterations = Math.max(iterations, r.iterations);
      if (r.failure) nonConvergence.push({ variant: 'value', ...r.failure });
    }
  }

  let bottleneck: Float64Array | null = null;
  if (wantBottleneck) {
    bottleneck = new Float64Array(n * C);
    const tmp = new Float64Array(C);
    const gmin = new Float64Array(C);
    for (let p = 0; p < acyclic; p++) {
      const j = order[p]!;
      bottleneckRow(net, bottleneck, C, j, bottleneck, j * C, tmp, gmin);
    }
    if (cyclic > 0) {
      const row = new Float64Array(C);
      const r = iterate(order, acyclic, n, C, tol, cap, bottleneck, row, (j) => {
        bottleneckRow(net, bottleneck!, C, j, row, 0, tmp, gmin);
        return 0;
      });
      iterations = Math.max(iterations, r.iterations);
      if (r.failure) nonConvergence.push({ variant: 'bottleneck', ...r.failure });
    }
  }

  return {
    countryCount: C,
    value,
    valueAvailable,
    bottleneck,
    order: cyclic > 0 ? 'cyclic' : identity ? 'identity' : 'topological',
    cyclicNodes: cyclic,
    iterations,
    converged: nonConvergence.length === 0,
    nonConvergence,
  };
}

/**
 * Gauss–Seidel sweeps over order[from … n) until no entry moves by more than `tol`. `rowOf(j)`
 * computes node j's new row from the current E into `row`, and returns an extra change to count
 * (0, or ∞ when something other than the row changed).
 */
function iterate(
  order: Int32Array,
  from: number,
  n: number,
  C: number,
  tol: number,
  cap: number,
  E: Float64Array,
  row: Float64Array,
  rowOf: (j: number) => number,
): { iterations: number; failure: Omit<NonConvergence, 'variant'> | null } {
  const moved = new Float64Array(n - from);
  let it = 0;
  let residual = Number.POSITIVE_INFINITY;
  while (it < cap && residual > tol) {
    it++;
    residual = 0;
    for (let p = from; p < n; p++) {
      const j = order[p]!;
      const jb = j * C;
      let d = rowOf(j);
      for (let c = 0; c < C; c++) {
        const delta = Math.abs(row[c]! - E[jb + c]!);
        if (delta > d) d = delta;
        E[jb + c] = row[c]!;
      }
      moved[p - from] = d;
      if (d > residual) residual = d;
    }
  }
  if (residual <= tol) return { iterations: it, failure: null };
  const nodes: number[] = [];
  let count = 0;
  for (let p = from; p < n; p++) {
    if (moved[p - from]! > tol) {
      count++;
      if (nodes.length < 100) nodes.push(order[p]!);
    }
  }
  return { iterations: it, failure: { nodes, nodeCount: count, residual, iterations: it } };
}

/** Row j of a node-major result as a plain array (for reports and tests). */
export function exposureRow(E: Float64Array, C: number, j: number): number[] {
  return Array.from(E.subarray(j * C, (j + 1) * C));
}
