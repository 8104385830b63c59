import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../../model/index.js';
import { portfolioImpact, portfolioReport } from '../../services/portfolio.js';
import { findOrganisation } from '../../store/accounts.js';
import { openExisting } from '../context.js';
import { formatTable, pct, printJson } from '../output.js';

export function registerPortfolio(program: Command): void {
  const cmdP = program
    .command('portfolio')
    .description("an organisation's products resting on a single-source API or KSM, or on one country")
    .requiredOption('--org <org>', 'organisation id or name')
    .option('--concern <iso3,...>', 'countries of concern', 'CHN')
    .option('--json', 'machine-readable output')
    .action(async (opts: { org: string; concern: string; json?: boolean }, cmd: Command) => {
      const store = await openExisting(cmd);
      try {
        const org = await findOrganisation(store, opts.org);
        const r = await portfolioReport(store, org.id, {
          concern: opts.concern.split(',').map((c) => c.trim()),
        });
        if (opts.json) return printJson(r);
        process.stdout.write(
          formatTable(
            ['product', 'single-source API', 'single-source KSM', 'one country', 'unknown'],
            r.products.map((p) => [
              p.name,
              p.flags.singleSourceApi.join(', ') || '–',
              p.flags.singleSourceKsm.map((k) => `${k.ksm} (${k.supplier}, ${k.country})`).join(', ') || '–',
              p.flags.singleCountry
                .map((c) => `${c.ksm ?? c.api}: ${c.country}${c.concern ? ' !' : ''}`)
                .join(', ') || '–',
              p.unknowns.length ? String(p.unknowns.length) : '–',
            ]),
          ) +
            `\n${r.summary.products} products: ${r.summary.withSingleSourceApi} on a single-source API, ${r.summary.withSingleSourceKsm} on a single-source KSM, ${r.summary.withSingleCountry} on one country (${r.summary.withConcernCountry} a country of concern, marked !)\n`,
        );
      } finally {
        await store.close();
      }
    });
  cmdP
    .command('impact')
    .argument('<scenario>', 'scenario file (JSON; docs/scenarios.md)')
    .option('--market <iso3>', 'the country your purchases go to (for export restrictions)')
    .option('--json', 'machine-readable output')
    .description('what a scenario does to the portfolio: products hit, supply lost, days of cover')
    .action(async (file: string, opts: { market?: string; json?: boolean }, cmd: Command) => {
      const parent = cmd.parent!.opts<{ org: string }>();
      let scenario: unknown;
      try {
        scenario = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new ValidationError([{ file, message: `not a JSON scenario: ${(e as Error).message}` }]);
      }
      const store = await openExisting(cmd);
      try {
        const org = await findOrganisation(store, parent.org);
        const r = await portfolioImpact(store, org.id, scenario, { market: opts.market ?? null });
        if (opts.json || cmd.parent!.opts<{ json?: boolean }>().json) return printJson(r);
        process.stdout.write(
          formatTable(
            ['product', 'hit', 'peak loss', 'cover (days)', 'first short day', 'days short'],
            r.products.map((p) => [
              p.name,
              p.affected ? 'yes' : 'no',
              p.peakLoss === null ? 'unknown' : pct(p.peakLoss),
              p.daysOfCover ?? '–',
              p.firstShortDay ?? '–',
              p.daysShort ?? 'unknown',
            ]),
          ) + `\n${r.summary.affected} of ${r.summary.products} products hit by ${r.scenario.name}\n`,
        );
        for (const n of r.notAssessed) process.stdout.write(`not assessed: ${n}\n`);
      } finally {
        await store.close();
      }
    });
}
