import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { BatchBuilder, type ImportBatch } from './batch.js';
import { referenceBatch } from './reference.js';
import { HTS4_MATERIAL, readUsitcTrade, usitcTradeImporter } from './usitc-trade.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/usitc');
const DATA = join(import.meta.dirname, '../../data/usitc-dataweb-us-trade');

const IMPORT_VALUE = 'imports_for_consumption.customs_value_usd';
const EXPORT_VALUE = 'domestic_exports.fas_value_usd';

function flow(
  b: ImportBatch,
  q: { hs: string; exporter: string; importer: string; period: string; measure: string },
) {
  return b.rows.trade_flow?.find(
    (r) =>
      r.row.hs_code === q.hs &&
      r.row.exporter === q.exporter &&
      r.row.importer === q.importer &&
      r.row.period === q.period &&
      r.row.measure === q.measure,
  )?.row;
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('USITC trade importer on a real excerpt', () => {
  const batch = readUsitcTrade(join(FIXTURES, 'excerpt'));

  it('reads imports as partner → USA with the customs value in USD, reported by the USA', () => {
    // imports_for_consumption,China,CHN,2504,customs_value_usd,Value for: kilograms,2023,110018490,
    expect(
      flow(batch, { hs: '2504', exporter: 'CHN', importer: 'USA', period: '2023', measure: IMPORT_VALUE }),
    ).toMatchObject({
      reporter: 'USA',
      value: 110_018_490,
      currency: 'USD',
      quantity: null,
      material_id: 'graphite.mine',
      note: null,
    });
  });

  it('reads quantities one row per unit, with the unit', () => {
    // ...,2504,first_unit_quantity,kilograms,2023,29141937,0
    expect(
      flow(batch, {
        hs: '2504',
        exporter: 'CHN',
        importer: 'USA',
        period: '2023',
        measure: 'imports_for_consumption.first_unit_quantity.kilograms',
      }),
    ).toMatchObject({ quantity: 29_141_937, quantity_unit: 'kilograms', value: null, currency: null });
    // ...,8112,second_unit_quantity,component kilograms,2023,219119,0
    expect(
      flow(batch, {
        hs: '8112',
        exporter: 'CHN',
        importer: 'USA',
        period: '2023',
        measure: 'imports_for_consumption.second_unit_quantity.component_kilograms',
      }),
    ).toMatchObject({ quantity: 219_119, quantity_unit: 'component kilograms' });
  });

  it('reads domestic exports as USA → partner with the FAS value', () => {
    // domestic_exports,China,CHN,8112,fas_value_usd,Value for: kilograms,2023,8361241,
    expect(
      flow(batch, { hs: '8112', exporter: 'USA', importer: 'CHN', period: '2023', measure: EXPORT_VALUE }),
    ).toMatchObject({
      reporter: 'USA',
      value: 8_361_241,
    });
  });

  it('adds the unit-group parts of a heading value into one row and names them', () => {
    // 8505 Australia 2019: 254,712 (kg) + 10,935 (no units) + 1,390,724 (number) = 1,656,371
    const v = flow(batch, {
      hs: '8505',
      exporter: 'AUS',
      importer: 'USA',
      period: '2019',
      measure: IMPORT_VALUE,
    });
    expect(v?.value).toBe(1_656_371);
    expect(v?.note).toBe(
      'sum of 3 DataWeb unit groups: kilograms 254,712; no units collected 10,935; number 1,390,724',
    );
    // exports of magnets to Canada 1993: 21,051,802 + 18,625,459 = 39,677,261
    expect(
      flow(batch, { hs: '8505', exporter: 'USA', importer: 'CAN', period: '1993', measure: EXPORT_VALUE })
        ?.value,
    ).toBe(39_677_261);
    expect(batch.report.metrics.value_rows_summed_from_unit_groups).toBe(2);
  });

  it('reads a suppressed quantity as null with a note, and notes a partly suppressed one', () => {
    // domestic_exports,Canada,CAN,8505,first_unit_quantity,number,1993,0,229
    const q = flow(batch, {
      hs: '8505',
      exporter: 'USA',
      importer: 'CAN',
      period: '1993',
      measure: 'domestic_exports.first_unit_quantity.number',
    });
    expect(q?.quantity).toBeNull();
    expect(q?.note).toBe('quantity suppressed by DataWeb (1993_Suppressed = 229)');
    // imports_for_consumption,Australia,AUS,2825,first_unit_quantity,kilograms,1996,1017895,12
    const p = flow(batch, {
      hs: '2825',
      exporter: 'AUS',
      importer: 'USA',
      period: '1996',
      measure: 'imports_for_consumption.first_unit_quantity.kilograms',
    });
    expect(p?.quantity).toBe(1_017_895);
    expect(p?.note).toMatch(/1996_Suppressed = 12/);
  });

  it('sets material_id only for headings that are one material', () => {
    const id = (hs: string) => batch.rows.trade_flow?.find((r) => r.row.hs_code === hs)?.row.material_id;
    expect(id('8105')).toBe('cobalt.refined');
    expect(id('2611')).toBe('tungsten.mine');
    expect(id('8112')).toBeNull();
    expect(id('2825')).toBeNull();
    expect(id('7502')).toBeNull();
    expect(HTS4_MATERIAL['2836']).toBeUndefined();
  });

  it('resolves DataWeb partner names such as "Myanmar (Burma)" and "Democratic Republic of the Congo"', () => {
    expect(
      flow(batch, { hs: '2611', exporter: 'MMR', importer: 'USA', period: '1993', measure: IMPORT_VALUE })
        ?.value,
    ).toBe(245_117);
    expect(
      flow(batch, { hs: '7502', exporter: 'COD', importer: 'USA', period: '2005', measure: IMPORT_VALUE })
        ?.value,
    ).toBe(633_791);
  });

  it('counts 9 value rows and 9 quantity rows from the 21 excerpt rows', () => {
    expect(batch.report.metrics.value_rows).toBe(9);
    expect(batch.report.metrics.quantity_rows).toBe(9);
    expect(batch.report.counts.trade_flow).toBe(18);
  });

  it('is detected from its folder or its header', () => {
    expect(usitcTradeImporter.detect(join(FIXTURES, 'excerpt'))).toBe(true);
    expect(usitcTradeImporter.detect(join(FIXTURES, 'bad-values.csv'))).toBe(true);
    expect(usitcTradeImporter.detect(FIXTURES)).toBe(false);
  });
});

describe('USITC trade importer on bad input', () => {
  it('names the file, line and column of each bad row', async () => {
    const err = await validationError(() => readUsitcTrade(join(FIXTURES, 'bad-values.csv')));
    const at = (row: number) => err.issues.find((i) => i.row === row);
    expect(at(2)).toMatchObject({ file: 'bad-values.csv', column: 'value' });
    expect(at(2)?.message).toMatch(/non-negative number, got "-110018490"/);
    expect(at(3)).toMatchObject({ column: 'value' });
    expect(at(4)).toMatchObject({ column: 'partner' });
    expect(at(4)?.message).toMatch(/unknown partner "Atlantis"/);
    expect(at(5)).toMatchObject({ column: 'flow' });
    expect(at(6)).toMatchObject({ column: 'partner_iso3' });
    expect(at(7)).toMatchObject({ column: 'measure' });
    expect(at(8)).toBeUndefined();
  });

  it('rejects a malformed CSV naming the file', async () => {
    const err = await validationError(() => readUsitcTrade(join(FIXTURES, 'malformed.csv')));
    expect(err.issues[0]?.file).toBe('malformed.csv');
    expect(err.message).toMatch(/malformed CSV/);
  });
});

describe('USITC trade importer on the bundled DataWeb extract', () => {
  it('loads every row and applies once the mapped materials exist', async () => {
    const batch = await usitcTradeImporter.read(DATA);
    // 35,719 rows: 18,638 quantity rows kept; 17,081 value rows added into 15,542 (partner, heading, year) totals
    expect(batch.report.metrics.rows_read).toBe(35_719);
    expect(batch.report.metrics.quantity_rows).toBe(18_638);
    expect(batch.report.metrics.value_rows).toBe(15_542);
    expect(batch.report.metrics.partners).toBe(18);
    expect(batch.report.metrics.last_year).toBe(2025);
    // U.S. imports of natural graphite (2504) from China, 2024: 95,899,895 USD and 35,052,713 kg
    expect(
      flow(batch, { hs: '2504', exporter: 'CHN', importer: 'USA', period: '2024', measure: IMPORT_VALUE })
        ?.value,
    ).toBe(95_899_895);
    expect(
      flow(batch, {
        hs: '2504',
        exporter: 'CHN',
        importer: 'USA',
        period: '2024',
        measure: 'imports_for_consumption.first_unit_quantity.kilograms',
      })?.quantity,
    ).toBe(35_052_713);
    // U.S. domestic exports of 8112 to India, 2024: 388,865 USD
    expect(
      flow(batch, { hs: '8112', exporter: 'USA', importer: 'IND', period: '2024', measure: EXPORT_VALUE })
        ?.value,
    ).toBe(388_865);

    // the materials come from the USGS importer; stand-ins here only let the references resolve
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const m = new BatchBuilder('test', 'test');
    m.source({
      id: 'test-materials',
      publisher: 'test',
      title: 'stand-ins for USGS materials',
      year: 2026,
      licence: 'test',
      url: null,
      file: null,
      note: null,
    });
    for (const id of new Set(Object.values(HTS4_MATERIAL))) {
      const [commodity, stage] = id.split('.');
      const row = {
        id,
        name: id,
        commodity,
        stage,
        basis: 'gross_weight',
        unit: 't',
        source_id: 'test-materials',
      };
      m.add('material', { ...row, illustrative: true, note: 'test stand-in' }, { file: 'test' });
    }
    await applyBatch(store, m.build());
    const res = await applyBatch(store, batch);
    expect(res.inserted.trade_flow).toBe(34_180);
  });
});
