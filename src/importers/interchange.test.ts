import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../model/index.js';
import { applyBatch } from '../store/apply-batch.js';
import { contentChecksum } from '../store/checksum.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { readInterchange } from './interchange.js';
import { referenceBatch } from './reference.js';

const EXAMPLE_CSV = join(import.meta.dirname, '../../examples/interchange-csv');
const EXAMPLE_JSON = join(import.meta.dirname, '../../examples/interchange.json');

let store: Store;
let dir: string;

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  await applyBatch(store, referenceBatch());
  dir = mkdtempSync(join(tmpdir(), 'trustmap-ix-'));
  cpSync(EXAMPLE_CSV, dir, { recursive: true });
});
afterEach(async () => {
  await store.close();
});

function edit(file: string, fn: (text: string) => string): void {
  const p = join(dir, file);
  writeFileSync(p, fn(readFileSync(p, 'utf8')));
}

/** Imports the valid example, then expects `path` to fail with an issue matching `where`, store unchanged. */
async function expectRejected(
  path: string,
  where: { file?: RegExp; row?: number; column?: string; message: RegExp },
) {
  await applyBatch(store, await readInterchange(EXAMPLE_CSV));
  const before = await contentChecksum(store);
  let err: unknown;
  try {
    await applyBatch(store, await readInterchange(path));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ValidationError);
  const issues = (err as ValidationError).issues;
  const hit = issues.find(
    (i) =>
      where.message.test(i.message) &&
      (where.file ? where.file.test(i.file ?? '') : true) &&
      (where.row !== undefined ? i.row === where.row : true) &&
      (where.column !== undefined ? i.column === where.column : true),
  );
  expect(hit, JSON.stringify(issues)).toBeDefined();
  const after = await contentChecksum(store);
  expect(after.counts).toEqual(before.counts);
  expect(after.sha256).toBe(before.sha256);
}

describe('interchange format', () => {
  it('loads the worked example from a CSV folder with China at 900,000 kg of gallium in 2025', async () => {
    const batch = await readInterchange(EXAMPLE_CSV);
    const res = await applyBatch(store, batch);
    expect(res.inserted.production).toBe(6);
    const chn = await store.db
      .selectFrom('production')
      .select(['quantity', 'flag'])
      .where('material_id', '=', 'example-gallium.refined')
      .where('country', '=', 'CHN')
      .executeTakeFirstOrThrow();
    expect(chn).toEqual({ quantity: 900000, flag: 'est' });
    const recipe = await store.db.selectFrom('recipe').selectAll().executeTakeFirstOrThrow();
    expect(recipe.illustrative).toBe(1);
    expect(recipe.quantity).toBeNull();
  });

  it('gives the same records from the JSON document as from the CSV folder', async () => {
    await applyBatch(store, await readInterchange(EXAMPLE_CSV));
    const fromCsv = await contentChecksum(store);
    const other = await openSqliteStore(':memory:');
    await applyBatch(other, referenceBatch());
    await applyBatch(other, await readInterchange(EXAMPLE_JSON));
    const fromJson = await contentChecksum(other);
    await other.close();
    expect(fromJson.sha256).toBe(fromCsv.sha256);
  });

  it('replaces the records of a source when it is imported again', async () => {
    await applyBatch(store, await readInterchange(EXAMPLE_CSV));
    const once = await contentChecksum(store);
    await applyBatch(store, await readInterchange(EXAMPLE_CSV));
    const twice = await contentChecksum(store);
    expect(twice.counts.production).toBe(6);
    expect(twice.sha256).toBe(once.sha256);
  });

  it('reports the row of malformed quoting', async () => {
    edit('production.csv', (t) => t.replace('example-gallium.refined,JPN', 'example-gallium.refined,"JPN'));
    await expectRejected(dir, { file: /production\.csv/, message: /malformed CSV|quote/i });
  });

  it('reports the row with a wrong column count', async () => {
    edit('production.csv', (t) => t.replace(',RUS,,2025,', ',RUS,2025,'));
    await expectRejected(dir, { file: /production\.csv/, row: 4, message: /expected 12 columns, found 11/ });
  });

  it('names the row and column of an unknown country', async () => {
    edit('production.csv', (t) => t.replace(',JPN,', ',JPX,'));
    await expectRejected(dir, {
      file: /production\.csv/,
      row: 3,
      column: 'country',
      message: /unknown country "JPX"/,
    });
  });

  it('names the row and column of an unknown material', async () => {
    edit('sourcing_share.csv', (t) =>
      t.replace('example-gallium.refined,USA,DEU', 'example-galium.refined,USA,DEU'),
    );
    await expectRejected(dir, {
      file: /sourcing_share\.csv/,
      row: 5,
      column: 'material_id',
      message: /unknown material/,
    });
  });

  it('reports the row and column of a negative quantity', async () => {
    edit('production.csv', (t) => t.replace(',3000,', ',-3000,'));
    await expectRejected(dir, {
      file: /production\.csv/,
      row: 3,
      column: 'quantity',
      message: />= 0|minimum|greater/i,
    });
  });

  it('reports the row and column of a non-numeric quantity', async () => {
    edit('production.csv', (t) => t.replace(',6000,', ',6 thousand,'));
    await expectRejected(dir, {
      file: /production\.csv/,
      row: 4,
      column: 'quantity',
      message: /not a number/,
    });
  });

  it('rejects a share set above 100 % beyond rounding and names the material', async () => {
    edit('sourcing_share.csv', (t) => t.replace(',XOT,2021-2024,0.16', ',XOT,2021-2024,0.18'));
    await expectRejected(dir, { file: /sourcing_share\.csv/, column: 'share', message: /sum to 102\.00 %/ });
  });

  it('loads share sets of 100.4 % and 98 % with the residual reported, never renormalised', async () => {
    edit('sourcing_share.csv', (t) => t.replace(',XOT,2021-2024,0.16', ',XOT,2021-2024,0.164'));
    let batch = await readInterchange(dir);
    expect(batch.report.warnings.join('\n')).toMatch(/sum to 100\.40 % \(residual -0\.40 points/);
    await applyBatch(store, batch);
    const xot = await store.db
      .selectFrom('sourcing_share')
      .select('share')
      .where('partner', '=', 'XOT')
      .executeTakeFirstOrThrow();
    expect(xot.share).toBe(0.164);
    edit('sourcing_share.csv', (t) => t.replace(',XOT,2021-2024,0.164', ',XOT,2021-2024,0.14'));
    batch = await readInterchange(dir);
    expect(batch.report.warnings.join('\n')).toMatch(/sum to 98\.00 % \(residual 2\.00 points/);
  });

  it('rejects duplicate keys, naming both rows', async () => {
    edit(
      'production.csv',
      (t) =>
        t + 'example-gallium.refined,JPN,,2025,production,primary,3100,kg,est,usgs-mcs-2026-example,false,\n',
    );
    await expectRejected(dir, {
      file: /production\.csv/,
      row: 8,
      message: /duplicate production key.*first at production\.csv row 3/,
    });
  });

  it('rejects a recipe cycle and prints it', async () => {
    edit(
      'recipe.csv',
      (t) => t + 'example-gallium.refined,example-gaas-wafer.component,,true,,,example-assumptions,true,\n',
    );
    await expectRejected(dir, {
      file: /recipe\.csv/,
      message: /recipe cycle: .*example-gallium\.refined.*→/,
    });
  });

  it('rejects a file that is not UTF-8, naming its line', async () => {
    const p = join(dir, 'material.csv');
    const buf = readFileSync(p);
    writeFileSync(
      p,
      Buffer.concat([
        buf,
        Buffer.from('bad-\xe9.api,Caf\xe9,x,api,compound,kg,,,,,example-assumptions,true,\n', 'latin1'),
      ]),
    );
    await expectRejected(dir, { file: /material\.csv/, row: 4, message: /not valid UTF-8/ });
  });

  it('rejects an empty file', async () => {
    writeFileSync(join(dir, 'recipe.csv'), '');
    await expectRejected(dir, { file: /recipe\.csv/, message: /empty/ });
  });

  it('rejects a truncated JSON document, naming the line', async () => {
    const text = readFileSync(EXAMPLE_JSON, 'utf8');
    const p = join(dir, 'truncated.json');
    writeFileSync(p, text.slice(0, Math.floor(text.length / 2)));
    await expectRejected(p, { file: /truncated\.json/, message: /truncated or invalid JSON/ });
  });

  it('names the JSON pointer of a bad field', async () => {
    const doc = JSON.parse(readFileSync(EXAMPLE_JSON, 'utf8'));
    doc.production[2].quantity = 'lots';
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify(doc));
    await expectRejected(p, { file: /bad\.json#\/production\/2/, column: 'quantity', message: /Expected/ });
  });

  it('rejects unknown fields instead of dropping them', async () => {
    const doc = JSON.parse(readFileSync(EXAMPLE_JSON, 'utf8'));
    doc.production[0].quantiy = 5;
    const p = join(dir, 'unknown.json');
    writeFileSync(p, JSON.stringify(doc));
    await expectRejected(p, {
      file: /unknown\.json#\/production\/0/,
      column: 'quantiy',
      message: /unknown field/,
    });
  });
});
