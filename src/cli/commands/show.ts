import type { Command } from 'commander';
import { isUnavailable } from '../../engine/analytics/concentration.js';
import { type MaterialReport, materialReports } from '../../services/material-report.js';
import { ORG_OPTION_HELP, openExisting, viewFor } from '../context.js';
import { UsageError } from '../errors.js';
import { formatNumber, formatTable, pct, printJson } from '../output.js';

function renderReport(r: MaterialReport, periods: number): string {
  const m = r.material;
  const out: string[] = [];
  out.push(`${m.name} — ${m.id}${m.illustrative ? '  [ILLUSTRATIVE]' : ''}`);
  out.push(
    `stage ${m.stage}, basis ${m.basis}, unit ${m.unit}${m.tags.length ? `, tags ${m.tags.join(' ')}` : ''}`,
  );
  const prod = r.concentration.filter((c) => c.measure === 'production');
  const other = r.concentration.filter((c) => c.measure !== 'production');
  for (const c of [...prod.slice(0, periods), ...other.slice(0, 2)]) {
    const hhi = isUnavailable(c.hhi) ? `unavailable (${c.hhi.unavailable})` : formatNumber(Math.round(c.hhi));
    out.push('');
    out.push(
      `${c.measure} ${c.period} (${c.source_id}): total of country rows ${formatNumber(c.total)} ${c.unit}` +
        (c.worldTotal !== null
          ? `; published world total ${formatNumber(c.worldTotal)} (rounded, not used for shares)`
          : '') +
        `; HHI ${hhi}`,
    );
    out.push(
      formatTable(
        ['country', 'quantity', 'share', 'note'],
        c.shares.map((s) => [
          s.country === 'XOT' ? 'Other countries' : s.country,
          s.quantity === null ? '–' : s.quantity,
          s.quantity === null ? (s.flag === 'W' ? 'withheld' : 'n/a') : pct(s.share),
          s.flag === 'W'
            ? 'withheld (W)'
            : s.flag === 'NA'
              ? 'not available'
              : s.flag === 'est'
                ? 'estimated'
                : (s.flag ?? ''),
        ]),
      ),
    );
  }
  if (prod.length > periods) out.push(`\n(${prod.length - periods} earlier periods: --periods N or --json)`);
  if (r.concentration.length === 0)
    out.push('\nproduction by country: unavailable (no public figures by country in the bundled data)');
  if (r.importSources.length) {
    const sets = new Map<string, typeof r.importSources>();
    for (const x of r.importSources) {
      const k = `${x.importer} imports ${x.period}${x.detail ? ` (${x.detail})` : ''}`;
      sets.set(k, [...(sets.get(k) ?? []), x]);
    }
    for (const [k, list] of sets) {
      out.push('');
      out.push(
        `${k}, ${list[0]!.source_id}: ` +
          list.map((x) => `${x.partner === 'XOT' ? 'Other' : x.partner} ${pct(x.share, 0)}`).join(', '),
      );
    }
  }
  if (r.inputs.length) {
    out.push('');
    out.push("Made from (quantity per unit of output, in the input's basis):");
    out.push(
      formatTable(
        ['input', 'stage', 'quantity', 'role'],
        r.inputs.map((i) => [
          i.id + (i.illustrative ? ' (illustrative)' : ''),
          i.stage,
          i.quantity === null ? 'unknown' : i.quantity,
          i.substitute_group
            ? `alternative (${i.substitute_group})`
            : i.essential
              ? 'essential'
              : 'non-essential',
        ]),
      ),
    );
  }
  if (r.usedIn.length) {
    out.push('');
    out.push(`Input of: ${r.usedIn.map((u) => u.id).join(', ')}`);
  }
  if (r.dmf) {
    out.push('');
    out.push(`Active Type II DMF holders: ${r.dmf.holders} (${r.dmf.note})`);
    out.push(
      formatTable(
        ['country', 'holders'],
        [
          ...r.dmf.byCountry.map((c) => [c.country, c.holders] as [string, number]),
          ...(r.dmf.multiCountry.length
            ? [['multi-country', r.dmf.multiCountry.length] as [string, number]]
            : []),
          ...(r.dmf.unknownCountry
            ? [['unknown (no matched FDA establishment)', r.dmf.unknownCountry] as [string, number]]
            : []),
        ],
      ),
    );
  } else if (m.stage === 'api') out.push('\nDMF holders: none found for this substance in the FDA DMF list');
  if (r.shortages.length) {
    out.push('');
    out.push(
      `In the FDA shortage snapshot of ${r.shortages[0]!.snapshot_date}: ${r.shortages.length} presentations (${[...new Set(r.shortages.map((s) => s.status))].join(', ')})`,
    );
  }
  const nir = r.statistics.filter((s) => s.statistic === 'net_import_reliance').slice(0, 3);
  if (nir.length) {
    out.push('');
    out.push(
      'US net import reliance (USGS): ' +
        nir
          .map(
            (s) =>
              `${s.period} ${s.flag === 'E' ? 'net exporter (E)' : s.value === null ? (s.flag ?? 'n/a') : `${s.value} %`}`,
          )
          .join('; '),
    );
  }
  out.push('');
  out.push('Sources:');
  for (const s of r.sources)
    out.push(`  - ${s.id}: ${s.publisher}, ${s.title} (${s.year}); ${s.licence}${s.url ? `; ${s.url}` : ''}`);
  if (r.assumptions.length) {
    out.push('Assumptions:');
    for (const a of r.assumptions) out.push(`  - ${a}`);
  }
  return out.join('\n');
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .argument('<material>', 'material id, commodity (all its stages), name or synonym')
    .description(
      'producers by country with shares and HHI per stage and period; DMF holders for APIs; sources and assumptions',
    )
    .option('--concern <iso3>', 'country of concern', 'CHN')
    .option('--region <code>', 'trusted region whose share to report', 'TRUST')
    .option('--periods <n>', 'production periods to print (newest first)', '2')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        material: string,
        opts: { org?: string; concern: string; region: string; periods: string; json?: boolean },
        cmd: Command,
      ) => {
        if (!/^[A-Za-z]{3}$/.test(opts.concern))
          throw new UsageError(
            `--concern must be an ISO 3166-1 alpha-3 code, got ${JSON.stringify(opts.concern)}`,
          );
        const periods = Number(opts.periods);
        if (!Number.isInteger(periods) || periods < 1)
          throw new UsageError(`--periods must be a positive integer, got ${JSON.stringify(opts.periods)}`);
        const store = await openExisting(cmd);
        try {
          const reports = await materialReports(await viewFor(store, opts.org), material, {
            concern: opts.concern.toUpperCase(),
            region: opts.region,
          });
          if (opts.json) return printJson(reports.length === 1 ? reports[0] : reports);
          process.stdout.write(
            reports.map((r) => renderReport(r, periods)).join('\n\n' + '═'.repeat(60) + '\n\n') + '\n',
          );
        } finally {
          await store.close();
        }
      },
    );
}
