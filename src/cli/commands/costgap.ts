import { join } from 'node:path';
import type { Command } from 'commander';
import {
  COST_GAP_DEFAULTS,
  type CostGapReport,
  costGapReports,
  readCostInputs,
} from '../../services/cost-gap.js';
import { openExisting } from '../context.js';
import { UsageError } from '../errors.js';
import { formatTable, pct, printJson } from '../output.js';
import { bundledDataDir } from '../paths.js';

export function defaultCostInputsFile(): string {
  return join(bundledDataDir(), 'cost-inputs', 'us-import-costs.json');
}

const money = (x: number | undefined | null) =>
  x === undefined || x === null ? '–' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3);
const big = (x: number) => `${Math.round(x).toLocaleString('en-US')}`;

function render(r: CostGapReport): string {
  const out: string[] = [];
  out.push(
    `Cost gap — ${r.material.id} (${r.material.name}) into the US market, trusted region ${r.region.code} (${r.region.members.join(', ')})`,
  );
  if (r.unavailable) {
    out.push(`unavailable: ${r.unavailable}`);
    return out.join('\n');
  }
  const u = r.quantityUnit ?? 'unit';
  out.push(`HTS ${r.hsHeading}, ${r.year}; USD per ${u} (${r.quantityMeasure})`);
  out.push('');
  out.push(
    formatTable(
      ['supplier', 'trusted', 'quantity', 'import share', 'unit value', 'freight', 'duty', 'landed', 'note'],
      r.suppliers.map((s) => [
        s.supplier,
        s.trusted ? 'yes' : '',
        s.quantity === null ? '–' : big(s.quantity),
        pct(s.importShare),
        s.unitValue === undefined ? `– (${s.unitValueUnavailable ?? ''})` : money(s.unitValue),
        money(s.freight),
        money(s.duty),
        money(s.landed),
        s.flags.length ? (s.supplier === 'USA' ? 'proxy: FAS export unit value' : 'small volume') : '',
      ]),
    ),
  );
  out.push('');
  out.push(
    'unavailable' in r.benchmark
      ? `Benchmark unavailable: ${r.benchmark.unavailable}`
      : `Benchmark (cheapest non-trusted, ≥ volume threshold): ${r.benchmark.supplier} at ${money(r.benchmark.landed)} USD/${u} landed`,
  );
  const d = r.demand;
  out.push(
    'unavailable' in d
      ? `Demand level unavailable: ${d.unavailable}`
      : `Demand level: ${big(d.quantity)} ${d.unit}/year — ${d.description}`,
  );
  if (r.options.length) {
    out.push('');
    out.push(
      formatTable(
        [
          'trusted supplier',
          'gap/unit',
          'subsidy/unit',
          'minimum price',
          'tariff on cheapest',
          'tariff on all others',
          'yearly cost (USD)',
        ],
        r.options.map((o) => [
          o.supplier + (o.lowVolume ? ' (small volume)' : ''),
          money(o.gap),
          money(o.subsidyPerUnit),
          money(o.minimumPrice),
          o.competitive ? 'not needed' : pct(o.tariffOnCheapest.rate),
          o.competitive
            ? 'not needed'
            : `${pct(o.tariffOnAllNonTrusted.rate)}${o.tariffOnAllNonTrusted.binding ? ` (${o.tariffOnAllNonTrusted.binding} binds)` : ''}`,
          o.yearly === null ? '– (no demand level)' : big(o.yearly.subsidy),
        ]),
      ),
    );
    out.push(
      'Yearly cost: the same gap × demand for each instrument; paid by the government (subsidy) or by buyers (minimum price, tariff).',
    );
  }
  out.push('');
  out.push('Sources:');
  for (const s of r.sources) out.push(`  - ${s}`);
  out.push('Assumptions:');
  for (const a of r.assumptions) out.push(`  - ${a}`);
  return out.join('\n');
}

/** `trustmap costgap MATERIAL [--region R] [--year Y] [--demand consumption|imports] [--inputs FILE] [--json]` */
export function registerCostgap(program: Command): void {
  program
    .command('costgap')
    .argument('<material>', 'material id, commodity or name (e.g. cobalt.refined, cobalt)')
    .description(
      'landed cost per supplier into the US market against the cheapest non-trusted supplier; subsidy, minimum price or tariff that makes each trusted supplier competitive, and its yearly cost',
    )
    .option('--region <code>', 'trusted region or ISO3 list', COST_GAP_DEFAULTS.region)
    .option('--year <year>', 'data year (default: newest with trade values)')
    .option(
      '--demand <basis>',
      'demand level: consumption (US apparent consumption, USGS) or imports',
      'consumption',
    )
    .option(
      '--min-share <fraction>',
      'import share a partner needs to be the benchmark',
      String(COST_GAP_DEFAULTS.minShare),
    )
    .option('--inputs <file>', 'freight and duty inputs (default data/cost-inputs/us-import-costs.json)')
    .option('--json', 'machine-readable output')
    .action(
      async (
        material: string,
        opts: {
          region: string;
          year?: string;
          demand: string;
          minShare: string;
          inputs?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const year = opts.year === undefined ? undefined : Number(opts.year);
        if (year !== undefined && !(Number.isInteger(year) && year > 1900))
          throw new UsageError(`--year must be a year, got ${JSON.stringify(opts.year)}`);
        if (opts.demand !== 'consumption' && opts.demand !== 'imports')
          throw new UsageError(`--demand must be consumption or imports, got ${JSON.stringify(opts.demand)}`);
        const minShare = Number(opts.minShare);
        if (!(minShare >= 0 && minShare < 1))
          throw new UsageError(
            `--min-share must be a fraction in [0, 1), got ${JSON.stringify(opts.minShare)}`,
          );
        const file = opts.inputs ?? defaultCostInputsFile();
        const inputs = readCostInputs(file);
        const store = await openExisting(cmd);
        try {
          const reports = await costGapReports(store, material, {
            region: opts.region,
            ...(year !== undefined ? { year } : {}),
            demand: opts.demand,
            minShare,
            inputs,
            inputsFile: file,
          });
          if (opts.json) return printJson(reports.length === 1 ? reports[0] : reports);
          process.stdout.write(reports.map(render).join('\n\n') + '\n');
        } finally {
          await store.close();
        }
      },
    );
}
