import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import type { Shortage } from '../model/index.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import type { ImportBatch } from './batch.js';
import { genericNameSubstances, openFdaShortagesImporter, snapshotDate } from './openfda-shortages.js';

const FIXTURE_DIR = join(import.meta.dirname, '../../test/fixtures/openfda-shortages');
const FIXTURE = join(FIXTURE_DIR, 'drug_shortages_flat.csv');
const DATA = join(import.meta.dirname, '../../data/openfda-drug-shortages');
const TEXT = readFileSync(FIXTURE, 'utf8');
const HEADER = TEXT.split('\n')[0]!;
const line = (ndc: string) => TEXT.split('\n').find((l) => l.startsWith(`${ndc},`))!;

const rows = (b: ImportBatch) => (b.rows.shortage ?? []).map((r) => r.row as Shortage);
const byNdc = (b: ImportBatch, ndc: string) => rows(b).filter((r) => r.package_ndc === ndc);

const tmpRoots: string[] = [];
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});
/** A folder like data/openfda-drug-shortages with the given CSV (and the fixture's PROVENANCE.md). */
function folder(csv: string | Buffer, provenance = true): string {
  const root = mkdtempSync(join(tmpdir(), 'trustmap-openfda-'));
  tmpRoots.push(root);
  const dir = join(root, 'openfda-drug-shortages');
  mkdirSync(dir);
  writeFileSync(join(dir, 'drug_shortages_flat.csv'), csv);
  if (provenance) copyFileSync(join(FIXTURE_DIR, 'PROVENANCE.md'), join(dir, 'PROVENANCE.md'));
  return dir;
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('openFDA shortages importer on a real excerpt', async () => {
  const batch = await openFdaShortagesImporter.read(FIXTURE_DIR);

  it('declares a dated snapshot source and says it is no history', () => {
    expect(batch.sources).toHaveLength(1);
    expect(batch.sources[0]).toMatchObject({
      id: 'openfda-drug-shortages-2026-06-19',
      year: 2026,
      file: 'openfda-shortages/drug_shortages_flat.csv',
    });
    expect(batch.sources[0]?.note).toMatch(/snapshot .* not a history/);
  });

  it('reads one row per package with openFDA fields and the snapshot date', () => {
    // 0409-6695-02,Etomidate Injection,"Hospira, Inc., a Pfizer Company",Current,Limited Availability,Other,...
    expect(byNdc(batch, '0409-6695-02')).toEqual([
      {
        package_ndc: '0409-6695-02',
        generic_name: 'Etomidate Injection',
        substance: 'ETOMIDATE',
        company: 'Hospira, Inc., a Pfizer Company',
        status: 'Current',
        availability: 'Limited Availability',
        reason: 'Other',
        therapeutic_category: 'Anesthesia',
        dosage_form: 'Injection',
        initial_posting_date: '2022-10-05',
        update_date: '2026-06-09',
        snapshot_date: '2026-06-19',
        source_id: 'openfda-drug-shortages-2026-06-19',
      },
    ]);
  });

  it('canonicalises openFDA substance names as DMF subjects are, keeping combinations in order', () => {
    expect(byNdc(batch, '0069-3070-30')[0]?.substance).toBe('AZITHROMYCIN'); // AZITHROMYCIN DIHYDRATE
    expect(byNdc(batch, '60951-602-85')[0]?.substance).toBe('ACETAMINOPHEN; OXYCODONE HYDROCHLORIDE');
  });

  it('falls back to the generic name without its dosage form', () => {
    // 0071-0535-23,Quinapril Hydrochloride Tablet,Pfizer Inc.,... (openfda_substance_name empty)
    expect(byNdc(batch, '0071-0535-23')[0]?.substance).toBe('QUINAPRIL HYDROCHLORIDE');
    expect(batch.report.metrics).toMatchObject({
      shortage_substance_from_openfda: 7,
      shortage_substance_from_generic_name: 2,
    });
  });

  it('keeps the Current record of a package listed both Current and To Be Discontinued', () => {
    expect(byNdc(batch, '0071-0535-23')).toEqual([
      expect.objectContaining({
        status: 'Current',
        availability: 'Unavailable',
        reason: 'Discontinuation of the manufacture of the drug',
        initial_posting_date: '2023-01-19',
      }),
    ]);
    expect(batch.report.counts.shortage).toBe(8);
    expect(batch.report.metrics.shortage_repeated_records).toBe(1);
    expect(batch.report.warnings).toHaveLength(1);
  });

  it('counts rows by status', () => {
    expect(batch.report.metrics).toMatchObject({
      shortage_status_current: 4,
      shortage_status_to_be_discontinued: 4,
    });
  });

  it('applies to a store', async () => {
    store = await openSqliteStore(':memory:');
    const result = await applyBatch(store, batch);
    expect(result.inserted.shortage).toBe(8);
  });
});

describe('generic names and snapshot dates', () => {
  it.each([
    ['Quinapril/Hydrochlorothiazide Tablet', ['QUINAPRIL', 'HYDROCHLOROTHIAZIDE']],
    ['Dextrose Monohydrate 50% Injection', ['DEXTROSE']],
    ['Lamotrigine Tablet, Extended Release', ['LAMOTRIGINE']],
    [
      'Doxylamine Succinate and Pyridoxine  Hydrochloride Tablet, Delayed Release',
      ['DOXYLAMINE SUCCINATE', 'PYRIDOXINE HYDROCHLORIDE'],
    ],
    ['Streptozocin Powder, For Solution', ['STREPTOZOCIN']],
  ])('%s → %j', (generic, expected) => {
    expect(genericNameSubstances(generic)).toEqual(expected);
  });

  it('reads the snapshot date from PROVENANCE.md', () => {
    expect(snapshotDate(FIXTURE_DIR)).toBe('2026-06-19');
    expect(snapshotDate(DATA)).toBe('2026-06-19');
  });

  it('reads the date from the bulk JSON when there is no PROVENANCE.md', () => {
    const dir = folder(TEXT, false);
    writeFileSync(
      join(dir, 'drug-shortages-0001-of-0001.json'),
      '{"meta":{"last_updated":"2026-06-19"},"results":[]}',
    );
    expect(snapshotDate(dir)).toBe('2026-06-19');
  });

  it('detects the folder and the CSV, but not the DMF folder', () => {
    expect(openFdaShortagesImporter.detect(FIXTURE_DIR)).toBe(true);
    expect(openFdaShortagesImporter.detect(FIXTURE)).toBe(true);
    expect(openFdaShortagesImporter.detect(join(FIXTURE_DIR, '../fda-dmf'))).toBe(false);
  });
});

describe('openFDA shortages importer on bad input', () => {
  it('refuses to guess a snapshot date', async () => {
    const e = await validationError(() => openFdaShortagesImporter.read(folder(TEXT, false)));
    expect(e.message).toMatch(/no snapshot date/);
  });

  it('rejects malformed CSV', async () => {
    const e = await validationError(() =>
      openFdaShortagesImporter.read(
        folder(`${HEADER}\n${line('0409-6695-02').replace('"Hospira', 'Hospira"')}\n`),
      ),
    );
    expect(e.message).toMatch(/drug_shortages_flat\.csv/);
    expect(e.message).toMatch(/malformed CSV|expected \d+ columns/);
  });

  it('rejects bytes that are not UTF-8, naming the line', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\n${line('0409-6695-02')}\n`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`${line('0409-3382-21')}\n`),
    ]);
    const e = await validationError(() => openFdaShortagesImporter.read(folder(bytes)));
    expect(e.issues[0]).toMatchObject({ file: 'openfda-drug-shortages/drug_shortages_flat.csv', row: 3 });
  });

  it('rejects a missing required column', async () => {
    const header = HEADER.replace('openfda_substance_name', 'substance_name');
    const e = await validationError(() => openFdaShortagesImporter.read(folder(`${header}\n`)));
    expect(e.issues).toEqual([expect.objectContaining({ row: 1, column: 'openfda_substance_name' })]);
  });

  it('rejects an empty file', async () => {
    const e = await validationError(() => openFdaShortagesImporter.read(folder('')));
    expect(e.message).toMatch(/the file is empty/);
  });

  it('collects empty generic names, empty statuses and bad dates with row and column', async () => {
    const etomidate = line('0409-6695-02');
    const csv = [
      HEADER,
      etomidate.replace('Etomidate Injection', ''),
      etomidate.replace(',Current,', ',,'),
      etomidate.replace('2022-10-05', '10/05/2022'),
      '',
    ].join('\n');
    const e = await validationError(() => openFdaShortagesImporter.read(folder(csv)));
    expect(e.issues.map((i) => [i.row, i.column])).toEqual([
      [2, 'generic_name'],
      [3, 'status'],
      [4, 'initial_posting_date'],
    ]);
  });
});

describe('openFDA shortages importer on the bundled data', async () => {
  const batch = await openFdaShortagesImporter.read(DATA);

  it('reads the 1,640 records of the 2026-06-19 snapshot into one row per package', () => {
    expect(batch.report.metrics.shortage_records).toBe(1640);
    // 39 records repeat a (package NDC, generic name, company) already listed
    expect(batch.report.counts.shortage).toBe(1640 - 39);
    expect(batch.report.metrics.shortage_substance_from_openfda).toBe(1468);
  });
});
