import { type NetworkSnapshot, UNKNOWN_LOCATION } from '../network/snapshot.js';
import { DEFAULT_DAYS_OF_COVER } from './compile-scenario.js';
import { SimNetworkBuilder } from './network-builder.js';
import {
  CLASS_AGREEMENT,
  LOCATION_POOL,
  LOCATION_UNALLOCATED,
  type MaterialCalibration,
  NODE_DEMAND,
  NODE_POOL,
  NODE_PRODUCER,
  NODE_TRADER,
  NODE_UNALLOCATED_SINK,
  NODE_UNALLOCATED_SOURCE,
  type SimNetwork,
  SLOT_ESSENTIAL,
  SLOT_OPTIONAL,
} from './sim-network.js';

/**
 * Calibrates the base year into a balanced SimNetwork: every unit produced is used by a modelled
 * buyer, so with no shock there is no shortfall at steady state. Per material m (rates per day):
 *
 *   Σ_i x_i (+ unallocated source) = Σ_j r_mj·x_j (recipes) + D_data + D_prop (+ unallocated sink)
 *
 * - x_i: production of country i (USGS world tables; "Other countries" XOT is one node). A
 *   withheld figure is left out (no node). Capacity: the published capacity where it exists
 *   (never below production), else production × (1 + headroom) (headroom 0 by default).
 * - r_mj·x_j: inputs of modelled producers through recipes (input per unit of output in the input's
 *   basis, converted between t and kg). Recipes without a quantity cannot carry flows and are left
 *   out (listed). Where a commodity has a mine and a refined stage on the same basis and the refined
 *   stage has no recipe, refining is linked to mining 1:1 in content (illustrative, option).
 * - D_data: final demand from data: US apparent consumption (USGS) less the US producers' own use.
 *   US buyers split their purchases into domestic production, imports by the USGS import-source
 *   shares, and the rest (unknown origin) at the world mix. A partner ships from its own production
 *   up to its share of world output, the rest as a re-exporting trader buying at the world mix
 *   (Canada's and Germany's gallium).
 * - D_prop = X − Σ r·x − D_data: demand not covered by data, allocated to producing countries in
 *   proportion to their production (illustrative: no consumption data by country). If no country is
 *   eligible it goes to the unallocated sink; if negative (the data's uses exceed recorded output:
 *   secondary feed, stock draws, different scopes) the gap is supplied by the unallocated source,
 *   which no shock touches.
 * - Every other buyer buys at the residual world mix ρ_i = (x_i − S_i) / Σ(x − S), where S_i are
 *   the flows of buyers with bilateral data and agreements; so each producer's orders equal its
 *   output exactly (the global-mix assumption, net of bilateral flows).
 */

export interface CalibrationMaterial {
  id: string;
  unit: string;
  commodity: string;
  stage: string;
  basis: string;
}

/** A country's use of a material from data, and how it sources it (USGS for the US). */
export interface BilateralDemand {
  material: string;
  country: string;
  /** apparent consumption per year (final + its producers' inputs), material unit */
  demand: number;
  /** fraction of demand from the country's own production */
  domesticShare: number;
  /** fraction from imports, split by `partners` */
  importShare: number;
  partners: readonly { partner: string; share: number }[];
  sources: readonly string[];
  notes: readonly string[];
}

export interface CalibrationAgreement {
  buyer: string;
  supplier: string;
  material: string;
  volumePerYear: number;
  illustrative?: boolean;
}

export interface CalibrationOptions {
  /** link refined ← mine of the same commodity 1:1 where no recipe exists (default true) */
  implicitStageLinks?: boolean;
  /** spare capacity where none is published, fraction of production (default 0) */
  headroom?: number;
  /** default target stock cover, days (default 30, illustrative) */
  daysOfCover?: number;
  /** materials to simulate; everything linked to them by recipes is added (default: all) */
  scope?: readonly string[];
}

export interface CalibrationInput {
  snapshot: NetworkSnapshot;
  materials: readonly CalibrationMaterial[];
  bilateral?: readonly BilateralDemand[];
  agreements?: readonly CalibrationAgreement[];
  /** producers to add with no base output (ramp-up suppliers that make none in the data) */
  extraProducers?: readonly { material: string; country: string }[];
  options?: CalibrationOptions;
}

const MASS_KG: Record<string, number> = { g: 1e-3, kg: 1, t: 1e3, kt: 1e6, Mt: 1e9 };

/** Factor turning a quantity per unit of `output` into units of `input` (mass units only). */
export function unitRatio(outputUnit: string, inputUnit: string): number | null {
  if (outputUnit === inputUnit) return 1;
  const a = MASS_KG[outputUnit];
  const b = MASS_KG[inputUnit];
  return a !== undefined && b !== undefined ? a / b : null;
}

interface Link {
  input: number;
  ratio: number;
  essential: boolean;
  group: number;
  source: number;
}

interface Flow {
  /** producer node, or −1 for a trader of `partner`, or −2 for the world mix */
  node: number;
  partner?: string;
  fraction: number;
}

const DAYS = 365;

interface LinkPlan {
  links: Link[][];
  inScope: Uint8Array;
  notes: string[][];
  assumptions: Set<string>;
}

/** Recipe links (explicit with a quantity, plus implicit stage links) and the scope closure. */
function planLinks(input: CalibrationInput): LinkPlan {
  const snap = input.snapshot;
  const opts = input.options ?? {};
  const M = snap.materialIds.length;
  const mIndex = new Map(snap.materialIds.map((id, i) => [id, i]));
  const matInfo = new Map(input.materials.map((m) => [m.id, m]));
  const unit = (m: number) => matInfo.get(snap.materialIds[m]!)?.unit ?? '';
  const assumptions = new Set<string>();
  const notes: string[][] = Array.from({ length: M }, () => []);
  /** assumptions that hold only if both materials are simulated */
  const pending: [number, number, string][] = [];
  // ── recipe links ───────────────────────────────────────────────────────────────────────────
  const links: Link[][] = Array.from({ length: M }, () => []);
  const hasProduction = (m: number) => {
    for (let n = snap.materialNodeStart[m]!; n < snap.materialNodeStart[m + 1]!; n++) {
      const q = snap.nodeQuantity[n]!;
      const c = snap.nodeCapacity[n]!;
      if (snap.locations[snap.nodeLocation[n]!] !== UNKNOWN_LOCATION && (q > 0 || c > 0)) return true;
    }
    return false;
  };
  let groupId = 0;
  const groupIds = new Map<number, number>();
  for (let m = 0; m < M; m++) {
    for (let e = snap.recipeStart[m]!; e < snap.recipeStart[m + 1]!; e++) {
      const k = snap.recipeInput[e]!;
      const out = snap.materialIds[m]!;
      const inp = snap.materialIds[k]!;
      const q = snap.recipeQuantity[e]!;
      if (!hasProduction(m) || !hasProduction(k)) continue;
      if (Number.isNaN(q)) {
        notes[m]!.push(
          `recipe ${out} ← ${inp} has no published quantity: not linked (shocks to ${inp} do not reach ${out})`,
        );
        continue;
      }
      const f = unitRatio(unit(m), unit(k));
      if (f === null) {
        notes[m]!.push(`recipe ${out} ← ${inp}: units ${unit(m)} and ${unit(k)} do not convert: not linked`);
        continue;
      }
      const g = snap.recipeGroup[e]!;
      let gid = -1;
      if (g >= 0) {
        gid = groupIds.get(g) ?? groupId++;
        groupIds.set(g, gid);
      }
      links[m]!.push({
        input: k,
        ratio: q * f,
        essential: snap.recipeEssential[e] === 1,
        group: gid,
        source: snap.recipeSource[e]!,
      });
      if (snap.recipeIllustrative[e]) pending.push([m, k, `recipe ${out} ← ${inp} is illustrative`]);
    }
  }
  if (opts.implicitStageLinks !== false) {
    for (let m = 0; m < M; m++) {
      const id = snap.materialIds[m]!;
      const info = matInfo.get(id);
      if (!info || info.stage !== 'refined' || snap.recipeStart[m + 1]! > snap.recipeStart[m]!) continue;
      const mine = mIndex.get(`${info.commodity}.mine`);
      if (mine === undefined) continue;
      const mi = matInfo.get(snap.materialIds[mine]!);
      if (!mi || mi.basis !== info.basis || !hasProduction(m) || !hasProduction(mine)) continue;
      const f = unitRatio(info.unit, mi.unit);
      if (f === null || !['element_content', 'reo', 'oxide_content'].includes(info.basis)) continue;
      links[m]!.push({ input: mine, ratio: f, essential: true, group: -1, source: -1 });
      pending.push([
        m,
        mine,
        `refining is linked to mining of the same commodity 1:1 in content where no recipe exists (illustrative: no losses; refining beyond mine output is supplied by the unallocated node)`,
      ]);
      notes[m]!.push(`${id} ← ${snap.materialIds[mine]} 1:1 in content (implicit stage link, illustrative)`);
    }
  }

  // ── scope: the named materials and everything linked to them ───────────────────────────────
  const inScope = new Uint8Array(M);
  if (opts.scope?.length) {
    const users: number[][] = Array.from({ length: M }, () => []);
    for (let m = 0; m < M; m++) for (const l of links[m]!) users[l.input]!.push(m);
    const stack: number[] = [];
    for (const id of opts.scope) {
      const m = mIndex.get(id);
      if (m !== undefined && !inScope[m]) {
        inScope[m] = 1;
        stack.push(m);
      }
    }
    // upstream and downstream closures, each followed in one direction only
    const walk = (start: number[], next: (m: number) => number[]) => {
      const seen = new Uint8Array(M);
      const st = [...start];
      while (st.length) {
        const m = st.pop()!;
        for (const k of next(m)) {
          if (seen[k]) continue;
          seen[k] = 1;
          inScope[k] = 1;
          st.push(k);
        }
      }
    };
    walk(stack, (m) => links[m]!.map((l) => l.input));
    walk(stack, (m) => users[m]!);
  } else inScope.fill(1);

  for (const [a, b, text] of pending) if (inScope[a] && inScope[b]) assumptions.add(text);
  return { links, inScope, notes, assumptions };
}

/**
 * The materials a calibration with these inputs simulates: the scope and everything linked to it
 * by recipes, among materials with production figures (so a caller can fetch only their data).
 */
export function simulatedMaterials(
  input: Omit<CalibrationInput, 'bilateral' | 'agreements' | 'extraProducers'>,
): string[] {
  const { inScope } = planLinks(input);
  const snap = input.snapshot;
  const out: string[] = [];
  for (let m = 0; m < snap.materialIds.length; m++) {
    if (!inScope[m]) continue;
    for (let n = snap.materialNodeStart[m]!; n < snap.materialNodeStart[m + 1]!; n++) {
      if (snap.locations[snap.nodeLocation[n]!] === UNKNOWN_LOCATION) continue;
      if (snap.nodeQuantity[n]! > 0) {
        out.push(snap.materialIds[m]!);
        break;
      }
    }
  }
  return out;
}

export function calibrateNetwork(input: CalibrationInput): SimNetwork {
  const snap = input.snapshot;
  const opts = input.options ?? {};
  const headroom = opts.headroom ?? 0;
  const cover = opts.daysOfCover ?? DEFAULT_DAYS_OF_COVER;
  const M = snap.materialIds.length;
  const mIndex = new Map(snap.materialIds.map((id, i) => [id, i]));
  const matInfo = new Map(input.materials.map((m) => [m.id, m]));
  const unit = (m: number) => matInfo.get(snap.materialIds[m]!)?.unit ?? '';
  const sources = new Set<string>();
  const { links, inScope, notes, assumptions } = planLinks(input);

  // ── producer nodes ─────────────────────────────────────────────────────────────────────────
  const b = new SimNetworkBuilder(
    snap.materialIds,
    snap.materialIds.map((_, m) => unit(m)),
    snap.materialIds.map((id) => matInfo.get(id)?.commodity ?? id.split('.')[0]!),
  );
  const producers: number[][] = Array.from({ length: M }, () => []);
  const producerAt = new Map<string, number>();
  const key = (m: number, c: string) => `${m}|${c}`;
  let noCapacity = 0;
  for (let m = 0; m < M; m++) {
    if (!inScope[m]) continue;
    const id = snap.materialIds[m]!;
    const withheld: string[] = [];
    for (let n = snap.materialNodeStart[m]!; n < snap.materialNodeStart[m + 1]!; n++) {
      const c = snap.locations[snap.nodeLocation[n]!]!;
      if (c === UNKNOWN_LOCATION) continue;
      const q = snap.nodeQuantity[n]!;
      const cap = snap.nodeCapacity[n]!;
      if (Number.isNaN(q)) {
        withheld.push(c);
        continue;
      }
      if (!(q > 0) && !(cap > 0)) continue;
      const x = q / DAYS;
      let capacity: number;
      if (cap > 0) capacity = Math.max(x, cap / DAYS);
      else {
        capacity = x * (1 + headroom);
        if (x > 0) noCapacity++;
      }
      if (!(q > 0))
        notes[m]!.push(
          `${c} has idle capacity for ${id} (${cap} ${unit(m)}/yr, no production): usable by diverted orders`,
        );
      const node = b.addNode(NODE_PRODUCER, m, c, x, capacity);
      producers[m]!.push(node);
      producerAt.set(key(m, c), node);
      const src = snap.nodeSource[n]!;
      if (src >= 0) sources.add(snap.sources[src]!);
    }
    if (withheld.length)
      notes[m]!.push(
        `${id}: production of ${withheld.join(', ')} is withheld: no node (its output is not simulated)`,
      );
    if (producers[m]!.length === 0 && snap.materialNodeStart[m + 1]! > snap.materialNodeStart[m]!)
      notes[m]!.push(`${id}: no production figures by country: not simulated`);
  }
  if (noCapacity)
    assumptions.add(
      headroom > 0
        ? `capacity = production × ${1 + headroom} where no capacity is published (${noCapacity} producers; illustrative headroom)`
        : `capacity = production where no capacity is published (${noCapacity} producers): no spare capacity there`,
    );
  for (const x of input.extraProducers ?? []) {
    const m = mIndex.get(x.material);
    if (m === undefined || !inScope[m] || producerAt.has(key(m, x.country))) continue;
    const node = b.addNode(NODE_PRODUCER, m, x.country, 0, 0);
    producers[m]!.push(node);
    producerAt.set(key(m, x.country), node);
    notes[m]!.push(
      `${x.country} makes no ${x.material} in the data: added with no base output for a ramp-up`,
    );
  }
  const xOf = (node: number) => b.nodeRate(node);
  const totalOutput = producers.map((list) => list.reduce((a, nd) => a + xOf(nd), 0));
  const simulated = (m: number) => inScope[m] === 1 && totalOutput[m]! > 0;

  // ── buyers ─────────────────────────────────────────────────────────────────────────────────
  interface Buyer {
    node: number;
    material: number;
    need: number;
    ratio: number;
    group: number;
    coverDays: number;
    flows: Flow[];
    agreements: { supplier: number; rate: number }[];
  }
  const buyers: Buyer[][] = Array.from({ length: M }, () => []);
  const bilateralOf = new Map<string, BilateralDemand>();
  for (const d of input.bilateral ?? []) {
    const m = mIndex.get(d.material);
    if (m !== undefined && simulated(m)) bilateralOf.set(key(m, d.country), d);
  }

  /** the sourcing fractions of a country with bilateral data for material m */
  const template = (m: number, d: BilateralDemand, use: number): Flow[] => {
    const X = totalOutput[m]!;
    const flows: Flow[] = [];
    const dom = Math.max(0, Math.min(1, d.domesticShare));
    const imp = Math.max(0, Math.min(1 - dom, d.importShare));
    let mix = Math.max(0, 1 - dom - imp);
    const own = producerAt.get(key(m, d.country));
    if (dom > 0) {
      if (own !== undefined && xOf(own) > 0) {
        const cap = use > 0 ? Math.min(dom, xOf(own) / use) : dom;
        flows.push({ node: own, fraction: cap });
        mix += dom - cap;
        if (cap < dom)
          notes[m]!.push(
            `${d.country}'s own production covers less than its published domestic supply: the rest at the world mix`,
          );
      } else {
        mix += dom;
        notes[m]!.push(
          `${d.country}'s production is not in the world production table: its domestic supply is bought at the world mix`,
        );
      }
    }
    let sum = 0;
    for (const p of d.partners) sum += p.share;
    const scale = sum > 1 ? 1 / sum : 1;
    if (sum > 1 + 1e-9)
      notes[m]!.push(
        `${d.country} import-source shares sum to ${sum.toFixed(3)}: scaled to 1 for the flow split`,
      );
    for (const p of d.partners) {
      if (p.partner === d.country) continue;
      const s = p.share * scale * imp;
      if (s <= 0) continue;
      if (p.partner === 'XOT') {
        mix += s;
        continue;
      }
      const o = producerAt.get(key(m, p.partner));
      let ownPart = 0;
      if (o !== undefined && xOf(o) > 0 && X > 0) {
        ownPart = Math.min(s, (xOf(o) / X) * imp);
        if (use > 0) ownPart = Math.min(ownPart, xOf(o) / use);
        flows.push({ node: o, fraction: ownPart });
      }
      if (s - ownPart > 0) flows.push({ node: -1, partner: p.partner, fraction: s - ownPart });
    }
    if (sum < 1) mix += (1 - sum) * imp;
    if (mix > 0) flows.push({ node: -2, fraction: mix });
    return flows;
  };

  const traders = new Map<string, number>();
  const pools: number[] = new Array(M).fill(-1);
  const calibration: MaterialCalibration[] = [];

  // producers' input slots first (their needs are data: r × x_j)
  for (let j = 0; j < b.nodeCount; j++) {
    const m = b.nodeMaterial(j);
    for (const l of links[m]!) {
      if (!simulated(l.input)) {
        notes[m]!.push(
          `input ${snap.materialIds[l.input]} of ${snap.materialIds[m]} has no production figures: not linked`,
        );
        continue;
      }
      buyers[l.input]!.push({
        node: j,
        material: l.input,
        need: l.ratio * xOf(j),
        ratio: l.ratio,
        group: l.essential ? SLOT_ESSENTIAL : l.group >= 0 ? l.group : SLOT_OPTIONAL,
        coverDays: cover,
        flows: [],
        agreements: [],
      });
      if (l.source >= 0) sources.add(snap.sources[l.source]!);
    }
  }
  // substitute groups: each member covers an equal share of the group's requirement (illustrative)
  const groupSize = new Map<string, number>();
  for (const list of buyers)
    for (const x of list)
      if (x.group >= 0)
        groupSize.set(`${x.node}|${x.group}`, (groupSize.get(`${x.node}|${x.group}`) ?? 0) + 1);
  if (groupSize.size)
    assumptions.add(
      'members of a substitute group each cover an equal share of the group’s base requirement (illustrative)',
    );

  for (let m = 0; m < M; m++) {
    if (!simulated(m)) continue;
    const id = snap.materialIds[m]!;
    const X = totalOutput[m]!;
    const list = buyers[m]!;
    let intermediate = 0;
    for (const x of list) {
      const w = x.group >= 0 ? 1 / groupSize.get(`${x.node}|${x.group}`)! : 1;
      x.need *= w;
      intermediate += x.need;
    }
    // final demand from data
    let dataDemand = 0;
    const bilateralCountries = new Set<string>();
    for (const d of bilateralOf.values()) {
      if (d.material !== id) continue;
      bilateralCountries.add(d.country);
      const D = d.demand / DAYS;
      let own = 0;
      for (const x of list) if (b.locations[b.nodeLocation(x.node)] === d.country) own += x.need;
      const final = Math.max(0, D - own);
      if (D < own)
        notes[m]!.push(
          `${d.country}'s published consumption is below its producers' modelled input use: final demand 0`,
        );
      const node = b.addNode(NODE_DEMAND, m, d.country, final, 0);
      list.push({
        node,
        material: m,
        need: final,
        ratio: 1,
        group: SLOT_ESSENTIAL,
        coverDays: cover,
        flows: [],
        agreements: [],
      });
      dataDemand += final;
      for (const s of d.sources) sources.add(s);
      for (const nt of d.notes) notes[m]!.push(nt);
    }
    // demand not covered by data, in proportion to production
    const rest = X - intermediate - dataDemand;
    let proportional = 0;
    let sinkRate = 0;
    let gap = 0;
    if (rest >= 0) {
      const eligible = producers[m]!.filter(
        (nd) => xOf(nd) > 0 && !bilateralCountries.has(b.locations[b.nodeLocation(nd)]!),
      );
      const w = eligible.reduce((a, nd) => a + xOf(nd), 0);
      if (w > 0) {
        for (const nd of eligible) {
          const rate = (rest * xOf(nd)) / w;
          const node = b.addNode(NODE_DEMAND, m, b.locations[b.nodeLocation(nd)]!, rate, 0);
          list.push({
            node,
            material: m,
            need: rate,
            ratio: 1,
            group: SLOT_ESSENTIAL,
            coverDays: cover,
            flows: [],
            agreements: [],
          });
        }
        proportional = rest;
      } else if (rest > 0) {
        sinkRate = rest;
        const node = b.addNode(NODE_UNALLOCATED_SINK, m, LOCATION_UNALLOCATED, rest, 0);
        list.push({
          node,
          material: m,
          need: rest,
          ratio: 1,
          group: SLOT_ESSENTIAL,
          coverDays: 0,
          flows: [],
          agreements: [],
        });
        notes[m]!.push(
          `${id}: output beyond the data's uses has no modelled buyer: it goes to the unallocated node`,
        );
      }
    } else {
      gap = -rest;
      notes[m]!.push(
        `${id}: the data's uses exceed recorded production by ${((gap / X) * 100).toFixed(1)} %: the unallocated node supplies the difference (no shock touches it)`,
      );
    }
    const gapNode = gap > 0 ? b.addNode(NODE_UNALLOCATED_SOURCE, m, LOCATION_UNALLOCATED, gap, gap) : -1;

    // sourcing of each buyer
    for (const x of list) {
      const c = b.locations[b.nodeLocation(x.node)]!;
      const d = bilateralOf.get(key(m, c));
      if (d) {
        let use = 0;
        for (const y of list) if (b.locations[b.nodeLocation(y.node)] === c) use += y.need;
        x.flows = template(m, d, use);
      } else x.flows = [{ node: -2, fraction: 1 }];
    }
    // agreements: carved out of the buyer's purchases, honoured first
    for (const ag of input.agreements ?? []) {
      if (ag.material !== id) continue;
      const buyer = list.find(
        (x) => b.nodeKind(x.node) === NODE_DEMAND && b.locations[b.nodeLocation(x.node)] === ag.buyer,
      );
      const sup = producerAt.get(key(m, ag.supplier));
      if (!buyer || sup === undefined || xOf(sup) <= 0) {
        notes[m]!.push(
          `agreement ${ag.buyer} ← ${ag.supplier} (${id}): ${!buyer ? `no final demand of ${id} in ${ag.buyer}` : `${ag.supplier} makes no ${id}`}: not modelled`,
        );
        continue;
      }
      let a = Math.min(ag.volumePerYear / DAYS, buyer.need, xOf(sup));
      if (a < ag.volumePerYear / DAYS)
        notes[m]!.push(
          `agreement ${ag.buyer} ← ${ag.supplier} (${id}) capped at ${(a * DAYS).toPrecision(4)} per year (buyer's demand or supplier's output)`,
        );
      if (a <= 0) continue;
      // the supplier's output already committed to other buyers' direct flows limits the agreement
      let committed = 0;
      for (const y of list) for (const f of y.flows) if (f.node === sup) committed += f.fraction * y.need;
      a = Math.min(a, Math.max(0, xOf(sup) - committed));
      if (a <= 0) continue;
      const keep = 1 - a / buyer.need;
      for (const f of buyer.flows) f.fraction *= keep;
      buyer.agreements.push({ supplier: sup, rate: a });
      if (ag.illustrative !== false)
        assumptions.add(
          `agreement ${ag.buyer} ← ${ag.supplier} for ${id}: ${(a * DAYS).toPrecision(4)} per year (illustrative)`,
        );
    }
    // traders: partners shipping more than their own output re-export at the world mix
    for (const x of [...list]) {
      for (const f of x.flows) {
        if (f.node !== -1) continue;
        const k = key(m, f.partner!);
        let t = traders.get(k);
        if (t === undefined) {
          t = b.addNode(NODE_TRADER, m, f.partner!, 0, Number.POSITIVE_INFINITY);
          traders.set(k, t);
          list.push({
            node: t,
            material: m,
            need: 0,
            ratio: 1,
            group: SLOT_ESSENTIAL,
            coverDays: 0,
            flows: [{ node: -2, fraction: 1 }],
            agreements: [],
          });
          notes[m]!.push(
            `${f.partner} ships more ${id} than its share of world output: modelled as a re-exporter buying at the world mix`,
          );
        }
        f.node = t;
        const tb = list.find((y) => y.node === t)!;
        tb.need += f.fraction * x.need;
      }
    }
    for (const x of list)
      if (b.nodeKind(x.node) === NODE_TRADER) b.setRate(x.node, x.need, Number.POSITIVE_INFINITY);
    // residual world mix
    const direct = new Map<number, number>();
    for (const x of list) {
      for (const f of x.flows)
        if (f.node >= 0 && b.nodeKind(f.node) === NODE_PRODUCER)
          direct.set(f.node, (direct.get(f.node) ?? 0) + f.fraction * x.need);
      for (const a of x.agreements) direct.set(a.supplier, (direct.get(a.supplier) ?? 0) + a.rate);
    }
    const mixSuppliers: number[] = [];
    const mixWeights: number[] = [];
    let R = 0;
    for (const nd of producers[m]!) {
      const r = Math.max(0, xOf(nd) - (direct.get(nd) ?? 0));
      if (r > 0) {
        mixSuppliers.push(nd);
        mixWeights.push(r);
        R += r;
      }
    }
    if (gapNode >= 0) {
      mixSuppliers.push(gapNode);
      mixWeights.push(gap);
      R += gap;
    }
    if (R <= 0) {
      // everything goes through direct flows: zero-need buyers still get the production mix
      for (const nd of producers[m]!) {
        if (xOf(nd) <= 0) continue;
        mixSuppliers.push(nd);
        mixWeights.push(xOf(nd));
        R += xOf(nd);
      }
    }

    // slots and edges
    for (const x of list) {
      const slot = b.addSlot(x.node, m, {
        ratio: x.ratio,
        weight: x.group >= 0 ? 1 / groupSize.get(`${x.node}|${x.group}`)! : 1,
        group: x.group,
        coverDays: x.coverDays,
      });
      for (const a of x.agreements)
        b.addEdge(slot, a.supplier, x.need > 0 ? a.rate / x.need : 0, CLASS_AGREEMENT, a.rate);
      const shares = new Map<number, number>();
      for (const f of x.flows) {
        if (f.fraction <= 0) continue;
        if (f.node === -2) {
          for (let q = 0; q < mixSuppliers.length; q++) {
            const nd = mixSuppliers[q]!;
            shares.set(nd, (shares.get(nd) ?? 0) + (f.fraction * mixWeights[q]!) / R);
          }
        } else shares.set(f.node, (shares.get(f.node) ?? 0) + f.fraction);
      }
      for (const [nd, sh] of [...shares].sort((p, q) => p[0] - q[0])) b.addEdge(slot, nd, sh);
    }
    // the spot pool of the material: buys from every producer with spare output
    if (producers[m]!.length) {
      const pool = b.addNode(NODE_POOL, m, LOCATION_POOL, 0, Number.POSITIVE_INFINITY);
      pools[m] = pool;
      const slot = b.addSlot(pool, m, { coverDays: 0 });
      for (const nd of producers[m]!) b.addEdge(slot, nd, 0);
    }
    calibration.push({
      material: id,
      unit: unit(m),
      year: snap.materialYear[m]!,
      production: X * DAYS,
      intermediateUse: intermediate * DAYS,
      dataDemand: dataDemand * DAYS,
      proportionalDemand: proportional * DAYS,
      unallocatedSink: sinkRate * DAYS,
      unallocatedSource: gap * DAYS,
      notes: notes[m]!,
    });
  }
  assumptions.add(
    'global-mix sourcing: buyers without bilateral data buy each input at the world mix of its producers, net of the flows of buyers with bilateral data (USGS US import sources)',
  );
  assumptions.add(
    'final demand not covered by data is allocated to producing countries in proportion to their production (illustrative: there is no consumption data by country)',
  );
  // the snapshot's notes on materials this network simulates (its global-mix note is restated above)
  for (const a of snap.assumptions) {
    const id = /^([a-z0-9][a-z0-9._-]*): /.exec(a)?.[1];
    const m = id === undefined ? undefined : mIndex.get(id);
    if (a.startsWith('global-mix sourcing') || a.startsWith('recipe ')) continue;
    if (m === undefined || simulated(m)) assumptions.add(a);
  }
  return b.build({
    year: snap.year,
    dataVersion: snap.dataVersion,
    calibration,
    sources: [...sources].sort(),
    assumptions: [...assumptions],
  });
}
