import type { Material, Production, Source } from '../model/index.js';
import { NotFoundError } from '../model/index.js';
import type { StoreOrView } from './read-view.js';
import { viewOf } from './scoped-repository.js';
import { newestEditions } from './snapshot-loader.js';
import { fromStored } from './stored-row.js';

/**
 * Read-side queries shared by the CLI and the HTTP API, on a view's rows (read-view.ts): a store
 * stands for its public view; `orgRepository(…).view()` overlays an organisation's rows.
 */
export async function listMaterials(
  source: StoreOrView,
  filter: { stage?: string; commodity?: string } = {},
): Promise<Material[]> {
  let q = viewOf(source).from('material').selectAll();
  if (filter.stage) q = q.where('stage', '=', filter.stage as Material['stage']);
  if (filter.commodity) q = q.where('commodity', '=', filter.commodity);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => fromStored<Material>('material', r));
}

/** The sources a view sees (public, and the organisation's own), with how many of its rows cite each. */
export async function listSources(source: StoreOrView): Promise<(Source & { records: number })[]> {
  const view = viewOf(source);
  const store = view.store;
  const rows = await view.from('source').selectAll().orderBy('id').execute();
  const counts = new Map<string, number>();
  const count = async (t: 'production' | 'recipe' | 'trade_flow' | 'sourcing_share' | 'material') => {
    const c = await view
      .from(t)
      .select(['source_id', (eb) => eb.fn.countAll().as('n')])
      .groupBy('source_id')
      .execute();
    for (const r of c) counts.set(r.source_id, (counts.get(r.source_id) ?? 0) + Number(r.n));
  };
  for (const t of ['production', 'recipe', 'trade_flow', 'sourcing_share', 'material'] as const)
    await count(t);
  for (const t of [
    'statistic',
    'governance',
    'dmf',
    'establishment',
    'shortage',
    'published_fact',
    'eu_crm_supply_share',
  ] as const) {
    const c = await store.db
      .selectFrom(t)
      .select(['source_id', (eb) => eb.fn.countAll().as('n')])
      .groupBy('source_id')
      .execute();
    for (const r of c) counts.set(r.source_id, (counts.get(r.source_id) ?? 0) + Number(r.n));
  }
  return rows.map((r) => ({ ...fromStored<Source>('source', r), records: counts.get(r.id) ?? 0 }));
}

export async function listCountries(
  source: StoreOrView,
): Promise<{ iso3: string; name: string; kind: string; regions: string[] }[]> {
  const store = viewOf(source).store;
  const [countries, members] = await Promise.all([
    store.db.selectFrom('country').select(['iso3', 'name', 'kind']).orderBy('iso3').execute(),
    store.db.selectFrom('region_member').select(['region', 'iso3']).execute(),
  ]);
  const by = new Map<string, string[]>();
  for (const m of members) {
    const list = by.get(m.iso3) ?? [];
    list.push(m.region);
    by.set(m.iso3, list);
  }
  return countries.map((c) => ({ ...c, regions: (by.get(c.iso3) ?? []).sort() }));
}

/**
 * Members of a region: a region code in the store (TRUST, QUAD, EU27, MSP or user-imported), a
 * single country, or an ad-hoc comma-separated list of ISO3 codes ("USA,IND,JPN").
 */
export async function regionMembers(source: StoreOrView, code: string): Promise<Set<string>> {
  const store = viewOf(source).store;
  if (code.includes(',')) {
    const list = code
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    const known = await store.db.selectFrom('country').select('iso3').where('iso3', 'in', list).execute();
    const have = new Set(known.map((k) => k.iso3));
    const bad = list.filter((c) => !have.has(c));
    if (bad.length) throw new NotFoundError('country', bad.join(', '));
    return new Set(list);
  }
  const rows = await store.db
    .selectFrom('region_member')
    .select('iso3')
    .where('region', '=', code.toUpperCase())
    .execute();
  if (rows.length === 0) {
    // a single country is a region of one
    const c = await store.db
      .selectFrom('country')
      .select('iso3')
      .where('iso3', '=', code.toUpperCase())
      .executeTakeFirst();
    if (c) return new Set([c.iso3]);
    const regions = await store.db.selectFrom('region').select('code').execute();
    throw new NotFoundError(
      'region',
      code,
      regions.map((r) => r.code),
    );
  }
  return new Set(rows.map((r) => r.iso3));
}

function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Finds the materials a user means: an exact id, a commodity (all its stages), a name or a
 * synonym (acetaminophen → paracetamol), case-insensitive. Throws NotFoundError with suggestions.
 */
export async function resolveMaterials(source: StoreOrView, query: string): Promise<Material[]> {
  const all = await listMaterials(source);
  const q = norm(query);
  const exact = all.filter((m) => m.id === query.toLowerCase());
  if (exact.length) return exact;
  const byCommodity = all.filter((m) => norm(m.commodity) === q);
  if (byCommodity.length) return byCommodity;
  const byName = all.filter((m) => norm(m.name) === q || m.synonyms.some((s) => norm(s) === q));
  if (byName.length) return byName;
  const partial = all.filter((m) => norm(m.id).includes(q) || norm(m.name).includes(q));
  if (partial.length && partial.length <= 3) return partial;
  throw new NotFoundError(
    'material',
    query,
    (partial.length ? partial : all.filter((m) => norm(m.id).startsWith(q.slice(0, 3)))).map((m) => m.id),
  );
}

/** A material's production rows; `own` marks an organisation's rows in its view. */
export async function productionOf(
  source: StoreOrView,
  materialId: string,
): Promise<(Production & { source_year: number; own: boolean })[]> {
  const view = viewOf(source);
  const rows = await view
    .from('production')
    .innerJoin('source', 'source.id', 'production.source_id')
    .selectAll('production')
    .select(['source.year as source_year', view.own('production')])
    .where('material_id', '=', materialId)
    .execute();
  return rows.map((r) => ({
    ...fromStored<Production>('production', r),
    source_year: r.source_year,
    own: Number(r.own) === 1,
  }));
}

export interface ProductionFigureRow {
  material_id: string;
  country: string;
  period: string;
  quantity: number | null;
  flag: string | null;
  source_id: string;
  /** publication year of the source (the edition) */
  edition: number;
  /** 1 for an organisation's own row (in its view), else 0 */
  own: number;
}

/**
 * Country-level production figures of each material for its newest calendar year, from the newest
 * public edition that covers that year (USGS MCS 2023, 2024 and 2026 overlap), with an
 * organisation's own rows of that year beside them in its view.
 */
export async function newestProductionByMaterial(
  source: StoreOrView,
): Promise<Map<string, ProductionFigureRow[]>> {
  const view = viewOf(source);
  const prod = await view
    .from('production')
    .innerJoin('source', 'source.id', 'production.source_id')
    .select([
      'material_id',
      'country',
      'period',
      'quantity',
      'flag',
      'source_id',
      'source.year as edition',
      view.own('production'),
    ])
    .where('measure', '=', 'production')
    .where('facility_id', 'is', null)
    .execute();
  const byMat = new Map<string, ProductionFigureRow[]>();
  for (const raw of prod) {
    const r = { ...raw, edition: Number(raw.edition), own: Number(raw.own) };
    if (!/^\d{4}$/.test(r.period)) continue;
    const list = byMat.get(r.material_id);
    if (list) list.push(r);
    else byMat.set(r.material_id, [r]);
  }
  const out = new Map<string, ProductionFigureRow[]>();
  for (const [id, rows] of byMat) {
    let year = '0000';
    for (const r of rows) if (r.period > year) year = r.period;
    const ofYear = rows.filter((r) => r.period === year);
    const editions = new Map(ofYear.map((r) => [r.source_id, r.edition]));
    out.set(
      id,
      newestEditions(ofYear, (s) => editions.get(s) ?? 0),
    );
  }
  return out;
}
