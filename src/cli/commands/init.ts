import { existsSync, renameSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../../model/index.js';
import { loadBundledDataset, type StepReport } from '../../services/bundled-dataset.js';
import { isPostgresUrl, openStore } from '../../store/open.js';
import { dbLocation } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, printJson } from '../output.js';
import { bundledDataDir } from '../paths.js';
import { progress } from '../progress.js';

/**
 * Builds the database from the bundled data. A SQLite file is built beside the target and renamed
 * into place only when every step succeeded, so a failed init never leaves a half-built database.
 */
export async function initDatabase(
  location: string,
  opts: { force?: boolean; data?: string; quiet?: boolean } = {},
): Promise<{ location: string; steps: StepReport[]; seconds: number }> {
  const dataDir = opts.data ?? bundledDataDir();
  const t0 = performance.now();
  const bar = progress(!opts.quiet);
  const hooks = {
    onStep: (label: string, i: number, n: number) => bar.step(`[${i + 1}/${n}] ${label}`, 1),
    onProgress: (done: number, total: number) => bar.update(done, total),
  };
  if (isPostgresUrl(location)) {
    const store = await openStore(location);
    try {
      const steps = await loadBundledDataset(store, dataDir, hooks);
      return { location: store.location, steps, seconds: (performance.now() - t0) / 1000 };
    } finally {
      bar.stop();
      await store.close();
    }
  }
  if (existsSync(location) && !opts.force) {
    throw new UsageError(`${location} already exists; use --force to rebuild it`);
  }
  const tmp = `${location}.building-${process.pid}`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const store = await openStore(tmp);
  let steps: StepReport[];
  try {
    steps = await loadBundledDataset(store, dataDir, hooks);
  } catch (e) {
    bar.stop();
    await store.close();
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    if (e instanceof ValidationError)
      e.outcome = `nothing was written: ${location} was not created or changed.`;
    throw e;
  }
  bar.stop();
  await store.close();
  for (const f of [`${location}-wal`, `${location}-shm`]) rmSync(f, { force: true });
  renameSync(tmp, location);
  return { location, steps, seconds: (performance.now() - t0) / 1000 };
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the database and load the bundled real data')
    .option('--force', 'rebuild an existing database')
    .option('--data <dir>', 'folder of bundled data (default: the data/ shipped with trustmap)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { force?: boolean; data?: string; json?: boolean }, cmd: Command) => {
      const res = await initDatabase(dbLocation(cmd), {
        force: opts.force,
        data: opts.data,
        quiet: opts.json,
      });
      if (opts.json) return printJson(res);
      process.stdout.write(
        formatTable(
          ['step', 'records', 'seconds'],
          res.steps.map((s) => [s.label, s.rows, Number(s.seconds.toFixed(2))]),
        ) + `\n\ncreated ${res.location} in ${res.seconds.toFixed(1)} s\n`,
      );
      const warnings = res.steps.reduce((a, s) => a + s.warnings.length, 0);
      if (warnings) process.stdout.write(`${warnings} import warnings (see \`trustmap init --json\`)\n`);
    });
}
