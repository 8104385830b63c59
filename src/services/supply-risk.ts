import { isUnavailable, type Unavailable } from '../engine/analytics/concentration.js';
import {
  type HhiContribution,
  type HhiWgiT,
  hhiWgiT,
  type SupplyMix,
  type SupplyRiskFactors,
  type SupplyShareInput,
  supplyRisk as supplyRiskFactors,
} from '../engine/analytics/eu-supply-risk.js';
import {
  type GeoPolRiskResult,
  geoPolRisk as geoPolRiskEngine,
  hhiFraction,
} from '../engine/analytics/geopolrisk.js';
import {
  euWgiTable,
  latestWgiYear,
  politicalInstabilityTable,
  type ScoreTable,
  type WgiEstimate,
} from '../engine/analytics/wgi-scale.js';
import { euCrmCanonicalName } from '../importers/eu-crm.js';
import { AGGREGATE_CODES, type EuCrmMaterial, type Material, NotFoundError } from '../model/index.js';
import { listMaterials, regionMembers, resolveMaterials } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { viewOf } from '../store/scoped-repository.js';
import { fromStored } from '../store/stored-row.js';

/**
 * Governance-weighted supply-risk indices for one material and region: the EU CRM supply risk (EC 2017
 * method as used in the 2023 assessment) and GeoPolRisk (geopolrisk-py). Loads the inputs from the
 * store, calls the pure engine (engine/analytics/eu-supply-risk.ts, geopolrisk.ts, wgi-scale.ts) and
 * returns every factor with its sources and assumptions.
 */

/**
 * WGI year used by default for the EU SR. The 2023 study does not state it in any stored source we
 * could read; 2021 is the latest WGI year published (2022 WGI update, September 2022) before the study
 * (March 2023). The bundled WGI is the 2024 update, which revises all years, so no year reproduces the
 * Commission's scores exactly (see docs/methods/supply-risk.md).
 */
export const DEFAULT_EU_WGI_YEAR = 2021;

const EU_CRM_SOURCE_ID = 'eu-crm-2023';

/**
 * EU CRM 2023 material → trustmap material per stage (E extraction, P processing). Only where the
 * trustmap material is the same good at the same stage; every other EU CRM material is EU-only.
 */
export const EU_CRM_TRUSTMAP_MATERIALS: Readonly<Record<string, { E?: string; P?: string }>> = {
  Aluminium: { E: 'bauxite.mine', P: 'aluminum.refined' },
  Antimony: { E: 'antimony.mine', P: 'antimony.refined' },
  Arsenic: { P: 'arsenic.refined' },
  Baryte: { E: 'barite.mine' },
  Bentonite: { E: 'bentonite.mine' },
  Beryllium: { E: 'beryllium.mine', P: 'beryllium.refined' },
  Bismuth: { P: 'bismuth.refined' },
  Boron: { E: 'boron.mine' },
  Cadmium: { P: 'cadmium.refined' },
  Chromium: { E: 'chromium.mine' },
  Cobalt: { E: 'cobalt.mine', P: 'cobalt.refined' },
  Copper: { E: 'copper.mine', P: 'copper.refined' },
  Diatomite: { E: 'diatomite.mine' },
  Erbium: { P: 'erbium.refined' },
  Feldspar: { E: 'feldspar-and-nepheline-syenite.mine' },
  Fluorspar: { E: 'fluorspar.mine' },
  Gallium: { P: 'gallium.refined' },
  Germanium: { P: 'germanium.refined' },
  Gold: { E: 'gold.mine' },
  Gypsum: { E: 'gypsum.mine' },
  Hafnium: { P: 'hafnium.refined' },
  Helium: { P: 'helium.mine' },
  Holmium: { P: 'holmium.refined' },
  HREE: { E: 'rare-earths.mine', P: 'rare-earths.refined' },
  Indium: { P: 'indium.refined' },
  'Iron ore': { E: 'iron-ore.mine' },
  Kaolin: { E: 'kaolin.mine' },
  Krypton: { P: 'krypton.refined' },
  Lead: { E: 'lead.mine', P: 'lead.refined' },
  Lithium: { E: 'lithium.mine', P: 'lithium.chemical' },
  LREE: { E: 'rare-earths.mine', P: 'rare-earths.refined' },
  Lutetium: { P: 'lutetium.refined' },
  Magnesite: { E: 'magnesite.mine' },
  Magnesium: { P: 'magnesium.refined' },
  Manganese: { E: 'manganese.mine' },
  Molybdenum: { E: 'molybdenum.mine' },
  'Natural graphite': { E: 'graphite.mine' },
  Neon: { P: 'neon.refined' },
  Nickel: { E: 'nickel.mine', P: 'nickel.refined' },
  Niobium: { E: 'niobium.mine', P: 'niobium.refined' },
  Palladium: { P: 'palladium.refined' },
  Perlite: { E: 'perlite.mine' },
  'Phosphate rock': { E: 'phosphate-rock.mine' },
  Platinum: { P: 'platinum.refined' },
  Potash: { E: 'potash.mine' },
  Rhenium: { P: 'rhenium.refined' },
  Selenium: { P: 'selenium.refined' },
  'Silicon metal': { P: 'silicon.refined' },
  Silver: { E: 'silver.mine' },
  Strontium: { E: 'strontium.mine' },
  Sulfur: { P: 'sulfur.refined' },
  'Talc, Steatite & Pyrophyllite': { E: 'talc-and-pyrophyllite.mine' },
  Tantalum: { E: 'tantalum.mine' },
  Tellurium: { P: 'tellurium.refined' },
  Terbium: { P: 'terbium.refined' },
  Tin: { E: 'tin.mine', P: 'tin.refined' },
  Titanium: { E: 'titanium-mineral-concentrates.mine' },
  'Titanium metal': { P: 'titanium.refined' },
  Tungsten: { E: 'tungsten.mine' },
  Vanadium: { E: 'vanadium.mine' },
  Xenon: { P: 'xenon.refined' },
  Ytterbium: { P: 'ytterbium.refined' },
  Yttrium: { E: 'yttrium.mine', P: 'yttrium.refined' },
  Zinc: { E: 'zinc.mine', P: 'zinc.refined' },
  Zirconium: { E: 'zirconium.mine' },
};

type Stage = 'E' | 'P';

/** Above this share of "Other countries", USGS world production cannot stand for the global supply mix. */
const MAX_OTHER_SHARE = 0.5;
const STAGE_NAME: Record<Stage, string> = { E: 'extraction', P: 'processing' };

// ───────────────────────────── EU CRM supply risk ─────────────────────────────

export interface ShareSetSummary {
  /** where the shares come from */
  basis: string;
  source_id: string;
  period: string;
  hhiWgiT: number;
  shareSum: number;
  contributions: HhiContribution[];
}

export interface StageSupplyRisk {
  stage: Stage;
  stageName: string;
  /** the trustmap material for this stage, if mapped */
  material_id: string | null;
  /** (EU) the stage the published assessment used */
  usedByAssessment: boolean;
  global: ShareSetSummary | Unavailable;
  sourcing: ShareSetSummary | Unavailable;
  factors: SupplyRiskFactors;
  assumptions: string[];
}

export interface SupplyRiskResult {
  /** the EU CRM 2023 material name */
  material: string;
  /** trustmap materials mapped to it (E, P) */
  trustmapMaterials: { E: string | null; P: string | null };
  region: string;
  regionMembers: string[];
  wgiYear: number;
  /** EU: the stage the assessment used; other regions: the stage with the higher SR */
  stage: Stage | null;
  sr: number | Unavailable;
  stages: StageSupplyRisk[];
  sources: string[];
  assumptions: string[];
}

export interface SupplyRiskOptions {
  /** EU (default; also EU27), USA, IND, TRUST, or any region or country code in the store */
  region?: string;
  /** WGI year for the governance scores (default DEFAULT_EU_WGI_YEAR) */
  wgiYear?: number;
}

interface ShareRow {
  material_name: string;
  scope: 'global' | 'eu';
  stage: Stage;
  country: string;
  share: number | null;
  t: number | null;
}

const key = (name: string) => euCrmCanonicalName(name).toLowerCase();
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const euRegion = (code: string) => ['EU', 'EU27'].includes(code.toUpperCase());

async function loadGovernance(store: StoreOrView): Promise<WgiEstimate[]> {
  const rows = await store.db
    .selectFrom('governance')
    .select(['iso3', 'year', 'indicator', 'estimate'])
    .execute();
  return rows.map((r) => ({
    iso3: r.iso3,
    year: Number(r.year),
    indicator: r.indicator,
    estimate: Number(r.estimate),
  }));
}

async function loadEuCrmMaterials(store: StoreOrView): Promise<EuCrmMaterial[]> {
  const rows = await store.db.selectFrom('eu_crm_material').selectAll().execute();
  return rows.map((r) => {
    const m = fromStored<EuCrmMaterial>('eu_crm_material', r);
    for (const f of [
      'si_ei',
      'si_sr',
      'import_reliance_primary',
      'import_reliance_refined',
      'eol_rir',
    ] as const)
      m[f] = num(m[f]);
    return m;
  });
}

/** Every EU CRM supply share, grouped by the material's canonical key. */
async function loadShares(store: StoreOrView): Promise<Map<string, ShareRow[]>> {
  const rows = await store.db
    .selectFrom('eu_crm_supply_share')
    .select(['material_name', 'scope', 'stage', 'country', 'share', 't'])
    .execute();
  const out = new Map<string, ShareRow[]>();
  for (const r of rows) {
    const k = key(r.material_name);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push({ ...r, share: num(r.share), t: num(r.t) } as ShareRow);
  }
  return out;
}

/** EU CRM materials a query means: an EU CRM name (any table's spelling), else the trustmap materials it maps to. */
async function resolveEuCrm(
  store: StoreOrView,
  query: string,
  all: EuCrmMaterial[],
): Promise<EuCrmMaterial[]> {
  const k = key(query);
  const direct = all.filter((m) => key(m.material_name) === k);
  if (direct.length) return direct;
  let materials: Material[];
  try {
    materials = await resolveMaterials(store, query);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    throw new NotFoundError('material', query, [
      ...all.map((m) => m.material_name).filter((n) => n.toLowerCase().startsWith(k.slice(0, 3))),
      ...e.suggestions,
    ]);
  }
  const wanted = new Set(materials.map((m) => m.id));
  const names = Object.entries(EU_CRM_TRUSTMAP_MATERIALS)
    .filter(([, s]) => (s.E && wanted.has(s.E)) || (s.P && wanted.has(s.P)))
    .map(([n]) => n);
  const found = all.filter((m) => names.includes(m.material_name));
  if (!found.length) {
    const ids = materials.map((m) => m.id).join(', ');
    throw new NotFoundError(
      'EU CRM 2023 material',
      `${query} (${ids}: not assessed in the EU CRM 2023 study, so no SI_SR, EOL-RIR or supply shares)`,
    );
  }
  return found;
}

function mixOf(m: EuCrmMaterial, stage: Stage): SupplyMix | null {
  const v = stage === 'E' ? m.supply_mix_primary : m.supply_mix_refined;
  return v === 'GS+EU' || v === 'GSonly' || v === 'EUonly' ? v : null;
}

const fraction = (v: number | null | undefined, what: string): number | Unavailable =>
  v === null || v === undefined ? { unavailable: `${what} not given in the EU CRM 2023 inputs` } : v;

function summary(h: HhiWgiT, basis: string, source_id: string, period: string): ShareSetSummary {
  return { basis, source_id, period, hhiWgiT: h.value, shareSum: h.shareSum, contributions: h.contributions };
}

/**
 * The EU CRM supply risk of one or more materials for a region, every factor reported.
 *
 * EU: the published global and EU-sourcing shares with their t, the published IR, EOL-RIR and SI_SR,
 * the published stage and supply-mix flag. Other regions: per stage, the world production shares of the
 * mapped trustmap material (else the EU CRM global shares) with t kept only where > 1 (export
 * restrictions bind every importer; the 0.8 for EU trade agreements does not apply), the region's own
 * sourcing where bilateral data exist (the US: USGS import-source shares and net import reliance), else
 * the global-mix assumption (then SR does not depend on IR); the EU's SI_SR and EOL-RIR. SR is given
 * per stage and the higher one is named.
 */
export async function supplyRisk(
  store: StoreOrView,
  materialQuery: string,
  opts: SupplyRiskOptions = {},
): Promise<SupplyRiskResult[]> {
  const all = await loadEuCrmMaterials(store);
  return supplyRiskOf(store, await resolveEuCrm(store, materialQuery, all), opts);
}

/** The supply risk of every EU CRM 2023 material for a region (for ranked tables). */
export async function supplyRiskAll(
  store: StoreOrView,
  opts: SupplyRiskOptions = {},
): Promise<SupplyRiskResult[]> {
  return supplyRiskOf(store, await loadEuCrmMaterials(store), opts);
}

async function supplyRiskOf(
  store: StoreOrView,
  targets: readonly EuCrmMaterial[],
  opts: SupplyRiskOptions,
): Promise<SupplyRiskResult[]> {
  const region = (opts.region ?? 'EU').toUpperCase();
  const wgiYear = opts.wgiYear ?? DEFAULT_EU_WGI_YEAR;
  const members = euRegion(region) ? await regionMembers(store, 'EU27') : await regionMembers(store, region);
  const wgi = euWgiTable(await loadGovernance(store), wgiYear);
  const allShares = await loadShares(store);
  const materials = new Map((await listMaterials(store)).map((m) => [m.id, m]));
  const out: SupplyRiskResult[] = [];
  for (const m of targets) {
    const shares = allShares.get(key(m.material_name)) ?? [];
    out.push(
      euRegion(region)
        ? euSupplyRisk(m, shares, wgi, [...members].sort())
        : await regionSupplyRisk(store, m, shares, wgi, region, members, materials),
    );
  }
  return out;
}

function wgiAssumptions(h: HhiWgiT, wgi: ScoreTable): string[] {
  const notes: string[] = [];
  for (const c of h.contributions) {
    const s = wgi.scores.get(c.country);
    if (s?.note) notes.push(`${c.country}: ${s.note}`);
  }
  return notes;
}

function shareSet(
  rows: readonly ShareRow[],
  scope: 'global' | 'eu',
  stage: Stage,
  wgi: ScoreTable,
  t?: (t: number | null) => number,
): { h: HhiWgiT; notes: string[] } | Unavailable {
  const set = rows.filter((r) => r.scope === scope && r.stage === stage);
  if (!set.length) {
    return {
      unavailable: `no ${scope === 'eu' ? 'EU sourcing' : 'global supply'} shares for stage ${stage} in the EU CRM 2023 tables`,
    };
  }
  const h = hhiWgiT(set, {
    wgi: (c) => wgi.scores.get(c)?.score,
    ...(t ? { t: (x: number | null) => t(x) } : {}),
  });
  return { h, notes: wgiAssumptions(h, wgi) };
}

function euSupplyRisk(
  m: EuCrmMaterial,
  shares: ShareRow[],
  wgi: ScoreTable,
  members: string[],
): SupplyRiskResult {
  const mapping = EU_CRM_TRUSTMAP_MATERIALS[m.material_name] ?? {};
  const used: Stage = m.used_stage === 'extraction' ? 'E' : 'P';
  const assessed = m.stages.split('+') as Stage[];
  const assumptions = new Set<string>([
    `WGI ${wgi.requestedYear} (World Bank WGI 2024 update) rescaled 5 − 2 × mean of the six estimates, clipped to [0, 10]`,
  ]);
  const stages: StageSupplyRisk[] = [];
  for (const stage of assessed) {
    const stageNotes: string[] = [];
    const mix = mixOf(m, stage);
    const g = shareSet(shares, 'global', stage, wgi);
    const e = shareSet(shares, 'eu', stage, wgi);
    for (const x of [g, e]) if (!isUnavailable(x)) stageNotes.push(...x.h.assumptions, ...x.notes);
    const ir = stage === 'E' ? m.import_reliance_primary : m.import_reliance_refined;
    const factors = supplyRiskFactors({
      hhiGlobal: isUnavailable(g) ? g : g.h.value,
      hhiSourcing: isUnavailable(e) ? e : e.h.value,
      mix: mix ?? 'GS+EU',
      importReliance: fraction(ir, `import reliance (${STAGE_NAME[stage]})`),
      eolRir: fraction(m.eol_rir, 'EOL-RIR'),
      si: fraction(m.si_sr, 'SI_SR'),
    });
    if (!mix) {
      factors.sr = { unavailable: `no supply-mix flag for stage ${stage} in the EU CRM 2023 inputs` };
    }
    stageNotes.push(...factors.assumptions);
    stages.push({
      stage,
      stageName: STAGE_NAME[stage],
      material_id: mapping[stage] ?? null,
      usedByAssessment: stage === used,
      global: isUnavailable(g)
        ? g
        : summary(g.h, 'EU CRM 2023 global supply shares', EU_CRM_SOURCE_ID, '2016-2020'),
      sourcing: isUnavailable(e)
        ? e
        : summary(e.h, 'EU CRM 2023 EU sourcing shares', EU_CRM_SOURCE_ID, '2016-2020'),
      factors,
      assumptions: stageNotes,
    });
    if (stage === used) for (const a of stageNotes) assumptions.add(`stage ${stage}: ${a}`);
  }
  const usedStage = stages.find((s) => s.stage === used);
  return {
    material: m.material_name,
    trustmapMaterials: { E: mapping.E ?? null, P: mapping.P ?? null },
    region: 'EU',
    regionMembers: members,
    wgiYear: wgi.requestedYear,
    stage: used,
    sr: usedStage ? usedStage.factors.sr : { unavailable: `stage ${used} not assessed` },
    stages,
    sources: [EU_CRM_SOURCE_ID, 'worldbank-wgi-2024'],
    assumptions: [...assumptions],
  };
}

interface ProductionSet {
  material_id: string;
  period: string;
  source_id: string;
  unit: string;
  rows: { country: string; quantity: number | null; flag: string | null }[];
  total: number;
}

/** The newest period with world production figures (newest edition of it), or undefined. */
async function latestProduction(
  store: StoreOrView,
  materialId: string,
  period?: string,
): Promise<ProductionSet | undefined> {
  const view = viewOf(store);
  const rows = await view
    .from('production')
    .innerJoin('source', 'source.id', 'production.source_id')
    .select([
      'production.country',
      'production.period',
      'production.quantity',
      'production.unit',
      'production.flag',
      'production.source_id',
      'source.year as source_year',
      view.own('production'),
    ])
    .where('production.material_id', '=', materialId)
    .where('production.measure', '=', 'production')
    .where('production.facility_id', 'is', null)
    .execute();
  const byPeriod = new Map<string, typeof rows>();
  // an organisation's own rows join the public edition chosen for their period (read-view.ts)
  const own = new Map<string, typeof rows>();
  for (const r of rows) {
    if (period !== undefined && r.period !== period) continue;
    if (Number(r.own)) {
      const o = own.get(r.period);
      if (o) o.push(r);
      else own.set(r.period, [r]);
      continue;
    }
    const g = byPeriod.get(r.period);
    if (!g || Number(r.source_year) > Number(g[0]!.source_year)) byPeriod.set(r.period, [r]);
    else if (Number(r.source_year) === Number(g[0]!.source_year) && r.source_id === g[0]!.source_id)
      g.push(r);
  }
  for (const [p, o] of own) byPeriod.set(p, [...(byPeriod.get(p) ?? []), ...o]);
  const periods = [...byPeriod.keys()].sort().reverse();
  for (const p of periods) {
    const g = byPeriod.get(p)!.filter((r) => r.country !== AGGREGATE_CODES.world);
    const total = g.reduce((a, r) => a + (num(r.quantity) ?? 0), 0);
    if (total > 0) {
      return {
        material_id: materialId,
        period: p,
        source_id: g[0]!.source_id,
        unit: g[0]!.unit,
        rows: g.map((r) => ({ country: r.country, quantity: num(r.quantity), flag: r.flag })),
        total,
      };
    }
  }
  return undefined;
}

export interface ImportRelianceFigure {
  value: number;
  period: string;
  detail: string | null;
  flag: string | null;
  source_id: string;
  note?: string;
}

/**
 * Where USGS publishes a material's net import reliance under another commodity (the individual heavy
 * rare earths under "rare earths, heavy"; magnesite under magnesium compounds).
 */
const NIR_COMMODITY_FALLBACK: Readonly<Record<string, string>> = {
  'feldspar-and-nepheline-syenite': 'feldspar',
  magnesite: 'magnesium-compounds',
  erbium: 'rare-earths-heavy',
  holmium: 'rare-earths-heavy',
  lutetium: 'rare-earths-heavy',
  terbium: 'rare-earths-heavy',
  ytterbium: 'rare-earths-heavy',
  yttrium: 'rare-earths-heavy',
};

/** USGS net import reliance (percent → fraction) for a material's commodity, newest usable period. */
async function usNetImportReliance(
  store: StoreOrView,
  material: Material,
): Promise<ImportRelianceFigure | Unavailable> {
  const fallback = NIR_COMMODITY_FALLBACK[material.commodity];
  const commodities = fallback ? [material.commodity, fallback] : [material.commodity];
  const rows = await store.db
    .selectFrom('statistic')
    .select(['material_id', 'commodity', 'period', 'detail', 'value', 'flag', 'source_id'])
    .where('country', '=', 'USA')
    .where('statistic', '=', 'net_import_reliance')
    .where((eb) => eb.or([eb('material_id', '=', material.id), eb('commodity', 'in', commodities)]))
    .execute();
  let usable = rows.filter(
    (r) => (r.material_id === null || r.material_id === material.id) && (r.value !== null || r.flag === 'E'),
  );
  let aliasNote: string | undefined;
  if (usable.some((r) => r.commodity === material.commodity))
    usable = usable.filter((r) => r.commodity === material.commodity);
  else if (usable.length) aliasNote = `USGS publishes it under ${fallback}`;
  if (!usable.length) return { unavailable: `no USGS net import reliance for ${material.commodity}` };
  const latest = usable
    .map((r) => r.period)
    .sort()
    .reverse()[0]!;
  const cands = usable.filter((r) => r.period === latest);
  const words = material.name
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 3);
  const score = (d: string | null) => {
    const t = (d ?? '').toLowerCase();
    if (!t.includes(':')) return 2;
    if (words.some((w) => t.includes(w))) return 3;
    return t.includes('total') ? 1 : 0;
  };
  const r = cands.sort((a, b) => score(b.detail) - score(a.detail))[0]!;
  const notes = aliasNote ? [aliasNote] : [];
  if (r.flag === 'E') notes.push('net exporter (E): IR taken as 0');
  else if (r.flag === 'gt') notes.push(`published as "> ${r.value} %": the bound is used`);
  else if (r.flag === 'lt') notes.push(`published as "< ${r.value} %": the bound is used`);
  const value = r.flag === 'E' ? 0 : Number(r.value) / 100;
  return {
    value,
    period: r.period,
    detail: r.detail,
    flag: r.flag,
    source_id: r.source_id,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

async function regionSupplyRisk(
  store: StoreOrView,
  m: EuCrmMaterial,
  shares: ShareRow[],
  wgi: ScoreTable,
  region: string,
  members: Set<string>,
  materials: ReadonlyMap<string, Material>,
): Promise<SupplyRiskResult> {
  const mapping = EU_CRM_TRUSTMAP_MATERIALS[m.material_name] ?? {};
  const sources = new Set<string>([EU_CRM_SOURCE_ID, 'worldbank-wgi-2024']);
  const assumptions = new Set<string>([
    `WGI ${wgi.requestedYear} (World Bank WGI 2024 update) rescaled 5 − 2 × mean of the six estimates, clipped to [0, 10]`,
    `SI_SR and EOL-RIR are the EU CRM 2023 values (EU substitution and EU end-of-life recycling) applied to ${region}`,
  ]);
  const restrictionsOnly = (t: number | null) => Math.max(1, t ?? 1);
  const stages: StageSupplyRisk[] = [];
  const candidates: Stage[] = ['E', 'P'].filter(
    (s) => mapping[s as Stage] !== undefined || shares.some((r) => r.scope === 'global' && r.stage === s),
  ) as Stage[];
  for (const stage of candidates) {
    const notes: string[] = [];
    const materialId = mapping[stage] ?? null;
    const material = materialId ? materials.get(materialId) : undefined;
    // global term: world production of the trustmap material, else the EU CRM global shares
    let global: ShareSetSummary | Unavailable;
    let prod = materialId ? await latestProduction(store, materialId) : undefined;
    if (prod) {
      const other = prod.rows.find((r) => r.country === AGGREGATE_CODES.other)?.quantity ?? 0;
      if (other / prod.total > MAX_OTHER_SHARE) {
        notes.push(
          `USGS world production of ${materialId} puts ${((100 * other) / prod.total).toFixed(0)} % under "Other countries": no country breakdown to weight`,
        );
        prod = undefined;
      }
    }
    const tByCountry = new Map(
      shares.filter((r) => r.scope === 'global' && r.stage === stage).map((r) => [r.country, r.t]),
    );
    if (prod) {
      sources.add(prod.source_id);
      const rows: SupplyShareInput[] = prod.rows
        .filter((r) => r.quantity !== null || r.flag === 'W')
        .map((r) => ({
          country: r.country,
          share: r.quantity === null ? 0 : r.quantity / prod.total,
          t: restrictionsOnly(tByCountry.get(r.country) ?? null),
        }));
      const withheld = prod.rows.filter((r) => r.quantity === null).map((r) => r.country);
      const h = hhiWgiT(rows, { wgi: (c) => wgi.scores.get(c)?.score });
      global = summary(h, `world production of ${materialId} (USGS)`, prod.source_id, prod.period);
      notes.push(
        `global term from USGS world production of ${materialId}, ${prod.period} (shares of the sum of country rows)`,
        ...h.assumptions,
        ...wgiAssumptions(h, wgi),
      );
      if (withheld.length) notes.push(`production withheld for ${withheld.join(', ')}: counted as 0`);
    } else {
      const g = shareSet(shares, 'global', stage, wgi, restrictionsOnly);
      if (isUnavailable(g)) global = g;
      else {
        global = summary(g.h, 'EU CRM 2023 global supply shares', EU_CRM_SOURCE_ID, '2016-2020');
        notes.push(
          `global term from the EU CRM 2023 global supply shares (2016–2020)${materialId ? `: no world production of ${materialId} in the data` : ''}`,
          ...g.h.assumptions,
          ...g.notes,
        );
      }
    }
    notes.push(
      'trade variable t kept only where > 1 (export restrictions); the EU’s 0.8 for its trade agreements does not apply',
    );

    // sourcing term: US bilateral data where they exist, else the global-mix assumption
    let sourcing: ShareSetSummary | Unavailable = global;
    let mix: SupplyMix = 'GSonly';
    let ir: number | Unavailable = { unavailable: `no import reliance for ${region}` };
    const onlyUs = members.size === 1 && members.has('USA');
    if (onlyUs && material) {
      const nir = await usNetImportReliance(store, material);
      if (!isUnavailable(nir)) {
        sources.add(nir.source_id);
        ir = nir.value;
        notes.push(
          `IR = USGS net import reliance for ${material.commodity}, ${nir.period}${nir.detail ? ` (${nir.detail})` : ''}${nir.note ? `; ${nir.note}` : ''}`,
        );
      } else ir = nir;
      const imports = await viewOf(store)
        .from('sourcing_share')
        .select(['partner', 'share', 'period', 'source_id', 'detail'])
        .where('material_id', '=', material.id)
        .where('importer', '=', 'USA')
        .execute();
      if (imports.length) {
        if (isUnavailable(ir)) {
          sourcing = {
            unavailable: `US import-source shares exist but ${ir.unavailable}, so domestic and imported supply cannot be weighted`,
          };
          mix = 'GS+EU';
        } else {
          const irv = Math.min(1, Math.max(0, ir));
          const rows: SupplyShareInput[] = [
            { country: 'USA', share: 1 - irv, t: 1 },
            ...imports.map((r) => ({
              country: r.partner,
              share: irv * Number(r.share),
              t: restrictionsOnly(tByCountry.get(r.partner) ?? null),
            })),
          ];
          for (const r of imports) sources.add(r.source_id);
          const h = hhiWgiT(rows, { wgi: (c) => wgi.scores.get(c)?.score });
          sourcing = summary(
            h,
            `US sourcing: domestic 1 − IR, imports IR × USGS import-source shares`,
            imports[0]!.source_id,
            imports[0]!.period,
          );
          mix = 'GS+EU';
          notes.push(
            `US sourcing: domestic share 1 − IR = ${(1 - irv).toFixed(2)}, imports split by USGS import sources ${imports[0]!.period} (σ_c = (P_c + M←c)/(P + M) with net imports for M)`,
            ...h.assumptions,
            ...wgiAssumptions(h, wgi),
          );
        }
      }
    }
    if (mix === 'GSonly') {
      notes.push(
        `global-mix assumption: ${region} sources at the world mix of this stage (no bilateral data), so both terms are equal and SR does not depend on IR`,
      );
    }
    const factors = supplyRiskFactors({
      hhiGlobal: isUnavailable(global) ? global : global.hhiWgiT,
      hhiSourcing: isUnavailable(sourcing) ? sourcing : sourcing.hhiWgiT,
      mix,
      importReliance: ir,
      eolRir: fraction(m.eol_rir, 'EOL-RIR'),
      si: fraction(m.si_sr, 'SI_SR'),
    });
    notes.push(...factors.assumptions.filter((a) => !a.startsWith('supply mix GSonly')));
    stages.push({
      stage,
      stageName: STAGE_NAME[stage],
      material_id: materialId,
      usedByAssessment: (m.used_stage === 'extraction' ? 'E' : 'P') === stage,
      global,
      sourcing,
      factors,
      assumptions: notes,
    });
  }
  const available = stages.filter((s) => !isUnavailable(s.factors.sr));
  const best = available.sort((a, b) => (b.factors.sr as number) - (a.factors.sr as number))[0];
  stages.sort((a, b) => a.stage.localeCompare(b.stage));
  if (best) for (const a of best.assumptions) assumptions.add(`stage ${best.stage}: ${a}`);
  for (const s of stages) {
    if (isUnavailable(s.factors.sr))
      assumptions.add(`stage ${s.stage} unavailable (${s.factors.sr.unavailable}); not compared`);
  }
  return {
    material: m.material_name,
    trustmapMaterials: { E: mapping.E ?? null, P: mapping.P ?? null },
    region,
    regionMembers: [...members].sort(),
    wgiYear: wgi.requestedYear,
    stage: best?.stage ?? null,
    sr: best
      ? best.factors.sr
      : {
          unavailable: stages.length
            ? stages
                .map((s) => `${s.stage}: ${isUnavailable(s.factors.sr) ? s.factors.sr.unavailable : ''}`)
                .join('; ')
            : `${m.material_name} is assessed for the EU only (no global supply shares and no trustmap material)`,
        },
    stages,
    sources: [...sources].sort(),
    assumptions: [...assumptions],
  };
}

// ───────────────────────────── GeoPolRisk ─────────────────────────────

export interface GeoPolRiskOptions {
  /** the importing country (bilateral imports exist only for the USA) */
  importer?: string;
  /** trade year (default: the latest year with both US imports and world production) */
  year?: number;
  /** a region whose members count as internal partners (g = 0); default the importer alone */
  region?: string;
}

export interface PriceFigure {
  /** USD per kg */
  value: number;
  period: string;
  detail: string | null;
  unit: string;
  source_id: string;
  note?: string;
}

export interface GeoPolRiskReport {
  material_id: string;
  material: string;
  importer: string;
  year: number | null;
  hs_code: string | null;
  /** world-production HHI (0–1) and where it came from */
  hhi: number | Unavailable;
  hhiBasis: string | null;
  /** Σ g f / (p + F) */
  importRisk: number | Unavailable;
  score: number | Unavailable;
  /** kg Cu-eq per kg */
  cf: number | Unavailable;
  /** imports and domestic production in kg (or USD when only values exist, see assumptions) */
  quantityUnit: 'kg' | 'USD' | null;
  totalImports: number | null;
  domestic: number | null;
  price: PriceFigure | Unavailable;
  /** customs value / quantity of the same imports, USD per kg (geopolrisk-py's price basis) */
  importUnitValue: number | null;
  wgiYear: number | null;
  partners: GeoPolRiskResult['partners'];
  sources: string[];
  assumptions: string[];
}

const KG_PER: Record<string, number> = {
  kilograms: 1,
  kg: 1,
  'component kilograms': 1,
  'metric tons': 1000,
  'component tons': 1000,
  t: 1000,
  grams: 0.001,
  'component grams': 0.001,
};

/** Quantity units in order of preference when a heading reports several. */
const UNIT_PREFERENCE = [
  'component kilograms',
  'component tons',
  'kilograms',
  'metric tons',
  'component grams',
  'grams',
];

const LB = 0.45359237;

/** A USGS price in USD per kg of the material, or why not. */
export function priceToUsdPerKg(
  value: number,
  unit: string,
  detail: string | null,
): { value: number; note?: string } | undefined {
  const u = unit.toLowerCase();
  const d = (detail ?? '').toLowerCase();
  if (/metric ton unit/.test(u) || /metric ton unit/.test(d)) {
    // a metric ton unit (mtu) is 10 kg of the stated content
    const perKg = value / 10;
    if (/tungsten trioxide|wo3/.test(d)) {
      return {
        value: perKg * (231.84 / 183.84),
        note: 'USD per mtu of WO3 → USD per kg W (× 231.84/183.84)',
      };
    }
    return { value: perKg, note: 'USD per metric ton unit (10 kg of content) → USD per kg of content' };
  }
  if (u.includes('cents per pound')) return { value: value / 100 / LB };
  if (u.includes('dollars per pound')) return { value: value / LB };
  if (u.includes('dollars per kilogram')) return { value };
  if (u.includes('dollars per metric ton')) return { value: value / 1000 };
  if (u.includes('dollars per short ton')) return { value: value / 907.18474 };
  if (u.includes('dollars per troy ounce')) return { value: value / 0.0311034768 };
  if (u.includes('dollars per gram')) return { value: value * 1000 };
  return undefined;
}

async function usgsPrice(
  store: StoreOrView,
  material: Material,
  year: number,
): Promise<PriceFigure | Unavailable> {
  const rows = await store.db
    .selectFrom('statistic')
    .select(['material_id', 'period', 'detail', 'value', 'unit', 'flag', 'source_id'])
    .where('statistic', '=', 'price')
    .where((eb) => eb.or([eb('material_id', '=', material.id), eb('commodity', '=', material.commodity)]))
    .execute();
  const usable = rows.filter(
    (r) =>
      (r.material_id === null || r.material_id === material.id) &&
      r.value !== null &&
      /^\d{4}$/.test(r.period),
  );
  const years = [...new Set(usable.map((r) => Number(r.period)))].sort((a, b) => b - a);
  const pick = years.find((y) => y <= year) ?? years[years.length - 1];
  if (pick === undefined) return { unavailable: `no USGS price for ${material.commodity}` };
  const ore = material.stage === 'mine';
  const score = (d: string | null) => {
    const t = (d ?? '').toLowerCase();
    let s = 0;
    if (ore ? /ore|concentrate/.test(t) : /metal|cathode|refined|ingot/.test(t)) s += 4;
    if (/u\.s\.|united states/.test(t)) s += 2;
    if (/average unit value of imports/.test(t)) s += 1;
    return s;
  };
  const cands = usable
    .filter((r) => Number(r.period) === pick)
    .sort((a, b) => score(b.detail) - score(a.detail));
  for (const r of cands) {
    const p = priceToUsdPerKg(Number(r.value), r.unit, r.detail);
    if (!p) continue;
    const notes: string[] = [];
    if (p.note) notes.push(p.note);
    if (pick !== year) notes.push(`no ${year} price; ${pick} used`);
    if (ore && !/ore|concentrate/i.test(r.detail ?? ''))
      notes.push('price of the refined form applied to the content of ore and concentrate');
    return {
      value: p.value,
      period: r.period,
      detail: r.detail,
      unit: r.unit,
      source_id: r.source_id,
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
  }
  return {
    unavailable: `USGS price for ${material.commodity} is in a unit trustmap cannot convert (${cands[0]?.unit})`,
  };
}

/**
 * GeoPolRisk of one or more materials for an importing country (geopolrisk-py's formula and copper
 * normaliser). Bilateral imports exist only for the US, from USITC DataWeb, and only where one HS
 * heading is one material (`trade_flow.material_id`); everything else is unavailable with the reason.
 */
export async function geoPolRisk(
  store: StoreOrView,
  materialQuery: string,
  opts: GeoPolRiskOptions = {},
): Promise<GeoPolRiskReport[]> {
  const importer = (opts.importer ?? 'USA').toUpperCase();
  const materials = await resolveMaterials(store, materialQuery);
  const region = opts.region ? await regionMembers(store, opts.region) : new Set([importer]);
  const gov = await loadGovernance(store);
  const out: GeoPolRiskReport[] = [];
  for (const m of materials) out.push(await geoPolRiskOf(store, m, importer, region, gov, opts.year));
  return out;
}

/** HHI (0–1) of the EU CRM 2023 global supply shares of the stage a trustmap material maps to. */
async function euCrmGlobalHhi(
  store: StoreOrView,
  materialId: string,
): Promise<{ hhi: number; basis: string } | undefined> {
  for (const [name, stages] of Object.entries(EU_CRM_TRUSTMAP_MATERIALS)) {
    const stage = stages.E === materialId ? 'E' : stages.P === materialId ? 'P' : undefined;
    if (!stage) continue;
    const set = ((await loadShares(store)).get(key(name)) ?? []).filter(
      (r) => r.scope === 'global' && r.stage === stage,
    );
    if (!set.length) continue;
    const q = Float64Array.from(set.map((r) => r.share ?? 0));
    const hhi = hhiFraction(
      q,
      set.reduce((a, r) => a + (r.share ?? 0), 0),
    );
    if (hhi === null) continue;
    return {
      hhi,
      basis: `EU CRM 2023 global supply shares of ${name}, stage ${stage} (2016–2020; "<0.1 %" as 0)`,
    };
  }
  return undefined;
}

function emptyReport(
  m: Material,
  importer: string,
  why: string,
  extra: Partial<GeoPolRiskReport> = {},
): GeoPolRiskReport {
  const u = { unavailable: why };
  return {
    material_id: m.id,
    material: m.name,
    importer,
    year: null,
    hs_code: null,
    hhi: u,
    hhiBasis: null,
    importRisk: u,
    score: u,
    cf: u,
    quantityUnit: null,
    totalImports: null,
    domestic: null,
    price: u,
    importUnitValue: null,
    wgiYear: null,
    partners: [],
    sources: [],
    assumptions: [],
    ...extra,
  };
}

async function geoPolRiskOf(
  store: StoreOrView,
  m: Material,
  importer: string,
  region: Set<string>,
  gov: WgiEstimate[],
  requestedYear?: number,
): Promise<GeoPolRiskReport> {
  if (importer !== 'USA') {
    return emptyReport(
      m,
      importer,
      `no bilateral imports for ${importer} in the data (only the US, from USITC DataWeb)`,
    );
  }
  const flows = await viewOf(store)
    .from('trade_flow')
    .select(['exporter', 'period', 'measure', 'quantity', 'quantity_unit', 'value', 'hs_code', 'source_id'])
    .where('material_id', '=', m.id)
    .where('importer', '=', importer)
    .where('measure', 'like', 'imports_for_consumption.%')
    .execute();
  if (!flows.length) {
    return emptyReport(
      m,
      importer,
      `no HS heading maps one to one to ${m.id} in the USITC data (e.g. 8112 mixes Ga, Ge, In, V, Nb; 2836 is all carbonates)`,
    );
  }
  const hs = flows[0]!.hs_code;
  const assumptions: string[] = [];
  const sources = new Set<string>();
  // quantity rows in kg: content units for content-basis materials, gross units otherwise
  const contentBasis = m.basis !== 'gross_weight';
  const quantityRows = flows.filter(
    (f) => f.quantity_unit && KG_PER[f.quantity_unit] !== undefined && f.quantity !== null,
  );
  const preferred = quantityRows.filter((f) => f.quantity_unit!.startsWith('component') === contentBasis);
  const years = (rows: typeof flows) => new Set(rows.map((r) => Number(r.period)));
  const prodAll = await viewOf(store)
    .from('production')
    .select(['period'])
    .where('material_id', '=', m.id)
    .where('measure', '=', 'production')
    .where('quantity', '>', 0)
    .execute();
  const prodYears = new Set(prodAll.map((r) => Number(r.period)).filter(Number.isFinite));
  const pool = preferred.length ? preferred : quantityRows;
  const tradeYears = years(pool.length ? pool : flows.filter((f) => f.value !== null));
  // default: the latest year with imports, world production and WGI alike (geopolrisk-py uses one year for all)
  const lastWgi = latestWgiYear(gov) ?? Number.POSITIVE_INFINITY;
  const common = [...tradeYears].filter((y) => prodYears.has(y)).sort((a, b) => b - a);
  const tradeSorted = [...tradeYears].sort((a, b) => b - a);
  const year =
    requestedYear ??
    common.find((y) => y <= lastWgi) ??
    common[0] ??
    tradeSorted.find((y) => y <= lastWgi) ??
    tradeSorted[0]!;
  let qRows = pool.filter((f) => Number(f.period) === year);
  let unit: 'kg' | 'USD' = 'kg';
  if (pool.length && preferred.length === 0) {
    assumptions.push(
      `no ${contentBasis ? 'content' : 'gross-weight'} quantity unit in the trade data; ${pool[0]!.quantity_unit} used`,
    );
  }
  if (!qRows.length) {
    qRows = flows.filter(
      (f) => Number(f.period) === year && f.value !== null && f.measure.endsWith('customs_value_usd'),
    );
    unit = 'USD';
    if (!qRows.length)
      return emptyReport(m, importer, `no US imports of ${m.id} (HS ${hs}) recorded for ${year}`, {
        hs_code: hs,
        year,
      });
    assumptions.push(
      'no import quantities: customs values (USD) stand for the quantities; domestic production valued at the USGS price',
    );
  }
  // several unit rows per partner can exist (first and second unit, or tariff lines counted in
  // different units, e.g. copper ore content in kilograms and precious-metal content in grams):
  // keep the unit ranked first in UNIT_PREFERENCE
  const units = [...new Set(qRows.map((r) => r.quantity_unit ?? 'USD'))];
  const rank = (u: string) => {
    const i = UNIT_PREFERENCE.indexOf(u);
    return i < 0 ? UNIT_PREFERENCE.length : i;
  };
  const unitName = units.sort((a, b) => rank(a) - rank(b))[0]!;
  if (units.length > 1) {
    assumptions.push(`imports reported in ${units.join(' and ')}; only the ${unitName} lines are counted`);
  }
  qRows = qRows.filter((r) => (r.quantity_unit ?? 'USD') === unitName);
  const byPartner = new Map<string, number>();
  for (const r of qRows) {
    const q = unit === 'USD' ? Number(r.value) : Number(r.quantity) * KG_PER[r.quantity_unit!]!;
    byPartner.set(r.exporter, (byPartner.get(r.exporter) ?? 0) + q);
    sources.add(r.source_id);
  }
  assumptions.push(
    `imports of HS ${hs} from USITC DataWeb ${year} (${unitName}); only 18 partner countries are broken out, so F is the sum over those, not total US imports`,
  );
  // import unit value (geopolrisk-py's price basis)
  let importUnitValue: number | null = null;
  if (unit === 'kg') {
    // only partners with a quantity in the chosen unit, so value and quantity cover the same flows
    const values = flows.filter(
      (f) =>
        Number(f.period) === year && f.measure.endsWith('customs_value_usd') && byPartner.has(f.exporter),
    );
    const v = values.reduce((a, r) => a + Number(r.value ?? 0), 0);
    const q = [...byPartner.values()].reduce((a, b) => a + b, 0);
    if (v > 0 && q > 0) importUnitValue = v / q;
    if (units.length > 1)
      assumptions.push(
        'import unit value: customs value of every line of the heading over the counted quantity',
      );
  }
  // world production → HHI (0–1); domestic production p
  const prod = await latestProduction(store, m.id, String(year));
  let hhi: number | Unavailable;
  let hhiBasis: string | null = null;
  let domesticKg: number | null = null;
  const kgPerUnit = KG_PER[m.unit];
  if (prod) {
    sources.add(prod.source_id);
    const q = prod.rows
      .filter((r) => r.country !== AGGREGATE_CODES.other && r.quantity !== null)
      .map((r) => r.quantity!);
    hhi = hhiFraction(Float64Array.from(q), prod.total) ?? { unavailable: 'no world production' };
    hhiBasis = `USGS world production of ${m.id}, ${prod.period}`;
    if (prod.rows.some((r) => r.country === AGGREGATE_CODES.other && (r.quantity ?? 0) > 0)) {
      assumptions.push(
        '"Other countries" left out of the HHI numerator (a lower bound), as in the concentration view',
      );
    }
    const us = prod.rows.find((r) => r.country === importer);
    if (us && us.quantity === null) {
      return emptyReport(
        m,
        importer,
        `US production of ${m.id} is withheld (${us.flag ?? 'W'}) for ${year}`,
        { hs_code: hs, year },
      );
    }
    if (kgPerUnit === undefined) {
      return emptyReport(m, importer, `production unit ${m.unit} cannot be converted to kg`, {
        hs_code: hs,
        year,
      });
    }
    domesticKg = (us?.quantity ?? 0) * kgPerUnit;
    if (!us) assumptions.push(`USGS lists no US production of ${m.id} for ${year}: p = 0`);
  } else {
    const fallback = await euCrmGlobalHhi(store, m.id);
    if (fallback) {
      hhi = fallback.hhi;
      hhiBasis = fallback.basis;
      sources.add(EU_CRM_SOURCE_ID);
      domesticKg = 0;
      assumptions.push(
        `no world production of ${m.id} for ${year}: HHI from the ${fallback.basis}`,
        `no US production figure for ${m.id}: p = 0 (GeoPolRisk is then an upper bound)`,
      );
    } else hhi = { unavailable: `no world production of ${m.id} for ${year} in the data` };
  }
  const price = await usgsPrice(store, m, year);
  if (!isUnavailable(price)) sources.add(price.source_id);
  let domestic = domesticKg;
  if (unit === 'USD' && domesticKg !== null) {
    if (domesticKg === 0) domestic = 0;
    else if (!isUnavailable(price)) domestic = domesticKg * price.value;
    else {
      return emptyReport(m, importer, 'import values only and no price to value domestic production', {
        hs_code: hs,
        year,
      });
    }
  }
  const wgiYear = Math.min(year, lastWgi);
  const ps = politicalInstabilityTable(gov, wgiYear);
  if (wgiYear !== year) assumptions.push(`no WGI for ${year}; Political Stability ${wgiYear} used`);
  sources.add('worldbank-wgi-2024');
  const imports = [...byPartner].map(([partner, quantity]) => ({
    partner,
    quantity,
    g: ps.scores.get(partner)?.score ?? null,
  }));
  if (isUnavailable(hhi) || domestic === null) {
    return emptyReport(m, importer, isUnavailable(hhi) ? hhi.unavailable : 'domestic production unknown', {
      hs_code: hs,
      year,
      quantityUnit: unit,
      totalImports: imports.reduce((a, r) => a + r.quantity, 0),
      importUnitValue,
      price,
      sources: [...sources].sort(),
      assumptions,
    });
  }
  const r = geoPolRiskEngine({
    hhi,
    imports,
    domestic,
    price: isUnavailable(price) ? null : price.value,
    region,
  });
  if (isUnavailable(price)) r.cf = price;
  return {
    material_id: m.id,
    material: m.name,
    importer,
    year,
    hs_code: hs,
    hhi,
    hhiBasis,
    importRisk: r.importRisk,
    score: r.score,
    cf: r.cf,
    quantityUnit: unit,
    totalImports: r.totalImports,
    domestic: r.domestic,
    price,
    importUnitValue,
    wgiYear,
    partners: r.partners,
    sources: [...sources].sort(),
    assumptions: [...assumptions, ...r.assumptions],
  };
}
