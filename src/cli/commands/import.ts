import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { detectImporter, IMPORTERS, importerFor } from '../../importers/registry.js';
import { ValidationError } from '../../model/index.js';
import { applyBatch } from '../../store/apply-batch.js';
import { openExisting } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, printJson } from '../output.js';
import { progress } from '../progress.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .argument('<path>', 'file or folder to import')
    .description(
      'validate and import a file or folder atomically (re-importing a source replaces its records)',
    )
    .option(
      '--format <format>',
      `input format: ${IMPORTERS.map((i) => i.format).join(', ')} (default: detected)`,
    )
    .option('--dry-run', 'validate only; write nothing')
    .option('--json', 'machine-readable output')
    .action(async (path: string, opts: ImportOptions, cmd: Command) => {
      try {
        await runImport(path, opts, cmd);
      } catch (e) {
        // an import is atomic: say so under the list of problems
        if (e instanceof ValidationError) e.outcome = 'nothing was imported; the database is unchanged.';
        throw e;
      }
    });
}

interface ImportOptions {
  format?: string;
  dryRun?: boolean;
  json?: boolean;
}

const runImport = async (
  path: string,
  opts: { format?: string; dryRun?: boolean; json?: boolean },
  cmd: Command,
) => {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  const importer = opts.format ? importerFor(opts.format) : detectImporter(path);
  if (!importer) {
    throw new UsageError(
      opts.format
        ? `unknown format ${JSON.stringify(opts.format)}; one of ${IMPORTERS.map((i) => i.format).join(', ')}`
        : `cannot tell the format of ${path}; pass --format (${IMPORTERS.map((i) => i.format).join(', ')})`,
    );
  }
  const bar = progress(!opts.json);
  bar.step(`reading ${path} (${importer.format})`);
  const batch = await importer.read(path, { onProgress: (d, t) => bar.update(d, t) });
  if (opts.dryRun) {
    bar.stop();
    const out = {
      format: importer.format,
      valid: true,
      counts: batch.report.counts,
      warnings: batch.report.warnings,
      metrics: batch.report.metrics,
    };
    if (opts.json) return printJson(out);
    process.stdout.write(`${path}: valid (${importer.format}); nothing written\n`);
    return;
  }
  const store = await openExisting(cmd);
  try {
    bar.step('writing');
    const res = await applyBatch(store, batch, { onProgress: (d, t) => bar.update(d, t) });
    bar.stop();
    const out = {
      format: importer.format,
      sources: res.sources,
      inserted: res.inserted,
      replaced: res.replaced,
      warnings: batch.report.warnings,
      metrics: batch.report.metrics,
    };
    if (opts.json) return printJson(out);
    process.stdout.write(
      formatTable(
        ['entity', 'records'],
        Object.entries(res.inserted).map(([k, v]) => [k, v ?? 0]),
      ) +
        `\n\nimported ${path} as ${importer.format} (sources: ${res.sources.join(', ')}; replaced ${res.replaced} earlier records)\n`,
    );
    for (const w of batch.report.warnings.slice(0, 20)) process.stdout.write(`warning: ${w}\n`);
    if (batch.report.warnings.length > 20)
      process.stdout.write(`… ${batch.report.warnings.length - 20} more warnings (--json lists all)\n`);
  } finally {
    bar.stop();
    await store.close();
  }
};
