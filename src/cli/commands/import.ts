import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { isPortfolio, readPortfolio } from '../../importers/org-portfolio.js';
import { detectImporter, IMPORTERS, importerFor } from '../../importers/registry.js';
import { ValidationError } from '../../model/index.js';
import { findOrganisation } from '../../store/accounts.js';
import { applyBatch } from '../../store/apply-batch.js';
import { orgRepository } from '../../store/scoped-repository.js';
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
    .option(
      '--org <org>',
      "import as an organisation's own data (id or name): its portfolio (docs/org-data.md) or interchange-format records",
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
  org?: string;
  dryRun?: boolean;
  json?: boolean;
}

const runImport = async (path: string, opts: ImportOptions, cmd: Command) => {
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if (opts.org !== undefined) return runOrgImport(path, opts, cmd);
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

/** `import --org`: an organisation's portfolio, or its records in the interchange format, through the scoped repository. */
async function runOrgImport(path: string, opts: ImportOptions, cmd: Command): Promise<void> {
  const portfolio = opts.format === 'portfolio' || (opts.format === undefined && isPortfolio(path));
  if (!portfolio && opts.format !== undefined && opts.format !== 'trustmap')
    throw new UsageError(
      `an organisation imports its portfolio (--format portfolio) or trustmap interchange files (--format trustmap), not ${opts.format}`,
    );
  if (!portfolio && !importerFor('trustmap')!.detect(path))
    throw new UsageError(
      `${path} is neither a portfolio (products.csv …, docs/org-data.md) nor trustmap interchange files (source.csv …)`,
    );
  const store = await openExisting(cmd);
  try {
    const org = await findOrganisation(store, opts.org!);
    const repo = orgRepository(store, org.id);
    if (portfolio) {
      const batch = readPortfolio(path);
      if (opts.dryRun) {
        const counts = Object.fromEntries(Object.entries(batch.parts).map(([k, v]) => [k, v.length]));
        if (opts.json)
          return printJson({
            format: 'portfolio',
            org: org.id,
            valid: true,
            counts,
            warnings: batch.warnings,
          });
        process.stdout.write(`${path}: a valid portfolio for ${org.name}; nothing written\n`);
        return;
      }
      const res = await repo.importPortfolio(batch);
      if (opts.json) return printJson({ org: org.id, ...res });
      process.stdout.write(
        formatTable(
          ['part', 'rows'],
          Object.entries(res.counts).map(([k, v]) => [k, v]),
        ) + `\n\nimported the portfolio of ${org.name} [${org.id}] (replaced ${res.replaced} earlier rows)\n`,
      );
      for (const u of res.unmatched)
        process.stdout.write(
          `note: ${u.kind.toUpperCase()} ${JSON.stringify(u.name)} matches no trustmap material: no public context for it\n`,
        );
      for (const w of res.warnings) process.stdout.write(`warning: ${w}\n`);
      return;
    }
    const batch = await importerFor('trustmap')!.read(path);
    if (opts.dryRun) {
      if (opts.json)
        return printJson({ format: 'trustmap', org: org.id, valid: true, counts: batch.report.counts });
      process.stdout.write(`${path}: valid (trustmap) for ${org.name}; nothing written\n`);
      return;
    }
    const res = await repo.importBatch(batch);
    if (opts.json)
      return printJson({ org: org.id, format: 'trustmap', ...res, warnings: batch.report.warnings });
    process.stdout.write(
      formatTable(
        ['entity', 'records'],
        Object.entries(res.inserted).map(([k, v]) => [k, v ?? 0]),
      ) + `\n\nimported ${path} as ${org.name}'s own data (sources: ${res.sources.join(', ')})\n`,
    );
  } finally {
    await store.close();
  }
}
