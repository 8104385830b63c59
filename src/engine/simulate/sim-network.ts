/**
 * The compiled simulation network: the calibrated base state of one year's supply network in
 * typed arrays, read by the time-stepped kernel (kernel.ts). Built by `calibrateNetwork`
 * (calibrate.ts) from the store's public data, or by `syntheticSimNetwork` for benchmarks and
 * property tests. Immutable once built: a run allocates its own state, so one network can serve
 * many runs (and be copied to worker threads: it holds only typed arrays, strings and numbers).
 *
 * Layout (after graphology's compiled indexes):
 * - nodes: producers (material × country), re-exporting traders, one spot pool per material
 *   (trade diversion), final-demand nodes, and the calibration's unallocated source and sink;
 * - slots: the inputs of a node, one per input material (CSR: nodeSlotStart). A demand node has
 *   one slot (the material it consumes), a trader or pool one slot (the material it passes on);
 * - edges: the suppliers of a slot (CSR: slotEdgeStart), each a supplier node, its base share of
 *   the slot's orders and the priority class the supplier serves it in.
 *
 * Rates are per day in the material's unit; the kernel multiplies by the step length.
 */

/** makes its material (from inputs through recipes, or none: a mine) */
export const NODE_PRODUCER = 0;
/** re-exports a material it does not make, bought at the world mix (CAN and DEU for gallium) */
export const NODE_TRADER = 1;
/** the world spot market of one material: where diverted orders go (trade diversion) */
export const NODE_POOL = 2;
/** final demand of a country (a market, or part of the rest of the world) */
export const NODE_DEMAND = 3;
/** supplies what the data's uses need beyond recorded production (secondary feed, stock draws) */
export const NODE_UNALLOCATED_SOURCE = 4;
/** takes recorded production no modelled buyer uses */
export const NODE_UNALLOCATED_SINK = 5;

export const NODE_KIND_NAMES = [
  'producer',
  'trader',
  'pool',
  'demand',
  'unallocated-source',
  'unallocated-sink',
];

/** Priority classes a supplier serves in order (DESIGN: restrictions, agreements, domestic, exports). */
export const CLASS_AGREEMENT = 0;
export const CLASS_DOMESTIC = 1;
export const CLASS_EXPORT = 2;
/** orders from a spot pool: served last, from spare output */
export const CLASS_POOL = 3;
export const CLASSES = 4;

/** Slot kinds: an essential input limits production; an optional one does not. */
export const SLOT_ESSENTIAL = -1;
export const SLOT_OPTIONAL = -2;

/** Location codes the network adds beside ISO3 codes and XOT ("Other countries"). */
export const LOCATION_UNALLOCATED = 'XUN';
export const LOCATION_POOL = 'XWM';

/** Calibration of one material's base year: where its output goes (per year, material unit). */
export interface MaterialCalibration {
  material: string;
  unit: string;
  /** calendar year of the production figures */
  year: number;
  production: number;
  /** used as an input by modelled producers (recipes) */
  intermediateUse: number;
  /** final demand taken from data (USGS US apparent consumption) */
  dataDemand: number;
  /** final demand allocated in proportion to production (illustrative) */
  proportionalDemand: number;
  /** recorded production no modelled buyer uses (positive) */
  unallocatedSink: number;
  /** use beyond recorded production, supplied by the unallocated node */
  unallocatedSource: number;
  notes: string[];
}

export interface SimNetwork {
  readonly year: number;
  readonly dataVersion: string;
  readonly materialIds: readonly string[];
  readonly materialUnits: readonly string[];
  /** commodity of each material (a scenario may name a commodity: all its stages) */
  readonly materialCommodity: readonly string[];
  /** location index → ISO3, XOT, XUN (unallocated) or XWM (world spot market) */
  readonly locations: readonly string[];

  readonly nodeCount: number;
  readonly nodeKind: Uint8Array;
  readonly nodeMaterial: Int32Array;
  readonly nodeLocation: Int32Array;
  /** base output (producers, traders, unallocated source) or base demand (demand nodes, sink), per day */
  readonly nodeRate: Float64Array;
  /** output capacity per day (Infinity for traders and pools; 0 for demand nodes) */
  readonly nodeCapacity: Float64Array;
  readonly nodeSlotStart: Int32Array;

  readonly slotCount: number;
  readonly slotNode: Int32Array;
  readonly slotMaterial: Int32Array;
  /** input per unit of output, in the input's unit (1 for demand nodes, traders, pools) */
  readonly slotRatio: Float64Array;
  /** share of the output's requirement this slot covers at base (1; < 1 inside a substitute group) */
  readonly slotWeight: Float64Array;
  /** SLOT_ESSENTIAL, SLOT_OPTIONAL or a substitute group id (≥ 0, unique within the network) */
  readonly slotGroup: Int32Array;
  /** the spot pool node of the slot's material, −1 for none (a pool's own slot) */
  readonly slotPool: Int32Array;
  /** default target stock in days of base use (illustrative unless set by a scenario) */
  readonly slotCoverDays: Float64Array;
  readonly slotEdgeStart: Int32Array;

  readonly edgeCount: number;
  readonly edgeSupplier: Int32Array;
  /** share of the slot's orders placed with this supplier at base (0 for a pool's edges: dynamic) */
  readonly edgeShare: Float64Array;
  readonly edgeClass: Uint8Array;
  /** agreement edges (class 0): contracted volume per day; the edge orders at most this */
  readonly agreementEdge: Int32Array;
  readonly agreementRate: Float64Array;

  /** per material: its calibration (empty for synthetic networks) */
  readonly calibration: readonly MaterialCalibration[];
  readonly sources: readonly string[];
  readonly assumptions: readonly string[];
}

/** Checks the CSR structure and the base balance; returns problems (empty when sound). */
export function checkNetwork(net: SimNetwork, tolerance = 1e-9): string[] {
  const out: string[] = [];
  const n = net.nodeCount;
  if (net.nodeSlotStart.length !== n + 1) out.push('nodeSlotStart has the wrong length');
  if (net.slotEdgeStart.length !== net.slotCount + 1) out.push('slotEdgeStart has the wrong length');
  const orders = new Float64Array(n);
  for (let s = 0; s < net.slotCount; s++) {
    const j = net.slotNode[s]!;
    const base = net.slotRatio[s]! * net.slotWeight[s]! * net.nodeRate[j]!;
    let sum = 0;
    for (let e = net.slotEdgeStart[s]!; e < net.slotEdgeStart[s + 1]!; e++) {
      const i = net.edgeSupplier[e]!;
      if (i < 0 || i >= n) out.push(`edge ${e}: supplier ${i} out of range`);
      if (net.nodeMaterial[i] !== net.slotMaterial[s])
        out.push(`edge ${e}: supplier ${i} does not make the slot's material`);
      sum += net.edgeShare[e]!;
      orders[i]! += base * net.edgeShare[e]!;
    }
    if (net.nodeKind[j] !== NODE_POOL && base > 0 && Math.abs(sum - 1) > 1e-9)
      out.push(`slot ${s} (node ${j}): supplier shares sum to ${sum}`);
  }
  for (let i = 0; i < n; i++) {
    const k = net.nodeKind[i]!;
    if (k === NODE_DEMAND || k === NODE_UNALLOCATED_SINK || k === NODE_POOL) continue;
    const x = net.nodeRate[i]!;
    if (Math.abs(orders[i]! - x) > tolerance * Math.max(1, x))
      out.push(`node ${i}: base orders ${orders[i]} ≠ base output ${x}`);
    if (net.nodeCapacity[i]! < x * (1 - 1e-12)) out.push(`node ${i}: capacity below base output`);
  }
  return out;
}

/** The node of (material, location) of a given kind, or −1. Linear in the node count (not for hot loops). */
export function findNode(net: SimNetwork, material: number, location: number, kind: number): number {
  for (let i = 0; i < net.nodeCount; i++)
    if (net.nodeMaterial[i] === material && net.nodeLocation[i] === location && net.nodeKind[i] === kind)
      return i;
  return -1;
}
