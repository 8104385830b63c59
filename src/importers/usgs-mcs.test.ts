import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import type { ImportBatch } from './batch.js';
import { referenceBatch } from './reference.js';
import { readUsgsMcs, USGS_FILES, usgsMcsImporter } from './usgs-mcs.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/usgs-mcs');
const DATA = join(import.meta.dirname, '../../data/usgs-mcs');

type Row = Record<string, unknown>;
const rows = (
  batch: ImportBatch,
  entity: 'production' | 'material' | 'sourcing_share' | 'statistic',
): Row[] => (batch.rows[entity] ?? []).map((r) => r.row);

function production(batch: ImportBatch, where: Partial<Row>): Row[] {
  return rows(batch, 'production').filter((r) => Object.entries(where).every(([k, v]) => r[k] === v));
}

function one(batch: ImportBatch, where: Partial<Row>): Row {
  const found = production(batch, where);
  expect(found, JSON.stringify(where)).toHaveLength(1);
  return found[0]!;
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('USGS MCS importer on real excerpts of the three editions', () => {
  const batch = readUsgsMcs(FIXTURES);

  it('declares the three editions as sources with their DOIs and a public-domain licence', () => {
    const byId = new Map(batch.sources.map((s) => [s.id, s]));
    expect([...byId.keys()].sort()).toEqual(['usgs-mcs-2023', 'usgs-mcs-2024', 'usgs-mcs-2026']);
    expect(byId.get('usgs-mcs-2026')!.url).toBe('https://doi.org/10.5066/P1WKQ63T');
    expect(byId.get('usgs-mcs-2024')!.url).toBe('https://doi.org/10.5066/P144BA54');
    expect(byId.get('usgs-mcs-2023')!.url).toBe('https://doi.org/10.5066/P9WCYUI6');
    for (const s of byId.values()) expect(s.licence).toMatch(/public domain/i);
  });

  it('reads gallium 2025 primary production by country, Other countries included and the world total apart', () => {
    const rows2025 = production(batch, {
      material_id: 'gallium.refined',
      period: '2025',
      measure: 'production',
    });
    const countries = rows2025.filter((r) => r.country !== 'WLD');
    // USA —, China 900,000, Japan 3,000, Russia 6,000, Other countries — (kg)
    expect(Object.fromEntries(countries.map((r) => [r.country, r.quantity]))).toEqual({
      USA: 0,
      CHN: 900_000,
      JPN: 3_000,
      RUS: 6_000,
      XOT: 0,
    });
    const sum = countries.reduce((a, r) => a + (r.quantity as number), 0);
    expect(sum).toBe(909_000);
    expect(900_000 / sum).toBeCloseTo(0.99, 3);
    expect(
      one(batch, { material_id: 'gallium.refined', period: '2025', country: 'WLD', measure: 'production' })
        .quantity,
    ).toBe(900_000);
    for (const r of rows2025) expect(r.unit).toBe('kg');
  });

  it('writes a dash as 0 with flag zero and marks 2025 and "Estimated." figures as estimates', () => {
    const usa = one(batch, {
      material_id: 'gallium.refined',
      period: '2025',
      country: 'USA',
      measure: 'production',
    });
    expect(usa).toMatchObject({ quantity: 0, flag: 'zero' });
    expect(
      one(batch, { material_id: 'gallium.refined', period: '2025', country: 'CHN', measure: 'production' })
        .flag,
    ).toBe('est');
    // 2024: China "Source: Asian Metal Ltd." (reported), Japan "Estimated."
    expect(
      one(batch, { material_id: 'gallium.refined', period: '2024', country: 'CHN', measure: 'production' })
        .flag,
    ).toBeNull();
    expect(
      one(batch, { material_id: 'gallium.refined', period: '2024', country: 'JPN', measure: 'production' })
        .flag,
    ).toBe('est');
  });

  it('keeps a withheld figure as a null quantity with flag W', () => {
    expect(one(batch, { material_id: 'boron.mine', period: '2025', country: 'USA' })).toMatchObject({
      quantity: null,
      flag: 'W',
    });
  });

  it('converts thousand metric tons to t and skips a world total that is not applicable (XX)', () => {
    // Turkey refined borates 1,500 thousand metric tons
    expect(one(batch, { material_id: 'boron.mine', period: '2025', country: 'TUR' })).toMatchObject({
      quantity: 1_500_000,
      unit: 't',
    });
    expect(production(batch, { material_id: 'boron.mine', country: 'WLD' })).toHaveLength(0);
    expect(batch.report.metrics.usgs_not_applicable_xx).toBe(1);
  });

  it('corrects the vanadium reserves unit the MCS 2026 CSV mislabels, and says so', () => {
    const wld = one(batch, { material_id: 'vanadium.mine', country: 'WLD', measure: 'reserves' });
    expect(wld.quantity).toBe(21_000_000);
    expect(wld.note).toMatch(/unit corrected/);
  });

  it('joins the cobalt.mine time series of MCS 2023, 2024 and 2026, each edition under its own source', () => {
    const drc = production(batch, { material_id: 'cobalt.mine', country: 'COD', measure: 'production' });
    const series = drc.map((r) => `${r.period} ${r.source_id} ${r.quantity}`).sort();
    expect(series).toEqual([
      '2021 usgs-mcs-2023 119000',
      '2022 usgs-mcs-2023 130000',
      '2022 usgs-mcs-2024 144000',
      '2023 usgs-mcs-2024 170000',
      '2024 usgs-mcs-2026 226000',
      '2025 usgs-mcs-2026 230000',
    ]);
    const materials = rows(batch, 'material').filter((m) => m.id === 'cobalt.mine');
    expect(materials).toHaveLength(1);
    expect(materials[0]).toMatchObject({
      stage: 'mine',
      basis: 'element_content',
      unit: 't',
      source_id: 'usgs-mcs-2026',
    });
  });

  it('maps the gallium primary production of the older editions to gallium.refined', () => {
    expect(
      one(batch, {
        material_id: 'gallium.refined',
        period: '2022',
        country: 'CHN',
        source_id: 'usgs-mcs-2024',
      }).quantity,
    ).toBe(600_000);
    expect(
      one(batch, {
        material_id: 'gallium.refined',
        period: '2021',
        country: 'CHN',
        source_id: 'usgs-mcs-2023',
      }).quantity,
    ).toBe(423_000);
  });

  it('separates platinum and palladium, with PGM reserves as their own material', () => {
    expect(one(batch, { material_id: 'palladium.mine', period: '2025', country: 'RUS' }).quantity).toBe(
      84_000,
    );
    expect(one(batch, { material_id: 'platinum.mine', period: '2025', country: 'ZAF' }).quantity).toBe(
      120_000,
    );
    expect(
      one(batch, { material_id: 'platinum-group-metals.mine', country: 'ZAF', source_id: 'usgs-mcs-2026' })
        .quantity,
    ).toBe(63_000_000);
    // MCS 2024 prints PGM reserves on the platinum row; the empty palladium reserves cell is dropped
    expect(
      one(batch, { material_id: 'platinum-group-metals.mine', country: 'ZAF', source_id: 'usgs-mcs-2024' }),
    ).toMatchObject({
      period: '2023',
      quantity: 63_000_000,
    });
    expect(production(batch, { material_id: 'palladium.mine', measure: 'reserves' })).toHaveLength(0);
  });

  it('reads the gallium import-source set as fractions of US imports, with Other countries as XOT', () => {
    const shares = rows(batch, 'sourcing_share').filter((s) => s.material_id === 'gallium.refined');
    expect(Object.fromEntries(shares.map((s) => [s.partner, s.share]))).toEqual({
      CAN: 0.28,
      JPN: 0.22,
      CHN: 0.18,
      DEU: 0.16,
      XOT: 0.16,
    });
    for (const s of shares)
      expect(s).toMatchObject({ importer: 'USA', period: '2021-2024', detail: 'Metal' });
    expect(rows(batch, 'sourcing_share').filter((s) => s.material_id === 'cobalt.refined')).toHaveLength(5);
    expect(
      rows(batch, 'sourcing_share').find((s) => s.material_id === 'platinum.refined' && s.partner === 'ZAF')!
        .share,
    ).toBe(0.49);
  });

  it('skips a share given for several countries at once and counts it', () => {
    expect(rows(batch, 'sourcing_share').some((s) => s.material_id === 'rubidium.refined')).toBe(false);
    expect(batch.report.metrics.usgs_multi_country_rows_skipped).toBe(1);
    expect(batch.report.warnings.some((w) => w.includes('China, Germany, and Russia'))).toBe(true);
  });

  it('reads US net import reliance, with E and no value where the US is a net exporter', () => {
    const stats = rows(batch, 'statistic');
    const nir = (commodity: string, period: string) =>
      stats.find(
        (s) => s.commodity === commodity && s.period === period && s.statistic === 'net_import_reliance',
      );
    expect(nir('boron', '2024')).toMatchObject({ value: null, flag: 'E', unit: 'percent', country: 'USA' });
    expect(nir('cobalt', '2024')).toMatchObject({ value: 74, flag: null });
    expect(nir('gallium', '2025')).toMatchObject({ value: 100, flag: 'est' });
  });

  it('normalises the salient statistic names and keeps detail and unit as published', () => {
    const gallium2024 = rows(batch, 'statistic').filter(
      (s) => s.commodity === 'gallium' && s.period === '2024',
    );
    expect(new Set(gallium2024.map((s) => s.statistic))).toEqual(
      new Set(['production', 'imports', 'exports', 'consumption', 'price', 'stocks', 'net_import_reliance']),
    );
    expect(gallium2024.find((s) => s.detail === 'Imports for consumption: Metal')).toMatchObject({
      statistic: 'imports',
      value: 11_000,
      unit: 'kilograms',
    });
    expect(gallium2024.find((s) => s.statistic === 'exports')).toMatchObject({ value: null, flag: 'NA' });
  });

  it('tags materials on the 2025 US critical minerals list', () => {
    const gallium = rows(batch, 'material').find((m) => m.id === 'gallium.refined')!;
    expect(gallium).toMatchObject({ name: 'Gallium (primary low-purity production)', unit: 'kg' });
    expect(gallium.tags).toEqual(['critical-mineral-us-2025']);
  });

  it('applies atomically to a store that holds the reference data', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const result = await applyBatch(store, batch);
    expect(result.inserted.production).toBe(rows(batch, 'production').length);
    expect(result.sources.sort()).toEqual(['usgs-mcs-2023', 'usgs-mcs-2024', 'usgs-mcs-2026']);
  });

  it('is detected from the folder and from a single file', async () => {
    expect(usgsMcsImporter.detect(FIXTURES)).toBe(true);
    expect(usgsMcsImporter.detect(join(FIXTURES, USGS_FILES.mcs2024))).toBe(true);
    expect(usgsMcsImporter.detect(join(import.meta.dirname, '../../test/fixtures'))).toBe(false);
    const only2024 = await usgsMcsImporter.read(join(FIXTURES, USGS_FILES.mcs2024));
    expect(only2024.sources.map((s) => s.id)).toEqual(['usgs-mcs-2024']);
    expect(rows(only2024, 'material').every((m) => m.source_id === 'usgs-mcs-2024')).toBe(true);
  });
});

describe('USGS MCS importer on bad input', () => {
  const header2026 = readFileSync(join(FIXTURES, USGS_FILES.mcs2026), 'utf8').split('\n')[0]!;
  // real row 90 of the excerpt: GALLIUM, China, 2025, 900,000
  const galliumChina = readFileSync(join(FIXTURES, USGS_FILES.mcs2026), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('GALLIUM,World') && l.includes(',China,Production,') && l.includes(',2025,'))!;
  const tidy = readFileSync(join(FIXTURES, USGS_FILES.mcs2024), 'utf8').split('\n');

  function write2026(...lines: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'usgs-'));
    const file = join(dir, 'mcs2026_commodities_data_normalized_utf8.csv');
    writeFileSync(file, [header2026, ...lines].join('\n') + '\n');
    return file;
  }

  it('rejects a malformed CSV row, naming the file and line', async () => {
    const file = write2026(galliumChina, 'GALLIUM,World Low-Purity Production,"Gallium,China');
    const e = await validationError(() => readUsgsMcs(file));
    expect(e.issues[0]).toMatchObject({ file: 'mcs2026_commodities_data_normalized_utf8.csv', row: 3 });
    expect(e.message).toMatch(/malformed CSV|columns/);
  });

  it('rejects an unknown country name with file, line and column', async () => {
    const file = write2026(galliumChina.replace(',China,', ',Atlantis,'));
    const e = await validationError(() => readUsgsMcs(file));
    expect(e.issues).toEqual([
      expect.objectContaining({
        file: 'mcs2026_commodities_data_normalized_utf8.csv',
        row: 2,
        column: 'Country',
      }),
    ]);
    expect(e.message).toMatch(/Atlantis/);
  });

  it('rejects a negative quantity and a value that is neither a number nor a USGS symbol, reporting both', async () => {
    const file = write2026(galliumChina.replace('"900,000"', '-5'), galliumChina.replace('"900,000"', '9OO'));
    const e = await validationError(() => readUsgsMcs(file));
    expect(e.issues).toEqual([
      expect.objectContaining({ row: 2, column: 'Value', message: expect.stringMatching(/negative/) }),
      expect.objectContaining({ row: 3, column: 'Value', message: expect.stringMatching(/"9OO"/) }),
    ]);
  });

  it('rejects an unknown country code and an unknown value flag in the tidy files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usgs-'));
    const file = join(dir, 'mcs2024_world_production_reserves_tidy.csv');
    const drc = tidy.find((l) => l.includes(',Congo (Kinshasa),') && l.includes(',production,,2023,'))!;
    const badCountry = drc.replace(/,Congo \(Kinshasa\),COD,/, ',Narnia,XNA,');
    const badFlag = drc.replace(',,170000,', ',zz,170000,');
    expect(badCountry).not.toBe(drc);
    writeFileSync(file, [tidy[0], badCountry, badFlag].join('\n') + '\n');
    const e = await validationError(() => readUsgsMcs(file));
    expect(e.issues).toEqual([
      expect.objectContaining({
        file: 'mcs2024_world_production_reserves_tidy.csv',
        row: 2,
        column: 'country',
      }),
      expect.objectContaining({ row: 3, column: 'value_flag' }),
    ]);
  });

  it('rejects a file that is not a USGS MCS table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usgs-'));
    const file = join(dir, 'other.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const e = await validationError(() => readUsgsMcs(file));
    expect(e.issues[0]).toMatchObject({ file: 'other.csv', row: 1 });
  });
});

describe('USGS MCS importer on the bundled data (data/usgs-mcs)', () => {
  const batch = readUsgsMcs(DATA);

  it('computes gallium 2025: China 900,000 of 909,000 kg (0.990), world total 900,000 kept apart', () => {
    const all = production(batch, { material_id: 'gallium.refined', period: '2025', measure: 'production' });
    const countries = all.filter((r) => r.country !== 'WLD');
    const sum = countries.reduce((a, r) => a + ((r.quantity as number | null) ?? 0), 0);
    expect(sum).toBe(909_000);
    const china = countries.find((r) => r.country === 'CHN')!.quantity as number;
    expect(china).toBe(900_000);
    expect(Math.round((china / sum) * 1000) / 1000).toBe(0.99);
    expect(all.find((r) => r.country === 'WLD')!.quantity).toBe(900_000);
    expect(countries.map((r) => r.country).sort()).toEqual(['CHN', 'JPN', 'RUS', 'USA', 'XOT']);
  });

  it('joins DRC cobalt mine production 2021–2025 across the three editions', () => {
    const drc = production(batch, { material_id: 'cobalt.mine', country: 'COD', measure: 'production' });
    const latest = new Map<string, number>();
    for (const r of drc.sort((a, b) => String(a.source_id).localeCompare(String(b.source_id)))) {
      latest.set(String(r.period), r.quantity as number);
    }
    expect(Object.fromEntries(latest)).toEqual({
      '2021': 119_000,
      '2022': 144_000,
      '2023': 170_000,
      '2024': 226_000,
      '2025': 230_000,
    });
  });

  it('reads a few real 2025 figures in t', () => {
    expect(
      one(batch, { material_id: 'rare-earths.mine', country: 'CHN', period: '2025', measure: 'production' })
        .quantity,
    ).toBe(270_000);
    expect(
      one(batch, { material_id: 'nickel.mine', country: 'IDN', period: '2025', measure: 'production' })
        .quantity,
    ).toBe(2_600_000);
    expect(
      one(batch, { material_id: 'graphite.mine', country: 'CHN', period: '2025', measure: 'reserves' })
        .quantity,
    ).toBe(100_000_000);
  });

  it('defines the materials other importers refer to', () => {
    const ids = new Set(rows(batch, 'material').map((m) => m.id));
    for (const id of [
      'gallium.refined',
      'germanium.refined',
      'cobalt.mine',
      'cobalt.refined',
      'lithium.mine',
      'platinum.mine',
      'palladium.mine',
      'rare-earths.mine',
      'graphite.mine',
      'iodine.mine',
      'bismuth.refined',
      'selenium.refined',
      'zinc.mine',
      'magnesium.refined',
      'magnesium-compounds.mine',
      'barite.mine',
      'molybdenum.mine',
      'nickel.mine',
      'manganese.mine',
      'antimony.mine',
      'tungsten.mine',
      'indium.refined',
      'tellurium.refined',
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('imports US germanium metal sources (China 41 %) and counts what it skips', () => {
    const ge = rows(batch, 'sourcing_share').filter((s) => s.material_id === 'germanium.refined');
    expect(ge.find((s) => s.partner === 'CHN')!.share).toBe(0.41);
    expect(batch.report.metrics.usgs_duplicate_rows_skipped).toBe(0);
    expect(batch.report.metrics.usgs_multi_country_rows_skipped).toBe(9);
    expect(batch.report.counts.statistic).toBe(4863);
  });

  it('applies to a store holding the reference data', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const result = await applyBatch(store, batch);
    expect(result.inserted.material).toBe(rows(batch, 'material').length);
  });
});
