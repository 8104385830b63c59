import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import type { ImportBatch } from './batch.js';
import { INDIA_DATA_GAP, INDIA_TRADE_FILES, indiaTradeImporter, readIndiaTrade } from './india-trade.js';
import { referenceBatch } from './reference.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/india-trade');
const DATA = join(import.meta.dirname, '../../data/india-trade');

const HS8_HEADER =
  'hs4,hs8,fiscal_year,partner_eidb,partner_iso3,quantity,quantity_unit,value_usd_million,value_inr_crore';

function flows(batch: ImportBatch) {
  return (batch.rows.trade_flow ?? []).map((r) => r.row);
}

function facts(batch: ImportBatch) {
  return (batch.rows.published_fact ?? []).map((r) => r.row);
}

/** Writes one table into a fresh folder under its published name and returns the file. */
function tempTable(name: string, lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'india-trade-'));
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('india-trade importer on real excerpts', () => {
  const batch = readIndiaTrade(FIXTURES);

  it('reads HS-8 exports as India → destination flows in US$ with quantities in kg', () => {
    // 2922,29221190,2017-18,AUSTRALIA,AUS,786120,KGS,1.89,12.17
    const aus = flows(batch).find((r) => r.hs_code === '29221190' && r.importer === 'AUS');
    expect(aus).toMatchObject({
      exporter: 'IND',
      reporter: 'IND',
      period: 'FY2017-18',
      measure: 'exports',
      quantity: 786120,
      quantity_unit: 'kg',
      value: 1_890_000,
      currency: 'USD',
      material_id: null,
      source_id: 'dgcis-eidb-hs8-exports-pharma',
    });
    // 2836,28369100,2023-24,RUSSIA,RUS,18031,KGS,0.57,4.75 (a re-export of lithium carbonate)
    expect(flows(batch).find((r) => r.hs_code === '28369100' && r.period === 'FY2023-24')).toMatchObject({
      importer: 'RUS',
      quantity: 18031,
      value: 570_000,
      source_id: 'dgcis-eidb-hs8-exports-minerals',
    });
  });

  it('leaves a 0.00 value null with a note, since EIDB rounds anything below US$ 5,000 to 0.00', () => {
    // 2922,29221190,2017-18,ALGERIA,DZA,5,KGS,0,0
    const dza = flows(batch).find((r) => r.importer === 'DZA');
    expect(dza).toMatchObject({ quantity: 5, value: null, currency: null });
    expect(dza?.note).toMatch(/below US\$ 5,000/);
    // 2922,29221190,2017-18,DENMARK,DNK,,KGS,0,0: no quantity either
    expect(flows(batch).find((r) => r.importer === 'DNK')).toMatchObject({ quantity: null, value: null });
    expect(batch.report.metrics.value_below_rounding_rows).toBe(4);
  });

  it('skips partners without an ISO 3166-1 code (UNSPECIFIED, Netherlands Antilles) and reports them', () => {
    expect(flows(batch).some((r) => r.hs_code === '29221990' || r.hs_code === '29224220')).toBe(false);
    expect(batch.report.metrics.skipped_no_iso3_rows).toBe(2);
    expect(batch.report.warnings.join('\n')).toMatch(/UNSPECIFIED 1, NETHERLANDANTIL \(ANT\) 1/);
    expect(batch.report.metrics.partner_iso3_match_rate).toBeCloseTo(24 / 26, 10);
  });

  it('turns mineral imports by partner into partner → India flows', () => {
    // import,2504,4,Natural Graphite,Graphite,2023-24,CHINA,CHN,12.75,2504_2023-24.xlsx
    expect(flows(batch).find((r) => r.hs_code === '2504' && r.exporter === 'CHN')).toMatchObject({
      importer: 'IND',
      measure: 'imports',
      period: 'FY2023-24',
      value: 12_750_000,
      quantity: null,
    });
    // export,28369,5,Lithium Carbonate,Lithium,2023-24,RUSSIA,RUS,0.62,28369_2023-24.xlsx
    expect(flows(batch).find((r) => r.hs_code === '28369' && r.measure === 'exports')).toMatchObject({
      exporter: 'IND',
      importer: 'RUS',
      value: 620_000,
    });
    expect(batch.report.metrics.minerals_hs4_import_rows).toBe(5);
  });

  it('reads HS-2 chapters from China and from the world (WLD), noting the FY2019-20 monthly sums', () => {
    // import,CHINA P RP,29,ORGANIC CHEMICALS,2019-20,7970.23,…,sum_of_12_months_…
    const ch29 = flows(batch).filter((r) => r.hs_code === '29' && r.period === 'FY2019-20');
    expect(ch29.map((r) => [r.exporter, r.value])).toEqual([
      ['CHN', 7_970_230_000],
      ['WLD', 19_814_970_000],
    ]);
    expect(ch29[0]?.note).toMatch(/sum of 12 monthly/);
    // China's share of India's chapter-29 imports: about 40% in FY2019-20 (PROVENANCE.md)
    expect(Number(ch29[0]?.value) / Number(ch29[1]?.value)).toBeCloseTo(0.4022, 4);
  });

  it('reads parliamentary figures as facts citing their page, with percent as fractions', () => {
    const china = facts(batch).filter((r) => r.partner === 'CHN' && r.period === 'FY2018-19');
    expect(china.map((r) => [r.metric, r.value, r.unit])).toEqual([
      ['value', 2405.42, 'USD million'],
      ['share_of_imports', 0.6756, 'fraction of value'],
    ]);
    expect(china[0]).toMatchObject({ topic: 'pharma', scope: 'India imports', country: 'IND' });
    const src = batch.sources.find((s) => s.id === china[0]!.source_id);
    expect(src).toMatchObject({
      publisher: 'datais.info',
      url: expect.stringContaining('c37bed72d1c5dbb15f53157519be2dc4'),
    });
    // 3.9 lakh tonnes = 390,000 t
    expect(facts(batch).find((r) => r.period === 'FY2020-21')).toMatchObject({
      value: 390_000,
      unit: 'tonnes',
    });
    // "not stated in excerpt" is no period; "Korea" is not guessed to be either Korea
    expect(facts(batch).find((r) => r.item === 'bismuth')).toMatchObject({ period: null, value: 0.856 });
    expect(facts(batch).find((r) => r.partner === 'Korea')).toMatchObject({ period: '2015', value: 0.0149 });
  });

  it('cites DGCI&S on every trade source and warns that India API/KSM imports by partner are missing', () => {
    const dgcis = batch.sources.filter((s) => s.id.startsWith('dgcis-'));
    expect(dgcis).toHaveLength(4);
    for (const s of dgcis) expect(s.note).toContain('Source: DGCI&S, Ministry of Commerce & Industry');
    expect(batch.report.warnings[0]).toBe(INDIA_DATA_GAP);
    expect(batch.sources.find((s) => s.id === 'dgcis-eidb-hs2-china-world')?.note).toContain(
      'NOT in the bundled data',
    );
    expect(batch.report.counts).toEqual({ trade_flow: 24, published_fact: 6 });
  });

  it('applies to a store holding the reference countries', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const res = await applyBatch(store, batch);
    expect(res.inserted).toMatchObject({ trade_flow: 24, published_fact: 6, source: 8 });
  });

  it('reads one file of the folder on its own and detects the folder and its files', () => {
    const one = readIndiaTrade(join(FIXTURES, INDIA_TRADE_FILES.hs2ChinaWorld));
    expect(one.report.counts).toEqual({ trade_flow: 9 });
    expect(one.sources.map((s) => s.id)).toEqual(['dgcis-eidb-hs2-china-world']);
    expect(indiaTradeImporter.detect(FIXTURES)).toBe(true);
    expect(indiaTradeImporter.detect(join(FIXTURES, INDIA_TRADE_FILES.parliament))).toBe(true);
    expect(indiaTradeImporter.detect(join(FIXTURES, '../wgi'))).toBe(false);
  });
});

describe('india-trade importer on bad input', () => {
  it('rejects a malformed CSV naming the file and line', async () => {
    const file = tempTable(INDIA_TRADE_FILES.hs8Pharma, [
      HS8_HEADER,
      '2922,29221190,2017-18,AUSTRALIA,AUS,786120,KGS,1.89,12.17',
      '2922,29221190,2017-18,"AUSTRIA,AUT,225,KGS,0,0.02',
    ]);
    const e = await validationError(() => readIndiaTrade(file));
    expect(e.message).toMatch(/eidb_exports_hs8_pharma_by_destination\.csv.*malformed CSV/);
  });

  it('reports every bad cell with its row and column: unknown country, non-numeric and negative figures, bad year', async () => {
    const file = tempTable(INDIA_TRADE_FILES.hs8Pharma, [
      HS8_HEADER,
      '2922,29221190,2017-18,AUSTRALIA,XYZ,786120,KGS,1.89,12.17',
      '2922,29221190,2017-18,AUSTRIA,AUT,abc,KGS,0,0.02',
      '2922,29221190,2017-18,ALGERIA,DZA,5,KGS,-1.5,0',
      '2922,29221190,2017/18,BELGIUM,BEL,5,KGS,0.1,0.7',
      '2922,29331990,2017-18,CANADA,CAN,5,KGS,0.1,0.7',
    ]);
    const e = await validationError(() => readIndiaTrade(file));
    const where = e.issues.map((i) => [i.row, i.column]);
    expect(where).toEqual([
      [2, 'partner_iso3'],
      [3, 'quantity'],
      [4, 'value_usd_million'],
      [5, 'fiscal_year'],
      [6, 'hs4'],
    ]);
    expect(e.issues[0]?.message).toMatch(/unknown ISO 3166-1 alpha-3 code "XYZ"/);
    expect(e.issues[2]?.message).toMatch(/negative/);
  });

  it('rejects a duplicated row as a duplicate trade flow', async () => {
    const row = '2922,29221190,2017-18,AUSTRALIA,AUS,786120,KGS,1.89,12.17';
    const file = tempTable(INDIA_TRADE_FILES.hs8Pharma, [HS8_HEADER, row, row]);
    const e = await validationError(() => readIndiaTrade(file));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ row: 3 });
    expect(e.issues[0]?.message).toMatch(/duplicate trade_flow key .*first at .* row 2/);
  });

  it('rejects an HS-2 partner other than China or the world, and a parliamentary value that is not a number', async () => {
    const hs2 = tempTable(INDIA_TRADE_FILES.hs2ChinaWorld, [
      'flow,partner_eidb,hs2,chapter_description,fiscal_year,value_usd_million,source_file,value_basis',
      'import,JAPAN,29,ORGANIC CHEMICALS,2019-20,1.00,x.asp,current',
    ]);
    expect((await validationError(() => readIndiaTrade(hs2))).issues[0]).toMatchObject({
      row: 2,
      column: 'partner_eidb',
    });
    const parl = tempTable(INDIA_TRADE_FILES.parliament, [
      'topic,item,flow,partner,period,metric,value,unit,source_title,source_url,source_date,underlying_source,note',
      'pharma,bulk drugs,import,China,FY2018-19,value,about 2405,USD million,T,https://example.org/a,,,',
    ]);
    expect((await validationError(() => readIndiaTrade(parl))).issues[0]).toMatchObject({
      row: 2,
      column: 'value',
    });
  });

  it('refuses a table it does not know', async () => {
    const file = tempTable('other.csv', ['a,b', '1,2']);
    expect((await validationError(() => readIndiaTrade(file))).message).toMatch(/not an india-trade table/);
  });
});

describe('india-trade importer on the bundled folder', () => {
  it('reads every table and keeps 99.7% of partner rows', () => {
    const batch = readIndiaTrade(DATA);
    expect(batch.report.counts).toEqual({ trade_flow: 197_146, published_fact: 119 });
    expect(batch.report.metrics.skipped_no_iso3_rows).toBe(529);
    expect(batch.report.metrics.minerals_hs4_import_rows).toBe(1610);
    // 3004,30049099,2024-25,U S A,USA,69291559,KGS,4007.07,33923.88
    expect(
      flows(batch).find((r) => r.hs_code === '30049099' && r.importer === 'USA' && r.period === 'FY2024-25'),
    ).toMatchObject({ quantity: 69_291_559, value: 4_007_070_000 });
    // Lok Sabha: bulk drugs from China FY2018-19, 67.56 % of value
    expect(
      facts(batch).find(
        (r) => r.partner === 'CHN' && r.period === 'FY2018-19' && r.metric === 'share_of_imports',
      ),
    ).toMatchObject({ value: 0.6756 });
    expect(batch.sources).toHaveLength(4 + 17);
  });
});
