import type { Command } from 'commander';
import {
  FORECAST_DEFAULTS,
  type ForecastReport,
  forecastReports,
  SERIES,
  type SeriesId,
} from '../../services/forecast.js';
import { openExisting } from '../context.js';
import { UsageError } from '../errors.js';
import { formatNumber, formatTable, printJson } from '../output.js';

const num = (x: number) => formatNumber(Math.abs(x) >= 100 ? Math.round(x) : Number(x.toPrecision(4)));

function render(r: ForecastReport): string {
  const out: string[] = [];
  out.push(
    `Forecast — ${r.material.id} (${r.material.name}), region ${r.region.code} (${r.region.members.join(', ')})`,
  );
  out.push(`${r.method}; horizon ${r.horizon}; backtest on the last ${r.holdout} periods`);
  for (const s of r.series) {
    out.push('');
    out.push(`■ ${s.id}: ${s.label} [${s.unit}]`);
    const h = s.history;
    out.push(
      `  history ${h[0]?.period}–${h.at(-1)?.period} (${h.length}): ` +
        h
          .slice(-6)
          .map((p) => `${p.period} ${num(p.value)}`)
          .join(', ') +
        (h.length > 6 ? ' …' : ''),
    );
    if ('unavailable' in s.fit) {
      out.push(`  forecast unavailable: ${s.fit.unavailable}`);
    } else {
      out.push(
        `  α ${s.fit.alpha.toFixed(3)}, β* ${s.fit.betaStar.toFixed(3)}${s.fit.phi !== 1 ? `, φ ${s.fit.phi.toFixed(3)}` : ''}, σ ${num(Math.sqrt(s.fit.sigma2))}`,
      );
      out.push(
        formatTable(
          ['period', 'forecast', '80 % low', '80 % high', '95 % low', '95 % high'],
          s.forecast.map((p) => [
            p.period,
            num(p.mean),
            num(p.lower80),
            num(p.upper80),
            num(p.lower95),
            num(p.upper95),
          ]),
        )
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      );
    }
    const b = s.backtest;
    out.push(
      'unavailable' in b
        ? `  backtest unavailable: ${b.unavailable}`
        : `  backtest (${b.holdout} held out, fitted on ${b.trainingSize}): ` +
            (b.mape === null ? b.mapeUnavailable : `MAPE ${b.mape.toFixed(1)} %`) +
            `; MAE ${num(b.mae)}`,
    );
    for (const n of s.notes) out.push(`  note: ${n}`);
    out.push(`  sources: ${s.sources.join(', ')}`);
  }
  if (r.unavailable.length) {
    out.push('');
    for (const u of r.unavailable) out.push(`${u.id} unavailable: ${u.reason}`);
  }
  out.push('');
  out.push('Assumptions:');
  for (const a of r.assumptions) out.push(`  - ${a}`);
  return out.join('\n');
}

function wholeNumber(name: string, v: string, min: number): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < min)
    throw new UsageError(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return x;
}

/** `trustmap forecast MATERIAL --region R [--series a,b] [--horizon N] [--holdout N] [--damped] [--json]` */
export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .argument('<material>', 'material id, commodity or name')
    .description(
      "demand estimation: Holt's linear (or damped) trend on historical series (US consumption and imports, India trade, FDA shortages) with prediction intervals and a held-out backtest (MAPE)",
    )
    .option('--region <code>', 'USA, IND or TRUST: which countries’ series', FORECAST_DEFAULTS.region)
    .option('--series <ids>', `comma-separated: ${Object.keys(SERIES).join(', ')}`)
    .option('--horizon <n>', 'periods to forecast', String(FORECAST_DEFAULTS.horizon))
    .option('--holdout <n>', 'final periods held out for the backtest', String(FORECAST_DEFAULTS.holdout))
    .option('--damped', "Holt's damped trend (φ fitted in [0.8, 0.98])")
    .option('--json', 'machine-readable output')
    .action(
      async (
        material: string,
        opts: {
          region: string;
          series?: string;
          horizon: string;
          holdout: string;
          damped?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const horizon = wholeNumber('--horizon', opts.horizon, 1);
        const holdout = wholeNumber('--holdout', opts.holdout, 1);
        let series: SeriesId[] | undefined;
        if (opts.series) {
          series = opts.series.split(',').map((s) => s.trim()) as SeriesId[];
          const bad = series.filter((s) => !(s in SERIES));
          if (bad.length)
            throw new UsageError(
              `unknown series ${bad.join(', ')}; expected ${Object.keys(SERIES).join(', ')}`,
            );
        }
        const store = await openExisting(cmd);
        try {
          const reports = await forecastReports(store, material, {
            region: opts.region,
            ...(series ? { series } : {}),
            horizon,
            holdout,
            damped: Boolean(opts.damped),
          });
          if (opts.json) return printJson(reports.length === 1 ? reports[0] : reports);
          process.stdout.write(reports.map(render).join('\n\n') + '\n');
        } finally {
          await store.close();
        }
      },
    );
}
