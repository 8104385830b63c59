import { afterEach, describe, expect, it } from 'vitest';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { referenceBatch } from './reference.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('reference data', () => {
  it('loads every ISO country, the aggregates and the four named regions', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const n = await store.db
      .selectFrom('country')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(250 + 3);
    const trust = await store.db
      .selectFrom('region_member')
      .select('iso3')
      .where('region', '=', 'TRUST')
      .orderBy('iso3')
      .execute();
    expect(trust.map((r) => r.iso3)).toEqual(['IND', 'USA']);
    const eu = await store.db
      .selectFrom('region_member')
      .select('iso3')
      .where('region', '=', 'EU27')
      .execute();
    expect(eu).toHaveLength(27);
  });

  it('replaces instead of duplicating when imported twice', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    await applyBatch(store, referenceBatch());
    const n = await store.db
      .selectFrom('region_member')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2 + 4 + 27 + 14);
  });
});
