import {
  type ExposureNetwork,
  INPUT_ESSENTIAL,
  INPUT_OPTIONAL,
  INPUT_SUBSTITUTE,
} from './exposure-network.js';
import { type NetworkSnapshot, productionMix, UNKNOWN_LOCATION } from './snapshot.js';

/**
 * Turns a snapshot (production nodes, recipes) plus sourcing data into the node graph the exposure
 * algorithms read. Beyond the snapshot's production nodes it adds:
 *
 * - MARKET nodes, one per (material, country) where sourcing data exist: bilateral import shares
 *   (USGS import sources) or a published share of a country's supply (pharma-links facts). A market
 *   is a pool with no location of its own (cost share 1: it adds no value).
 * - TRADER nodes: a partner that ships a material it does not make (CAN and DEU for primary gallium;
 *   where the material has no production figures at all, the partner is taken to make it)
 *   is a processor or trader buying at the world production mix (the global-mix assumption; or at
 *   its own market where one is described). It is located in the partner (a Canadian refinery stops
 *   if Canada does) but passes value through (cost share 1: its margin is unknown).
 * - MADE nodes: a material made in a country for which the snapshot has no production row (an API
 *   made in India; a KSM made in China named by a published share).
 * - UNKNOWN nodes: the part of a market whose origin is not stated (location XUN).
 *
 * Every node located in c buys input k from c's market for k where one exists, else at the world
 * production mix of k.
 */

export type MarketSupplier =
  /** a bilateral import share: the partner rule decides own production vs re-export */
  | { kind: 'partner'; country: string; share: number }
  /** made in that country (e.g. China's share of India's supply of a KSM, from a published fact) */
  | { kind: 'made'; country: string; share: number }
  /** origin not stated */
  | { kind: 'unknown'; share: number }
  /** bought at the world production mix */
  | { kind: 'world'; share: number };

export interface MarketSpec {
  material: string;
  country: string;
  /** 'imports': the shares describe the country's imports only; 'supply': all of its supply */
  scope: 'imports' | 'supply';
  suppliers: readonly MarketSupplier[];
}

/**
 * How a partner's shipments are split between its own production and re-exported world-mix material:
 * - 'proportional' (default): own production up to the partner's world production share, the rest
 *   at the world mix (a partner shipping more than its weight in world output must re-export);
 * - 'own-first': a producing partner ships only its own output (the fewest re-exports; a lower bound);
 * - 'world-mix': every partner ships at the world mix.
 */
export type PartnerSupply = 'proportional' | 'own-first' | 'world-mix';

export interface SupplyNetworkOptions {
  markets?: readonly MarketSpec[];
  partnerSupply?: PartnerSupply;
  /**
   * Total cost share of a node's inputs when the recipe gives none, split equally over its inputs
   * (a substitute group counts as one input, split among its members). Illustrative. null leaves
   * them unknown, so value exposure is unavailable for those nodes. Default 0.5.
   */
  defaultInputCost?: number | null;
  /** an intermediate without sourcing data used by a MADE node is made in the same country (an assumption) */
  domesticIntermediates?: boolean;
  /** (material, country) pairs to resolve to a node; country null = the world-mix buyer */
  views?: readonly { material: string; country: string | null }[];
}

export const NODE_PRODUCTION = 0;
export const NODE_MADE = 1;
export const NODE_TRADER = 2;
export const NODE_MARKET = 3;
export const NODE_UNKNOWN = 4;
export const NODE_WORLD = 5;

export type ViewKind = 'imports' | 'supply' | 'production' | 'made' | 'world';

export interface SupplyNetwork {
  net: ExposureNetwork;
  /** location index → code: ISO3, XOT "Other countries", XUN unknown */
  locations: string[];
  /** snapshot material index of each node */
  nodeMaterial: Int32Array;
  /** NODE_* role of each node */
  nodeRole: Uint8Array;
  /** the snapshot node behind a node, −1 for added nodes */
  nodeSnapshot: Int32Array;
  /** recipe edge behind an input slot, −1 for a market or trader slot */
  slotRecipe: Int32Array;
  /** whether a slot's cost share is the illustrative default */
  slotDefaultCost: Uint8Array;
  /** the node each requested view resolves to, and how */
  views: { node: number; kind: ViewKind }[];
  /** market node of (material, country), when one was built */
  marketOf(material: string, country: string): number;
  /** market nodes whose shares do not sum to 1 (residual = 1 − Σ) */
  residuals: { node: number; residual: number }[];
  /** (material, country) intermediates assumed made in the country (`domesticIntermediates`) */
  assumedDomestic: number[];
}

interface Slot {
  kind: number;
  group: number;
  cost: number;
  defaultCost: boolean;
  recipe: number;
  nodes: number[];
  shares: number[];
}

export function buildSupplyNetwork(s: NetworkSnapshot, opts: SupplyNetworkOptions = {}): SupplyNetwork {
  const partnerSupply = opts.partnerSupply ?? 'proportional';
  const defaultCost = opts.defaultInputCost === undefined ? 0.5 : opts.defaultInputCost;
  const matIndex = new Map(s.materialIds.map((id, i) => [id, i]));
  const locations = [...s.locations];
  const locIndex = new Map(locations.map((c, i) => [c, i]));
  const locOf = (code: string) => {
    let i = locIndex.get(code);
    if (i === undefined) {
      i = locations.length;
      locations.push(code);
      locIndex.set(code, i);
    }
    return i;
  };
  const unknownLoc = locOf(UNKNOWN_LOCATION);

  const nodeMaterial: number[] = [];
  const nodeLocation: number[] = [];
  const nodeRole: number[] = [];
  const nodeSnapshot: number[] = [];
  const nodeSlots: (Slot[] | null)[] = [];
  const pending: number[] = [];
  const addNode = (m: number, loc: number, role: number, snap: number) => {
    const id = nodeMaterial.length;
    nodeMaterial.push(m);
    nodeLocation.push(loc);
    nodeRole.push(role);
    nodeSnapshot.push(snap);
    nodeSlots.push(null);
    pending.push(id);
    return id;
  };
  for (let n = 0; n < s.nodeCount; n++) addNode(s.nodeMaterial[n]!, s.nodeLocation[n]!, NODE_PRODUCTION, n);

  const hasProduction = (m: number) =>
    s.materialNodeStart[m + 1]! - s.materialNodeStart[m]! > 1 ||
    s.locations[s.nodeLocation[s.materialNodeStart[m]!]!] !== UNKNOWN_LOCATION;
  const snapshotNode = (m: number, code: string) => {
    const li = locIndex.get(code);
    if (li === undefined) return -1;
    for (let n = s.materialNodeStart[m]!; n < s.materialNodeStart[m + 1]!; n++)
      if (s.nodeLocation[n] === li) return n;
    return -1;
  };
  const mixCache = new Map<number, { nodes: number[]; shares: number[] }>();
  const mixOf = (m: number) => {
    let x = mixCache.get(m);
    if (!x) {
      x = productionMix(s, m);
      mixCache.set(m, x);
    }
    return x;
  };

  const keyOf = (m: number, code: string) => `${m}|${code}`;
  const made = new Map<string, number>();
  const madeNode = (m: number, code: string) => {
    const snap = snapshotNode(m, code);
    if (snap >= 0) return snap;
    const k = keyOf(m, code);
    let id = made.get(k);
    if (id === undefined) {
      id = addNode(m, locOf(code), NODE_MADE, -1);
      made.set(k, id);
    }
    return id;
  };
  const unknown = new Map<number, number>();
  const unknownNode = (m: number) => {
    // a material with no production data already has its node of unknown location
    if (!hasProduction(m)) return s.materialNodeStart[m]!;
    let id = unknown.get(m);
    if (id === undefined) {
      id = addNode(m, unknownLoc, NODE_UNKNOWN, -1);
      nodeSlots[id] = [];
      unknown.set(m, id);
    }
    return id;
  };
  const traders = new Map<string, number>();
  const traderNode = (m: number, code: string) => {
    const k = keyOf(m, code);
    let id = traders.get(k);
    if (id === undefined) {
      id = addNode(m, locOf(code), NODE_TRADER, -1);
      traders.set(k, id);
    }
    return id;
  };
  const worlds = new Map<number, number>();
  const worldNode = (m: number) => {
    let id = worlds.get(m);
    if (id === undefined) {
      id = addNode(m, -1, NODE_WORLD, -1);
      const mix = mixOf(m);
      nodeSlots[id] = [
        {
          kind: INPUT_ESSENTIAL,
          group: -1,
          cost: 1,
          defaultCost: false,
          recipe: -1,
          nodes: [...mix.nodes],
          shares: [...mix.shares],
        },
      ];
      worlds.set(m, id);
    }
    return id;
  };

  // markets first, so that every node can look them up
  const markets = new Map<string, { node: number; spec: MarketSpec }>();
  for (const spec of opts.markets ?? []) {
    const m = matIndex.get(spec.material);
    if (m === undefined) continue;
    const k = keyOf(m, spec.country);
    if (markets.has(k)) throw new Error(`two market descriptions for ${spec.material} in ${spec.country}`);
    markets.set(k, { node: addNode(m, -1, NODE_MARKET, -1), spec });
  }
  const residuals: { node: number; residual: number }[] = [];

  const marketSlot = (m: number, spec: MarketSpec): Slot => {
    const nodes: number[] = [];
    const shares: number[] = [];
    const push = (node: number, share: number) => {
      if (share <= 0) return;
      nodes.push(node);
      shares.push(share);
    };
    let total = 0;
    for (const sup of spec.suppliers) {
      total += sup.share;
      if (sup.kind === 'made') push(madeNode(m, sup.country), sup.share);
      else if (sup.kind === 'unknown') push(unknownNode(m), sup.share);
      else if (sup.kind === 'world') {
        const mix = mixOf(m);
        for (let i = 0; i < mix.nodes.length; i++) push(mix.nodes[i]!, mix.shares[i]! * sup.share);
      } else if (!hasProduction(m)) {
        // no production figures anywhere: nothing says the partner does not make what it ships
        push(madeNode(m, sup.country), sup.share);
      } else {
        const own = sup.country === 'XOT' ? -1 : snapshotNode(m, sup.country);
        const q = own >= 0 ? s.nodeQuantity[own]! : Number.NaN;
        let ownShare = 0;
        if (own >= 0 && q > 0) {
          if (partnerSupply === 'own-first') ownShare = sup.share;
          else if (partnerSupply === 'proportional') {
            const mix = mixOf(m);
            const w = mix.shares[mix.nodes.indexOf(own)] ?? 0;
            ownShare = Math.min(sup.share, w);
          }
        }
        push(own, ownShare);
        if (sup.share - ownShare > 1e-15) push(traderNode(m, sup.country), sup.share - ownShare);
      }
    }
    const residual = 1 - total;
    if (Math.abs(residual) > 1e-9) {
      residuals.push({ node: markets.get(keyOf(m, spec.country))!.node, residual });
      // an incomplete set: the rest is of unknown origin (never renormalised)
      if (residual > 0) push(unknownNode(m), residual);
    }
    return { kind: INPUT_ESSENTIAL, group: -1, cost: 1, defaultCost: false, recipe: -1, nodes, shares };
  };

  const assumedDomestic: number[] = [];
  const recipeSlots = (j: number): Slot[] => {
    const m = nodeMaterial[j]!;
    const code = locations[nodeLocation[j]!]!;
    const slots: Slot[] = [];
    const e0 = s.recipeStart[m]!;
    const e1 = s.recipeStart[m + 1]!;
    for (let e = e0; e < e1; e++) {
      const k = s.recipeInput[e]!;
      const market = markets.get(keyOf(k, code));
      let nodes: number[];
      let shares: number[];
      if (market) {
        nodes = [market.node];
        shares = [1];
      } else if (opts.domesticIntermediates && nodeRole[j] === NODE_MADE && !hasProduction(k)) {
        const before = nodeMaterial.length;
        nodes = [madeNode(k, code)];
        shares = [1];
        if (nodeMaterial.length > before) assumedDomestic.push(nodes[0]!);
      } else {
        const mix = mixOf(k);
        nodes = [...mix.nodes];
        shares = [...mix.shares];
      }
      const essential = s.recipeEssential[e] === 1;
      const g = s.recipeGroup[e]!;
      slots.push({
        kind: essential ? INPUT_ESSENTIAL : g >= 0 ? INPUT_SUBSTITUTE : INPUT_OPTIONAL,
        group: essential ? -1 : g,
        cost: s.recipeCostShare[e]!,
        defaultCost: false,
        recipe: e,
        nodes,
        shares,
      });
    }
    // essential first, then each substitute group together, then optional inputs
    const rank = (x: Slot) => (x.kind === INPUT_ESSENTIAL ? 0 : x.kind === INPUT_SUBSTITUTE ? 1 : 2);
    slots.sort((a, b) => rank(a) - rank(b) || a.group - b.group || a.recipe - b.recipe);
    fillCosts(slots, defaultCost);
    return slots;
  };

  const specOf = new Map<number, MarketSpec>();
  for (const { node, spec } of markets.values()) specOf.set(node, spec);
  const materialize = (j: number): Slot[] => {
    const role = nodeRole[j]!;
    const m = nodeMaterial[j]!;
    if (role === NODE_MARKET) return [marketSlot(m, specOf.get(j)!)];
    if (role !== NODE_TRADER) return recipeSlots(j);
    const own = markets.get(keyOf(m, locations[nodeLocation[j]!]!));
    const mix = mixOf(m);
    return [
      {
        kind: INPUT_ESSENTIAL,
        group: -1,
        cost: 1,
        defaultCost: false,
        recipe: -1,
        nodes: own ? [own.node] : [...mix.nodes],
        shares: own ? [1] : [...mix.shares],
      },
    ];
  };
  const drain = () => {
    for (let p = 0; p < pending.length; p++) {
      const j = pending[p]!;
      if (nodeSlots[j] === null) nodeSlots[j] = materialize(j);
    }
  };
  drain();

  const views = (opts.views ?? []).map(({ material, country }): { node: number; kind: ViewKind } => {
    const m = matIndex.get(material);
    if (m === undefined) return { node: -1, kind: 'world' };
    if (country === null) return { node: worldNode(m), kind: 'world' };
    const market = markets.get(keyOf(m, country));
    if (market) return { node: market.node, kind: market.spec.scope };
    const own = snapshotNode(m, country);
    if (own >= 0 && s.nodeQuantity[own]! > 0) return { node: own, kind: 'production' };
    if (!hasProduction(m)) return { node: madeNode(m, country), kind: 'made' };
    return { node: worldNode(m), kind: 'world' };
  });
  drain();

  // flatten to CSR
  const n = nodeMaterial.length;
  let slotCount = 0;
  let edgeCount = 0;
  for (const sl of nodeSlots) {
    slotCount += sl!.length;
    for (const x of sl!) edgeCount += x.nodes.length;
  }
  const inputStart = new Int32Array(n + 1);
  const inputKind = new Uint8Array(slotCount);
  const inputGroup = new Int32Array(slotCount);
  const inputCost = new Float64Array(slotCount);
  const slotRecipe = new Int32Array(slotCount);
  const slotDefaultCost = new Uint8Array(slotCount);
  const supplyStart = new Int32Array(slotCount + 1);
  const supplyNode = new Int32Array(edgeCount);
  const supplyShare = new Float64Array(edgeCount);
  let si = 0;
  let ti = 0;
  for (let j = 0; j < n; j++) {
    inputStart[j] = si;
    for (const x of nodeSlots[j]!) {
      inputKind[si] = x.kind;
      inputGroup[si] = x.group;
      inputCost[si] = x.cost;
      slotRecipe[si] = x.recipe;
      slotDefaultCost[si] = x.defaultCost ? 1 : 0;
      supplyStart[si] = ti;
      for (let q = 0; q < x.nodes.length; q++) {
        supplyNode[ti] = x.nodes[q]!;
        supplyShare[ti] = x.shares[q]!;
        ti++;
      }
      si++;
    }
  }
  inputStart[n] = si;
  supplyStart[slotCount] = ti;

  return {
    net: {
      nodeCount: n,
      countryCount: locations.length,
      nodeLocation: Int32Array.from(nodeLocation),
      inputStart,
      inputKind,
      inputGroup,
      inputCost,
      supplyStart,
      supplyNode,
      supplyShare,
    },
    locations,
    nodeMaterial: Int32Array.from(nodeMaterial),
    nodeRole: Uint8Array.from(nodeRole),
    nodeSnapshot: Int32Array.from(nodeSnapshot),
    slotRecipe,
    slotDefaultCost,
    views,
    marketOf: (material, country) => {
      const m = matIndex.get(material);
      return m === undefined ? -1 : (markets.get(keyOf(m, country))?.node ?? -1);
    },
    residuals,
    assumedDomestic,
  };
}

/**
 * Fills unknown cost shares: the recipe's own figures where given; otherwise the illustrative
 * `total` split equally over the inputs (a substitute group is one input, split among its members),
 * less what known shares already take. `total` null leaves them unknown (NaN).
 */
function fillCosts(slots: Slot[], total: number | null): void {
  let known = 0;
  const units = new Map<string, number>();
  for (const x of slots) {
    if (!Number.isNaN(x.cost)) known += x.cost;
    else {
      const u = x.kind === INPUT_SUBSTITUTE ? `g${x.group}` : `s${x.recipe}`;
      units.set(u, (units.get(u) ?? 0) + 1);
    }
  }
  if (units.size === 0 || total === null) return;
  const perUnit = Math.max(0, total - known) / units.size;
  for (const x of slots) {
    if (!Number.isNaN(x.cost)) continue;
    const u = x.kind === INPUT_SUBSTITUTE ? `g${x.group}` : `s${x.recipe}`;
    x.cost = perUnit / units.get(u)!;
    x.defaultCost = true;
  }
}
