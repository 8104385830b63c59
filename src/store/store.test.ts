import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/helpers/stores.js';
import { BatchBuilder } from '../importers/batch.js';
import { referenceBatch } from '../importers/reference.js';
import { ENTITIES, ENTITY_ORDER, entityColumns, ValidationError } from '../model/index.js';
import { applyBatch } from './apply-batch.js';
import { contentChecksum, countRows } from './checksum.js';
import { TABLES } from './migrations/001-initial.js';
import type { Store } from './store.js';
import { fromStored } from './stored-row.js';

const TRICKY = 'quote " comma , newline \n tab \t backslash \\ unicode – Côte d’Ivoire 中国';

function batchWith(materials: number, opts: { source?: string; badCountryAt?: number } = {}) {
  const source = opts.source ?? 'test-source';
  const b = new BatchBuilder('test', 'test.csv');
  b.source({
    id: source,
    publisher: 'trustmap tests',
    title: TRICKY,
    year: 2026,
    url: null,
    file: null,
    licence: 'CC0',
    note: null,
  });
  for (let i = 0; i < materials; i++) {
    b.add(
      'material',
      {
        id: `m${i}.refined`,
        name: i === 0 ? TRICKY : `Material ${i}`,
        commodity: `m${i}`,
        stage: 'refined',
        basis: 'element_content',
        unit: 't',
        hs_codes: ['2825'],
        tags: ['a', 'b; c'],
        synonyms: [],
        source_id: source,
        illustrative: i % 2 === 1,
      },
      { file: 'material.csv', row: i + 2 },
    );
    b.add(
      'production',
      {
        material_id: `m${i}.refined`,
        country: opts.badCountryAt === i ? 'QQQ' : i % 3 === 0 ? 'CHN' : 'IND',
        period: '2025',
        measure: 'production',
        quantity: i === 2 ? null : i * 1.5,
        flag: i === 2 ? 'W' : null,
        unit: 't',
        source_id: source,
      },
      { file: 'production.csv', row: i + 2 },
    );
  }
  return b.build();
}

for (const dialect of testDialects()) {
  describe(`store on ${dialect.name}`, () => {
    let store: Store;
    afterEach(async () => {
      await store?.close();
    });

    it('creates one table per entity with exactly the model’s fields', async () => {
      store = await dialect.open();
      for (const entity of ENTITY_ORDER) {
        const def = ENTITIES[entity];
        expect(
          TABLES[def.table]!.map((c) => c[0]),
          entity,
        ).toEqual(entityColumns(def));
      }
      const tables = await store.db.introspection.getTables();
      const names = new Set(tables.map((t) => t.name));
      for (const entity of ENTITY_ORDER) expect(names.has(ENTITIES[entity].table), entity).toBe(true);
    });

    it('bulk-writes rows that read back identical, with arrays, booleans, nulls and awkward text', async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      const res = await applyBatch(store, batchWith(500));
      expect(res.inserted.material).toBe(500);
      expect(res.inserted.production).toBe(500);
      const m0 = await store.db
        .selectFrom('material')
        .selectAll()
        .where('id', '=', 'm0.refined')
        .executeTakeFirstOrThrow();
      expect(fromStored('material', m0)).toMatchObject({
        name: TRICKY,
        tags: ['a', 'b; c'],
        hs_codes: ['2825'],
        illustrative: false,
      });
      const m1 = await store.db
        .selectFrom('material')
        .selectAll()
        .where('id', '=', 'm1.refined')
        .executeTakeFirstOrThrow();
      expect(fromStored('material', m1)).toMatchObject({ illustrative: true });
      const p2 = await store.db
        .selectFrom('production')
        .selectAll()
        .where('material_id', '=', 'm2.refined')
        .executeTakeFirstOrThrow();
      expect(p2.quantity).toBeNull();
      expect(p2.flag).toBe('W');
      const p3 = await store.db
        .selectFrom('production')
        .selectAll()
        .where('material_id', '=', 'm3.refined')
        .executeTakeFirstOrThrow();
      expect(p3.quantity).toBe(4.5);
      expect(typeof p3.quantity).toBe('number');
    });

    it('rolls back everything when a transaction throws', async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      const before = await contentChecksum(store);
      await expect(
        store.transaction(async (tx) => {
          await tx.bulk.write(
            'region',
            ['code', 'name', 'source_id', 'illustrative', 'note'],
            [['ZZ', 'x', 'iso-3166-1', 0, null]],
          );
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const after = await contentChecksum(store);
      expect(after.sha256).toBe(before.sha256);
    });

    it('rejects a batch with an unknown country and leaves the store exactly as it was', async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      await applyBatch(store, batchWith(10));
      const before = await contentChecksum(store);
      const err = await applyBatch(store, batchWith(10, { badCountryAt: 7 })).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues[0]).toMatchObject({
        file: 'production.csv',
        row: 9,
        column: 'country',
      });
      expect((await contentChecksum(store)).sha256).toBe(before.sha256);
    });

    it('replaces a source’s records on re-import and keeps other sources', async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      await applyBatch(store, batchWith(20));
      await applyBatch(store, batchWith(5));
      expect(await countRows(store, 'production')).toBe(5);
      expect(await countRows(store, 'country')).toBe(253);
    });

    it('refuses to remove a material another source still refers to', async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      await applyBatch(store, batchWith(3));
      const b = new BatchBuilder('test', 'other.csv');
      b.source({
        id: 'other',
        publisher: 'p',
        title: 't',
        year: 2026,
        url: null,
        file: null,
        licence: 'CC0',
        note: null,
      });
      b.add(
        'production',
        {
          material_id: 'm2.refined',
          country: 'USA',
          period: '2024',
          measure: 'production',
          quantity: 1,
          unit: 't',
          source_id: 'other',
        },
        { file: 'other.csv', row: 2 },
      );
      await applyBatch(store, b.build());
      const before = await contentChecksum(store);
      const err = await applyBatch(store, batchWith(2)).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(String(err.message)).toMatch(/source "other" refer to material "m2\.refined"/);
      expect((await contentChecksum(store)).sha256).toBe(before.sha256);
    });

    it('records a data version that changes with every import', async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      const v1 = await store.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', 'data_version')
        .executeTakeFirstOrThrow();
      await applyBatch(store, batchWith(2));
      const v2 = await store.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', 'data_version')
        .executeTakeFirstOrThrow();
      expect(v2.value).not.toBe(v1.value);
      const log = await store.db
        .selectFrom('import_log')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(log.n)).toBe(2);
    });
  });
}

describe('dialects agree', () => {
  const dialects = testDialects();
  it.runIf(dialects.length > 1)(
    'gives the same content checksum on SQLite and PostgreSQL for the same imports',
    async () => {
      const sums: string[] = [];
      for (const d of dialects) {
        const s = await d.open();
        await applyBatch(s, referenceBatch());
        await applyBatch(s, batchWith(300));
        sums.push((await contentChecksum(s)).sha256);
        await s.close();
      }
      expect(sums[1]).toBe(sums[0]);
    },
  );
});
