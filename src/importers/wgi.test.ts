import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import type { ImportBatch } from './batch.js';
import { referenceBatch } from './reference.js';
import { readWgi, wgiImporter } from './wgi.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/wgi');
const DATA = join(import.meta.dirname, '../../data/worldbank-wgi');

function governance(batch: ImportBatch) {
  return (batch.rows.governance ?? []).map((r) => r.row);
}

function find(batch: ImportBatch, iso3: string, year: number, indicator: string) {
  return governance(batch).find((r) => r.iso3 === iso3 && r.year === year && r.indicator === indicator);
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('WGI importer on a real excerpt', () => {
  const batch = readWgi(join(FIXTURES, 'excerpt'));

  it('loads raw estimates with their standard error, source count and percentile rank, unscaled', () => {
    // CHNpv2023,CHN,China,2023,pv,-0.51,0.21,8,25.1,...
    expect(find(batch, 'CHN', 2023, 'pv')).toMatchObject({
      source_code: 'CHN',
      estimate: -0.51,
      stddev: 0.21,
      nsource: 8,
      pctrank: 25.1,
      source_id: 'worldbank-wgi-2024',
    });
    expect(find(batch, 'CHN', 2023, 'va')?.estimate).toBe(-1.5);
  });

  it('maps the World Bank codes ROM, ZAR, TMP, WBG, KSV and ADO to ISO and keeps the published code', () => {
    expect(find(batch, 'ROU', 2023, 'rl')).toMatchObject({ source_code: 'ROM', estimate: 0.44 });
    expect(find(batch, 'COD', 2023, 'pv')).toMatchObject({ source_code: 'ZAR', estimate: -2.04 });
    expect(find(batch, 'TLS', 2023, 'cc')).toMatchObject({ source_code: 'TMP', estimate: -0.23 });
    expect(find(batch, 'PSE', 2023, 'pv')).toMatchObject({ source_code: 'WBG', estimate: -1.87 });
    expect(find(batch, 'XKX', 2023, 'ge')).toMatchObject({ source_code: 'KSV', estimate: -0.08 });
    expect(find(batch, 'AND', 2023, 'rl')).toMatchObject({ source_code: 'ADO', pctrank: 91.5 });
  });

  it('skips the Netherlands Antilles with a warning instead of guessing a successor', () => {
    expect(governance(batch).some((r) => r.source_code === 'ANT')).toBe(false);
    expect(batch.report.warnings.join('\n')).toMatch(
      /skipped 2 rows \(1 with an estimate\) of ANT Netherlands Antilles/,
    );
    expect(batch.report.metrics.skipped_no_iso_rows).toBe(2);
  });

  it('skips missing estimates (..) and counts them instead of reading zero', () => {
    // 14 data rows: ASMcc1996 missing, two ANT rows skipped → 11 loaded
    expect(governance(batch)).toHaveLength(11);
    expect(find(batch, 'ASM', 1996, 'cc')).toBeUndefined();
    expect(batch.report.metrics.missing_estimates).toBe(1);
  });

  it('is detected from its folder or its header', () => {
    expect(wgiImporter.detect(join(FIXTURES, 'excerpt'))).toBe(true);
    expect(wgiImporter.detect(join(FIXTURES, 'excerpt', 'wgidataset.csv'))).toBe(true);
    expect(wgiImporter.detect(FIXTURES)).toBe(false);
  });
});

describe('WGI importer on bad input', () => {
  it('reports every bad row with its file, line and column', async () => {
    const err = await validationError(() => readWgi(join(FIXTURES, 'bad-values.csv')));
    const at = (row: number) => err.issues.find((i) => i.row === row);
    expect(err.issues).toHaveLength(4);
    expect(at(2)).toMatchObject({ file: 'bad-values.csv', column: 'estimate' });
    expect(at(2)?.message).toMatch(/not a number/);
    expect(at(3)).toMatchObject({ column: 'stddev' });
    expect(at(4)).toMatchObject({ column: 'code' });
    expect(at(4)?.message).toMatch(/unknown economy code "XXY"/);
    expect(at(5)).toMatchObject({ column: 'indicator' });
  });

  it('rejects a malformed CSV naming the file', async () => {
    const err = await validationError(() => readWgi(join(FIXTURES, 'malformed.csv')));
    expect(err.issues[0]?.file).toBe('malformed.csv');
    expect(err.message).toMatch(/malformed CSV/);
  });

  it('names a folder that lacks the dataset', async () => {
    const err = await validationError(() => readWgi(FIXTURES));
    expect(err.message).toMatch(/no wgidataset\.csv/);
  });
});

describe('WGI importer on the bundled 2024 update', () => {
  it('loads every published estimate and applies to a store holding the reference countries', async () => {
    const batch = await wgiImporter.read(DATA);
    // 32,100 rows − 1,126 ".." estimates − 60 ANT rows with an estimate = 30,914;
    // 90 of the ".." rows are ANT's, counted as skipped (no ISO code), so 1,036 missing elsewhere
    expect(batch.report.counts.governance).toBe(30_914);
    expect(batch.report.metrics.missing_estimates).toBe(1_036);
    expect(batch.report.metrics.skipped_no_iso_rows).toBe(150);
    expect(batch.report.metrics.latest_year).toBe(2023);
    expect(find(batch, 'CHN', 2023, 'pv')?.estimate).toBe(-0.51);
    expect(find(batch, 'IND', 2023, 'cc')?.estimate).toBe(-0.37);
    expect(find(batch, 'USA', 2023, 'pv')?.estimate).toBe(0.03);

    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const res = await applyBatch(store, batch);
    expect(res.inserted.governance).toBe(30_914);
  });
});
