/**
 * The graph the multi-tier exposure algorithms read: nodes (a material made, or pooled, in one
 * place), each with its input slots (one per input material k), each slot with its supplier nodes i
 * and their shares σ_ij. Everything is a typed array indexed by integer ids (CSR twice: node →
 * input slots → suppliers), so the hot loops touch no objects.
 *
 * It is built from a `NetworkSnapshot` plus sourcing data (`buildSupplyNetwork`) or directly by the
 * synthetic generator (`syntheticNetwork`).
 */

/** An input the output cannot be made without (fixed proportion). */
export const INPUT_ESSENTIAL = 0;
/** A member of a substitutable group: the group is needed, any one member will do. */
export const INPUT_SUBSTITUTE = 1;
/** A non-essential input outside any group (a catalyst or reagent that can be avoided). */
export const INPUT_OPTIONAL = 2;

export interface ExposureNetwork {
  readonly nodeCount: number;
  /** number of locations (countries, plus XOT "Other countries" / XUN "unknown" where present) */
  readonly countryCount: number;
  /** location index of node j, or −1 for a pool (a market) that has no location of its own */
  readonly nodeLocation: Int32Array;
  /** input slots of node j are inputStart[j] … inputStart[j+1]−1 */
  readonly inputStart: Int32Array;
  /** INPUT_ESSENTIAL, INPUT_SUBSTITUTE or INPUT_OPTIONAL, per slot */
  readonly inputKind: Uint8Array;
  /** group id of a substitute slot (members of one group are consecutive slots); −1 otherwise */
  readonly inputGroup: Int32Array;
  /** cost share a_kj of the slot's input in the node's output value; NaN where unknown */
  readonly inputCost: Float64Array;
  /** suppliers of slot s are supplyStart[s] … supplyStart[s+1]−1 */
  readonly supplyStart: Int32Array;
  readonly supplyNode: Int32Array;
  /** σ_ij: the share of the slot's input that comes from the supplier */
  readonly supplyShare: Float64Array;
}

/** Problems that make a network unusable (not data gaps: those are NaN cost shares). */
export function checkExposureNetwork(net: ExposureNetwork): string[] {
  const out: string[] = [];
  const n = net.nodeCount;
  const slots = net.inputStart[n] ?? -1;
  if (net.nodeLocation.length !== n)
    out.push(`nodeLocation has ${net.nodeLocation.length} entries, not ${n}`);
  if (net.inputStart.length !== n + 1)
    out.push(`inputStart has ${net.inputStart.length} entries, not ${n + 1}`);
  if (net.inputKind.length !== slots || net.inputGroup.length !== slots || net.inputCost.length !== slots)
    out.push('inputKind, inputGroup and inputCost must have one entry per input slot');
  if (net.supplyStart.length !== slots + 1) out.push(`supplyStart must have ${slots + 1} entries`);
  const edges = net.supplyStart[slots] ?? -1;
  if (net.supplyNode.length !== edges || net.supplyShare.length !== edges)
    out.push('supplyNode and supplyShare must have one entry per supplier edge');
  if (out.length) return out;
  for (let j = 0; j < n && out.length < 20; j++) {
    const loc = net.nodeLocation[j]!;
    if (loc < -1 || loc >= net.countryCount) out.push(`node ${j}: location ${loc} out of range`);
    const a = net.inputStart[j]!;
    const b = net.inputStart[j + 1]!;
    if (b < a) out.push(`node ${j}: inputStart decreases`);
    let cost = 0;
    const seen = new Set<number>();
    for (let s = a; s < b; s++) {
      const c = net.inputCost[s]!;
      if (c < 0 || c > 1) out.push(`node ${j}: cost share ${c} outside [0, 1]`);
      if (!Number.isNaN(c)) cost += c;
      if (net.inputKind[s] === INPUT_SUBSTITUTE) {
        const g = net.inputGroup[s]!;
        const prev = s > a && net.inputKind[s - 1] === INPUT_SUBSTITUTE ? net.inputGroup[s - 1] : undefined;
        if (prev !== g) {
          if (seen.has(g)) out.push(`node ${j}: members of substitute group ${g} are not consecutive`);
          seen.add(g);
        }
      }
      for (let t = net.supplyStart[s]!; t < net.supplyStart[s + 1]!; t++) {
        const i = net.supplyNode[t]!;
        const sh = net.supplyShare[t]!;
        if (i < 0 || i >= n) out.push(`node ${j}: supplier ${i} out of range`);
        if (!(sh >= 0 && sh <= 1)) out.push(`node ${j}: supplier share ${sh} outside [0, 1]`);
      }
    }
    if (cost > 1 + 1e-9) out.push(`node ${j}: cost shares sum to ${cost} > 1`);
  }
  return out;
}

/**
 * The same network with node ids renumbered: new id of old node j is `perm[j]`. Used to check that
 * results do not depend on numbering, and by the benchmark to defeat the identity-order fast path.
 */
export function permuteNetwork(net: ExposureNetwork, perm: Int32Array): ExposureNetwork {
  const n = net.nodeCount;
  const inv = new Int32Array(n);
  for (let j = 0; j < n; j++) inv[perm[j]!] = j;
  const slots = net.inputStart[n]!;
  const edges = net.supplyStart[slots]!;
  const nodeLocation = new Int32Array(n);
  const inputStart = new Int32Array(n + 1);
  const inputKind = new Uint8Array(slots);
  const inputGroup = new Int32Array(slots);
  const inputCost = new Float64Array(slots);
  const supplyStart = new Int32Array(slots + 1);
  const supplyNode = new Int32Array(edges);
  const supplyShare = new Float64Array(edges);
  let s2 = 0;
  let t2 = 0;
  for (let nj = 0; nj < n; nj++) {
    const j = inv[nj]!;
    nodeLocation[nj] = net.nodeLocation[j]!;
    inputStart[nj] = s2;
    for (let s = net.inputStart[j]!; s < net.inputStart[j + 1]!; s++) {
      inputKind[s2] = net.inputKind[s]!;
      inputGroup[s2] = net.inputGroup[s]!;
      inputCost[s2] = net.inputCost[s]!;
      supplyStart[s2] = t2;
      for (let t = net.supplyStart[s]!; t < net.supplyStart[s + 1]!; t++) {
        supplyNode[t2] = perm[net.supplyNode[t]!]!;
        supplyShare[t2] = net.supplyShare[t]!;
        t2++;
      }
      s2++;
    }
  }
  inputStart[n] = s2;
  supplyStart[slots] = t2;
  return {
    nodeCount: n,
    countryCount: net.countryCount,
    nodeLocation,
    inputStart,
    inputKind,
    inputGroup,
    inputCost,
    supplyStart,
    supplyNode,
    supplyShare,
  };
}
