import type { Command } from 'commander';
import { TTS_DEFAULTS, type TtsReport, ttsReport } from '../../services/tts.js';
import { ORG_OPTION_HELP, openExisting, viewFor } from '../context.js';
import { UsageError } from '../errors.js';
import { formatNumber, formatTable, pct, printJson } from '../output.js';
import { progress } from '../progress.js';

function days(x: number | null, status: string): string {
  if (x === null) return `– (${status})`;
  if (x === Number.POSITIVE_INFINITY) return '∞';
  return x.toFixed(1);
}

function render(r: TtsReport, limit: number): string {
  const out: string[] = [];
  const o = r.options;
  out.push(
    `Time to survive / time to recover — region ${r.region.code} (${r.region.members.join(', ')}), base year ${r.year}`,
  );
  out.push(
    `TTR ${o.ttrDays} days; a disrupted node's stock ${o.stockShips ? 'may still ship' : 'is held back'}; ` +
      `PI = days of demand lost over the TTR window, summed over ${r.markets.length} markets; REI = PI / max PI`,
  );
  const shown = r.nodes.slice(0, limit);
  out.push('');
  out.push(
    formatTable(
      ['#', 'node', 'world share', 'TTS (days)', 'TTR', 'PI', 'REI', 'flag', 'worst market'],
      shown.map((n) => [
        n.rank,
        n.node +
          (n.aggregate === 'other-countries'
            ? ' (other countries)'
            : n.aggregate === 'unknown-location'
              ? ' (world, illustrative)'
              : ''),
        n.worldShare === null ? '–' : pct(n.worldShare),
        days(n.tts, n.ttsStatus),
        n.ttr,
        n.pi === null ? `– (${n.piStatus})` : n.pi.toFixed(2),
        n.rei === null ? '–' : n.rei.toFixed(3),
        n.needsMitigation === null ? '?' : n.needsMitigation ? 'TTS<TTR' : '',
        n.worstMarket ?? '',
      ]),
    ),
  );
  const flagged = r.nodes.filter((n) => n.needsMitigation).length;
  const never = r.nodes.filter((n) => n.tts === Number.POSITIVE_INFINITY).length;
  out.push('');
  out.push(
    `${r.nodes.length} nodes analysed (${r.nodes.length - shown.length} more: --limit N or --json); ` +
      `${flagged} need mitigation (TTS < TTR); ${never} never run the region short (TTS ∞).`,
  );
  if (r.unavailable.length)
    out.push(`${r.unavailable.length} producer nodes left out (withheld figures): --json lists them.`);
  const real = r.markets.filter((m) => m.demandBasis !== 'illustrative');
  out.push(
    `Demand: ${real.length} of ${r.markets.length} markets from USGS figures, the rest illustrative; ` +
      `stocks: ${r.markets.filter((m) => m.stockBasis === 'usgs-stocks').length} from USGS, the rest illustrative.`,
  );
  out.push(
    `LP: ${formatNumber(r.lp.tts.rows)} rows × ${formatNumber(r.lp.tts.columns)} columns, ${formatNumber(r.lp.tts.nonzeros)} nonzeros; ` +
      `${formatNumber(r.solves)} solves (HiGHS, warm-started) in ${r.seconds.toFixed(2)} s.`,
  );
  out.push('');
  const cited = r.sources.filter((s) => s.startsWith('pharma-links-'));
  out.push('Sources:');
  for (const s of r.sources) if (!s.startsWith('pharma-links-')) out.push(`  - ${s}`);
  if (cited.length)
    out.push(`  - ${cited.length} cited pharma-chain sources (pharma-links-…; --json lists them)`);
  out.push('Assumptions:');
  for (const a of r.assumptions)
    out.push(`  - ${a.length > 240 ? `${a.slice(0, 240)}… (--json for all)` : a}`);
  return out.join('\n');
}

function positive(name: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || (integer && !Number.isInteger(x)))
    throw new UsageError(`${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, got ${JSON.stringify(v)}`);
  return x;
}

/** `trustmap tts --region R [--json] [--ttr DAYS] [--stock-ships]` */
export function registerTts(program: Command): void {
  program
    .command('tts')
    .description(
      'time to survive / time to recover of every producer node for a region (Simchi-Levi et al. 2015, LPs solved with HiGHS): ranked by performance impact, flagged where TTS < TTR',
    )
    .option('--region <code>', 'region code or ISO3 country', TTS_DEFAULTS.region)
    .option('--year <year>', 'base year of production and consumption figures', String(TTS_DEFAULTS.year))
    .option(
      '--ttr <days>',
      'time to recover of every node, days (illustrative default)',
      String(TTS_DEFAULTS.ttrDays),
    )
    .option(
      '--stock-ships',
      "a disrupted node's stock may still ship (default: held back, as under an export ban)",
    )
    .option(
      '--headroom <fraction>',
      'spare capacity where USGS gives none (illustrative)',
      String(TTS_DEFAULTS.headroom),
    )
    .option(
      '--all',
      'also disrupt the pharma chain’s nodes at an unknown location (every figure illustrative)',
    )
    .option('--limit <n>', 'rows to print', '30')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        opts: {
          org?: string;
          region: string;
          year: string;
          ttr: string;
          stockShips?: boolean;
          headroom: string;
          all?: boolean;
          limit: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const year = positive('--year', opts.year, true)!;
        const ttrDays = positive('--ttr', opts.ttr)!;
        const headroom = positive('--headroom', opts.headroom)!;
        const limit = positive('--limit', opts.limit, true)!;
        const store = await openExisting(cmd);
        const bar = progress(!opts.json);
        let stopped = false;
        const stop = () => {
          if (!stopped) bar.stop();
          stopped = true;
        };
        try {
          bar.step('solving TTS and PI LPs');
          const report = await ttsReport(
            await viewFor(store, opts.org),
            {
              region: opts.region,
              year,
              ttrDays,
              headroom,
              stockShips: Boolean(opts.stockShips),
              includeUnknownLocations: Boolean(opts.all),
            },
            { onProgress: (done, total) => bar.update(done, total) },
          );
          stop();
          if (opts.json) return printJson(report);
          process.stdout.write(render(report, limit) + '\n');
        } finally {
          stop();
          await store.close();
        }
      },
    );
}
