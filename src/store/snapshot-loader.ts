import { buildSnapshot, type NetworkSnapshot } from '../engine/network/index.js';
import type { Material, Production, Recipe } from '../model/index.js';
import { AGGREGATE_CODES } from '../model/index.js';
import type { StoreOrView } from './read-view.js';
import { viewOf } from './scoped-repository.js';
import type { Store } from './store.js';
import { fromStored } from './stored-row.js';

export async function dataVersion(store: Store): Promise<string> {
  const row = await store.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'data_version')
    .executeTakeFirst();
  return row?.value ?? 'empty';
}

/**
 * Keeps, of the public rows of each (material, year), those of the newest edition (sources compared
 * by publication year), and every own row of an organisation's view: its rows join the public
 * edition the snapshot picks instead of competing with it (docs/org-data.md).
 */
export function newestEditions<
  R extends { material_id: string; period: string; source_id: string; own: number | string },
>(rows: readonly R[], sourceYear: (id: string) => number, counts: (r: R) => boolean = () => true): R[] {
  const best = new Map<string, number>();
  const key = (r: R) => `${r.material_id}|${r.period}`;
  for (const r of rows) {
    if (Number(r.own) || !counts(r)) continue;
    const ed = sourceYear(r.source_id);
    const k = key(r);
    if ((best.get(k) ?? Number.NEGATIVE_INFINITY) < ed) best.set(k, ed);
  }
  return rows.filter((r) => Number(r.own) || !counts(r) || sourceYear(r.source_id) === best.get(key(r)));
}

/**
 * Loads one year's network into the engine's compact form from a view's rows: the public base
 * data, or the public data overlaid with one organisation's rows (`orgRepository(…).view()`).
 */
export async function loadSnapshot(source: StoreOrView, year: number): Promise<NetworkSnapshot> {
  const view = viewOf(source);
  const [materials, production, recipes, sources, dv] = await Promise.all([
    view.from('material').selectAll().execute(),
    view
      .from('production')
      .selectAll()
      .select(view.own('production'))
      .where('measure', 'in', ['production', 'capacity'])
      .execute(),
    view.from('recipe').selectAll().execute(),
    view.from('source').select(['id', 'year']).execute(),
    view.dataVersion(),
  ]);
  const sourceYear = new Map(sources.map((s) => [s.id, Number(s.year)]));
  const yearOfSource = (id: string) => sourceYear.get(id) ?? 0;
  const counted = (r: { country: string; facility_id: string | null; period: string }) =>
    r.country !== AGGREGATE_CODES.world && !r.facility_id && /^\d{4}$/.test(r.period);
  const pick = (measure: string) =>
    newestEditions(
      production.filter((r) => r.measure === measure),
      yearOfSource,
      counted,
    ).map((r) => {
      const { own: _own, ...row } = r;
      return fromStored<Production>('production', row);
    });
  return buildSnapshot(
    {
      year,
      dataVersion: dv,
      materials: materials.map((r) => fromStored<Material>('material', r)),
      production: pick('production'),
      capacity: pick('capacity'),
      recipes: recipes.map((r) => fromStored<Recipe>('recipe', r)),
    },
    // editions are chosen above, per year; the engine then picks the newest year per material
    () => 0,
  );
}
