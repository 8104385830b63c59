import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDatabase } from '../../src/cli/commands/init.js';
import type { BenchCase } from '../harness.js';

/** The full `trustmap init` on the bundled data: read, validate and load every source. */
export const bench: BenchCase = {
  name: 'init',
  description: 'full `trustmap init` of the bundled dataset into a new SQLite file',
  async run(log) {
    const file = join(tmpdir(), `trustmap-bench-init-${process.pid}.db`);
    rmSync(file, { force: true });
    const res = await initDatabase(file, { quiet: true });
    rmSync(file, { force: true });
    const rows = res.steps.reduce((a, s) => a + s.rows, 0);
    for (const s of res.steps)
      log(`${s.label}: ${s.rows.toLocaleString()} records in ${s.seconds.toFixed(2)} s`);
    return [
      { case: 'init', metric: 'full init time', value: Number(res.seconds.toFixed(2)), unit: 's' },
      { case: 'init', metric: 'records loaded', value: rows, unit: 'records' },
      {
        case: 'init',
        metric: 'throughput (read + validate + write)',
        value: Math.round(rows / res.seconds),
        unit: 'records/s',
      },
    ];
  },
};
