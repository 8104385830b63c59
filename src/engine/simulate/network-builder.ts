import {
  CLASS_AGREEMENT,
  CLASS_DOMESTIC,
  CLASS_EXPORT,
  CLASS_POOL,
  type MaterialCalibration,
  NODE_DEMAND,
  NODE_POOL,
  NODE_UNALLOCATED_SINK,
  type SimNetwork,
  SLOT_ESSENTIAL,
} from './sim-network.js';

interface SlotSpec {
  node: number;
  material: number;
  ratio: number;
  weight: number;
  group: number;
  coverDays: number;
  edges: { supplier: number; share: number; cls: number; agreementRate: number }[];
}

/**
 * Assembles a SimNetwork from nodes, slots and edges given in any order (for calibration and
 * hand-built test networks; the 1M-node synthetic network writes its arrays directly). Edge
 * classes default to domestic (same location) or export; a pool's edges are served last.
 */
export class SimNetworkBuilder {
  readonly locations: string[] = [];
  private readonly locIndex = new Map<string, number>();
  private readonly kind: number[] = [];
  private readonly material: number[] = [];
  private readonly location: number[] = [];
  private readonly rate: number[] = [];
  private readonly capacity: number[] = [];
  private readonly slots: SlotSpec[] = [];
  private readonly poolOf = new Map<number, number>();

  constructor(
    readonly materialIds: readonly string[],
    readonly materialUnits: readonly string[] = materialIds.map(() => 't'),
    readonly materialCommodity: readonly string[] = materialIds.map((id) => id.split('.')[0]!),
  ) {}

  loc(code: string): number {
    let i = this.locIndex.get(code);
    if (i === undefined) {
      i = this.locations.length;
      this.locations.push(code);
      this.locIndex.set(code, i);
    }
    return i;
  }

  get nodeCount(): number {
    return this.kind.length;
  }

  nodeMaterial(i: number): number {
    return this.material[i]!;
  }

  nodeLocation(i: number): number {
    return this.location[i]!;
  }

  nodeKind(i: number): number {
    return this.kind[i]!;
  }

  nodeRate(i: number): number {
    return this.rate[i]!;
  }

  setRate(node: number, rate: number, capacity: number): void {
    this.rate[node] = rate;
    this.capacity[node] = capacity;
  }

  addNode(kind: number, material: number, location: string, rate: number, capacity: number): number {
    const id = this.kind.length;
    this.kind.push(kind);
    this.material.push(material);
    this.location.push(this.loc(location));
    this.rate.push(rate);
    this.capacity.push(kind === NODE_DEMAND || kind === NODE_UNALLOCATED_SINK ? 0 : capacity);
    if (kind === NODE_POOL) this.poolOf.set(material, id);
    return id;
  }

  /** Adds an input slot to `node`; returns its handle for `addEdge`. */
  addSlot(
    node: number,
    material: number,
    opts: { ratio?: number; weight?: number; group?: number; coverDays?: number } = {},
  ): number {
    this.slots.push({
      node,
      material,
      ratio: opts.ratio ?? 1,
      weight: opts.weight ?? 1,
      group: opts.group ?? SLOT_ESSENTIAL,
      coverDays: opts.coverDays ?? 0,
      edges: [],
    });
    return this.slots.length - 1;
  }

  addEdge(slot: number, supplier: number, share: number, cls?: number, agreementRate = 0): void {
    const s = this.slots[slot]!;
    const c =
      cls ??
      (this.kind[s.node] === NODE_POOL
        ? CLASS_POOL
        : this.location[s.node] === this.location[supplier]
          ? CLASS_DOMESTIC
          : CLASS_EXPORT);
    s.edges.push({ supplier, share, cls: c, agreementRate });
  }

  build(meta: {
    year: number;
    dataVersion: string;
    calibration?: MaterialCalibration[];
    sources?: string[];
    assumptions?: string[];
  }): SimNetwork {
    const n = this.kind.length;
    // every slot of a material with a pool orders diverted volumes from it
    const order = this.slots
      .map((_, i) => i)
      .sort((a, b) => this.slots[a]!.node - this.slots[b]!.node || a - b);
    const S = order.length;
    const nodeSlotStart = new Int32Array(n + 1);
    for (const s of this.slots) nodeSlotStart[s.node + 1]!++;
    for (let i = 0; i < n; i++) nodeSlotStart[i + 1]! += nodeSlotStart[i] ?? 0;
    const E = this.slots.reduce((a, s) => a + s.edges.length, 0);
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
    const agEdge: number[] = [];
    const agRate: number[] = [];
    let e = 0;
    order.forEach((si, k) => {
      const s = this.slots[si]!;
      slotNode[k] = s.node;
      slotMaterial[k] = s.material;
      slotRatio[k] = s.ratio;
      slotWeight[k] = s.weight;
      slotGroup[k] = s.group;
      slotCoverDays[k] = s.coverDays;
      slotPool[k] = this.kind[s.node] === NODE_POOL ? -1 : (this.poolOf.get(s.material) ?? -1);
      slotEdgeStart[k] = e;
      // agreement edges first: the kernel fills them before the rest of the slot's order
      const edges = [...s.edges].sort(
        (a, b) => (a.cls === CLASS_AGREEMENT ? 0 : 1) - (b.cls === CLASS_AGREEMENT ? 0 : 1),
      );
      for (const x of edges) {
        edgeSupplier[e] = x.supplier;
        edgeShare[e] = x.share;
        edgeClass[e] = x.cls;
        if (x.cls === CLASS_AGREEMENT) {
          agEdge.push(e);
          agRate.push(x.agreementRate);
        }
        e++;
      }
    });
    slotEdgeStart[S] = e;
    return {
      year: meta.year,
      dataVersion: meta.dataVersion,
      materialIds: [...this.materialIds],
      materialUnits: [...this.materialUnits],
      materialCommodity: [...this.materialCommodity],
      locations: [...this.locations],
      nodeCount: n,
      nodeKind: Uint8Array.from(this.kind),
      nodeMaterial: Int32Array.from(this.material),
      nodeLocation: Int32Array.from(this.location),
      nodeRate: Float64Array.from(this.rate),
      nodeCapacity: Float64Array.from(this.capacity),
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
      agreementEdge: Int32Array.from(agEdge),
      agreementRate: Float64Array.from(agRate),
      calibration: meta.calibration ?? [],
      sources: meta.sources ?? [],
      assumptions: meta.assumptions ?? [],
    };
  }
}
