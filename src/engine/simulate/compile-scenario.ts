import type { Static } from '@sinclair/typebox';
import type { RampUp, Scenario } from '../../model/index.js';
import { NotFoundError, ValidationError } from '../../model/index.js';
import { timeToMarket } from '../pathway/critical-path.js';
import {
  LOCATION_POOL,
  LOCATION_UNALLOCATED,
  NODE_DEMAND,
  NODE_POOL,
  NODE_PRODUCER,
  NODE_TRADER,
  type SimNetwork,
} from './sim-network.js';

/**
 * Compiles a scenario (shocks and levers named by material id or commodity and ISO3 code) onto a
 * SimNetwork: per-step capacity and demand multipliers of the nodes it touches, the edges an
 * export restriction cuts, agreements, stock cover, stockpile releases and the (material, market)
 * groups to report. Pure and cheap (linear in the edges of the touched materials), so Monte Carlo
 * can compile one scenario per run.
 */

export const RULE_DIRECT = 0;
/** origin rule: cut by the restricted origin's share of the supplier's latest receipts */
export const RULE_ORIGIN = 1;

export interface CompiledRestriction {
  /** index into the scenario's shocks */
  shock: number;
  exporter: string;
  share: number;
  startStep: number;
  endStep: number;
}

export interface MarketGroup {
  material: number;
  /** ISO3, a region code (sum of its members) or 'ROW' (every other country's final demand) */
  market: string;
  nodes: Int32Array;
  /** true for the rest-of-world group (its final use counts as exported in the balance) */
  restOfWorld: boolean;
}

export interface CompiledScenario {
  name: string;
  steps: number;
  stepDays: number;
  /** τ: steps a slot must be short before it orders from the spot pool */
  diversionSteps: number;
  /** stock gaps close at 1/rebuildSteps per step (illustrative) */
  rebuildSteps: number;
  originRule: boolean;
  /** target cover per slot, days */
  slotCoverDays: Float64Array;
  /** nodes whose capacity changes: capacity(t) = base × factor[k·steps + t] + extra[k·steps + t] (per day) */
  capacityNodes: Int32Array;
  capacityFactor: Float64Array;
  capacityExtra: Float64Array;
  /** demand nodes whose demand changes: demand(t) = base × factor[k·steps + t] */
  demandNodes: Int32Array;
  demandFactor: Float64Array;
  restrictions: CompiledRestriction[];
  /** rules per edge, sorted by edge: edge, restriction index, RULE_* */
  ruleEdge: Int32Array;
  ruleRestriction: Int32Array;
  ruleKind: Uint8Array;
  /** pool deliveries cut by the origin rule: slot, restriction */
  poolRuleSlot: Int32Array;
  poolRuleRestriction: Int32Array;
  /** traders and pools whose receipts are tracked by origin: node, restriction */
  originNode: Int32Array;
  originRestriction: Int32Array;
  /** stockpile releases into a demand node's stock: slot, quantity, step */
  releaseSlot: Int32Array;
  releaseQuantity: Float64Array;
  releaseStep: Int32Array;
  groups: MarketGroup[];
  assumptions: string[];
  /** shocks or levers that touch nothing in the network (with the reason) */
  warnings: string[];
}

export interface CompileOptions {
  /** region code → member ISO3 codes (for markets and demand surges); TRUST = USA + IND by default */
  regions?: Readonly<Record<string, readonly string[]>>;
  /** days to close a stock gap (default 30, illustrative) */
  rebuildDays?: number;
}

export type Approval = NonNullable<Static<typeof RampUp>['approval']>;

const DEFAULT_REGIONS: Record<string, readonly string[]> = { TRUST: ['USA', 'IND'] };
export const DEFAULT_DIVERSION_DAYS = 30;
export const DEFAULT_DAYS_OF_COVER = 30;
export const DEFAULT_REBUILD_DAYS = 30;

/**
 * Regulatory lead time of an approval pathway, days: the pathway engine's time to market
 * (src/engine/pathway/critical-path.ts): the sum of the steps on the sequential pathway, the
 * critical path on the parallel one. Throws ValidationError on an unknown or circular `after`.
 */
export function approvalDays(approval: Approval | undefined): number {
  if (!approval) return 0;
  return timeToMarket(approval.steps, approval.pathway).days;
}

const nameIndexCache = new WeakMap<
  SimNetwork,
  { ids: Map<string, number>; commodities: Map<string, number[]> }
>();

/** Material indices a scenario name stands for: an exact id, or every stage of a commodity. */
export function resolveMaterialName(net: SimNetwork, name: string): number[] {
  let x = nameIndexCache.get(net);
  if (!x) {
    const ids = new Map(net.materialIds.map((id, i) => [id, i]));
    const commodities = new Map<string, number[]>();
    net.materialCommodity.forEach((c, i) => {
      const list = commodities.get(c);
      if (list) list.push(i);
      else commodities.set(c, [i]);
    });
    x = { ids, commodities };
    nameIndexCache.set(net, x);
  }
  const exact = x.ids.get(name);
  if (exact !== undefined) return [exact];
  const byCommodity = x.commodities.get(name);
  if (byCommodity) return [...byCommodity];
  const stem = name.split('.')[0]!.slice(0, 4);
  throw new NotFoundError(
    'material',
    name,
    net.materialIds.filter((id) => id.startsWith(stem)),
  );
}

interface SupplierIndex {
  /** edges whose supplier is node i: edges[start[i] … start[i+1]−1] */
  start: Int32Array;
  edges: Int32Array;
  edgeSlot: Int32Array;
  /** nodes of material m: matNodes[matNodeStart[m] … matNodeStart[m+1]−1] */
  matNodeStart: Int32Array;
  matNodes: Int32Array;
  /** slots ordering material m */
  matSlotStart: Int32Array;
  matSlots: Int32Array;
}

function csrBy(count: number, keys: Int32Array, size: number): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(size + 1);
  for (let i = 0; i < count; i++) start[keys[i]! + 1]!++;
  for (let m = 0; m < size; m++) start[m + 1]! += start[m] ?? 0;
  const fill = start.slice(0, size);
  const items = new Int32Array(count);
  for (let i = 0; i < count; i++) items[fill[keys[i]!]!++] = i;
  return { start, items };
}

const supplierIndexCache = new WeakMap<SimNetwork, SupplierIndex>();

function supplierIndex(net: SimNetwork): SupplierIndex {
  let x = supplierIndexCache.get(net);
  if (x) return x;
  const n = net.nodeCount;
  const E = net.edgeCount;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < E; e++) start[net.edgeSupplier[e]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i] ?? 0;
  const fill = start.slice(0, n);
  const edges = new Int32Array(E);
  for (let e = 0; e < E; e++) edges[fill[net.edgeSupplier[e]!]!++] = e;
  const edgeSlot = new Int32Array(E);
  for (let s = 0; s < net.slotCount; s++)
    for (let e = net.slotEdgeStart[s]!; e < net.slotEdgeStart[s + 1]!; e++) edgeSlot[e] = s;
  const M = net.materialIds.length;
  const byNode = csrBy(n, net.nodeMaterial, M);
  const bySlot = csrBy(net.slotCount, net.slotMaterial, M);
  x = {
    start,
    edges,
    edgeSlot,
    matNodeStart: byNode.start,
    matNodes: byNode.items,
    matSlotStart: bySlot.start,
    matSlots: bySlot.items,
  };
  supplierIndexCache.set(net, x);
  return x;
}

function stepOf(day: number, stepDays: number): number {
  return Math.floor(day / stepDays);
}

export function compileScenario(
  net: SimNetwork,
  scenario: Scenario,
  opts: CompileOptions = {},
): CompiledScenario {
  const stepDays = scenario.step_days ?? 1;
  const horizon = scenario.horizon_days ?? 365;
  const steps = Math.max(1, Math.ceil(horizon / stepDays));
  const levers = scenario.levers ?? {};
  const regions = { ...DEFAULT_REGIONS, ...(opts.regions ?? {}) };
  const assumptions = new Set<string>();
  const warnings: string[] = [];
  const n = net.nodeCount;
  const locIndex = new Map(net.locations.map((c, i) => [c, i]));
  const members = (code: string): readonly string[] => regions[code] ?? [code];

  const idx = supplierIndex(net);
  const nodesOf = (m: number): Int32Array =>
    idx.matNodes.subarray(idx.matNodeStart[m]!, idx.matNodeStart[m + 1]!);
  const slotsOf = (m: number): Int32Array =>
    idx.matSlots.subarray(idx.matSlotStart[m]!, idx.matSlotStart[m + 1]!);
  // demand nodes by (material, location)
  const demandAt = new Map<number, number[]>();
  const L = net.locations.length;
  for (let i = 0; i < n; i++) {
    if (net.nodeKind[i] !== NODE_DEMAND) continue;
    const k = net.nodeMaterial[i]! * L + net.nodeLocation[i]!;
    const list = demandAt.get(k);
    if (list) list.push(i);
    else demandAt.set(k, [i]);
  }
  const demandNodesOf = (m: number, code: string): number[] => {
    const l = locIndex.get(code);
    return l === undefined ? [] : (demandAt.get(m * L + l) ?? []);
  };
  const nodesAt = (m: number, code: string, kinds: readonly number[]): number[] => {
    const l = locIndex.get(code);
    const out: number[] = [];
    if (l === undefined) return out;
    for (const i of nodesOf(m))
      if (net.nodeLocation[i] === l && kinds.includes(net.nodeKind[i]!)) out.push(i);
    return out;
  };

  // ── stock cover ────────────────────────────────────────────────────────────────────────────
  const slotCoverDays = Float64Array.from(net.slotCoverDays);
  const defaultCover = levers.default_days_of_cover;
  if (defaultCover !== undefined) {
    for (let s = 0; s < net.slotCount; s++) {
      const k = net.nodeKind[net.slotNode[s]!]!;
      if (k === NODE_DEMAND || k === NODE_PRODUCER) slotCoverDays[s] = defaultCover;
    }
  }
  assumptions.add(
    `stocks start at their target cover: ${defaultCover ?? DEFAULT_DAYS_OF_COVER} days of base use for final demand and producers' inputs (illustrative unless a scenario cites it); traders hold one step of throughput`,
  );
  (levers.stocks ?? []).forEach((st, k) => {
    const mats = resolveMaterialName(net, st.material);
    let touched = 0;
    for (const m of mats) {
      const l = locIndex.get(st.holder);
      for (const s of slotsOf(m)) {
        const j = net.slotNode[s]!;
        if (net.nodeLocation[j] !== l) continue;
        const kind = net.nodeKind[j]!;
        if (kind !== NODE_DEMAND && kind !== NODE_PRODUCER) continue;
        slotCoverDays[s] = st.days_of_cover;
        touched++;
      }
    }
    if (!touched) warnings.push(`levers/stocks/${k}: ${st.holder} holds no ${st.material} in the network`);
    else if (st.illustrative !== false)
      assumptions.add(`${st.holder} holds ${st.days_of_cover} days of ${st.material} (illustrative)`);
  });

  // ── capacity: losses and ramp-ups ──────────────────────────────────────────────────────────
  const capIndex = new Map<number, number>();
  const capFactor: Float64Array[] = [];
  const capExtra: Float64Array[] = [];
  const capSlot = (node: number) => {
    let k = capIndex.get(node);
    if (k === undefined) {
      k = capFactor.length;
      capIndex.set(node, k);
      capFactor.push(new Float64Array(steps).fill(1));
      capExtra.push(new Float64Array(steps));
    }
    return k;
  };
  const demIndex = new Map<number, number>();
  const demFactor: Float64Array[] = [];
  const demSlot = (node: number) => {
    let k = demIndex.get(node);
    if (k === undefined) {
      k = demFactor.length;
      demIndex.set(node, k);
      demFactor.push(new Float64Array(steps).fill(1));
    }
    return k;
  };

  const restrictions: CompiledRestriction[] = [];
  const rules: { edge: number; r: number; kind: number }[] = [];
  const poolRules: { slot: number; r: number }[] = [];
  const origin: { node: number; r: number }[] = [];
  const releases: { slot: number; q: number; step: number }[] = [];
  const touchedMaterials = new Set<number>();
  const originRule = levers.origin_rule === true;

  scenario.shocks.forEach((shock, k) => {
    const where = `shocks/${k}`;
    const mats = shock.materials.flatMap((name) => resolveMaterialName(net, name));
    for (const m of mats) touchedMaterials.add(m);
    const start = stepOf(shock.start_day, stepDays);
    if (shock.type === 'capacity_loss') {
      if (!shock.country) {
        warnings.push(`${where}: facility-level capacity is not in the simulation network; shock ignored`);
        return;
      }
      const end = stepOf(shock.start_day + shock.duration_days, stepDays);
      const recovery = shock.recovery ?? 'step';
      const rec = recovery === 'linear' ? Math.max(0, Math.round((shock.recovery_days ?? 0) / stepDays)) : 0;
      let hit = 0;
      for (const m of mats) {
        for (const node of nodesAt(m, shock.country, [NODE_PRODUCER])) {
          hit++;
          const f = capFactor[capSlot(node)]!;
          for (let t = start; t < steps; t++) {
            let lost = 0;
            if (t < end) lost = shock.share;
            else if (rec > 0 && t < end + rec) lost = shock.share * (1 - (t - end + 1) / (rec + 1));
            f[t]! *= 1 - lost;
          }
        }
      }
      if (!hit)
        warnings.push(
          `${where}: ${shock.country} makes none of ${shock.materials.join(', ')} in the network`,
        );
    } else if (shock.type === 'demand_surge') {
      const end = stepOf(shock.start_day + shock.duration_days, stepDays);
      let hit = 0;
      for (const m of mats)
        for (const c of members(shock.market))
          for (const node of demandNodesOf(m, c)) {
            hit++;
            const f = demFactor[demSlot(node)]!;
            for (let t = start; t < Math.min(end, steps); t++) f[t]! *= shock.factor;
          }
      if (!hit)
        warnings.push(
          `${where}: no final demand of ${shock.materials.join(', ')} in ${shock.market} in the network`,
        );
    } else if (shock.type === 'stockpile_release') {
      let hit = 0;
      for (const m of mats)
        for (const node of demandNodesOf(m, shock.holder)) {
          const s = net.nodeSlotStart[node]!;
          const q = shock.quantity ?? (shock.days_of_cover ?? 0) * net.nodeRate[node]!;
          if (start < steps) releases.push({ slot: s, q, step: start });
          hit++;
        }
      if (!hit)
        warnings.push(`${where}: ${shock.holder} has no final demand of ${shock.materials.join(', ')}`);
    } else {
      const r = restrictions.length;
      const exporterLoc = locIndex.get(shock.exporter);
      restrictions.push({
        shock: k,
        exporter: shock.exporter,
        share: shock.share,
        startStep: start,
        endStep: stepOf(shock.start_day + shock.duration_days, stepDays),
      });
      const except = new Set(shock.except ?? []);
      const listed = shock.importers === 'all' ? null : new Set(shock.importers);
      const applies = (buyerLoc: number): boolean => {
        const code = net.locations[buyerLoc]!;
        if (buyerLoc === exporterLoc) return false;
        // the spot pool is "exports to anyone": only a restriction on all importers closes it
        if (code === LOCATION_POOL) return listed === null;
        if (listed === null) return !except.has(code);
        return listed.has(code);
      };
      let hit = 0;
      for (const m of mats) {
        if (exporterLoc !== undefined) {
          for (const i of nodesAt(m, shock.exporter, [NODE_PRODUCER, NODE_TRADER])) {
            hit++;
            for (let q = idx.start[i]!; q < idx.start[i + 1]!; q++) {
              const e = idx.edges[q]!;
              const buyer = net.slotNode[idx.edgeSlot[e]!]!;
              if (applies(net.nodeLocation[buyer]!)) rules.push({ edge: e, r, kind: 0 });
            }
          }
        }
        if (!originRule) continue;
        // re-exports of restricted-origin content: traders and the spot pool, by proportional mixing
        for (const t of nodesOf(m)) {
          const kind = net.nodeKind[t]!;
          if (kind !== NODE_TRADER && kind !== NODE_POOL) continue;
          if (net.nodeLocation[t] === exporterLoc) continue;
          origin.push({ node: t, r });
          if (kind === NODE_TRADER) {
            for (let q = idx.start[t]!; q < idx.start[t + 1]!; q++) {
              const e = idx.edges[q]!;
              const buyer = net.slotNode[idx.edgeSlot[e]!]!;
              const bl = net.nodeLocation[buyer]!;
              if (net.locations[bl] !== LOCATION_POOL && applies(bl)) rules.push({ edge: e, r, kind: 1 });
            }
          } else {
            for (const s of slotsOf(m)) {
              if (net.slotPool[s] !== t) continue;
              const bl = net.nodeLocation[net.slotNode[s]!]!;
              if (applies(bl)) poolRules.push({ slot: s, r });
            }
          }
        }
      }
      if (!hit)
        warnings.push(
          `${where}: ${shock.exporter} supplies none of ${shock.materials.join(', ')} in the network`,
        );
    }
  });
  if (originRule)
    assumptions.add(
      'origin rule: a trader’s or the spot market’s shipments carry restricted-origin content in proportion to its latest receipts, and that content is blocked like a direct export',
    );

  (levers.ramp_ups ?? []).forEach((ru, k) => {
    const where = `levers/ramp_ups/${k}`;
    const mats = resolveMaterialName(net, ru.material);
    for (const m of mats) touchedMaterials.add(m);
    let lead: number;
    try {
      lead = ru.build_days + approvalDays(ru.approval);
    } catch (e) {
      if (e instanceof ValidationError)
        throw new ValidationError(e.issues.map((i) => ({ ...i, column: `${where}/approval/${i.column}` })));
      throw e;
    }
    const leadStep = Math.ceil(lead / stepDays);
    const rampSteps = Math.max(0, Math.round((ru.ramp_days ?? 0) / stepDays));
    let hit = 0;
    for (const m of mats) {
      for (const node of nodesAt(m, ru.supplier, [NODE_PRODUCER])) {
        hit++;
        const extra =
          ru.extra_per_year !== undefined
            ? ru.extra_per_year / 365
            : (ru.extra_share ?? 0) * net.nodeCapacity[node]!;
        const x = capExtra[capSlot(node)]!;
        for (let t = leadStep; t < steps; t++) {
          const f = rampSteps > 0 ? Math.min(1, (t - leadStep + 1) / rampSteps) : 1;
          x[t]! += extra * f;
        }
      }
    }
    if (!hit) warnings.push(`${where}: no producer of ${ru.material} in ${ru.supplier} in the network`);
    else
      assumptions.add(
        `ramp-up of ${ru.material} in ${ru.supplier} after ${lead} days (${ru.build_days} build + ${lead - ru.build_days} approval${ru.approval ? `, ${ru.approval.pathway} pathway` : ''})${ru.illustrative !== false ? ' (illustrative)' : ''}`,
      );
  });
  for (const ag of levers.agreements ?? [])
    for (const m of resolveMaterialName(net, ag.material)) touchedMaterials.add(m);

  const diversionDays = levers.diversion_days ?? DEFAULT_DIVERSION_DAYS;
  const rebuildDays = opts.rebuildDays ?? DEFAULT_REBUILD_DAYS;
  assumptions.add(
    `trade diversion: a buyer whose orders have gone unfilled for ${diversionDays} days orders the shortfall from the world spot market, which buys from suppliers with spare output (capacity left over or goods unsold)`,
  );
  assumptions.add(
    `stock gaps close over ${rebuildDays} days (illustrative); orders placed on one day arrive the next`,
  );

  // ── reporting groups ───────────────────────────────────────────────────────────────────────
  let reported: number[];
  if (scenario.materials?.length)
    reported = [...new Set(scenario.materials.flatMap((x) => resolveMaterialName(net, x)))];
  else if (touchedMaterials.size) reported = [...touchedMaterials];
  else reported = net.materialIds.map((_, i) => i);
  reported.sort((a, b) => a - b);
  const marketCodes = scenario.markets?.length ? scenario.markets : ['TRUST'];
  const reportedCountries = new Set(marketCodes.flatMap((c) => [...members(c)]));
  const groups: MarketGroup[] = [];
  const seen = new Set<string>();
  const addGroup = (m: number, market: string, nodes: number[]) => {
    const key = `${m}|${market}`;
    if (seen.has(key) || nodes.length === 0) return;
    seen.add(key);
    groups.push({ material: m, market, nodes: Int32Array.from(nodes), restOfWorld: false });
  };
  for (const m of reported) {
    const mid = net.materialIds[m]!;
    if (nodesOf(m).length === 0) {
      assumptions.add(`${mid}: not simulated (no production figures by country in the data)`);
      continue;
    }
    for (const code of marketCodes) {
      const list = members(code);
      for (const c of list) {
        const own = demandNodesOf(m, c);
        if (own.length) addGroup(m, c, own);
        else
          assumptions.add(
            `${mid} in ${c}: no consumption data and no production, so no final demand is modelled there (its use, if any, is in the rest of the world)`,
          );
      }
      // a region's own row only when it adds up more than one member
      const withNodes = list.filter((c) => demandNodesOf(m, c).length > 0);
      if (withNodes.length > 1)
        addGroup(
          m,
          code,
          withNodes.flatMap((c) => demandNodesOf(m, c)),
        );
    }
    const row: number[] = [];
    for (const i of nodesOf(m)) {
      if (net.nodeKind[i] !== NODE_DEMAND) continue;
      const code = net.locations[net.nodeLocation[i]!]!;
      if (!reportedCountries.has(code) && code !== LOCATION_UNALLOCATED) row.push(i);
    }
    if (row.length)
      groups.push({ material: m, market: 'ROW', nodes: Int32Array.from(row), restOfWorld: true });
  }

  const sortedRules = rules.sort((a, b) => a.edge - b.edge || a.r - b.r);
  const flat = (arrs: Float64Array[]) => {
    const out = new Float64Array(arrs.length * steps);
    for (let k = 0; k < arrs.length; k++) out.set(arrs[k]!, k * steps);
    return out;
  };
  return {
    name: scenario.name,
    steps,
    stepDays,
    diversionSteps: Math.max(0, Math.ceil(diversionDays / stepDays)),
    rebuildSteps: Math.max(1, rebuildDays / stepDays),
    originRule,
    slotCoverDays,
    capacityNodes: Int32Array.from(capIndex.keys()),
    capacityFactor: flat(capFactor),
    capacityExtra: flat(capExtra),
    demandNodes: Int32Array.from(demIndex.keys()),
    demandFactor: flat(demFactor),
    restrictions,
    ruleEdge: Int32Array.from(sortedRules, (x) => x.edge),
    ruleRestriction: Int32Array.from(sortedRules, (x) => x.r),
    ruleKind: Uint8Array.from(sortedRules, (x) => x.kind),
    poolRuleSlot: Int32Array.from(poolRules, (x) => x.slot),
    poolRuleRestriction: Int32Array.from(poolRules, (x) => x.r),
    originNode: Int32Array.from(origin, (x) => x.node),
    originRestriction: Int32Array.from(origin, (x) => x.r),
    releaseSlot: Int32Array.from(releases, (x) => x.slot),
    releaseQuantity: Float64Array.from(releases, (x) => x.q),
    releaseStep: Int32Array.from(releases, (x) => x.step),
    groups,
    assumptions: [...assumptions],
    warnings,
  };
}
