import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchBuilder } from '../../src/importers/batch.js';
import { referenceBatch } from '../../src/importers/reference.js';
import { applyBatch } from '../../src/store/apply-batch.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { BenchCase } from '../harness.js';

/** Bulk load of production rows into a SQLite file through the full import path and the raw BulkWriter. */
export const bench: BenchCase = {
  name: 'bulk-load',
  description: 'rows/s into a SQLite file: BulkWriter alone, and the whole validated import',
  async run(log) {
    const file = join(tmpdir(), `trustmap-bench-${process.pid}.db`);
    rmSync(file, { force: true });
    const store = await openSqliteStore(file);
    await applyBatch(store, referenceBatch());
    const N = 500_000;
    const countries = ['CHN', 'IND', 'USA', 'AUS', 'COD', 'IDN', 'CHL', 'XOT'];
    const cols = [
      'material_id',
      'country',
      'facility_id',
      'period',
      'measure',
      'origin',
      'quantity',
      'unit',
      'flag',
      'source_id',
      'illustrative',
      'note',
      'org_id',
    ];
    const rows: unknown[][] = [];
    for (let i = 0; i < N; i++) {
      rows.push([
        `m${i % 5000}.mine`,
        countries[i % countries.length],
        null,
        String(1990 + (i % 36)),
        'production',
        'primary',
        i * 0.5,
        't',
        null,
        'bench',
        0,
        null,
        null,
      ]);
    }
    log(`BulkWriter: ${N.toLocaleString()} production rows, median of 3 runs`);
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      await store.db.deleteFrom('production').where('source_id', '=', 'bench').execute();
      const t0 = performance.now();
      await store.transaction(async (tx) => {
        await tx.bulk.write('production', cols, rows);
      });
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const raw = N / times[1]!;

    // full path: schema validation, duplicate keys, reference checks, bulk write, commit
    const M = 200_000;
    const b = new BatchBuilder('bench', 'bench');
    b.source({
      id: 'bench-full',
      publisher: 'bench',
      title: 'bench',
      year: 2026,
      url: null,
      file: null,
      licence: 'CC0',
      note: null,
    });
    for (let i = 0; i < 2000; i++) {
      b.add(
        'material',
        {
          id: `b${i}.mine`,
          name: `B${i}`,
          commodity: `b${i}`,
          stage: 'mine',
          basis: 'element_content',
          unit: 't',
          source_id: 'bench-full',
        },
        { file: 'bench', row: i },
      );
    }
    for (let i = 0; i < M; i++) {
      b.add(
        'production',
        {
          material_id: `b${i % 2000}.mine`,
          country: countries[i % countries.length]!,
          period: String(1900 + Math.floor(i / 2000)),
          measure: 'production',
          quantity: i,
          unit: 't',
          source_id: 'bench-full',
        },
        { file: 'bench', row: i },
      );
    }
    const t1 = performance.now();
    const batch = b.build();
    await applyBatch(store, batch);
    const full = M / ((performance.now() - t1) / 1000);
    await store.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    return [
      {
        case: 'bulk-load',
        metric: 'BulkWriter (SQLite, one transaction)',
        value: Math.round(raw),
        unit: 'rows/s',
        target: '>= 200000',
      },
      {
        case: 'bulk-load',
        metric: 'apply validated batch (checks + write)',
        value: Math.round(full),
        unit: 'rows/s',
        note: 'validation happens while building the batch; this times applyBatch',
      },
    ];
  },
};
