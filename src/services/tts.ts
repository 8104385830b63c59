import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isUnavailable } from '../engine/analytics/concentration.js';
import type { LpSize, SolveStatus } from '../engine/optimize/highs-model.js';
import { loadHighs } from '../engine/optimize/highs-model.js';
import {
  analyseTtsTtr,
  rankByImpact,
  type TtsAnalysis,
  type TtsNetwork,
  type TtsNodeSpec,
  type TtsOptions,
  ttsNetworkFrom,
} from '../engine/simulate/tts-ttr.js';
import { AGGREGATE_CODES, type Material, SolverError, ValidationError } from '../model/index.js';
import { regionMembers } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { viewOf } from '../store/scoped-repository.js';
import { newestEditions } from '../store/snapshot-loader.js';
import { fromStored } from '../store/stored-row.js';
import { sourcingReport, USGS_BALANCE, unitFactor } from './sourcing.js';
import type { TtsWorkerMessage, TtsWorkerRequest } from './tts-worker.js';

/**
 * Time to survive / time to recover of a region's supply network, built from the bundled data
 * (`trustmap tts`, the HTTP API). The method is in src/engine/simulate/tts-ttr.ts and
 * docs/tts-ttr.md. What this file decides is the network:
 *
 * - producer nodes: one per (material, country) with a production figure for the base year
 *   ("Other countries" included, the rounded world total left out); materials of the pharma
 *   chain without figures (APIs, KSMs) get one node at an unknown location (XUN);
 * - a market node per material the region uses: demand d (USGS published US consumption, else
 *   US apparent consumption, else illustrative), stock s (USGS US consumer / industry stocks,
 *   else illustrative days of cover);
 * - the region's slice of world supply (pro-rata rationing, as the simulator's suppliers ration):
 *   the region can draw on every producer's capacity in proportion to its share of world use,
 *   c_i^R = c_i · T_m / P_m, with T_m the region's use of material m (its own demand plus what its
 *   pharma chain needs) and P_m world production. Capacity is USGS's where published, else
 *   production × (1 + headroom), the headroom illustrative;
 * - recipes from the `recipe` table, quantities converted between kg and t.
 */

export interface TtsServiceOptions {
  /** region code or ISO3 country (default USA) */
  region?: string;
  /** base year of production figures and consumption (default 2024) */
  year?: number;
  /** time to recover of every node, days (default 90, illustrative) */
  ttrDays?: number;
  /** per-node overrides of the time to recover, keyed `material@ISO3` */
  ttrByNode?: Readonly<Record<string, number>>;
  /** whether a disrupted node's stock may still ship (default false: as under an export ban) */
  stockShips?: boolean;
  /** spare capacity of a producer without a USGS capacity row, fraction of production (default 0.10, illustrative) */
  headroom?: number;
  /** stock at a market without a USGS stock figure, days of demand (default 30, illustrative) */
  marketCoverDays?: number;
  /** stock held by each producer (finished goods and pipeline), days of its output (default 15, illustrative) */
  supplierCoverDays?: number;
  /** the region's use of a material without a consumption figure, as a share of world production (default 0.05, illustrative) */
  illustrativeDemandShare?: number;
  /** the region's use of an API or medicine, kg per year (default 1,000, illustrative) */
  illustrativeApiDemandKg?: number;
  /** HiGHS time limit per LP, seconds (default 10) */
  timeLimitSeconds?: number;
  /**
   * also disrupt the nodes at an unknown location (the pharma chain's APIs and KSMs: one node
   * each for the whole world's production, every figure illustrative); default false
   */
  includeUnknownLocations?: boolean;
}

export const TTS_DEFAULTS = {
  region: 'USA',
  year: 2024,
  ttrDays: 90,
  stockShips: false,
  headroom: 0.1,
  marketCoverDays: 30,
  supplierCoverDays: 15,
  illustrativeDemandShare: 0.05,
  illustrativeApiDemandKg: 1000,
  timeLimitSeconds: 10,
  includeUnknownLocations: false,
} as const;

export type CapacityBasis = 'usgs-capacity' | 'illustrative-headroom' | 'illustrative-throughput';
export type Aggregate = 'other-countries' | 'unknown-location' | null;

export interface TtsNodeInfo {
  key: string;
  material: string;
  stage: string;
  unit: string;
  location: string;
  kind: 'producer' | 'market';
  inRegion: boolean;
  aggregate: Aggregate;
  /** share of world production of the material; null at an unknown location */
  worldShare: number | null;
  /** world production and capacity per year (null at an unknown location) */
  production: number | null;
  capacity: number | null;
  capacityBasis: CapacityBasis | null;
}

export interface TtsMarket {
  material: string;
  unit: string;
  /** the region's use per year */
  demand: number;
  demandBasis: 'usgs-consumption' | 'usgs-apparent-consumption' | 'illustrative';
  demandNote: string;
  stock: number;
  stockBasis: 'usgs-stocks' | 'illustrative';
  /** stock / demand, days */
  coverDays: number;
}

export interface BuiltTtsNetwork {
  region: { code: string; members: string[] };
  year: number;
  network: TtsNetwork;
  info: TtsNodeInfo[];
  /** producer nodes to disrupt, in node order */
  nodes: Int32Array;
  ttr: Float64Array;
  markets: TtsMarket[];
  /** producer nodes left out of the analysis, with the reason */
  unavailable: { node: string; reason: string }[];
  sources: string[];
  assumptions: string[];
}

export interface TtsNodeReport {
  rank: number;
  node: string;
  material: string;
  stage: string;
  location: string;
  inRegion: boolean;
  aggregate: Aggregate;
  worldShare: number | null;
  capacityBasis: CapacityBasis | null;
  /** days; Infinity = never short; null when the LP was not solved (status says why) */
  tts: number | null;
  ttsStatus: SolveStatus;
  ttr: number;
  /** days of demand lost over the TTR window, summed over the region's markets */
  pi: number | null;
  piStatus: SolveStatus;
  rei: number | null;
  /** TTS < TTR */
  needsMitigation: boolean | null;
  /** the market losing the largest share of its demand in the PI solution */
  worstMarket: string | null;
}

export interface TtsReport {
  region: { code: string; members: string[] };
  year: number;
  options: Required<Omit<TtsServiceOptions, 'ttrByNode' | 'region' | 'year'>>;
  nodes: TtsNodeReport[];
  markets: TtsMarket[];
  unavailable: { node: string; reason: string }[];
  baseline: TtsAnalysis['baseline'];
  lp: { tts: LpSize; pi: LpSize };
  solves: number;
  iterations: number;
  seconds: number;
  sources: string[];
  assumptions: string[];
}

interface Row {
  material_id: string;
  country: string;
  period: string;
  measure: string;
  quantity: number | null;
  source_id: string;
}

/** Per material, the newest year ≤ `year` (newest edition first); `after` also accepts the nearest later year. */
function pickYear(rows: readonly Row[], year: number, edition: (id: string) => number, after: boolean) {
  const by = new Map<string, { y: number; ed: number; rows: Row[] }>();
  for (const r of rows) {
    if (!/^\d{4}$/.test(r.period)) continue;
    const y = Number(r.period);
    if (y > year && !after) continue;
    const ed = edition(r.source_id);
    const cur = by.get(r.material_id);
    const better = (a: number, b: number) => (a <= year ? (b > year ? true : a > b) : b > year && a < b);
    if (!cur || (y !== cur.y && better(y, cur.y)) || (y === cur.y && ed > cur.ed))
      by.set(r.material_id, { y, ed, rows: [r] });
    else if (y === cur.y && ed === cur.ed) cur.rows.push(r);
  }
  return by;
}

const STOCK_ROW = /consumer|industry|service centers/i;
const NOT_STOCK_ROW = /treasury|lme|comex|exchange|warehouse|government/i;

/** The one statistic row that stands for a material's US consumption, or why there is none. */
function pickConsumption(rows: readonly StatRow[]): StatRow | string {
  const c = rows.filter((r) => r.statistic === 'consumption');
  if (c.length === 0) return 'no USGS consumption row';
  let chosen = c;
  if (c.length > 1) {
    const exact = (re: RegExp) => c.filter((r) => re.test((r.detail ?? '').trim()));
    chosen = exact(/^consumption[,:]?\s*apparent$/i);
    if (chosen.length !== 1) chosen = exact(/^consumption[,:]?\s*reported$/i);
    if (chosen.length !== 1) chosen = c.filter((r) => /total/i.test(r.detail ?? ''));
    if (chosen.length !== 1)
      return `${c.length} USGS consumption rows (${c.map((r) => `"${r.detail}"`).join(', ')}) and none stands for the whole material`;
  }
  const r = chosen[0]!;
  if (r.value === null)
    return `"${r.detail}" ${r.flag === 'W' ? 'withheld (W)' : `not available (${r.flag ?? 'NA'})`}`;
  return r;
}

interface StatRow {
  commodity: string;
  period: string;
  statistic: string;
  detail: string | null;
  value: number | null;
  unit: string;
  flag: string | null;
  source_id: string;
}

/** Which material the USGS salient statistics of a commodity describe (explicit mapping, or the only material). */
function statisticsMaterial(commodity: string, materialsOf: Map<string, string[]>): string | null {
  const explicit = USGS_BALANCE[commodity];
  if (explicit) return explicit.length === 1 ? explicit[0]!.material : null;
  const mats = materialsOf.get(commodity) ?? [];
  return mats.length === 1 ? mats[0]! : null;
}

const MASS_KG: Record<string, number> = { kg: 1, t: 1000, kt: 1e6 };

/** Builds the region's network from the store (see the file comment for the modelling choices). */
export async function buildTtsNetwork(
  store: StoreOrView,
  options: TtsServiceOptions = {},
): Promise<BuiltTtsNetwork> {
  const o = { ...TTS_DEFAULTS, ...options };
  const code = o.region.toUpperCase();
  const members = await regionMembers(store, code);
  const usOnly = members.size === 1 && members.has('USA');
  const sources = new Set<string>();
  const assumptions = new Set<string>();

  const view = viewOf(store);
  const [materialRows, prodAll, recipeRows, sourceRows] = await Promise.all([
    view.from('material').selectAll().execute(),
    view
      .from('production')
      .select([
        'material_id',
        'country',
        'period',
        'measure',
        'quantity',
        'source_id',
        view.own('production'),
      ])
      .where('facility_id', 'is', null)
      .where('measure', 'in', ['production', 'capacity'])
      .where('country', '!=', AGGREGATE_CODES.world)
      .execute(),
    view.from('recipe').selectAll().execute(),
    view.from('source').select(['id', 'year']).execute(),
  ]);
  const edition = new Map(sourceRows.map((s) => [s.id, Number(s.year)]));
  // the newest public edition of each (material, year), with an organisation's own rows beside it;
  // pickYear then chooses the year
  const prodRows = [
    ...newestEditions(
      prodAll.filter((r) => r.measure === 'production'),
      (id) => edition.get(id) ?? 0,
    ),
    ...newestEditions(
      prodAll.filter((r) => r.measure === 'capacity'),
      (id) => edition.get(id) ?? 0,
    ),
  ];
  const ed = () => 0;
  const materials = new Map(
    materialRows.map((m) => [m.id, { id: m.id, stage: m.stage, unit: m.unit, commodity: m.commodity }]),
  );
  const prod = pickYear(
    prodRows.filter((r) => r.measure === 'production'),
    o.year,
    ed,
    false,
  );
  const cap = pickYear(
    prodRows.filter((r) => r.measure === 'capacity'),
    o.year,
    ed,
    true,
  );

  // materials with production figures: P_m = Σ known country rows (withheld rows left out)
  const figures = new Map<string, { year: number; rows: Row[]; total: number }>();
  for (const [m, p] of prod) {
    if (!materials.has(m)) continue;
    let total = 0;
    for (const r of p.rows) if (r.quantity !== null) total += r.quantity;
    const other = p.rows.find((r) => r.country === AGGREGATE_CODES.other);
    const known = p.rows.filter((r) => r.country !== AGGREGATE_CODES.other && r.quantity !== null).length;
    if (known <= 1 && (!other || other.quantity === null)) {
      assumptions.add(
        `${m}: one country's production published for ${p.y} and no figure for other countries: world supply unknown, left out`,
      );
      continue;
    }
    if (total > 0) figures.set(m, { year: p.y, rows: p.rows, total });
    else assumptions.add(`${m}: no positive production figure for ${p.y}; left out`);
    if (p.y !== o.year && total > 0)
      assumptions.add(`${m}: newest production figures are for ${p.y}, used for ${o.year}`);
  }

  // recipes by output; the pharma chain: APIs and medicines with a recipe, and all their inputs
  const recipesOf = new Map<string, typeof recipeRows>();
  for (const r of recipeRows) {
    if (!materials.has(r.output_id) || !materials.has(r.input_id)) continue;
    const l = recipesOf.get(r.output_id) ?? [];
    l.push(r);
    recipesOf.set(r.output_id, l);
  }
  const roots = [...recipesOf.keys()].filter((m) => {
    const s = materials.get(m)!.stage;
    return s === 'api' || s === 'medicine';
  });
  const scope = new Set<string>();
  const stack = [...figures.keys(), ...roots];
  while (stack.length) {
    const m = stack.pop()!;
    if (scope.has(m)) continue;
    scope.add(m);
    for (const r of recipesOf.get(m) ?? []) stack.push(r.input_id);
  }
  const marketSet = new Set<string>([...figures.keys(), ...roots]);

  // requirements per output material: essential inputs one each, a substitutable group one in all
  type Req = { inputs: { material: string; rate: number }[] };
  const unknownQuantity: string[] = [];
  const illustrativeRecipes: string[] = [];
  const requirements = new Map<string, Req[]>();
  for (const m of scope) {
    const out = materials.get(m)!;
    const groups = new Map<string, Req>();
    const reqs: Req[] = [];
    for (const r of recipesOf.get(m) ?? []) {
      const inp = materials.get(r.input_id)!;
      sources.add(r.source_id);
      if (!r.essential && !r.substitute_group) {
        assumptions.add(
          `${m} ← ${r.input_id}: a non-essential input (reagent or catalyst), left out of the recipe`,
        );
        continue;
      }
      const a = MASS_KG[out.unit];
      const b = MASS_KG[inp.unit];
      let q = r.quantity;
      if (q === null) {
        q = 1;
        unknownQuantity.push(`${m} ← ${r.input_id}`);
      } else if (r.illustrative) illustrativeRecipes.push(`${m} ← ${r.input_id}`);
      if (a === undefined || b === undefined) {
        assumptions.add(
          `${m} ← ${r.input_id}: units ${out.unit} / ${inp.unit} not both mass; quantity used as is`,
        );
      }
      const rate = a !== undefined && b !== undefined ? (q * a) / b : q;
      if (r.substitute_group) {
        let g = groups.get(r.substitute_group);
        if (!g) {
          g = { inputs: [] };
          groups.set(r.substitute_group, g);
          reqs.push(g);
        }
        g.inputs.push({ material: r.input_id, rate });
      } else reqs.push({ inputs: [{ material: r.input_id, rate }] });
    }
    if (groups.size)
      assumptions.add(
        'substitutable inputs: a group is one requirement (any member serves); the base flow splits equally between members',
      );
    requirements.set(m, reqs);
  }
  if (unknownQuantity.length)
    assumptions.add(
      `${unknownQuantity.length} recipe quantities unknown, 1 kg per kg assumed (illustrative): ${unknownQuantity.sort().join('; ')}`,
    );
  if (illustrativeRecipes.length)
    assumptions.add(`illustrative recipe quantities: ${illustrativeRecipes.sort().join('; ')}`);

  // the region's demand and stock per market
  const materialsOf = new Map<string, string[]>();
  for (const m of materials.values()) {
    const l = materialsOf.get(m.commodity) ?? [];
    l.push(m.id);
    materialsOf.set(m.commodity, l);
  }
  const stats: StatRow[] = usOnly
    ? await store.db
        .selectFrom('statistic')
        .select(['commodity', 'period', 'statistic', 'detail', 'value', 'unit', 'flag', 'source_id'])
        .where('country', '=', 'USA')
        .where('statistic', 'in', ['consumption', 'stocks'])
        .where('period', '=', String(o.year))
        .execute()
    : [];
  const statsOf = new Map<string, StatRow[]>();
  for (const r of stats) {
    const m = statisticsMaterial(r.commodity, materialsOf);
    if (!m) continue;
    const l = statsOf.get(m) ?? [];
    l.push(r);
    statsOf.set(m, l);
  }
  const markets: TtsMarket[] = [];
  const demandOf = new Map<string, number>();
  const marketList = [...marketSet].filter((m) => scope.has(m)).sort();
  for (const m of marketList) {
    const mat = materials.get(m)!;
    const fig = figures.get(m);
    let demand: number | null = null;
    let basis: TtsMarket['demandBasis'] = 'illustrative';
    let note = '';
    let why = usOnly ? '' : `${code}: no consumption figures in the bundled data`;
    if (usOnly) {
      const rows = statsOf.get(m) ?? [];
      const c = pickConsumption(rows);
      const f = typeof c === 'string' ? null : unitFactor(c.unit, mat.unit);
      if (typeof c !== 'string' && f !== null && c.value! > 0) {
        demand = c.value! * f;
        basis = 'usgs-consumption';
        note = `${c.detail} ${o.year} (${c.source_id})${c.flag === 'est' ? ', a USGS estimate' : ''}`;
        sources.add(c.source_id);
      } else {
        why =
          typeof c === 'string'
            ? c
            : f === null
              ? `cannot convert ${c.unit} to ${mat.unit}`
              : 'zero consumption';
        if (fig) {
          const rep = await sourcingReport(
            store,
            fromStored<Material>('material', materialRows.find((x) => x.id === m)!),
            { region: 'USA', year: o.year },
          );
          const ac = rep.importReliance.apparentConsumption;
          const unit = rep.members[0]?.unit ?? null;
          const g = unit ? unitFactor(unit, mat.unit) : null;
          if (!isUnavailable(ac) && g !== null && ac > 0) {
            demand = ac * g;
            basis = 'usgs-apparent-consumption';
            note = `production + imports − exports ${rep.year} (${rep.sources.join(', ')})`;
            for (const s of rep.sources) sources.add(s);
          } else if (isUnavailable(ac)) why += `; apparent consumption: ${ac.unavailable}`;
        }
      }
    }
    if (demand === null) {
      if (fig) {
        demand = o.illustrativeDemandShare * fig.total;
        note = `illustrative: ${o.illustrativeDemandShare * 100} % of world production (${why})`;
      } else {
        const f = unitFactor('kg', mat.unit) ?? 1;
        demand = o.illustrativeApiDemandKg * f;
        note = `illustrative: ${o.illustrativeApiDemandKg} kg a year (no public consumption figure)`;
      }
    }
    let stock = (o.marketCoverDays / 365) * demand;
    let stockBasis: TtsMarket['stockBasis'] = 'illustrative';
    if (basis !== 'illustrative') {
      const rows = (statsOf.get(m) ?? []).filter(
        (r) =>
          r.statistic === 'stocks' && STOCK_ROW.test(r.detail ?? '') && !NOT_STOCK_ROW.test(r.detail ?? ''),
      );
      const r = rows.length === 1 ? rows[0]! : null;
      const f = r ? unitFactor(r.unit, mat.unit) : null;
      if (r && r.value !== null && f !== null) {
        stock = r.value * f;
        stockBasis = 'usgs-stocks';
        sources.add(r.source_id);
      }
    }
    demandOf.set(m, demand);
    markets.push({
      material: m,
      unit: mat.unit,
      demand,
      demandBasis: basis,
      demandNote: note,
      stock,
      stockBasis,
      coverDays: (stock / demand) * 365,
    });
  }
  const illustrativeMarkets = markets.filter((x) => x.demandBasis === 'illustrative').length;
  if (illustrativeMarkets)
    assumptions.add(
      `${illustrativeMarkets} of ${markets.length} markets have an illustrative demand; with α = 1/d their TTS and PI (days) do not depend on its level`,
    );
  const illustrativeStocks = markets.filter((x) => x.stockBasis === 'illustrative').length;
  if (illustrativeStocks)
    assumptions.add(
      `${illustrativeStocks} of ${markets.length} markets hold an illustrative ${o.marketCoverDays} days of cover`,
    );

  // the region's use of each material, own demand plus its pharma chain's needs: T_m
  const users = new Map<string, { output: string; rate: number; share: number }[]>();
  for (const [out, reqs] of requirements)
    for (const q of reqs)
      for (const i of q.inputs) {
        const l = users.get(i.material) ?? [];
        l.push({ output: out, rate: i.rate, share: 1 / q.inputs.length });
        users.set(i.material, l);
      }
  const use = new Map<string, number>();
  const visiting = new Set<string>();
  const totalUseOf = (m: string): number => {
    const done = use.get(m);
    if (done !== undefined) return done;
    if (visiting.has(m)) {
      assumptions.add(`recipe cycle through ${m}: the cycle's own use left out`);
      return 0;
    }
    visiting.add(m);
    let t = demandOf.get(m) ?? 0;
    for (const u of users.get(m) ?? []) t += u.rate * u.share * totalUseOf(u.output);
    visiting.delete(m);
    use.set(m, t);
    return t;
  };

  // nodes
  const specs: TtsNodeSpec[] = [];
  const info: TtsNodeInfo[] = [];
  const nodesOf = new Map<string, number[]>();
  const unavailable: { node: string; reason: string }[] = [];
  const analyse: number[] = [];
  const perDay = 1 / 365;
  let usedHeadroom = false;
  let usedCapacity = false;
  for (const m of [...scope].sort()) {
    const mat = materials.get(m)!;
    const T = totalUseOf(m);
    const fig = figures.get(m);
    const list: number[] = [];
    if (fig) {
      const slice = T / fig.total;
      if (slice > 1)
        assumptions.add(`${m}: the region's use exceeds world production; its slice is capped at the whole`);
      const f = Math.min(slice, 1);
      const capBy = new Map<string, Row>();
      for (const r of cap.get(m)?.rows ?? []) capBy.set(r.country, r);
      const capYear = cap.get(m)?.y;
      // countries with USGS capacity but no production row: idle capacity, production 0
      const idle: Row[] = [];
      for (const [country, c] of capBy)
        if (c.quantity !== null && c.quantity > 0 && !fig.rows.some((r) => r.country === country)) {
          idle.push({ ...c, measure: 'production', quantity: 0 });
          assumptions.add(
            `${m}@${country}: USGS capacity without a production row: idle capacity, production 0`,
          );
        }
      for (const r of [...fig.rows, ...idle].sort((a, b) => (a.country < b.country ? -1 : 1))) {
        sources.add(r.source_id);
        const key = `${m}@${r.country}`;
        const aggregate: Aggregate = r.country === AGGREGATE_CODES.other ? 'other-countries' : null;
        if (r.quantity === null) {
          unavailable.push({ node: key, reason: 'production withheld or not available: left out of supply' });
          continue;
        }
        const c = capBy.get(r.country);
        let capacity: number;
        let basis: CapacityBasis;
        if (c && c.quantity !== null) {
          capacity = Math.max(c.quantity, r.quantity);
          basis = 'usgs-capacity';
          usedCapacity = true;
          sources.add(c.source_id);
          if (c.quantity < r.quantity)
            assumptions.add(`${key}: USGS capacity below production; production used as capacity`);
          if (capYear !== fig.year)
            assumptions.add(`${m}: capacity figures for ${capYear}, production for ${fig.year}`);
        } else {
          capacity = r.quantity * (1 + o.headroom);
          basis = 'illustrative-headroom';
          usedHeadroom = true;
        }
        const j = specs.length;
        specs.push({
          material: m,
          location: r.country,
          capacity: f * capacity * perDay,
          stock: o.supplierCoverDays * f * r.quantity * perDay,
          requires: [],
        });
        info.push({
          key,
          material: m,
          stage: mat.stage,
          unit: mat.unit,
          location: r.country,
          kind: 'producer',
          inRegion: members.has(r.country),
          aggregate,
          worldShare: r.quantity / fig.total,
          production: r.quantity,
          capacity,
          capacityBasis: basis,
        });
        list.push(j);
        if (capacity > 0) analyse.push(j);
        else unavailable.push({ node: key, reason: 'no production and no capacity: nothing to lose' });
      }
    } else {
      const j = specs.length;
      specs.push({
        material: m,
        location: 'XUN',
        capacity: T * (1 + o.headroom) * perDay,
        stock: o.supplierCoverDays * T * perDay,
        requires: [],
      });
      info.push({
        key: `${m}@XUN`,
        material: m,
        stage: mat.stage,
        unit: mat.unit,
        location: 'XUN',
        kind: 'producer',
        inRegion: false,
        aggregate: 'unknown-location',
        worldShare: null,
        production: null,
        capacity: null,
        capacityBasis: 'illustrative-throughput',
      });
      list.push(j);
      if (o.includeUnknownLocations) analyse.push(j);
    }
    nodesOf.set(m, list);
  }
  if (usedCapacity)
    assumptions.add('USGS capacity is taken as available at once within the TTR window (no ramp-up)');
  if (usedHeadroom)
    assumptions.add(
      `producers without a USGS capacity figure have ${o.headroom * 100} % spare capacity (illustrative headroom)`,
    );
  assumptions.add(
    `producers hold ${o.supplierCoverDays} days of their output in stock (illustrative); stock of a disrupted producer ${o.stockShips ? 'may still ship' : 'is held back (as under an export ban)'}`,
  );
  assumptions.add(
    "pro-rata rationing: the region draws on each producer's capacity in proportion to its share of world use (global-mix sourcing; other buyers keep their share)",
  );
  const unknown = info.filter((x) => x.aggregate === 'unknown-location').length;
  assumptions.add(
    `${unknown} materials of the pharma chain without production figures are one node each at an unknown location (XUN), sized to the region’s use plus headroom (illustrative)${o.includeUnknownLocations ? '' : '; they supply but are not disrupted themselves'}`,
  );
  // recipe requirements of producers; markets draw on every producer of their material
  for (const [m, list] of nodesOf) {
    const reqs = (requirements.get(m) ?? []).map((q) => ({
      suppliers: q.inputs.flatMap((i) =>
        (nodesOf.get(i.material) ?? []).map((node) => ({ node, rate: i.rate })),
      ),
    }));
    for (const j of list) specs[j]!.requires = reqs.filter((q) => q.suppliers.length > 0);
  }
  for (const mk of markets) {
    const d = mk.demand * perDay;
    specs.push({
      material: mk.material,
      location: code,
      demand: d,
      stock: mk.stock,
      alpha: 1 / d,
      requires: [{ suppliers: (nodesOf.get(mk.material) ?? []).map((node) => ({ node, rate: 1 })) }],
    });
    const mat = materials.get(mk.material)!;
    info.push({
      key: `${mk.material}@${code}`,
      material: mk.material,
      stage: mat.stage,
      unit: mat.unit,
      location: code,
      kind: 'market',
      inRegion: true,
      aggregate: null,
      worldShare: null,
      production: null,
      capacity: null,
      capacityBasis: null,
    });
  }
  const network = ttsNetworkFrom(specs);
  const nodes = Int32Array.from(analyse);
  const ttr = new Float64Array(specs.length).fill(o.ttrDays);
  for (const [key, days] of Object.entries(options.ttrByNode ?? {})) {
    const j = info.findIndex((x) => x.key === key);
    if (j < 0) throw new ValidationError([{ column: `ttrByNode/${key}`, message: 'no such node' }]);
    ttr[j] = days;
  }
  assumptions.add(
    `time to recover ${o.ttrDays} days for every node (illustrative; a scenario's ramp-up lead time replaces it)`,
  );
  return {
    region: { code, members: [...members].sort() },
    year: o.year,
    network,
    info,
    nodes,
    ttr,
    markets,
    unavailable,
    sources: [...sources].sort(),
    assumptions: [...assumptions],
  };
}

export interface RunOptions {
  /** run in this thread instead of a worker thread */
  inline?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** terminates the worker */
  signal?: AbortSignal;
}

/** The worker's entry: the compiled .js beside this file, or the .ts source through tsx in development and tests. */
function startWorker(data: TtsWorkerRequest): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // tsx's ES entry (its package exports map './esm/api' → import), so the worker can load .ts
    const pkgFile = createRequire(here).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    const tsx = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
    const entry = new URL('./tts-worker.ts', here).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: data });
  }
  return new Worker(new URL('./tts-worker.js', here), { workerData: data });
}

/** Runs every LP of the analysis, off the main thread unless `inline`. */
export async function runTtsAnalysis(
  network: TtsNetwork,
  options: Omit<TtsOptions, 'onProgress'>,
  run: RunOptions = {},
): Promise<TtsAnalysis> {
  if (run.inline) {
    const highs = await loadHighs();
    return analyseTtsTtr(highs, network, {
      ...options,
      ...(run.onProgress ? { onProgress: run.onProgress } : {}),
    });
  }
  if (run.signal?.aborted) throw new SolverError('TTS/TTR analysis cancelled');
  return new Promise<TtsAnalysis>((resolve, reject) => {
    const worker = startWorker({ network, options });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      run.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(new SolverError('TTS/TTR analysis cancelled')));
    run.signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: TtsWorkerMessage) => {
      if (msg.kind === 'progress') run.onProgress?.(msg.done, msg.total);
      else if (msg.kind === 'done') finish(() => resolve(msg.analysis));
      else
        finish(() =>
          reject(
            msg.issues
              ? new ValidationError(msg.issues)
              : msg.name === 'SolverError'
                ? new SolverError(msg.message)
                : new Error(`${msg.name}: ${msg.message}`),
          ),
        );
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() =>
        reject(new SolverError(`the TTS/TTR worker stopped (exit code ${code}) without a result`)),
      ),
    );
  });
}

/** The ranked TTS/TTR table of a region (`trustmap tts`). */
export async function ttsReport(
  store: StoreOrView,
  options: TtsServiceOptions = {},
  run: RunOptions = {},
): Promise<TtsReport> {
  const o = { ...TTS_DEFAULTS, ...options };
  const built = await buildTtsNetwork(store, options);
  const analysis = await runTtsAnalysis(
    built.network,
    {
      ttr: built.ttr,
      stockShips: o.stockShips,
      nodes: built.nodes,
      timeLimitSeconds: o.timeLimitSeconds,
    },
    run,
  );
  const assumptions = [...built.assumptions];
  if (analysis.baseline.tts !== Number.POSITIVE_INFINITY)
    assumptions.push(
      `without any disruption the network already runs short after ${analysis.baseline.tts} days (${analysis.baseline.ttsStatus}): every TTS is capped by it`,
    );
  const notSolved = analysis.results.filter((r) => r.tts === null || r.pi === null).length;
  if (notSolved)
    assumptions.push(`${notSolved} nodes not solved to optimality (see their status): left unranked`);
  const ranked = rankByImpact(analysis.results);
  const nodes: TtsNodeReport[] = ranked.map((r, i) => {
    const x = built.info[r.node]!;
    return {
      rank: i + 1,
      node: x.key,
      material: x.material,
      stage: x.stage,
      location: x.location,
      inRegion: x.inRegion,
      aggregate: x.aggregate,
      worldShare: x.worldShare,
      capacityBasis: x.capacityBasis,
      tts: r.tts,
      ttsStatus: r.ttsStatus,
      ttr: r.ttr,
      pi: r.pi,
      piStatus: r.piStatus,
      rei: r.rei,
      needsMitigation: r.needsMitigation,
      worstMarket: r.worstDemandNode >= 0 ? built.info[r.worstDemandNode]!.material : null,
    };
  });
  return {
    region: built.region,
    year: built.year,
    options: {
      ttrDays: o.ttrDays,
      stockShips: o.stockShips,
      headroom: o.headroom,
      marketCoverDays: o.marketCoverDays,
      supplierCoverDays: o.supplierCoverDays,
      illustrativeDemandShare: o.illustrativeDemandShare,
      illustrativeApiDemandKg: o.illustrativeApiDemandKg,
      timeLimitSeconds: o.timeLimitSeconds,
      includeUnknownLocations: o.includeUnknownLocations,
    },
    nodes,
    markets: built.markets,
    unavailable: built.unavailable,
    baseline: analysis.baseline,
    lp: analysis.lp,
    solves: analysis.solves,
    iterations: analysis.iterations,
    seconds: analysis.seconds,
    sources: built.sources,
    assumptions,
  };
}
