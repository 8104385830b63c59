import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchBuilder } from '../../importers/batch.js';
import { referenceBatch } from '../../importers/reference.js';
import { applyBatch } from '../../store/apply-batch.js';
import { loadSnapshot } from '../../store/snapshot-loader.js';
import { openSqliteStore } from '../../store/sqlite.js';
import type { Store } from '../../store/store.js';
import { snapshotRecords, UNKNOWN_LOCATION } from './snapshot.js';

/**
 * Round trip store → snapshot → `snapshotRecords`: the records a snapshot holds must be exactly the
 * store's rows for that year — per material the newest year not after it, from the newest edition,
 * country rows only ("World total" and facility rows left out).
 */
let store: Store;
const loc = { file: 'snapshot.test.ts' };

beforeAll(async () => {
  store = await openSqliteStore(':memory:');
  await applyBatch(store, referenceBatch());
  const b = new BatchBuilder('test', 'snapshot-test');
  for (const [id, year] of [
    ['ed-2024', 2024],
    ['ed-2026', 2026],
  ] as const)
    b.source(
      { id, publisher: 'tests', title: id, year, url: null, file: null, licence: 'CC0', note: null },
      loc,
    );
  for (const [id, stage] of [
    ['m1.refined', 'refined'],
    ['m2.mine', 'mine'],
    ['m3.chemical', 'chemical'],
  ] as const)
    b.add(
      'material',
      {
        id,
        name: id,
        commodity: id.split('.')[0],
        stage,
        basis: 'gross_weight',
        unit: 't',
        source_id: 'ed-2024',
      },
      loc,
    );
  const rows: [string, string, string, number | null, string, string?][] = [
    ['m1.refined', 'CHN', '2023', 10, 'ed-2024'],
    ['m1.refined', 'USA', '2023', 5, 'ed-2024'],
    ['m1.refined', 'CHN', '2024', 11, 'ed-2024'],
    ['m1.refined', 'USA', '2024', null, 'ed-2024', 'W'],
    // the 2026 edition revises 2024: it wins for 2024
    ['m1.refined', 'CHN', '2024', 12, 'ed-2026'],
    ['m1.refined', 'USA', '2024', 6, 'ed-2026'],
    ['m1.refined', 'XOT', '2024', 1, 'ed-2026'],
    ['m1.refined', 'WLD', '2024', 19, 'ed-2026'],
    ['m1.refined', 'CHN', '2025', 13, 'ed-2026'],
    ['m1.refined', 'USA', '2025', null, 'ed-2026', 'W'],
    ['m2.mine', 'AUS', '2022', 3, 'ed-2024'],
  ];
  for (const [material_id, country, period, quantity, source_id, flag] of rows)
    b.add(
      'production',
      {
        material_id,
        country,
        period,
        measure: 'production',
        quantity,
        flag: flag ?? null,
        unit: 't',
        source_id,
      },
      loc,
    );
  b.add(
    'production',
    {
      material_id: 'm1.refined',
      country: 'CHN',
      period: '2025',
      measure: 'capacity',
      quantity: 20,
      unit: 't',
      source_id: 'ed-2026',
    },
    loc,
  );
  b.add('recipe', { output_id: 'm1.refined', input_id: 'm2.mine', quantity: 2.5, source_id: 'ed-2024' }, loc);
  b.add(
    'recipe',
    {
      output_id: 'm3.chemical',
      input_id: 'm1.refined',
      essential: false,
      source_id: 'ed-2024',
    },
    loc,
  );
  await applyBatch(store, b.build());
});

afterAll(async () => {
  await store?.close();
});

/** The store's production rows for `year`, computed independently of the snapshot builder. */
async function storeRows(year: number) {
  const rows = await store.db
    .selectFrom('production')
    .innerJoin('source', 'source.id', 'production.source_id')
    .select(['material_id', 'country', 'period', 'quantity', 'source.year as edition'])
    .where('measure', '=', 'production')
    .where('facility_id', 'is', null)
    .where('country', '!=', 'WLD')
    .execute();
  const out: { material_id: string; country: string; year: number; quantity: number | null }[] = [];
  for (const m of new Set(rows.map((r) => r.material_id))) {
    const mine = rows.filter((r) => r.material_id === m && Number(r.period) <= year);
    if (mine.length === 0) continue;
    const y = Math.max(...mine.map((r) => Number(r.period)));
    const ed = Math.max(...mine.filter((r) => Number(r.period) === y).map((r) => r.edition));
    for (const r of mine.filter((r) => Number(r.period) === y && r.edition === ed))
      out.push({ material_id: m, country: r.country, year: y, quantity: r.quantity });
  }
  return out;
}

const byKey = <T extends { material_id: string; country: string }>(a: T, b: T) =>
  a.material_id.localeCompare(b.material_id) || a.country.localeCompare(b.country);

describe('network snapshot round trip', () => {
  it('holds exactly the store’s production rows for each year, newest edition first', async () => {
    for (let year = 2021; year <= 2026; year++) {
      const s = await loadSnapshot(store, year);
      expect(snapshotRecords(s).production.sort(byKey), String(year)).toEqual(
        (await storeRows(year)).sort(byKey),
      );
    }
  });

  it('picks the revised 2024 figures, keeps withheld figures as null and leaves the world total out', async () => {
    const s = await loadSnapshot(store, 2024);
    expect(snapshotRecords(s).production.sort(byKey)).toEqual([
      { material_id: 'm1.refined', country: 'CHN', year: 2024, quantity: 12 },
      { material_id: 'm1.refined', country: 'USA', year: 2024, quantity: 6 },
      { material_id: 'm1.refined', country: 'XOT', year: 2024, quantity: 1 },
      { material_id: 'm2.mine', country: 'AUS', year: 2022, quantity: 3 },
    ]);
    const s25 = await loadSnapshot(store, 2025);
    expect(snapshotRecords(s25).production.find((r) => r.country === 'USA')).toMatchObject({
      quantity: null,
    });
    // m3 has no production figures: one node of unknown location, not a record
    expect(s25.locations[s25.nodeLocation[s25.materialNodeStart[2]!]!]).toBe(UNKNOWN_LOCATION);
    expect(s25.nodeCapacity[s25.materialNodeStart[0]!]).toBe(20);
  });

  it('holds exactly the store’s recipes, and names the source of every node and recipe', async () => {
    const s = await loadSnapshot(store, 2025);
    const recipes = await store.db
      .selectFrom('recipe')
      .select(['output_id', 'input_id', 'quantity', 'essential'])
      .execute();
    expect(snapshotRecords(s).recipes).toEqual(
      recipes
        .map((r) => ({ ...r, essential: Boolean(r.essential) }))
        .sort((a, b) => a.output_id.localeCompare(b.output_id) || a.input_id.localeCompare(b.input_id)),
    );
    expect(Array.from(s.nodeSource, (i) => (i < 0 ? null : s.sources[i]))).toEqual([
      'ed-2026',
      'ed-2026',
      'ed-2024',
      null,
    ]);
    expect(Array.from(s.recipeSource, (i) => s.sources[i])).toEqual(['ed-2024', 'ed-2024']);
  });
});
