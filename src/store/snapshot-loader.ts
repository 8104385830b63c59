import { buildSnapshot, type NetworkSnapshot } from '../engine/network/index.js';
import type { Material, Production, Recipe } from '../model/index.js';
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
 * Loads one year's network into the engine's compact form: the public base data, overlaid with
 * one organisation's rows when `orgId` is given.
 */
export async function loadSnapshot(
  store: Store,
  year: number,
  opts: { orgId?: string | null } = {},
): Promise<NetworkSnapshot> {
  const orgId = opts.orgId ?? null;
  const visible = (org: string | null | undefined) => org === null || org === undefined || org === orgId;
  const [materials, production, recipes, sources] = await Promise.all([
    store.db.selectFrom('material').selectAll().execute(),
    store.db
      .selectFrom('production')
      .selectAll()
      .where('measure', 'in', ['production', 'capacity'])
      .execute(),
    store.db.selectFrom('recipe').selectAll().execute(),
    store.db.selectFrom('source').select(['id', 'year']).execute(),
  ]);
  const sourceYear = new Map(sources.map((s) => [s.id, s.year]));
  const prod = production
    .filter((r) => visible(r.org_id))
    .map((r) => fromStored<Production>('production', r));
  return buildSnapshot(
    {
      year,
      dataVersion: await dataVersion(store),
      materials: materials.filter((r) => visible(r.org_id)).map((r) => fromStored<Material>('material', r)),
      production: prod.filter((r) => r.measure === 'production'),
      capacity: prod.filter((r) => r.measure === 'capacity'),
      recipes: recipes.filter((r) => visible(r.org_id)).map((r) => fromStored<Recipe>('recipe', r)),
    },
    (id) => sourceYear.get(id) ?? 0,
  );
}
