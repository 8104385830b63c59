import type { Command } from 'commander';
import { STAGES } from '../../model/index.js';
import { listCountries, listMaterials, listSources } from '../../store/queries.js';
import { openExisting } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, printJson } from '../output.js';

export function registerLists(program: Command): void {
  program
    .command('materials')
    .description('list materials (id, stage, basis, unit, source)')
    .option('--stage <stage>', `only one stage: ${STAGES.join(', ')}`)
    .option('--commodity <slug>', 'only one commodity')
    .option('--json', 'machine-readable output')
    .action(async (opts: { stage?: string; commodity?: string; json?: boolean }, cmd: Command) => {
      if (opts.stage && !(STAGES as readonly string[]).includes(opts.stage)) {
        throw new UsageError(`unknown stage ${JSON.stringify(opts.stage)}; one of ${STAGES.join(', ')}`);
      }
      const store = await openExisting(cmd);
      try {
        const rows = await listMaterials(store, opts);
        if (opts.json) return printJson(rows);
        process.stdout.write(
          formatTable(
            ['id', 'name', 'stage', 'basis', 'unit', 'source'],
            rows.map((m) => [
              m.id,
              m.name + (m.illustrative ? ' (illustrative)' : ''),
              m.stage,
              m.basis,
              m.unit,
              m.source_id,
            ]),
          ) + `\n${rows.length} materials\n`,
        );
      } finally {
        await store.close();
      }
    });

  program
    .command('countries')
    .description('list countries and the regions they belong to')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const store = await openExisting(cmd);
      try {
        const rows = await listCountries(store);
        if (opts.json) return printJson(rows);
        process.stdout.write(
          formatTable(
            ['iso3', 'name', 'regions'],
            rows.map((c) => [c.iso3, c.name, c.regions.join(' ')]),
          ) + '\n',
        );
      } finally {
        await store.close();
      }
    });

  program
    .command('sources')
    .description('list data sources with publisher, year, licence and record counts')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const store = await openExisting(cmd);
      try {
        const rows = await listSources(store);
        if (opts.json) return printJson(rows);
        process.stdout.write(
          formatTable(
            ['id', 'publisher', 'year', 'licence', 'records'],
            rows.map((s) => [s.id, s.publisher.slice(0, 48), s.year, s.licence.slice(0, 40), s.records]),
          ) + '\n',
        );
      } finally {
        await store.close();
      }
    });
}
