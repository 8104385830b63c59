import type { Command } from 'commander';
import type { McMarketResult } from '../../engine/simulate/montecarlo.js';
import { MAX_SEED } from '../../engine/simulate/prng.js';
import {
  bundledHazardSets,
  loadHazardSet,
  MAX_RUNS,
  type MonteCarloReport,
  monteCarloReport,
} from '../../services/montecarlo.js';
import { ORG_OPTION_HELP, openExisting, viewFor } from '../context.js';
import { UsageError } from '../errors.js';
import { formatNumber, formatTable, pct, printJson } from '../output.js';
import { progress } from '../progress.js';

function wholeNumber(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isSafeInteger(x) || x < min || x > max)
    throw new UsageError(
      `${name} must be a whole number ${min} … ${formatNumber(max)}, got ${JSON.stringify(v)}`,
    );
  return x;
}

function qty(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1000 ? formatNumber(Math.round(x)) : a >= 1 ? x.toFixed(1) : x.toPrecision(2);
}

function change(base: number, x: number): string {
  if (base === 0) return x === 0 ? '0' : `+${qty(x)}`;
  const c = (x - base) / base;
  return `${c >= 0 ? '+' : '−'}${Math.abs(c * 100).toFixed(0)} %`;
}

/** Rows worth showing: any shortfall at all, worst P95 share of demand first. */
function ranked(r: MonteCarloReport): McMarketResult[] {
  return r.markets
    .filter((m) => m.shortfall.worst > 0)
    .sort(
      (a, b) =>
        b.shortfallShare.p95 - a.shortfallShare.p95 ||
        b.shortfallShare.mean - a.shortfallShare.mean ||
        a.material.localeCompare(b.material),
    );
}

function render(r: MonteCarloReport, limit: number): string {
  const out: string[] = [];
  const illustrative = r.hazards.some((h) => h.illustrative);
  out.push(`Monte Carlo — ${r.set}${illustrative ? ' (ILLUSTRATIVE hazard rates and severities)' : ''}`);
  out.push(
    `${formatNumber(r.runs)} runs, seed ${r.seed}, base year ${r.run.year}, horizon ${r.horizonDays} days; ` +
      `${r.run.threads} thread${r.run.threads === 1 ? '' : 's'}, ${r.run.seconds.toFixed(1)} s (${r.run.runsPerSecond.toFixed(1)} runs/s); ` +
      `network ${formatNumber(r.run.network.nodes)} nodes, ${formatNumber(r.run.network.edges)} edges`,
  );
  const rows = ranked(r);
  const quiet = r.markets.length - rows.length;
  out.push('');
  out.push('Shortfall over the horizon (material units), by P95 share of demand:');
  const shown = rows.slice(0, limit);
  out.push(
    formatTable(
      [
        'material',
        'market',
        'unit',
        'P(short)',
        'mean',
        'P50',
        'P95',
        'worst',
        'P95 % demand',
        'fill P5',
        'top tail driver',
      ],
      shown.map((m) => {
        const d = m.tail.drivers[0];
        return [
          m.material,
          m.market,
          m.unit,
          pct(m.probabilityShort, 0),
          qty(m.shortfall.mean),
          qty(m.shortfall.p50),
          qty(m.shortfall.p95),
          qty(m.shortfall.worst),
          pct(m.shortfallShare.p95),
          pct(m.fillRate.p5),
          d
            ? `${d.label} (${pct(d.tailShortfallShare, 0)}, ×${d.lift === null ? '–' : d.lift.toFixed(1)})`
            : '',
        ];
      }),
    ),
  );
  if (rows.length > shown.length)
    out.push(`${rows.length - shown.length} more short (material, market) pairs: --limit N or --json.`);
  if (quiet) out.push(`${quiet} (material, market) pairs never short in any run.`);
  out.push(
    'Tail driver: share of the shortfall of the runs at or above P95, each run split equally among the hazards that fired in it and are linked to the material by recipes; ×lift = how much more often it fired in the tail than overall.',
  );

  out.push('');
  out.push('Hazards:');
  out.push(
    formatTable(
      ['#', 'hazard', 'expected events', 'fired in'],
      r.hazards.map((h) => [
        h.index,
        h.label + (h.illustrative ? ' (illustrative)' : ''),
        h.expectedEvents.toFixed(2),
        pct(h.firedRuns, 0),
      ]),
    ),
  );

  const s = r.sensitivity;
  if (s) {
    out.push('');
    out.push(
      `Sensitivity of P95 to the assumptions (the first ${formatNumber(s.runs)} runs again, same random numbers):`,
    );
    const byKey = new Map(s.rows.map((x) => [`${x.material}|${x.market}`, x]));
    const sens = shown
      .map((m) => byKey.get(`${m.material}|${m.market}`))
      .filter((x): x is NonNullable<typeof x> => x !== undefined)
      .slice(0, Math.min(limit, 15));
    out.push(
      formatTable(
        ['material', 'market', `P95 (${formatNumber(s.runs)} runs)`, ...s.variants.map((v) => v.name)],
        sens.map((x) => [
          x.material,
          x.market,
          qty(x.base.p95),
          ...x.variants.map((v) => change(x.base.p95, v.p95)),
        ]),
      ),
    );
    out.push(
      s.moves
        .map(
          (m) =>
            `${m.name}: P95 up in ${m.up}, down in ${m.down}, unchanged in ${m.same}${m.meanP95Change === null ? '' : ` (mean change ${change(1, 1 + m.meanP95Change)})`}`,
        )
        .join('; '),
    );
  }

  if (r.warnings.length) {
    out.push('');
    out.push('Warnings:');
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  out.push('');
  out.push(`Sources: ${r.sources.length} (--json lists them)`);
  out.push('Assumptions:');
  for (const a of r.assumptions.filter((x) => !/^hazards\/\d+ /.test(x)))
    out.push(`  - ${a.length > 240 ? `${a.slice(0, 240)}… (--json for all)` : a}`);
  return out.join('\n');
}

/** `trustmap montecarlo SET --runs N [--seed S] [--threads T] [--sensitivity-runs K] [--json]` */
export function registerMontecarlo(program: Command): void {
  program
    .command('montecarlo')
    .description(
      'Monte Carlo of random shocks from a hazard set (a JSON file or a bundled set): mean, P50, P95 and worst shortfall per material and market, which hazards drove the tail, and how P95 moves when the assumed rates, severities and durations are scaled',
    )
    .argument(
      '<set>',
      `hazard set: a JSON file or a bundled name (${bundledHazardSets().join(', ') || 'none bundled'})`,
    )
    .requiredOption('--runs <n>', 'number of runs')
    .option(
      '--seed <s>',
      'seed of the counter-based random numbers (same seed, same answer on any number of threads)',
      '1',
    )
    .option('--threads <t>', 'worker threads (default: one per available CPU)')
    .option(
      '--sensitivity-runs <k>',
      'runs per sensitivity variant (default: min(runs, the set’s sensitivity.runs or 200); 0 = none)',
    )
    .option('--limit <n>', 'rows to print', '20')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        setArg: string,
        opts: {
          org?: string;
          runs: string;
          seed: string;
          threads?: string;
          sensitivityRuns?: string;
          limit: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const runs = wholeNumber('--runs', opts.runs, 1, MAX_RUNS)!;
        const seed = wholeNumber('--seed', opts.seed, 0, MAX_SEED)!;
        const threads = wholeNumber('--threads', opts.threads, 1, 256);
        const sensitivityRuns = wholeNumber('--sensitivity-runs', opts.sensitivityRuns, 0, MAX_RUNS);
        const limit = wholeNumber('--limit', opts.limit, 0, 1_000_000)!;
        const { set, file } = loadHazardSet(setArg);
        const store = await openExisting(cmd);
        const bar = progress(true);
        let stopped = false;
        const stop = () => {
          if (!stopped) bar.stop();
          stopped = true;
        };
        try {
          bar.step('Monte Carlo runs');
          const report = await monteCarloReport(await viewFor(store, opts.org), set, {
            runs,
            seed,
            ...(threads !== undefined ? { threads } : {}),
            ...(sensitivityRuns !== undefined ? { sensitivityRuns } : {}),
            file,
            onProgress: (done, total) => bar.update(done, total),
          });
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
