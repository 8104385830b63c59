import type { Command } from 'commander';
import { isUnavailable, type Unavailable } from '../../engine/analytics/concentration.js';
import { exposureReport } from '../../services/exposure.js';
import { riskTable } from '../../services/risk-table.js';
import { sourcingReports } from '../../services/sourcing.js';
import { ORG_OPTION_HELP, openExisting, viewFor } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, pct, printJson } from '../output.js';

const fmtPct = (x: number | Unavailable | null) => (x === null ? '–' : isUnavailable(x) ? 'n/a' : pct(x));
const fmtNum = (x: number | Unavailable | null, d = 2) =>
  x === null ? '–' : isUnavailable(x) ? 'n/a' : x.toFixed(d);
/** import reliance is not clamped: a net exporter prints as E with its (negative) value */
const fmtIr = (x: number | Unavailable) =>
  isUnavailable(x) ? 'n/a' : x < 0 ? `E (${(x * 100).toFixed(0)} %)` : pct(x, 0);

function iso3(value: string, flag: string): string {
  if (!/^[A-Za-z]{3}$/.test(value))
    throw new UsageError(`${flag} must be an ISO 3166-1 alpha-3 code, got ${JSON.stringify(value)}`);
  return value.toUpperCase();
}

export function registerRisk(program: Command): void {
  program
    .command('risk')
    .description(
      'ranked risk table: concentration, share of a country of concern and of the region, import reliance, EU supply risk; APIs by vulnerability',
    )
    .option('--region <code>', 'TRUST, USA, IND, QUAD, MSP, EU (adds EU supply risk) or a country', 'TRUST')
    .option('--concern <iso3>', 'country of concern', 'CHN')
    .option('--kind <kind>', 'mineral, api or all', 'all')
    .option('--tag <tag>', 'only minerals with this tag; "all" for every mineral', 'critical-mineral-us-2025')
    .option('--limit <n>', 'rows per table', '25')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        opts: {
          org?: string;
          region: string;
          concern: string;
          kind: string;
          tag?: string;
          limit: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        if (!['mineral', 'api', 'all'].includes(opts.kind))
          throw new UsageError(`--kind must be mineral, api or all, got ${JSON.stringify(opts.kind)}`);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new UsageError(`--limit must be a positive integer, got ${JSON.stringify(opts.limit)}`);
        const concern = iso3(opts.concern, '--concern');
        const store = await openExisting(cmd);
        try {
          const t = await riskTable(await viewFor(store, opts.org), {
            region: opts.region,
            concern,
            kind: opts.kind as 'all',
            ...(opts.tag && opts.tag !== 'all' ? { tag: opts.tag } : {}),
          });
          if (opts.json) return printJson(t);
          const out: string[] = [];
          const eu = t.minerals.some((m) => m.euSupplyRisk !== null);
          if (t.minerals.length) {
            out.push(
              `Minerals by production concentration (newest year) — region ${t.region.code} (${t.region.members.join(', ')}), concern ${t.concern}`,
            );
            out.push(
              formatTable(
                [
                  'material',
                  'year',
                  'HHI',
                  `${t.concern} share`,
                  `${t.region.code} share`,
                  `${t.region.code} import reliance`,
                  ...(eu ? ['EU SR'] : []),
                  'top producers',
                ],
                t.minerals
                  .slice(0, limit)
                  .map((m) => [
                    m.material.id + (m.material.illustrative ? ' (illustrative)' : ''),
                    m.period,
                    isUnavailable(m.hhi) ? 'n/a' : Math.round(m.hhi),
                    fmtPct(m.concernShare),
                    fmtPct(m.regionShare),
                    fmtIr(m.importReliance),
                    ...(eu ? [fmtNum(m.euSupplyRisk)] : []),
                    m.top.map((x) => `${x.country} ${pct(x.share, 0)}`).join(', '),
                  ]),
              ),
            );
            out.push(
              `${t.minerals.length} minerals (--limit to show more; n/a = unavailable, see --json for the reason)`,
            );
          }
          if (t.apis.length) {
            out.push('');
            out.push(`APIs by medicine vulnerability (components and weights: trustmap show / --json)`);
            out.push(
              formatTable(
                [
                  'API',
                  'score',
                  'range',
                  'DMF holders',
                  `${t.concern} share of located holders`,
                  'in shortage',
                ],
                t.apis
                  .slice(0, limit)
                  .map((a) => [
                    a.material.name,
                    fmtNum(a.score),
                    `${a.lower.toFixed(2)}–${a.upper.toFixed(2)}`,
                    a.holders,
                    a.concernHolderShare === null ? 'n/a' : pct(a.concernHolderShare, 0),
                    a.inShortage ? 'yes' : 'no',
                  ]),
              ),
            );
            out.push('DMF holder counts are not capacity.');
          }
          out.push('');
          out.push(`sources: ${t.sources.join(', ')}`);
          process.stdout.write(out.join('\n') + '\n');
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('exposure')
    .argument('<material>', 'material id, commodity or name')
    .description(
      'multi-tier exposure of a buyer to every country (value and bottleneck) with the paths that carry it',
    )
    .option('--region <code>', 'buyer region (each member gets its own view)')
    .option('--country <iso3>', 'buyer country', 'USA')
    .option('--concern <iso3>', 'country of concern', 'CHN')
    .option('--top <k>', 'paths per country', '5')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        material: string,
        opts: {
          org?: string;
          region?: string;
          country: string;
          concern: string;
          top: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const topK = Number(opts.top);
        if (!Number.isInteger(topK) || topK < 1 || topK > 100)
          throw new UsageError(`--top must be an integer 1–100, got ${JSON.stringify(opts.top)}`);
        const concern = iso3(opts.concern, '--concern');
        const store = await openExisting(cmd);
        try {
          const rep = await exposureReport(await viewFor(store, opts.org), material, {
            ...(opts.region ? { region: opts.region } : { country: iso3(opts.country, '--country') }),
            concern,
            topK,
          });
          if (opts.json) return printJson(rep);
          const out: string[] = [
            `${rep.material.name} (${rep.material.id}), network year ${rep.year}, concern ${rep.concern}`,
          ];
          for (const b of rep.buyers) {
            out.push('');
            out.push(`Buyer ${b.country ?? 'world mix'} — ${b.view} (${b.node})`);
            out.push(
              `  exposure to ${b.concern.country}: bottleneck ${fmtPct(b.concern.bottleneck)}, value ${fmtPct(b.concern.value)}` +
                (b.concern.direct !== null ? `; direct imports only: ${pct(b.concern.direct)}` : ''),
            );
            if (b.unknownOrigin.bottleneck > 0) {
              out.push(
                `  origin unknown for ${pct(b.unknownOrigin.bottleneck)}: if it were ${b.concern.country}, bottleneck ${fmtPct(b.concern.ifUnknownWereConcern.bottleneck)}`,
              );
            }
            out.push(
              formatTable(
                ['country', 'bottleneck', 'value', 'direct'],
                b.countries
                  .filter((c) => c.bottleneck > 1e-6)
                  .slice(0, 10)
                  .map((c) => [
                    c.country,
                    pct(c.bottleneck),
                    fmtPct(c.value),
                    c.direct === null ? '–' : pct(c.direct),
                  ]),
              ).replace(/^/gm, '  '),
            );
            const p = b.paths.find((x) => x.country === b.concern.country && x.variant === 'bottleneck');
            if (p?.paths.length) {
              out.push(`  paths carrying the exposure to ${b.concern.country}:`);
              for (const path of p.paths) {
                out.push(
                  `    ${pct(path.weight)}  ${path.steps.map((s) => `${s.material}@${s.location}`).join(' ← ')}`,
                );
              }
            }
            for (const s of b.sensitivity)
              out.push(`  if partners ship by rule "${s.partnerSupply}": bottleneck ${pct(s.bottleneck)}`);
          }
          out.push('');
          out.push(`sources: ${rep.sources.join(', ')}`);
          if (rep.assumptions.length)
            out.push('assumptions:\n' + rep.assumptions.map((a) => `  - ${a}`).join('\n'));
          process.stdout.write(out.join('\n') + '\n');
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('reliance')
    .argument('<material>', 'material id, commodity or name')
    .description(
      "a region's sourcing shares and import reliance (not clamped), beside USGS's published net import reliance",
    )
    .option('--region <code>', 'region or country', 'USA')
    .option('--year <year>', 'year (default: newest with data)')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        material: string,
        opts: { org?: string; region: string; year?: string; json?: boolean },
        cmd: Command,
      ) => {
        const year = opts.year === undefined ? undefined : Number(opts.year);
        if (year !== undefined && !Number.isInteger(year))
          throw new UsageError(`--year must be a year, got ${JSON.stringify(opts.year)}`);
        const store = await openExisting(cmd);
        try {
          const reps = await sourcingReports(await viewFor(store, opts.org), material, {
            region: opts.region,
            ...(year ? { year } : {}),
          });
          if (opts.json) return printJson(reps);
          const out: string[] = [];
          for (const r of reps) {
            out.push(`${r.material.name} (${r.material.id}) — ${r.region.code} ${r.year}`);
            const ir = r.importReliance.value;
            out.push(
              `  import reliance (trustmap): ${isUnavailable(ir) ? `unavailable (${ir.unavailable})` : fmtIr(ir)}`,
            );
            if (r.comparison) {
              out.push(
                `  USGS published: ${r.comparison.usgs.published} (${r.comparison.usgs.period})` +
                  (r.comparison.differencePoints !== null
                    ? `; difference ${r.comparison.differencePoints.toFixed(1)} points`
                    : ''),
              );
              for (const e of r.comparison.explanation) out.push(`    - ${e}`);
            }
            const shares = isUnavailable(r.sourcing.shares) ? [] : r.sourcing.shares;
            if (shares.length) {
              out.push(
                `  sourcing shares: ${shares
                  .slice(0, 8)
                  .map((s) => `${s.country} ${pct(s.share, 0)}`)
                  .join(', ')}`,
              );
            }
            out.push(`  sources: ${r.sources.join(', ')}`);
            for (const a of r.assumptions) out.push(`  - ${a}`);
            out.push('');
          }
          process.stdout.write(out.join('\n'));
        } finally {
          await store.close();
        }
      },
    );
}
