import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import type { MarketCurves, MarketSummary } from '../../engine/simulate/contract.js';
import {
  compareRuns,
  getRun,
  listRuns,
  type RunComparison,
  reproduceRun,
  type SimulationReport,
  simulate,
  toJson,
} from '../../services/simulate.js';
import { ORG_OPTION_HELP, openExisting, viewFor } from '../context.js';
import { UsageError } from '../errors.js';
import { formatNumber, formatTable, pct } from '../output.js';

/**
 * `trustmap simulate SCENARIO` runs a disruption scenario (JSON, see docs/scenarios.md) and saves
 * the run; `trustmap runs` lists saved runs, `runs show ID`, `runs compare A B`, `runs reproduce ID`.
 */

function readScenario(path: string): unknown {
  const ext = extname(path).toLowerCase();
  if (ext === '.yaml' || ext === '.yml')
    throw new UsageError(`${path}: YAML is not supported yet; write the scenario as JSON`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

function days(x: number | null): string {
  if (x === null) return '–';
  return Number.isFinite(x) ? String(x) : 'not recovered';
}

function summaryRows(list: readonly MarketSummary[]) {
  return list.map((s) => [
    s.material,
    s.market,
    s.demand,
    pct(s.fillRate),
    s.peakShortfall,
    s.daysShort,
    days(s.observedTTS),
    days(s.observedTTR),
  ]);
}

function renderReport(r: SimulationReport, opts: { all?: boolean } = {}): string {
  const out: string[] = [];
  const run = r.run;
  out.push(`${run.name} — base year ${run.year}, ${run.horizonDays} days in steps of ${run.stepDays}`);
  out.push(
    `network: ${formatNumber(r.network.nodes)} nodes, ${formatNumber(r.network.edges)} edges, ${r.network.materials} materials; ` +
      `data ${run.dataVersion.slice(0, 12)}, code ${run.codeVersion}` +
      (run.id ? `; saved as ${run.id}` : '; not saved'),
  );
  out.push('');
  const rows = opts.all ? r.summaries : r.summaries.filter((s) => s.market !== 'ROW' || s.shortfall > 0);
  const units = new Map(r.calibration.map((c) => [c.material, c.unit]));
  out.push(
    formatTable(
      [
        'material',
        'market',
        'demand',
        'fill rate',
        'peak shortfall/step',
        'days short',
        'TTS (day)',
        'TTR (days)',
      ],
      summaryRows(rows).map((x) => {
        const u = units.get(String(x[0]));
        return u ? [...x.slice(0, 2), `${formatNumber(x[2] as number)} ${u}`, ...x.slice(3)] : x;
      }),
    ),
  );
  const hidden = r.summaries.length - rows.length;
  if (hidden > 0) out.push(`(${hidden} rest-of-world rows without shortfall hidden: --all)`);
  out.push('');
  out.push('TTS: first day with a shortfall; TTR: days from then until demand is met for good.');
  if (r.warnings.length) {
    out.push('');
    out.push('warnings:');
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  out.push('');
  const shown = opts.all ? r.assumptions : r.assumptions.slice(0, 12);
  out.push(`assumptions (${r.assumptions.length}):`);
  for (const a of shown) out.push(`  - ${a}`);
  if (shown.length < r.assumptions.length)
    out.push(`  … ${r.assumptions.length - shown.length} more (--all or --json)`);
  out.push(`sources: ${r.sources.join(', ') || '–'}`);
  return out.join('\n');
}

/** Writes summary.csv and curves.csv (one row per step and (material, market)) into `dir`. */
function writeCsv(dir: string, r: SimulationReport): string[] {
  mkdirSync(dir, { recursive: true });
  const q = (v: string | number | null) => {
    if (v === null) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'Infinity';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const line = (xs: (string | number | null)[]) => xs.map(q).join(',');
  const summary = [
    line([
      'run_id',
      'material',
      'market',
      'demand',
      'delivered',
      'shortfall',
      'fill_rate',
      'peak_shortfall',
      'days_short',
      'observed_tts',
      'observed_ttr',
    ]),
    ...r.summaries.map((s) =>
      line([
        r.run.id,
        s.material,
        s.market,
        s.demand,
        s.delivered,
        s.shortfall,
        s.fillRate,
        s.peakShortfall,
        s.daysShort,
        s.observedTTS,
        s.observedTTR,
      ]),
    ),
  ];
  const files = [join(dir, 'summary.csv')];
  writeFileSync(files[0]!, summary.join('\n') + '\n');
  if (r.curves) {
    const lines = [
      line(['run_id', 'material', 'market', 'step', 'day', 'supply', 'demand', 'shortfall', 'inventory']),
    ];
    for (const c of r.curves as MarketCurves[])
      for (let t = 0; t < c.demand.length; t++)
        lines.push(
          line([
            r.run.id,
            c.material,
            c.market,
            t,
            t * r.run.stepDays,
            c.supply[t]!,
            c.demand[t]!,
            c.shortfall[t]!,
            c.inventory[t]!,
          ]),
        );
    files.push(join(dir, 'curves.csv'));
    writeFileSync(files[1]!, lines.join('\n') + '\n');
  }
  return files;
}

function printJsonReport(r: unknown): void {
  // typed arrays as plain arrays; Infinity as the string "Infinity"
  process.stdout.write(
    toJson(
      JSON.parse(
        JSON.stringify(r, (_, v) =>
          ArrayBuffer.isView(v)
            ? Array.from(v as Float64Array)
            : v === Number.POSITIVE_INFINITY
              ? 'Infinity'
              : v,
        ),
      ),
    ) + '\n',
  );
}

function renderComparison(c: RunComparison): string {
  const out: string[] = [];
  out.push(`A ${c.a.id} (${c.a.name}, ${c.a.createdAt})`);
  out.push(`B ${c.b.id} (${c.b.name}, ${c.b.createdAt})`);
  out.push(
    `scenario ${c.sameScenario ? 'same' : 'different'}, data ${c.sameData ? 'same' : 'different'}, code ${c.sameCode ? 'same' : 'different'}`,
  );
  out.push('');
  out.push(
    formatTable(
      [
        'material',
        'market',
        'fill rate A',
        'fill rate B',
        'shortfall B − A',
        'days short A',
        'days short B',
        'TTS A',
        'TTS B',
        'TTR A',
        'TTR B',
      ],
      c.rows.map((r) => [
        r.material,
        r.market,
        r.a ? pct(r.a.fillRate) : '–',
        r.b ? pct(r.b.fillRate) : '–',
        r.shortfallChange ?? '–',
        r.a ? r.a.daysShort : '–',
        r.b ? r.b.daysShort : '–',
        days(r.a?.observedTTS ?? null),
        days(r.b?.observedTTS ?? null),
        days(r.a?.observedTTR ?? null),
        days(r.b?.observedTTR ?? null),
      ]),
    ),
  );
  for (const n of c.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

/** Registers `simulate` and `runs` (with `show`, `compare`, `reproduce`). */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run a disruption scenario (JSON) on the store’s data and save the run')
    .argument('<scenario>', 'scenario file (JSON; see docs/scenarios.md)')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output (summaries, curves, assumptions)')
    .option('--csv <dir>', 'also write summary.csv and curves.csv into DIR')
    .option('--no-save', 'do not save the run')
    .option('--all', 'show every row and assumption')
    .action(
      async (
        path: string,
        opts: { org?: string; json?: boolean; csv?: string; save: boolean; all?: boolean },
        cmd: Command,
      ) => {
        const input = readScenario(path);
        const store = await openExisting(cmd);
        try {
          const r = await simulate(await viewFor(store, opts.org), input, { save: opts.save, file: path });
          if (opts.csv) {
            const files = writeCsv(opts.csv, r);
            if (!opts.json) process.stderr.write(`wrote ${files.join(', ')}\n`);
          }
          if (opts.json) return printJsonReport(r);
          process.stdout.write(renderReport(r, opts) + '\n');
        } finally {
          await store.close();
        }
      },
    );

  const runs = program
    .command('runs')
    .description('list saved simulation runs (and show, compare or reproduce one)')
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'how many (newest first)', '50')
    .action(async (opts: { json?: boolean; limit: string }, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit must be a positive integer, got ${opts.limit}`);
      const store = await openExisting(cmd);
      try {
        const list = await listRuns(store, { limit });
        if (opts.json) return printJsonReport(list);
        if (list.length === 0) {
          process.stdout.write('no saved runs; run `trustmap simulate SCENARIO` first\n');
          return;
        }
        process.stdout.write(
          formatTable(
            ['id', 'created', 'scenario', 'year', 'days', 'scenario hash', 'data', 'code'],
            list.map((r) => [
              r.id ?? '',
              r.createdAt.replace('T', ' ').slice(0, 19),
              r.name,
              String(r.year),
              r.horizonDays,
              r.scenarioHash.slice(0, 12),
              r.dataVersion.slice(0, 12),
              r.codeVersion,
            ]),
          ) + '\n',
        );
      } finally {
        await store.close();
      }
    });

  runs
    .command('show')
    .description('show a saved run (an id or the start of one)')
    .argument('<id>')
    .option('--json', 'machine-readable output')
    .option('--csv <dir>', 'write summary.csv and curves.csv into DIR')
    .option('--all', 'show every row and assumption')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      // `runs` has --json too: options given after the subcommand may land on either
      const opts = cmd.optsWithGlobals<{ json?: boolean; csv?: string; all?: boolean }>();
      const store = await openExisting(cmd);
      try {
        const r = await getRun(store, id);
        if (opts.csv) writeCsv(opts.csv, r);
        if (opts.json) return printJsonReport(r);
        process.stdout.write(renderReport(r, opts) + '\n');
      } finally {
        await store.close();
      }
    });

  runs
    .command('compare')
    .description('compare two saved runs per material and market')
    .argument('<a>')
    .argument('<b>')
    .option('--json', 'machine-readable output')
    .action(async (a: string, b: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      const store = await openExisting(cmd);
      try {
        const c = await compareRuns(store, a, b);
        if (opts.json) return printJsonReport(c);
        process.stdout.write(renderComparison(c) + '\n');
      } finally {
        await store.close();
      }
    });

  runs
    .command('reproduce')
    .description('run a saved run’s scenario again and check the results match')
    .argument('<id>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      const store = await openExisting(cmd);
      try {
        const r = await reproduceRun(store, id);
        if (opts.json)
          return printJsonReport({
            original: r.original,
            identical: r.identical,
            maxRelativeDifference: r.maxRelativeDifference,
            notes: r.notes,
            summaries: r.rerun.summaries,
          });
        process.stdout.write(
          `${r.original.id}: ${r.identical ? 'reproduced: identical results' : `results differ (largest relative difference ${r.maxRelativeDifference.toExponential(2)})`}\n` +
            r.notes.map((n) => `note: ${n}\n`).join(''),
        );
        if (!r.identical) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
