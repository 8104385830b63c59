import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import type { DmfHolder, DrugMasterFile, Establishment } from '../model/index.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import type { ImportBatch } from './batch.js';
import { apiHoldersBySubstance, fdaDmfImporter } from './fda-dmf.js';
import { referenceBatch } from './reference.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures');
const DMF_FIXTURE = join(FIXTURES, 'fda-dmf/fda_dmf_list_2025q2.csv');
const DECRS_FIXTURE = join(FIXTURES, 'fda-decrs/fda_decrs_establishments_2025.csv');
const DATA = join(import.meta.dirname, '../../data');

const dmfs = (b: ImportBatch) => (b.rows.dmf ?? []).map((r) => r.row as DrugMasterFile);
const holders = (b: ImportBatch) => (b.rows.dmf_holder ?? []).map((r) => r.row as DmfHolder);
const establishments = (b: ImportBatch) => (b.rows.establishment ?? []).map((r) => r.row as Establishment);
const dmf = (b: ImportBatch, n: number) => dmfs(b).find((d) => d.dmf_number === n);
const holder = (b: ImportBatch, key: string) => holders(b).find((h) => h.holder_key === key);

// --- temporary folders laid out like data/ (fda-dmf/ and fda-decrs/ side by side) ---
const tmpRoots: string[] = [];
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});
function layout(dmfText?: string | Buffer, decrsText?: string | Buffer): string {
  const root = mkdtempSync(join(tmpdir(), 'trustmap-fda-'));
  tmpRoots.push(root);
  mkdirSync(join(root, 'fda-dmf'));
  mkdirSync(join(root, 'fda-decrs'));
  const dmfPath = join(root, 'fda-dmf/fda_dmf_list_2025q2.csv');
  const decrsPath = join(root, 'fda-decrs/fda_decrs_establishments_2025.csv');
  if (dmfText === undefined) copyFileSync(DMF_FIXTURE, dmfPath);
  else writeFileSync(dmfPath, dmfText);
  if (decrsText === undefined) copyFileSync(DECRS_FIXTURE, decrsPath);
  else writeFileSync(decrsPath, decrsText);
  return root;
}
const DMF_HEADER = 'DMF_NUMBER,STATUS,TYPE,SUBMIT_DATE,HOLDER,SUBJECT';
const DECRS_TEXT = readFileSync(DECRS_FIXTURE, 'utf8');
const DECRS_HEADER = DECRS_TEXT.split('\n')[0]!;

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('FDA DMF importer on real excerpts', async () => {
  const batch = await fdaDmfImporter.read(join(FIXTURES, 'fda-dmf'));

  it('declares the DMF list and DECRS sources with their files', () => {
    expect(batch.sources.map((s) => [s.id, s.year, s.file])).toEqual([
      ['fda-dmf-2025q2', 2025, 'fda-dmf/fda_dmf_list_2025q2.csv'],
      ['fda-decrs-2025', 2025, 'fda-decrs/fda_decrs_establishments_2025.csv'],
    ]);
    expect(batch.report.counts).toEqual({ establishment: 31, dmf: 43, dmf_holder: 31 });
  });

  it('keeps every DMF, and resolves substances only for active Type II ones', () => {
    // 0,I,II,1981-02-08,HEXCEL CHEMICAL PRODUCTS,CPC — inactive: not assessed
    expect(dmf(batch, 0)).toMatchObject({ status: 'I', type: 'II', substance: null, exclusion: null });
    // 1,I,III,1947-11-04,ROHM AND HAAS CO,LETHANE 384 SPECIAL — packaging
    expect(dmf(batch, 1)).toMatchObject({ type: 'III', substance: null, exclusion: null });
    // 12647,A,II,1997-09-08,USV PRIVATE LTD,METFORMIN HCL USP
    expect(dmf(batch, 12647)).toEqual({
      dmf_number: 12647,
      status: 'A',
      type: 'II',
      submit_date: '1997-09-08',
      holder: 'USV PRIVATE LTD',
      holder_key: 'USV',
      subject: 'METFORMIN HCL USP',
      substance: 'METFORMIN HYDROCHLORIDE',
      exclusion: null,
      source_id: 'fda-dmf-2025q2',
    });
  });

  it('gives the known substance or exclusion of each active Type II DMF', () => {
    const expected: [number, string | null, string | null][] = [
      [5198, null, 'blend'], // Compap™ L (Acetaminophen USP 90% Anhydrous Basis)
      [5326, 'ACETAMINOPHEN', null], // ACETAMINOPHEN USP
      [5390, null, 'unresolved'], // SULFACETAMIDE/SULFACETAMIDE SODIUM
      [5951, 'METFORMIN HYDROCHLORIDE', null],
      [12670, 'METFORMIN HYDROCHLORIDE', null], // ... DRUG SUBTANCE
      [13030, 'SILODOSIN', null], // KMD-3213 (SILODOSIN) DRUG SUBSTANCE, named by DMF 26251
      [15557, null, 'blend'], // BLENDED METFORMIN HCL
      [15972, 'AZITHROMYCIN', null], // AZITHROMYCIN DIHYDRATE
      [16286, 'BENZOYL PEROXIDE', null], // PERKADOX API (BENZOYL PEROXIDE)
      [17743, null, 'granules'], // METFORMIN HYDROCHLORIDE DC GRANULES
      [18994, null, 'finished-dosage-form'], // METFORMIN AQ 1000 MG EXTENDED RELEASE TABLETS
      [20432, null, 'combination'], // PIPERACILLIN SODIUM AND TAZOBACTAM SODIUM (8:1)
      [30986, 'SUFENTANIL', null], // SUFENTANIL BASE EP
      [34034, null, 'unresolved'], // CB 5339 DRUG SUBSTANCE
      [35906, null, 'intermediate'], // ROSUVASTATIN CALCIUM INTERMEDIATE (R1)
      [37336, 'ACETAMINOPHEN', null], // ACETAMINOPHEN USP (PARACETAMOL USP)
      [37390, null, 'non-drug'], // DEPTH FILTERS
      [37408, null, 'blend'], // METFORMIN HYDROCHLORIDE + 0.5% MAGNESIUM STEARATE
      [38759, 'FLUTICASONE PROPIONATE', null], // FLUTICASONE PROPIONATE(MICRONIZED AND NON-MICRONIZED)
      [41057, null, 'granules'], // ACETAMINOPHEN/PARACETAMOL GRANULES DC 90% (DIRECTOACE-90F)
    ];
    for (const [n, substance, exclusion] of expected)
      expect([n, dmf(batch, n)?.substance, dmf(batch, n)?.exclusion]).toEqual([n, substance, exclusion]);
  });

  it('reports resolved, excluded-by-reason and unresolved counts of active Type II DMFs', () => {
    // 41 active Type II rows in the excerpt (43 minus DMFs 0 and 1)
    expect(batch.report.metrics).toMatchObject({
      dmf_rows: 43,
      dmf_active_type2: 41,
      dmf_active_type2_resolved: 26,
      dmf_active_type2_resolved_openfda: 9,
      dmf_active_type2_resolved_normalised: 17,
      dmf_active_type2_excluded_non_drug: 1,
      dmf_active_type2_excluded_granules: 3,
      dmf_active_type2_excluded_finished_dosage_form: 1,
      dmf_active_type2_excluded_blend: 5,
      dmf_active_type2_excluded_intermediate: 1,
      dmf_active_type2_excluded_combination: 2,
      dmf_active_type2_unresolved: 2,
    });
  });

  it('lists a holder with API sites in India, the UK and Mexico as multi-country', () => {
    expect(holder(batch, 'DR REDDYS LABORATORY')).toEqual({
      holder_key: 'DR REDDYS LABORATORY',
      holder: 'DR REDDYS LABORATORIES LTD',
      country_status: 'multi',
      countries: ['GBR', 'IND', 'MEX'],
      match_rule: 'firm-name+registrant',
      source_id: 'fda-decrs-2025',
    });
  });

  it('leaves a holder without a registered site unknown', () => {
    expect(holder(batch, 'SHANGHAI MEDICINAL')).toMatchObject({
      country_status: 'unknown',
      countries: [],
      match_rule: null,
    });
  });

  it('matches through a site qualifier, and falls back to a manufacturing site with its own rule name', () => {
    // "Zhejiang Kangle Pharmaceutical Co., Ltd (Binhai Plant)", API MANUFACTURE
    expect(holder(batch, 'ZHEJIANG KANGLE PHARMACEUTICAL')).toMatchObject({ countries: ['CHN'] });
    // Wockhardt Limited: ANALYSIS; MANUFACTURE only
    expect(holder(batch, 'WOCKHARDT')?.match_rule).toBe('firm-name+registrant:manufacture-site');
  });

  it('merges two spellings of one holder and names it by the spelling seen first on a tie', () => {
    // 37959 NINGXIA HENGKANG TECHNOLOGIES CO LTD, 39624 NINGXIA HENGKANG TECHNOLOGY CO LTD
    expect(dmf(batch, 37959)?.holder_key).toBe(dmf(batch, 39624)?.holder_key);
    expect(holder(batch, 'NINGXIA HENGKANG TECHNOLOGY')).toMatchObject({
      holder: 'NINGXIA HENGKANG TECHNOLOGIES CO LTD',
      countries: ['CHN'],
    });
  });

  it('reports the holder match rate and the share of DMFs whose holder matched', () => {
    // 13 of 31 holders matched; their active Type II DMFs: 23 of 41
    expect(batch.report.metrics.dmf_holders).toBe(31);
    expect(batch.report.metrics.dmf_holders_matched).toBe(13);
    expect(batch.report.metrics.dmf_holder_match_rate).toBeCloseTo(13 / 31, 10);
    expect(batch.report.metrics.dmf_active_type2_holder_matched_share).toBeCloseTo(23 / 41, 10);
    expect(batch.report.metrics.dmf_holders_matched_fallback).toBe(1);
    expect(batch.report.metrics.dmf_holders_multi_country).toBe(1);
  });

  it('reads establishments with ISO dates, merging registrations that share FEI, name and country', () => {
    const young = establishments(batch).filter((e) => e.firm_name === 'YOUNG WELDING SUPPLY INC');
    expect(young).toEqual([
      {
        fei: '1000113112',
        duns: '034109918; 119245701',
        firm_name: 'YOUNG WELDING SUPPLY INC',
        name_key: 'YOUNG WELDING SUPPLY',
        country: 'USA',
        operations: 'MANUFACTURE',
        api_manufacture: false,
        registrant_name: 'Young Welding Supply Inc',
        expiration_date: '2025-12-31',
        source_id: 'fda-decrs-2025',
      },
    ]);
    expect(batch.report.metrics.establishments_merged).toBe(1);
    expect(batch.report.warnings.some((w) => w.includes('1 registration(s) share'))).toBe(true);
  });

  it('takes the country from the address when COUNTRY_ISO3 is empty', () => {
    // NOVAVAX CZ a.s, "2348/1 Líbalova, Praha,  149 00, Czechia", COUNTRY_ISO3 empty
    expect(establishments(batch).find((e) => e.firm_name === 'NOVAVAX CZ a.s')).toMatchObject({
      country: 'CZE',
      api_manufacture: true,
      operations: 'ANALYSIS; API MANUFACTURE',
    });
  });

  it('applies to a store holding the reference countries', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const result = await applyBatch(store, batch);
    expect(result.inserted).toMatchObject({ dmf: 43, dmf_holder: 31, establishment: 31 });
    const multi = await store.db
      .selectFrom('dmf_holder')
      .select(['holder_key', 'country_status'])
      .where('country_status', '=', 'multi')
      .execute();
    expect(multi).toEqual([{ holder_key: 'DR REDDYS LABORATORY', country_status: 'multi' }]);
  });
});

describe('API holders by substance', () => {
  it('lists each holder once per substance, with its DMFs, from the excerpt', async () => {
    const batch = await fdaDmfImporter.read(join(FIXTURES, 'fda-dmf'));
    const by = apiHoldersBySubstance(dmfs(batch), holders(batch));
    const metformin = by.get('METFORMIN HYDROCHLORIDE') ?? [];
    expect(
      metformin.map((h) => [h.holder_key, h.country_status, h.countries.join(','), h.dmf_numbers]),
    ).toEqual([
      ['HARMAN FINOCHEM', 'single', 'IND', [15217]],
      ['IPCA LABORATORY', 'single', 'IND', [19925]],
      ['MERCK SANTE', 'single', 'FRA', [5951, 12670]],
      ['NINGXIA HENGKANG TECHNOLOGY', 'single', 'CHN', [37959, 39624]],
      ['SHANGHAI MEDICINAL', 'unknown', '', [14776]],
      ['SHOUGUANG FUKANG PHARMACEUTICAL', 'single', 'CHN', [23273]],
      ['USV', 'single', 'IND', [12647, 17744]],
    ]);
    expect((by.get('ACETAMINOPHEN') ?? []).map((h) => h.holder_key)).toEqual([
      'ANQIU LUAN PHARMACEUTICAL',
      'IOL CHEMICAL AND PHARMACEUTICAL',
      'MEGHMANI',
      'RHODIA ORGANIQUE',
      'SPECGX',
      'ZHEJIANG KANGLE PHARMACEUTICAL',
    ]);
  });

  it('ignores inactive and non-Type II DMFs and marks holders without a row unknown', () => {
    const base = { type: 'II', holder: 'X LTD', holder_key: 'X', substance: 'ACETAMINOPHEN' };
    const by = apiHoldersBySubstance(
      [
        { ...base, dmf_number: 1, status: 'A' },
        { ...base, dmf_number: 2, status: 'I' },
        { ...base, dmf_number: 3, status: 'A', type: 'IV' },
        { ...base, dmf_number: 4, status: 'A', substance: null },
        { ...base, dmf_number: 6, status: 'A', holder: 'Y LTD', holder_key: 'Y' },
        { ...base, dmf_number: 5, status: 'A' },
      ],
      [{ holder_key: 'X', holder: 'X LTD', country_status: 'multi', countries: ['CHN', 'IND'] }],
    );
    expect([...by.keys()]).toEqual(['ACETAMINOPHEN']);
    expect(by.get('ACETAMINOPHEN')).toEqual([
      {
        holder_key: 'X',
        holder: 'X LTD',
        country_status: 'multi',
        countries: ['CHN', 'IND'],
        dmf_numbers: [1, 5],
      },
      { holder_key: 'Y', holder: 'Y LTD', country_status: 'unknown', countries: [], dmf_numbers: [6] },
    ]);
  });
});

describe('FDA DMF importer input paths', () => {
  it('reads the same batch from the DMF folder, the DECRS folder, the parent folder and the DMF file', async () => {
    const counts = async (p: string) => (await fdaDmfImporter.read(p)).report.counts;
    const expected = { establishment: 31, dmf: 43, dmf_holder: 31 };
    expect(await counts(join(FIXTURES, 'fda-decrs'))).toEqual(expected);
    expect(await counts(FIXTURES)).toEqual(expected);
    expect(await counts(DMF_FIXTURE)).toEqual(expected);
  });

  it('detects the DMF and DECRS folders and files, not the shortage folder', () => {
    expect(fdaDmfImporter.detect(join(FIXTURES, 'fda-dmf'))).toBe(true);
    expect(fdaDmfImporter.detect(DECRS_FIXTURE)).toBe(true);
    expect(fdaDmfImporter.detect(join(FIXTURES, 'openfda-shortages'))).toBe(false);
    expect(fdaDmfImporter.detect(join(FIXTURES, 'no-such-folder'))).toBe(false);
  });

  it('resolves by normalisation alone, with a warning, when no openFDA file is beside it', async () => {
    const batch = await fdaDmfImporter.read(join(layout(), 'fda-dmf'));
    expect(batch.report.warnings.some((w) => w.includes('normalisation only'))).toBe(true);
    expect(batch.report.metrics.openfda_substance_names).toBe(0);
    expect(dmf(batch, 15972)?.substance).toBe('AZITHROMYCIN');
    expect(batch.report.metrics.dmf_active_type2_resolved_openfda).toBe(0);
  });

  it('names the missing DECRS file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trustmap-fda-'));
    tmpRoots.push(root);
    mkdirSync(join(root, 'fda-dmf'));
    copyFileSync(DMF_FIXTURE, join(root, 'fda-dmf/fda_dmf_list_2025q2.csv'));
    const e = await validationError(() => fdaDmfImporter.read(join(root, 'fda-dmf')));
    expect(e.message).toMatch(/no FDA DECRS establishment file/);
  });
});

describe('FDA DMF importer on bad input', () => {
  const read = (root: string) => fdaDmfImporter.read(join(root, 'fda-dmf'));

  it('rejects malformed CSV with its file and line', async () => {
    const e = await validationError(() =>
      read(
        layout(
          `${DMF_HEADER}\n5951,A,II,1985-08-09,MERCK SANTE SAS,METFORMIN HYDROCHLORIDE\n5326,A,II,1984-04-05,"SPECGX LLC,ACETAMINOPHEN USP\n`,
        ),
      ),
    );
    expect(e.issues[0]).toMatchObject({ file: 'fda-dmf/fda_dmf_list_2025q2.csv' });
    expect(e.message).toMatch(/malformed CSV/);
  });

  it('rejects a row with the wrong number of columns', async () => {
    const e = await validationError(() =>
      read(layout(`${DMF_HEADER}\n5951,A,II,1985-08-09,MERCK SANTE SAS\n`)),
    );
    expect(e.issues[0]).toMatchObject({ file: 'fda-dmf/fda_dmf_list_2025q2.csv', row: 2 });
  });

  it('rejects bytes that are not UTF-8, naming the line', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${DMF_HEADER}\n5951,A,II,1985-08-09,MERCK SANT`),
      Buffer.from([0xc9]), // "É" in Windows-1252
      Buffer.from(' SAS,METFORMIN HYDROCHLORIDE\n'),
    ]);
    const e = await validationError(() => read(layout(bytes)));
    expect(e.issues[0]).toMatchObject({ file: 'fda-dmf/fda_dmf_list_2025q2.csv', row: 2 });
    expect(e.message).toMatch(/not valid UTF-8/);
  });

  it('rejects a missing required column', async () => {
    const e = await validationError(() =>
      read(
        layout('DMF_NUMBER,STATUS,TYPE,SUBMIT_DATE,SUBJECT\n5951,A,II,1985-08-09,METFORMIN HYDROCHLORIDE\n'),
      ),
    );
    expect(e.issues).toEqual([
      expect.objectContaining({ file: 'fda-dmf/fda_dmf_list_2025q2.csv', row: 1, column: 'HOLDER' }),
    ]);
  });

  it('rejects an empty file', async () => {
    const e = await validationError(() => read(layout('')));
    expect(e.message).toMatch(/fda_dmf_list_2025q2\.csv.*the file is empty/);
  });

  it('collects every bad value with its row and column', async () => {
    const e = await validationError(() =>
      read(
        layout(
          [
            DMF_HEADER,
            'X51,A,II,1985-08-09,MERCK SANTE SAS,METFORMIN HYDROCHLORIDE',
            '5326,Q,II,1984-04-05,SPECGX LLC,ACETAMINOPHEN USP',
            '6267,A,VI,1986-04-14,ATABAY KIMYA SANAYI VE TICARET AS,ACETAMINOPHEN',
            '15846,A,II,2002-02-30,SRI KRISHNA PHARMACEUTICALS LTD,ACETAMINOPHEN USP',
            '16210,A,II,2002-10-23,,ACETAMINOPHEN',
            '',
          ].join('\n'),
        ),
      ),
    );
    expect(e.issues.map((i) => [i.row, i.column])).toEqual([
      [2, 'DMF_NUMBER'],
      [3, 'STATUS'],
      [4, 'TYPE'],
      [5, 'SUBMIT_DATE'],
      [6, 'HOLDER'],
    ]);
  });

  it('rejects a DMF number listed twice', async () => {
    const e = await validationError(() =>
      read(
        layout(
          `${DMF_HEADER}\n5951,A,II,1985-08-09,MERCK SANTE SAS,METFORMIN HYDROCHLORIDE\n5951,A,II,1985-08-09,MERCK SANTE SAS,METFORMIN HYDROCHLORIDE\n`,
        ),
      ),
    );
    expect(e.issues[0]).toMatchObject({ row: 3, column: 'dmf_number' });
    expect(e.message).toMatch(/duplicate dmf key/);
  });

  it('rejects an unknown establishment country and a bad expiry date in DECRS', async () => {
    const rows = DECRS_TEXT.split('\n').filter(
      (l) => l.startsWith('3002807297') || l.startsWith('3003941038'),
    );
    const bad = [
      DECRS_HEADER,
      rows[0]!.replace(',IND,12/31/2025,', ',XYZ,12/31/2025,'),
      rows[1]!.replace('12/31/2025', '31/12/2025'),
      '',
    ].join('\n');
    const e = await validationError(() => read(layout(undefined, bad)));
    expect(e.issues.map((i) => [i.file, i.row, i.column])).toEqual([
      ['fda-decrs/fda_decrs_establishments_2025.csv', 2, 'COUNTRY_ISO3'],
      ['fda-decrs/fda_decrs_establishments_2025.csv', 3, 'EXPIRATION_DATE'],
    ]);
  });
});

describe('FDA DMF importer on the bundled data', async () => {
  const batch = await fdaDmfImporter.read(DATA);
  const by = apiHoldersBySubstance(dmfs(batch), holders(batch));

  it('reads every DMF of the Q2 2025 list and every DECRS registration', () => {
    expect(batch.report.counts.dmf).toBe(39428);
    expect(batch.report.metrics.dmf_active_type2).toBe(14391);
    // 10,439 registrations, of which 212 share (FEI, firm name, country) with another
    expect(batch.report.counts.establishment).toBe(10439 - 212);
  });

  it('finds several metformin hydrochloride and acetaminophen API holders in India and China', () => {
    for (const substance of ['METFORMIN HYDROCHLORIDE', 'ACETAMINOPHEN']) {
      const list = by.get(substance) ?? [];
      expect(list.length).toBeGreaterThanOrEqual(10);
      const countries = new Set(list.flatMap((h) => h.countries));
      expect(countries.has('IND')).toBe(true);
      expect(countries.has('CHN')).toBe(true);
    }
    // USV holds two active Type II metformin DMFs (12647, 17744): one holder entry
    expect(by.get('METFORMIN HYDROCHLORIDE')?.find((h) => h.holder_key === 'USV')?.dmf_numbers).toEqual([
      12647, 17744,
    ]);
  });

  it('matches about half of the holders, and four in five active Type II DMFs', () => {
    expect(batch.report.metrics.dmf_holder_match_rate).toBeGreaterThan(0.45);
    expect(batch.report.metrics.dmf_active_type2_holder_matched_share).toBeGreaterThan(0.75);
  });
});
