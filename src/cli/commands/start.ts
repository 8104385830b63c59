import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { overview } from '../../services/overview.js';
import { isPostgresUrl, openStore } from '../../store/open.js';
import { dbLocation } from '../context.js';
import { formatTable, pct, printJson } from '../output.js';
import { initDatabase } from './init.js';

/** The main job: create the database from the bundled data if absent, then print the overview. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'create the database from bundled data if absent, then show the overview of the most concentrated critical minerals and APIs',
    )
    .option('--concern <iso3>', 'country of concern', 'CHN')
    .option('--limit <n>', 'rows per table', '15')
    .option('--json', 'machine-readable output')
    .action(async (opts: { concern: string; limit: string; json?: boolean }, cmd: Command) => {
      const loc = dbLocation(cmd);
      if (!isPostgresUrl(loc) && !existsSync(loc)) {
        if (!opts.json) process.stderr.write(`no database at ${loc}: building it from the bundled data…\n`);
        const res = await initDatabase(loc, { quiet: opts.json });
        if (!opts.json) process.stderr.write(`created ${res.location} in ${res.seconds.toFixed(1)} s\n\n`);
      }
      const store = await openStore(loc);
      try {
        const o = await overview(store, {
          concern: opts.concern.toUpperCase(),
          limit: Number(opts.limit) || 15,
        });
        if (opts.json) return printJson(o);
        const lines: string[] = [];
        lines.push(`trustmap — ${store.location}`);
        lines.push('');
        lines.push(`Most concentrated critical minerals (production, newest year; share of ${o.concern})`);
        lines.push(
          formatTable(
            ['material', 'year', 'HHI', `${o.concern} share`, 'top producers', 'source'],
            o.minerals.map((r) => [
              r.material.id + (r.material.illustrative ? ' (illustrative)' : ''),
              r.period,
              r.hhi === null ? '–' : Math.round(r.hhi),
              pct(r.concernShare),
              r.top.map((t) => `${t.country} ${pct(t.share, 0)}`).join(', '),
              r.source_id,
            ]),
          ),
        );
        lines.push('');
        if (o.apis.length) {
          lines.push(
            'APIs with the fewest independent suppliers to the US market (active Type II DMF holders)',
          );
          lines.push(
            formatTable(
              ['API', 'holders', 'top country', 'its share', 'country unknown', 'in shortage'],
              o.apis.map((a) => [
                a.material.name,
                a.holders,
                a.topCountry ?? '–',
                pct(a.topCountryShare),
                a.unknown,
                a.inShortage ? 'yes' : 'no',
              ]),
            ),
          );
          lines.push('DMF holder counts say who may supply, not how much: they are not capacity.');
        } else {
          lines.push('APIs: no DMF data loaded.');
        }
        lines.push('');
        lines.push(
          'Next: `trustmap show <material>` for shares, sources and assumptions; `trustmap --help` for all commands.',
        );
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        await store.close();
      }
    });
}
