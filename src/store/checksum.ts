import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { ENTITIES, ENTITY_ORDER, type EntityName, entityColumns } from '../model/index.js';
import type { Store } from './store.js';

/**
 * Row counts and a SHA-256 over every entity table's content (rows in a canonical order, row ids
 * excluded): two stores with the same records have the same checksum, whatever the dialect.
 */
export async function contentChecksum(
  store: Store,
): Promise<{ counts: Record<EntityName, number>; sha256: string }> {
  const hash = createHash('sha256');
  const counts = {} as Record<EntityName, number>;
  for (const entity of ENTITY_ORDER) {
    const def = ENTITIES[entity];
    const cols = entityColumns(def);
    const withOrg = def.orgScoped ? [...cols, 'org_id'] : cols;
    const rows = await store.db
      .selectFrom(def.table as 'production')
      .select(withOrg.map((c) => sql.ref(c).as(c)) as never)
      .execute();
    const lines = rows.map((r) =>
      JSON.stringify(withOrg.map((c) => (r as Record<string, unknown>)[c] ?? null)),
    );
    lines.sort();
    counts[entity] = lines.length;
    hash.update(`${entity}\n`);
    for (const l of lines) hash.update(l + '\n');
  }
  return { counts, sha256: hash.digest('hex') };
}

export async function countRows(store: Store, table: EntityName): Promise<number> {
  const r = await store.db
    .selectFrom(ENTITIES[table].table as 'production')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
