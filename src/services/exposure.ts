import type { Unavailable } from '../engine/analytics/concentration.js';
import { computeExposure, type Exposure, type NonConvergence } from '../engine/analytics/exposure.js';
import { topPaths } from '../engine/analytics/exposure-paths.js';
import {
  buildSupplyNetwork,
  type MarketSpec,
  type NetworkSnapshot,
  NODE_MADE,
  NODE_MARKET,
  NODE_PRODUCTION,
  NODE_TRADER,
  NODE_UNKNOWN,
  NODE_WORLD,
  type PartnerSupply,
  type SupplyNetwork,
  UNKNOWN_LOCATION,
  type ViewKind,
} from '../engine/network/index.js';
import { type Material, NotFoundError, type PublishedFact } from '../model/index.js';
import { regionMembers, resolveMaterials } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { viewOf } from '../store/scoped-repository.js';
import { loadSnapshot } from '../store/snapshot-loader.js';
import { fromStored } from '../store/stored-row.js';

/**
 * `trustmap exposure MATERIAL --region R`: how much of a buyer's supply of a material rests, through
 * every tier, on each country — value exposure (input–output view) and bottleneck exposure (what a
 * stop in that country cuts, first order) — with the paths that carry it, sources and assumptions.
 * The method is in docs/methods/exposure.md.
 */

export interface ExposureReportOptions {
  /** the buyer: one ISO3 country */
  country?: string;
  /** the buyer: a region code (TRUST, QUAD…) or a country; each member gets its own view */
  region?: string;
  /** country of concern (default CHN) */
  concern?: string;
  /** paths listed per country (default 5) */
  topK?: number;
  /** network year (default: the newest production year in the store) */
  year?: number;
  /** how partners' shipments split between own output and re-exports (default 'proportional') */
  partnerSupply?: PartnerSupply;
  /**
   * 'illustrative' (default): inputs without a published cost share take `inputCostFraction` of the
   * output's value, split equally; 'strict': value exposure unavailable for them
   */
  costShares?: 'illustrative' | 'strict';
  /** illustrative total cost share of a node's inputs (default 0.5) */
  inputCostFraction?: number;
  /** intermediates of an API made in the buyer's country are made there too (default false) */
  domesticIntermediates?: boolean;
  /** path search bounds */
  maxDepth?: number;
  maxExpansions?: number;
}

export interface Exposures {
  value: number | Unavailable;
  bottleneck: number | Unavailable;
}

export interface CountryExposure {
  country: string;
  value: number | Unavailable;
  bottleneck: number;
  /** first-hop share (market views only): what direct-import statistics show */
  direct: number | null;
}

export interface PathStep {
  material: string;
  location: string;
  /** production, made (no production data), trader (processor buying at the world mix), market, unknown, world */
  role: string;
  /** σ: share of the previous node's input that this node supplies (null for the first step) */
  share: number | null;
  /** a: cost share of that input in the previous node's output (null for the first step) */
  costShare: number | null;
}

export interface CarryingPath {
  weight: number;
  steps: PathStep[];
}

export interface BuyerExposure {
  /** the buyer (null: the world-mix view) */
  country: string | null;
  /** what the buyer's node is: its imports (bilateral shares), its supply (a published share), its own production, an API made there, or the world mix */
  view: ViewKind;
  node: string;
  countries: CountryExposure[];
  /** "Other countries" (XOT): named only as a group by the publisher */
  otherCountries: { value: number | Unavailable; bottleneck: number };
  /** origin not stated in the data (XUN): the country figures are lower bounds when this is above 0 */
  unknownOrigin: { value: number | Unavailable; bottleneck: number };
  concern: {
    country: string;
    value: number | Unavailable;
    bottleneck: number | Unavailable;
    direct: number | null;
    /** the figures if every unknown origin were the country of concern (an upper bound) */
    ifUnknownWereConcern: Exposures;
  };
  /** the concern figures under the other partner-supply rules (market views with partners only) */
  sensitivity: { partnerSupply: PartnerSupply; value: number | Unavailable; bottleneck: number }[];
  paths: {
    country: string;
    variant: 'value' | 'bottleneck';
    paths: CarryingPath[];
    truncated: boolean;
  }[];
  convergence: {
    order: Exposure['order'];
    iterations: number;
    converged: boolean;
    nonConvergence: NonConvergence[];
  };
  sources: string[];
  assumptions: string[];
}

export interface ExposureReport {
  material: { id: string; name: string; stage: string; unit: string };
  year: number;
  region: string | null;
  concern: string;
  buyers: BuyerExposure[];
  sources: string[];
  assumptions: string[];
}

/**
 * How a published sourcing fact (pharma-links sourcing_facts.csv, India trade facts) becomes a
 * share: which stored fact (topic/item/scope), whose supply or imports it describes, which bundled
 * materials it covers, and how its text is read. The share itself always comes from the stored
 * record, never from here.
 */
interface FactReading {
  item: string;
  scope: string;
  /** the buyer whose supply or imports the fact describes */
  country: string;
  materials: string[];
  /** 'supply': China's share of the buyer's whole supply; 'imports': a partner's share of its imports */
  kind: 'supply' | 'imports';
  /** 'value': the stored value; 'entirely': a qualitative "entirely from China" = 1; 'low': the lower end of a published range or bound */
  reading: 'value' | 'entirely' | 'low';
  note: string;
}

const FACT_READINGS: readonly FactReading[] = [
  {
    item: 'penicillin G, 7-ACA, erythromycin thiocyanate, clavulanic acid',
    scope: 'India: domestic production / import source (committee member)',
    country: 'IND',
    materials: [
      'penicillin-g.chemical',
      '7-aca.chemical',
      'erythromycin-thiocyanate.chemical',
      'clavulanic-acid.chemical',
    ],
    kind: 'supply',
    reading: 'entirely',
    note: '"None of these four KSMs is made in India … importing KSMs entirely from China" (2020 statement) read as China 100 % of India\'s supply',
  },
  {
    item: 'norfloxacin and azithromycin (APIs/raw materials)',
    scope: 'India dependency on China',
    country: 'IND',
    materials: ['erythromycin-a.chemical', 'erythromycin-thiocyanate.chemical'],
    kind: 'supply',
    reading: 'value',
    note: '"100 percent dependency on China" for azithromycin raw materials (2020) applied to the erythromycin inputs of the bundled azithromycin recipe',
  },
  {
    item: 'vitamins B12, B1, B6',
    scope: 'India dependency on China',
    country: 'IND',
    materials: ['vitamin-b12.api', 'vitamin-b1.api', 'vitamin-b6.chemical'],
    kind: 'supply',
    reading: 'low',
    note: '"dependency is up to 75-77 percent" (2020): the lower end, 75 %, used as China\'s share of India\'s supply',
  },
  {
    item: 'acetaminophen (paracetamol)',
    scope: 'US supply sourced from China (Yanzhong Huang, CFR, as reported)',
    country: 'USA',
    materials: ['paracetamol.api'],
    kind: 'supply',
    reading: 'value',
    note: '70 % of US acetaminophen supply from China (as reported, c. 2019)',
  },
  {
    item: 'heparin',
    scope: 'US supply sourced from China (Yanzhong Huang, CFR, as reported)',
    country: 'USA',
    materials: ['heparin.api'],
    kind: 'supply',
    reading: 'low',
    note: '"40% to 45% of heparin comes from China" (as reported, c. 2019): the lower end, 40 %',
  },
  {
    item: 'crude porcine heparin',
    scope: 'US consumption sourced from China (advocacy source)',
    country: 'USA',
    materials: ['crude-heparin.chemical'],
    kind: 'supply',
    reading: 'value',
    note: '80 % of US crude porcine heparin from China (advocacy source, c. 2020-21)',
  },
  {
    item: 'antibiotics, vitamin C, hydrocortisone, ibuprofen',
    scope: 'US supply sourced from China (per New York Times, as reported)',
    country: 'USA',
    materials: ['vitamin-c.api', 'ibuprofen.api'],
    kind: 'supply',
    reading: 'low',
    note: '"more than 90%" from China (as reported, c. 2019): 90 % used, a lower bound',
  },
  ...(
    [
      ['gallium', 'gallium.refined'],
      ['indium', 'indium.refined'],
      ['bismuth', 'bismuth.refined'],
      ['tellurium', 'tellurium.refined'],
      ['silicon', 'silicon.refined'],
      ['natural graphite', 'graphite.mine'],
    ] as const
  ).map(
    ([item, material]): FactReading => ({
      item,
      scope: 'India imports',
      country: 'IND',
      materials: [material],
      kind: 'imports',
      reading: 'value',
      note: `India's imports of ${item}: published share of one partner; the rest of its imports of unknown origin`,
    }),
  ),
];

function parseLow(text: string | null | undefined): number | null {
  const m = /(\d+(?:\.\d+)?)/.exec(text ?? '');
  return m ? Number(m[1]) / 100 : null;
}

interface MarketInfo {
  spec: MarketSpec;
  sources: string[];
  assumptions: string[];
}

/** Sourcing data → market descriptions: USGS bilateral import shares, then curated published facts. */
async function loadMarkets(
  store: StoreOrView,
  snapshotMaterials: ReadonlySet<string>,
  year: number,
): Promise<MarketInfo[]> {
  const rows = await viewOf(store).from('sourcing_share').selectAll().execute();
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    if (!snapshotMaterials.has(r.material_id)) continue;
    const k = `${r.material_id}|${r.importer}`;
    const g = groups.get(k);
    // one period per (material, importer): the newest
    if (!g || r.period > g[0]!.period) groups.set(k, [r]);
    else if (r.period === g[0]!.period) g.push(r);
  }
  const out: MarketInfo[] = [];
  for (const g of groups.values()) {
    const r0 = g[0]!;
    out.push({
      spec: {
        material: r0.material_id,
        country: r0.importer,
        scope: 'imports',
        suppliers: g.map((r) => ({ kind: 'partner' as const, country: r.partner, share: r.share })),
      },
      sources: [...new Set(g.map((r) => r.source_id))],
      assumptions: [
        `${r0.importer} imports of ${r0.material_id}: published import-source shares for ${r0.period}${r0.detail ? ` (${r0.detail})` : ''}${r0.period === String(year) ? '' : `, combined with production figures for ${year} or earlier`}`,
      ],
    });
  }

  const facts = (await store.db.selectFrom('published_fact').selectAll().execute()).map((r) =>
    fromStored<PublishedFact>('published_fact', r),
  );
  const fromFacts = new Map<string, MarketInfo & { period: string }>();
  for (const rd of FACT_READINGS) {
    const matches = facts.filter((f) => f.item === rd.item && f.scope === rd.scope);
    for (const f of matches) {
      const partner = rd.kind === 'imports' ? f.partner : f.country;
      if (!partner || !/^[A-Z]{3}$/.test(partner)) continue;
      const share =
        rd.reading === 'entirely' ? 1 : rd.reading === 'low' ? (f.value ?? parseLow(f.value_text)) : f.value;
      if (share === null || share === undefined || !(share > 0 && share <= 1)) continue;
      const period = f.period ?? 'period not stated';
      for (const material of rd.materials) {
        if (!snapshotMaterials.has(material)) continue;
        if (out.some((m) => m.spec.material === material && m.spec.country === rd.country)) continue;
        const k = `${material}|${rd.country}`;
        const cur = fromFacts.get(k);
        const text = `${rd.country} ${rd.kind === 'supply' ? 'supply' : 'imports'} of ${material}: ${partner} ${(share * 100).toFixed(1)} % (${period}; source ${f.source_id}) — ${rd.note}`;
        if (cur) {
          // a second fact on the same market: keep the newer as the figure, the other as corroboration
          cur.sources.push(f.source_id);
          cur.assumptions.push(`also: ${text}`);
          continue;
        }
        fromFacts.set(k, {
          spec: {
            material,
            country: rd.country,
            scope: rd.kind,
            suppliers: [
              rd.kind === 'supply'
                ? { kind: 'made', country: partner, share }
                : { kind: 'partner', country: partner, share },
              { kind: 'unknown', share: 1 - share },
            ],
          },
          sources: [f.source_id],
          assumptions:
            share < 1
              ? [
                  text,
                  `${rd.country} ${material}: the remaining ${((1 - share) * 100).toFixed(1)} % is of unknown origin`,
                ]
              : [text],
          period,
        });
      }
    }
  }
  return [...out, ...fromFacts.values()];
}

const ROLE_NAMES: Record<number, string> = {
  [NODE_PRODUCTION]: 'production',
  [NODE_MADE]: 'made',
  [NODE_TRADER]: 'trader',
  [NODE_MARKET]: 'market',
  [NODE_UNKNOWN]: 'unknown',
  [NODE_WORLD]: 'world',
};

async function newestYear(store: StoreOrView): Promise<number> {
  const rows = await viewOf(store)
    .from('production')
    .select((eb) => eb.fn.max('period').as('p'))
    .where('measure', '=', 'production')
    .where('period', 'like', '____')
    .executeTakeFirst();
  const y = Number(rows?.p);
  return Number.isFinite(y) && y > 0 ? y : new Date().getFullYear();
}

async function resolveOne(store: StoreOrView, query: string): Promise<Material> {
  const found = await resolveMaterials(store, query);
  if (found.length === 1) return found[0]!;
  throw new NotFoundError(
    'material (name one stage)',
    query,
    found.map((m) => m.id),
  );
}

export async function exposureReport(
  store: StoreOrView,
  materialId: string,
  opts: ExposureReportOptions = {},
): Promise<ExposureReport> {
  const material = await resolveOne(store, materialId);
  const concern = (opts.concern ?? 'CHN').toUpperCase();
  const topK = opts.topK ?? 5;
  const year = opts.year ?? (await newestYear(store));
  let buyers: (string | null)[] = [null];
  let region: string | null = null;
  if (opts.region) {
    region = opts.region.toUpperCase();
    buyers = [...(await regionMembers(store, opts.region))].sort();
  } else if (opts.country) {
    buyers = [...(await regionMembers(store, opts.country))];
  }

  const snapshot = await loadSnapshot(store, year);
  const markets = await loadMarkets(store, new Set(snapshot.materialIds), year);
  const partnerSupply = opts.partnerSupply ?? 'proportional';
  const defaultInputCost = opts.costShares === 'strict' ? null : (opts.inputCostFraction ?? 0.5);
  const build = (ps: PartnerSupply) =>
    buildSupplyNetwork(snapshot, {
      markets: markets.map((m) => m.spec),
      partnerSupply: ps,
      defaultInputCost,
      domesticIntermediates: opts.domesticIntermediates ?? false,
      views: buyers.map((country) => ({ material: material.id, country })),
    });
  const sn = build(partnerSupply);
  const exposure = computeExposure(sn.net);
  const others = (['proportional', 'own-first', 'world-mix'] as const)
    .filter((p) => p !== partnerSupply)
    .map((p) => {
      const alt = build(p);
      return { partnerSupply: p, sn: alt, exposure: computeExposure(alt.net) };
    });
  const marketInfo = new Map<number, MarketInfo>();
  for (const m of markets) {
    const node = sn.marketOf(m.spec.material, m.spec.country);
    if (node >= 0) marketInfo.set(node, m);
  }

  const out: BuyerExposure[] = buyers.map((country, b) =>
    buyerExposure(snapshot, sn, exposure, {
      country,
      view: sn.views[b]!,
      concern,
      topK,
      marketInfo,
      defaultInputCost,
      partnerSupply,
      maxDepth: opts.maxDepth ?? 12,
      maxExpansions: opts.maxExpansions ?? 20_000,
      sensitivity: others.map((o) => ({
        partnerSupply: o.partnerSupply,
        sn: o.sn,
        exposure: o.exposure,
        node: o.sn.views[b]!.node,
      })),
      domestic: opts.domesticIntermediates ?? false,
      year,
    }),
  );
  const sources = new Set<string>([material.source_id]);
  const assumptions = new Set<string>();
  for (const x of out) {
    for (const s of x.sources) sources.add(s);
    for (const a of x.assumptions) assumptions.add(a);
  }
  if (region && buyers.length > 1)
    assumptions.add(
      `${region}: each member is shown separately; a combined figure would need the members' supply volumes`,
    );
  return {
    material: { id: material.id, name: material.name, stage: material.stage, unit: material.unit },
    year,
    region,
    concern,
    buyers: out,
    sources: [...sources].sort(),
    assumptions: [...assumptions],
  };
}

interface BuyerContext {
  country: string | null;
  view: { node: number; kind: ViewKind };
  concern: string;
  topK: number;
  marketInfo: Map<number, MarketInfo>;
  defaultInputCost: number | null;
  partnerSupply: PartnerSupply;
  maxDepth: number;
  maxExpansions: number;
  sensitivity: { partnerSupply: PartnerSupply; sn: SupplyNetwork; exposure: Exposure; node: number }[];
  domestic: boolean;
  year: number;
}

function buyerExposure(
  snap: NetworkSnapshot,
  sn: SupplyNetwork,
  ex: Exposure,
  ctx: BuyerContext,
): BuyerExposure {
  const { net, locations } = sn;
  const C = net.countryCount;
  const j = ctx.view.node;
  const sources = new Set<string>();
  const assumptions = new Set<string>();
  const label = (x: number) => nodeLabel(snap, sn, ctx.marketInfo, x);

  // what the buyer's node rests on: every node reachable through supplier edges
  const reach = new Uint8Array(net.nodeCount);
  const stack = [j];
  reach[j] = 1;
  while (stack.length) {
    const x = stack.pop()!;
    for (let s = net.inputStart[x]!; s < net.inputStart[x + 1]!; s++) {
      for (let t = net.supplyStart[s]!; t < net.supplyStart[s + 1]!; t++) {
        const i = net.supplyNode[t]!;
        if (!reach[i]) {
          reach[i] = 1;
          stack.push(i);
        }
      }
    }
  }
  const defaultCostMaterials = new Set<string>();
  const worldMixInputs = new Set<string>();
  const traders = new Set<string>();
  const unknowns = new Set<string>();
  const made = new Set<string>();
  const materialsSeen = new Set<number>();
  for (let x = 0; x < net.nodeCount; x++) {
    if (!reach[x]) continue;
    const m = sn.nodeMaterial[x]!;
    const mid = snap.materialIds[m]!;
    materialsSeen.add(m);
    const role = sn.nodeRole[x]!;
    const snapNode = sn.nodeSnapshot[x]!;
    if (snapNode >= 0 && snap.nodeSource[snapNode]! >= 0)
      sources.add(snap.sources[snap.nodeSource[snapNode]!]!);
    if (role === NODE_TRADER) traders.add(`${mid} in ${locations[net.nodeLocation[x]!]}`);
    if (role === NODE_MADE) made.add(`${mid} in ${locations[net.nodeLocation[x]!]}`);
    if (net.nodeLocation[x] === locations.indexOf(UNKNOWN_LOCATION)) unknowns.add(mid);
    const info = ctx.marketInfo.get(x);
    if (info) {
      for (const s of info.sources) sources.add(s);
      for (const a of info.assumptions) assumptions.add(a);
    }
    for (let s = net.inputStart[x]!; s < net.inputStart[x + 1]!; s++) {
      const e = sn.slotRecipe[s]!;
      if (e < 0) continue;
      sources.add(snap.sources[snap.recipeSource[e]!]!);
      const input = snap.materialIds[snap.recipeInput[e]!]!;
      if (snap.recipeIllustrative[e]) assumptions.add(`recipe ${mid} ← ${input} is illustrative`);
      if (sn.slotDefaultCost[s]) defaultCostMaterials.add(mid);
      const first = net.supplyNode[net.supplyStart[s]!];
      if (first !== undefined && sn.nodeRole[first] !== NODE_MARKET) worldMixInputs.add(`${mid} ← ${input}`);
    }
  }
  const noRecipe = [...materialsSeen]
    .filter((m) => snap.materialStage[m] !== 0 && snap.recipeStart[m] === snap.recipeStart[m + 1])
    .map((m) => snap.materialIds[m]!)
    .sort();
  if (noRecipe.length)
    assumptions.add(
      `no recipe in the data links ${noRecipe.join(', ')} to its own inputs: exposure stops where it is made`,
    );
  for (const m of materialsSeen) {
    const id = snap.materialIds[m]!;
    for (const a of snap.assumptions) if (a.startsWith(`${id}:`)) assumptions.add(a);
  }
  if (worldMixInputs.size)
    assumptions.add(
      `global-mix sourcing: inputs with no sourcing data are bought at the world production mix (${[...worldMixInputs].sort().join('; ')})`,
    );
  if (traders.size)
    assumptions.add(
      `global-mix sourcing: a partner shipping a material it does not make, or more than its share of world output (partner rule '${ctx.partnerSupply}'), is a processor/trader buying at the world production mix and passing value through (${[...traders].sort().join('; ')})`,
    );
  if (made.size)
    assumptions.add(
      `made where no production figures exist (its own inputs at the world mix or its country's market): ${[...made].sort().join('; ')}`,
    );
  if (unknowns.size)
    assumptions.add(
      `origin not in the data, counted as unknown (XUN): ${[...unknowns].sort().join(', ')}; country figures are then lower bounds`,
    );
  if (defaultCostMaterials.size)
    assumptions.add(
      ctx.defaultInputCost === null
        ? `no published cost shares for ${[...defaultCostMaterials].sort().join(', ')}: value exposure unavailable`
        : `illustrative cost shares (no published figures): inputs take ${ctx.defaultInputCost} of the output's value, split equally over them (${[...defaultCostMaterials].sort().join(', ')})`,
    );
  if (ctx.domestic && sn.assumedDomestic.some((x) => reach[x]))
    assumptions.add(
      `intermediates without sourcing data assumed made in ${ctx.country}: ${sn.assumedDomestic
        .filter((x) => reach[x])
        .map((x) => snap.materialIds[sn.nodeMaterial[x]!])
        .join(', ')}`,
    );
  for (const r of sn.residuals)
    if (reach[r.node])
      assumptions.add(
        `${label(r.node)}: published shares sum to ${(1 - r.residual).toFixed(3)}; ${r.residual > 0 ? 'the residual is counted as unknown origin' : 'not renormalised'}`,
      );
  const years = new Set<number>();
  for (const m of materialsSeen) if (snap.materialYear[m]! > 0) years.add(snap.materialYear[m]!);
  if (years.size > 1 || (years.size === 1 && !years.has(ctx.year)))
    assumptions.add(`production figures from ${[...years].sort().join(', ')} combined for ${ctx.year}`);
  if (ctx.view.kind === 'imports')
    assumptions.add(
      `${ctx.country}: exposure of its imports of ${snap.materialIds[sn.nodeMaterial[j]!]}; its own production is not weighed in`,
    );
  if (ctx.view.kind === 'production')
    assumptions.add(`${ctx.country}: its own production; imports are not weighed in (no bilateral shares)`);
  if (ctx.view.kind === 'world' && ctx.country)
    assumptions.add(`${ctx.country}: no bilateral sourcing data; buys at the world production mix`);

  const valueOk = ex.valueAvailable![j] === 1;
  const costReason = 'cost shares of some inputs are unknown (strict mode)';
  const v = (c: number) => ex.value![j * C + c]!;
  const bt = (c: number) => ex.bottleneck![j * C + c]!;
  const xun = locations.indexOf(UNKNOWN_LOCATION);
  const xot = locations.indexOf('XOT');
  const direct = new Float64Array(C);
  const isMarket = sn.nodeRole[j] === NODE_MARKET;
  if (isMarket) {
    for (let s = net.inputStart[j]!; s < net.inputStart[j + 1]!; s++)
      for (let t = net.supplyStart[s]!; t < net.supplyStart[s + 1]!; t++) {
        const loc = net.nodeLocation[net.supplyNode[t]!]!;
        if (loc >= 0) direct[loc] = direct[loc]! + net.supplyShare[t]!;
      }
  }
  const countries: CountryExposure[] = [];
  for (let c = 0; c < C; c++) {
    if (c === xun || c === xot) continue;
    if (v(c) < 1e-12 && bt(c) < 1e-12 && direct[c]! < 1e-12) continue;
    countries.push({
      country: locations[c]!,
      value: valueOk ? v(c) : { unavailable: costReason },
      bottleneck: bt(c),
      direct: isMarket ? direct[c]! : null,
    });
  }
  countries.sort((a, b) => b.bottleneck - a.bottleneck || num(b.value) - num(a.value));
  const unknownV = xun >= 0 ? v(xun) : 0;
  const unknownB = xun >= 0 ? bt(xun) : 0;
  const ci = locations.indexOf(ctx.concern);
  const cv = ci >= 0 ? v(ci) : 0;
  const cb = ci >= 0 ? bt(ci) : 0;
  const allUnknown = 'the origin of every input is unknown in the data';
  let concernValue: number | Unavailable = !valueOk
    ? { unavailable: costReason }
    : unknownV >= 1 - 1e-9 && cv < 1e-12
      ? { unavailable: allUnknown }
      : cv < 1e-12 && unknownV > 0
        ? {
            unavailable: `part of the value of ${label(j)} is of unknown origin; exposure lies between 0 and ${unknownV.toFixed(3)}`,
          }
        : cv;
  let concernBottleneck: number | Unavailable =
    cb < 1e-12 && unknownB > 0
      ? {
          unavailable: `the origin of ${label(j)}'s supply is unknown in part; exposure lies between 0 and ${unknownB.toFixed(3)}`,
        }
      : cb;
  // a zero that only means the data stop at a tier with no recipe is not a figure
  const stops = `${ctx.concern} is not among the origins in the data, but ${noRecipe.join(', ')} ${noRecipe.length > 1 ? 'are' : 'is'} not linked to ${noRecipe.length > 1 ? 'their' : 'its'} own inputs`;
  if (noRecipe.length && typeof concernValue === 'number' && concernValue < 1e-12)
    concernValue = { unavailable: stops };
  if (noRecipe.length && typeof concernBottleneck === 'number' && concernBottleneck < 1e-12)
    concernBottleneck = { unavailable: stops };
  // upper bound: every unknown origin is the country of concern
  const upper = upperBound(sn, j, ctx.concern);

  const sensitivity =
    ctx.view.kind === 'imports'
      ? ctx.sensitivity.map((o) => {
          const oc = o.sn.locations.indexOf(ctx.concern);
          const oC = o.sn.net.countryCount;
          return {
            partnerSupply: o.partnerSupply,
            value:
              o.exposure.valueAvailable![o.node] === 1 && oc >= 0
                ? o.exposure.value![o.node * oC + oc]!
                : oc < 0
                  ? 0
                  : { unavailable: costReason },
            bottleneck: oc >= 0 ? o.exposure.bottleneck![o.node * oC + oc]! : 0,
          };
        })
      : [];

  // paths for the concern and the next most exposed countries
  const pathCountries = [
    ctx.concern,
    ...countries.map((c) => c.country).filter((c) => c !== ctx.concern),
  ].slice(0, 4);
  const paths: BuyerExposure['paths'] = [];
  for (const code of pathCountries) {
    const c = locations.indexOf(code);
    if (c < 0) continue;
    for (const variant of ['bottleneck', 'value'] as const) {
      if (variant === 'value' && !valueOk) continue;
      const r = topPaths(net, {
        node: j,
        country: c,
        variant,
        k: ctx.topK,
        maxDepth: ctx.maxDepth,
        maxExpansions: ctx.maxExpansions,
      });
      if (r.paths.length === 0) continue;
      paths.push({
        country: code,
        variant,
        truncated: r.truncated,
        paths: r.paths.map((p) => ({
          weight: p.weight,
          steps: p.nodes.map((x, q) => {
            const slot = q > 0 ? p.slots[q - 1]! : -1;
            let share: number | null = null;
            if (slot >= 0) {
              share = 0;
              for (let t = net.supplyStart[slot]!; t < net.supplyStart[slot + 1]!; t++)
                if (net.supplyNode[t] === x) share += net.supplyShare[t]!;
            }
            return {
              material: snap.materialIds[sn.nodeMaterial[x]!]!,
              location: nodeLocationCode(sn, ctx.marketInfo, x),
              role: ROLE_NAMES[sn.nodeRole[x]!]!,
              share,
              costShare: slot >= 0 ? net.inputCost[slot]! : null,
            };
          }),
        })),
      });
    }
  }

  return {
    country: ctx.country,
    view: ctx.view.kind,
    node: label(j),
    countries,
    otherCountries: {
      value: valueOk ? (xot >= 0 ? v(xot) : 0) : { unavailable: costReason },
      bottleneck: xot >= 0 ? bt(xot) : 0,
    },
    unknownOrigin: { value: valueOk ? unknownV : { unavailable: costReason }, bottleneck: unknownB },
    concern: {
      country: ctx.concern,
      value: concernValue,
      bottleneck: concernBottleneck,
      direct: isMarket ? (ci >= 0 ? direct[ci]! : 0) : null,
      ifUnknownWereConcern: {
        value: valueOk ? upper.value : { unavailable: costReason },
        bottleneck: upper.bottleneck,
      },
    },
    sensitivity,
    paths,
    convergence: {
      order: ex.order,
      iterations: ex.iterations,
      converged: ex.converged,
      nonConvergence: ex.nonConvergence,
    },
    sources: [...sources].sort(),
    assumptions: [...assumptions],
  };
}

function num(x: number | Unavailable): number {
  return typeof x === 'number' ? x : -1;
}

/** Exposure to `code` if every node of unknown origin were located there instead. */
function upperBound(sn: SupplyNetwork, j: number, code: string): { value: number; bottleneck: number } {
  const xun = sn.locations.indexOf(UNKNOWN_LOCATION);
  const c = sn.locations.indexOf(code);
  if (xun < 0) return { value: 0, bottleneck: 0 };
  const target = c >= 0 ? c : xun;
  const loc = sn.net.nodeLocation.map((l) => (l === xun ? target : l));
  const ex = computeExposure({ ...sn.net, nodeLocation: loc });
  const C = sn.net.countryCount;
  return { value: ex.value![j * C + target]!, bottleneck: ex.bottleneck![j * C + target]! };
}

function nodeLocationCode(sn: SupplyNetwork, markets: Map<number, MarketInfo>, x: number): string {
  const loc = sn.net.nodeLocation[x]!;
  if (loc >= 0) return sn.locations[loc]!;
  return markets.get(x)?.spec.country ?? 'world';
}

function nodeLabel(
  snap: NetworkSnapshot,
  sn: SupplyNetwork,
  markets: Map<number, MarketInfo>,
  x: number,
): string {
  const m = snap.materialIds[sn.nodeMaterial[x]!]!;
  const where = nodeLocationCode(sn, markets, x);
  switch (sn.nodeRole[x]) {
    case NODE_MARKET:
      return `${m}: ${where} ${markets.get(x)?.spec.scope ?? 'market'}`;
    case NODE_TRADER:
      return `${m}: processor/trader in ${where}`;
    case NODE_WORLD:
      return `${m}: world production mix`;
    case NODE_UNKNOWN:
      return `${m}: origin unknown`;
    default:
      return where === UNKNOWN_LOCATION ? `${m}: made where unknown` : `${m}: made in ${where}`;
  }
}
