import { type Concentration, concentration } from '../engine/analytics/concentration.js';
import type { Material, Measure, Source } from '../model/index.js';
import { productionOf, regionMembers, resolveMaterials } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { viewOf } from '../store/scoped-repository.js';
import { fromStored } from '../store/stored-row.js';

/** Everything `trustmap show` (and the API's material endpoint) says about one material. */
export interface MaterialReport {
  material: Material;
  /** per measure and period, newest edition first: shares, HHI, top producers */
  concentration: (Concentration & { measure: Measure; period: string; unit: string; source_id: string })[];
  /** for APIs: active Type II DMF holders by country */
  dmf: DmfSummary | null;
  /** current FDA shortages of this substance (openFDA snapshot) */
  shortages: { generic_name: string; status: string; availability: string | null; snapshot_date: string }[];
  /** what it is made from (recipes, quantities in the input's basis) */
  inputs: {
    id: string;
    name: string;
    stage: string;
    quantity: number | null;
    unit: string;
    essential: boolean;
    substitute_group: string | null;
    illustrative: boolean;
    note: string | null;
  }[];
  /** what it is an input of */
  usedIn: { id: string; name: string; stage: string }[];
  /** published import-source shares (USGS: US imports 2021–24) */
  importSources: {
    importer: string;
    partner: string;
    period: string;
    share: number;
    detail: string | null;
    source_id: string;
  }[];
  /** published statistics for the US (net import reliance, consumption…) */
  statistics: {
    statistic: string;
    detail: string | null;
    period: string;
    value: number | null;
    unit: string;
    flag: string | null;
  }[];
  sources: Source[];
  assumptions: string[];
}

export interface DmfSummary {
  substance: string[];
  holders: number;
  byCountry: { country: string; holders: number }[];
  multiCountry: { holder: string; countries: string[] }[];
  unknownCountry: number;
  holderList: { holder: string; country_status: string; countries: string[]; dmfs: number[] }[];
  note: string;
}

export interface ReportOptions {
  concern?: string;
  region?: string;
}

export async function materialReports(
  store: StoreOrView,
  query: string,
  opts: ReportOptions = {},
): Promise<MaterialReport[]> {
  const materials = await resolveMaterials(store, query);
  const region = opts.region
    ? { code: opts.region.toUpperCase(), members: await regionMembers(store, opts.region) }
    : undefined;
  const out: MaterialReport[] = [];
  for (const m of materials)
    out.push(await materialReport(store, m, { concern: opts.concern ?? 'CHN', region }));
  return out;
}

async function materialReport(
  store: StoreOrView,
  m: Material,
  opts: { concern: string; region?: { code: string; members: Set<string> } },
): Promise<MaterialReport> {
  const rows = await productionOf(store, m.id);
  const sourceIds = new Set<string>([m.source_id]);
  const assumptions = new Set<string>();
  if (m.illustrative) assumptions.add(`${m.id} is an illustrative record`);

  // group by (measure, period); keep the newest edition of each, and an organisation's own rows
  // beside it (read-view.ts)
  const groups = new Map<string, typeof rows>();
  const own = new Map<string, typeof rows>();
  for (const r of rows) {
    if (r.facility_id) continue;
    const k = `${r.measure}|${r.period}`;
    if (r.own) {
      own.set(k, [...(own.get(k) ?? []), r]);
      continue;
    }
    const g = groups.get(k);
    if (!g) groups.set(k, [r]);
    else if (r.source_year > g[0]!.source_year) groups.set(k, [r]);
    else if (r.source_year === g[0]!.source_year && r.source_id === g[0]!.source_id) g.push(r);
  }
  for (const [k, o] of own) groups.set(k, [...(groups.get(k) ?? []), ...o]);
  const conc: MaterialReport['concentration'] = [];
  for (const [k, g] of groups) {
    const [measure, period] = k.split('|') as [Measure, string];
    const c = concentration(g, { concern: opts.concern, ...(opts.region ? { region: opts.region } : {}) });
    for (const s of c.sources) sourceIds.add(s);
    for (const a of c.assumptions) assumptions.add(`${measure} ${period}: ${a}`);
    if (g.some((r) => r.illustrative)) assumptions.add(`${measure} ${period}: illustrative figures`);
    conc.push({ ...c, measure, period, unit: g[0]!.unit, source_id: g[0]!.source_id });
  }
  const order: Record<Measure, number> = { production: 0, capacity: 1, reserves: 2 };
  conc.sort((a, b) => order[a.measure] - order[b.measure] || b.period.localeCompare(a.period));

  const dmf = m.stage === 'api' ? await dmfSummary(store, m) : null;
  if (dmf) {
    for (const s of ['fda-dmf-2025q2', 'fda-decrs-2025']) sourceIds.add(s);
    assumptions.add(
      'DMF holder counts are not capacity: they say who may supply the US market, not how much',
    );
  }
  const names = substanceNames(m);
  const shortageRows = names.length
    ? await store.db
        .selectFrom('shortage')
        .select(['generic_name', 'status', 'availability', 'snapshot_date', 'source_id'])
        .where('substance', 'in', names)
        .execute()
    : [];
  for (const s of shortageRows) sourceIds.add(s.source_id);
  const stats = await store.db
    .selectFrom('statistic')
    .selectAll()
    .where((eb) => eb.or([eb('material_id', '=', m.id), eb('commodity', '=', m.commodity)]))
    .orderBy('period', 'desc')
    .execute();
  for (const s of stats) sourceIds.add(s.source_id);
  const recipeRows = await viewOf(store)
    .from('recipe')
    .innerJoin(viewOf(store).from('material').selectAll().as('material'), 'material.id', 'recipe.input_id')
    .select([
      'recipe.input_id',
      'material.name',
      'material.stage',
      'material.unit',
      'recipe.quantity',
      'recipe.essential',
      'recipe.substitute_group',
      'recipe.illustrative',
      'recipe.note',
      'recipe.source_id',
    ])
    .where('recipe.output_id', '=', m.id)
    .orderBy('recipe.input_id')
    .execute();
  for (const r of recipeRows) {
    sourceIds.add(r.source_id);
    if (r.illustrative)
      assumptions.add(
        `recipe ${m.id} ← ${r.input_id} is illustrative${r.quantity === null ? ' (quantity unknown)' : ''}`,
      );
  }
  const usedIn = await viewOf(store)
    .from('recipe')
    .innerJoin(viewOf(store).from('material').selectAll().as('material'), 'material.id', 'recipe.output_id')
    .select(['material.id', 'material.name', 'material.stage'])
    .where('recipe.input_id', '=', m.id)
    .orderBy('material.id')
    .execute();
  const imports = await viewOf(store)
    .from('sourcing_share')
    .select(['importer', 'partner', 'period', 'share', 'detail', 'source_id'])
    .where('material_id', '=', m.id)
    .orderBy('share', 'desc')
    .execute();
  for (const r of imports) sourceIds.add(r.source_id);
  const sources = await viewOf(store)
    .from('source')
    .selectAll()
    .where('id', 'in', [...sourceIds])
    .execute();
  return {
    material: m,
    concentration: conc,
    dmf,
    inputs: recipeRows.map((r) => ({
      id: r.input_id,
      name: r.name,
      stage: r.stage,
      quantity: r.quantity,
      unit: `kg per kg of ${m.name}`,
      essential: r.essential === 1,
      substitute_group: r.substitute_group,
      illustrative: r.illustrative === 1,
      note: r.note,
    })),
    usedIn,
    importSources: imports,
    shortages: shortageRows.map(({ source_id: _, ...r }) => r),
    statistics: stats.map((s) => ({
      statistic: s.statistic,
      detail: s.detail,
      period: s.period,
      value: s.value,
      unit: s.unit,
      flag: s.flag,
    })),
    sources: sources.map((s) => fromStored<Source>('source', s)),
    assumptions: [...assumptions],
  };
}

/** Upper-case names a substance may be listed under in FDA files (name and synonyms). */
export function substanceNames(m: Material): string[] {
  return [...new Set([m.name, ...m.synonyms].map((s) => s.toUpperCase().trim()))];
}

/** Active Type II DMF holders of an API, by country (the public context of an organisation portfolio too). */
export async function dmfSummary(store: StoreOrView, m: Material): Promise<DmfSummary | null> {
  const names = substanceNames(m);
  const dmfs = await store.db
    .selectFrom('dmf')
    .select(['dmf_number', 'holder_key', 'holder', 'substance'])
    .where('status', '=', 'A')
    .where('type', '=', 'II')
    .where('substance', 'in', names)
    .execute();
  if (dmfs.length === 0) return null;
  const keys = [...new Set(dmfs.map((d) => d.holder_key))];
  const holders = await store.db
    .selectFrom('dmf_holder')
    .selectAll()
    .where('holder_key', 'in', keys)
    .execute();
  const hBy = new Map(holders.map((h) => [h.holder_key, h]));
  const per = new Map<
    string,
    { holder: string; country_status: string; countries: string[]; dmfs: number[] }
  >();
  for (const d of dmfs) {
    const h = hBy.get(d.holder_key);
    let e = per.get(d.holder_key);
    if (!e) {
      e = {
        holder: h?.holder ?? d.holder,
        country_status: h?.country_status ?? 'unknown',
        countries: h ? (JSON.parse(h.countries) as string[]) : [],
        dmfs: [],
      };
      per.set(d.holder_key, e);
    }
    e.dmfs.push(d.dmf_number);
  }
  const list = [...per.values()].sort((a, b) => a.holder.localeCompare(b.holder));
  const byCountry = new Map<string, number>();
  for (const h of list)
    if (h.country_status === 'single')
      byCountry.set(h.countries[0]!, (byCountry.get(h.countries[0]!) ?? 0) + 1);
  return {
    substance: [...new Set(dmfs.map((d) => d.substance!))],
    holders: list.length,
    byCountry: [...byCountry]
      .map(([country, n]) => ({ country, holders: n }))
      .sort((a, b) => b.holders - a.holders || a.country.localeCompare(b.country)),
    multiCountry: list
      .filter((h) => h.country_status === 'multi')
      .map((h) => ({ holder: h.holder, countries: h.countries })),
    unknownCountry: list.filter((h) => h.country_status === 'unknown').length,
    holderList: list,
    note: 'independent holders of active Type II DMFs; a holder with API sites in several countries is counted once, as multi-country',
  };
}
