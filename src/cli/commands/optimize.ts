import type { Command } from 'commander';
import { type LossFigures, type Money, type OptimizeReport, optimizePlan } from '../../services/optimize.js';
import { openExisting } from '../context.js';
import { UsageError } from '../errors.js';
import { formatNumber, formatTable, printJson } from '../output.js';
import { progress } from '../progress.js';

function qty(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1000 ? formatNumber(Math.round(x)) : a >= 1 ? x.toFixed(1) : x.toPrecision(2);
}

function money(m: Money | null): string {
  if (!m) return '–';
  const a = m.amount;
  const s =
    a >= 1e9
      ? `${(a / 1e9).toFixed(2)} bn`
      : a >= 1e6
        ? `${(a / 1e6).toFixed(1)} M`
        : formatNumber(Math.round(a));
  return `${m.currency} ${s}`;
}

function usd(m: Money | null): string {
  if (!m) return '–';
  return money({ amount: m.usd, currency: 'USD', usd: m.usd });
}

function loss(l: LossFigures | null): string {
  return l ? `${l.expected.toPrecision(3)} / ${l.p95.toPrecision(3)}` : '–';
}

export function renderOptimize(r: OptimizeReport): string {
  const out: string[] = [];
  const p = r.plan;
  out.push(`Intervention portfolio — ${p.name}`);
  out.push(
    `budget ${money(p.budget)}${p.currency === 'INR' ? ` (${usd(p.budget)})` : ''}, exchange rate ${p.exchangeRate.inr_per_usd} INR/USD${p.exchangeRate.illustrative ? ' (ILLUSTRATIVE)' : ` (${p.exchangeRate.source ?? ''}${p.exchangeRate.date ? `, ${p.exchangeRate.date}` : ''})`}; ` +
      `${p.scenarios.count} scenarios (${p.scenarios.kind === 'hazard_set' ? `hazard set "${p.scenarios.name}", seed ${p.scenarios.seed}` : p.scenarios.name}); base year ${p.year}, ${p.periods} periods over ${p.horizonDays} days`,
  );
  const z = r.solve.size;
  out.push(
    `solver: ${r.message}; model ${formatNumber(z.rows)} rows × ${formatNumber(z.columns)} columns, ${formatNumber(z.nonzeros)} nonzeros, ${z.integers} integers; ${r.solve.seconds.toFixed(2)} s`,
  );
  if (r.diagnosis?.conflict) {
    out.push(`  conflicting rows: ${r.diagnosis.conflict.rows.join(', ')}`);
    out.push(`  conflicting columns: ${r.diagnosis.conflict.columns.join(', ')}`);
  }
  if (r.diagnosis?.ray) out.push(`  unbounded along: ${r.diagnosis.ray.join(', ')}`);
  out.push('');
  if (r.spent) {
    out.push(
      `Chosen interventions (spent ${money(r.spent)}${r.plan.currency === 'INR' ? ` = ${usd(r.spent)}` : ''}):`,
    );
    out.push(
      r.chosen.length
        ? formatTable(
            ['id', 'kind', 'product', 'where', 'size', 'cost', 'cost USD', 'lead (days)', 'registered site'],
            r.chosen.map((c) => [
              `${c.id}${c.illustrative ? ' *' : ''}`,
              c.kind,
              c.product,
              c.where,
              `${qty(c.size)} ${c.sizeUnit}`,
              money(c.cost),
              usd(c.cost),
              c.leadDays === null ? '–' : String(c.leadDays),
              c.existingRegisteredSite
                ? `FEI ${c.existingRegisteredSite.fei} ${c.existingRegisteredSite.firmName}`
                : '–',
            ]),
          )
        : '  nothing (no candidate reduces the expected shortfall within the budget)',
    );
    if (r.chosen.some((c) => c.illustrative)) out.push('  * ILLUSTRATIVE costs, sizes or lead times');
    out.push('');
  }
  out.push('Unmet demand over the horizon, expected / P95 (product units):');
  out.push(
    formatTable(
      ['product', 'market', 'unit', 'weight', 'before', 'after (model)', 'after (re-simulated)', 'spent'],
      r.products.map((x) => [
        `${x.material}${x.simulated ? '' : ' †'}`,
        x.market,
        x.unit,
        String(x.weight),
        loss(x.before),
        loss(x.afterModel),
        x.afterResimulated ? loss(x.afterResimulated) : 'n/a (not simulated)',
        money(x.spent),
      ]),
    ),
  );
  if (r.products.some((x) => !x.simulated))
    out.push('  † not simulated: ILLUSTRATIVE quantities from the plan; the model estimate only');
  out.push(
    `weighted loss (criticality × share of a year's demand), expected / P95: before ${loss(r.totals.before)}, after ${loss(r.totals.afterModel)} (model), ${loss(r.totals.afterResimulated)} (re-simulated)`,
  );
  out.push('');
  out.push('Budget–resilience curve (model estimates; one model, re-solved per budget):');
  out.push(
    formatTable(
      [
        'budget',
        'amount',
        'spent',
        'status',
        'gap',
        'weighted loss E / P95',
        'rows',
        'columns',
        'nonzeros',
        's',
      ],
      r.budgetCurve.map((c) => [
        `${Math.round(c.budgetShare * 100)} %`,
        money(c.budget),
        money(c.spent),
        c.status,
        c.gap === null ? '–' : `${(c.gap * 100).toFixed(2)} %`,
        loss(c.loss),
        formatNumber(c.size.rows),
        formatNumber(c.size.columns),
        formatNumber(c.size.nonzeros),
        c.seconds.toFixed(2),
      ]),
    ),
  );
  out.push('');
  if (r.priorities.length) {
    out.push('Priority products to start with:');
    for (const x of r.priorities) {
      out.push(`  ${x.rank}. ${x.material} (${x.market})`);
      for (const why of x.reasons) out.push(`       - ${why}`);
    }
    out.push('');
  }
  if (r.warnings.length) {
    out.push('Warnings:');
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  out.push(`Sources: ${r.sources.join(', ') || 'none'}`);
  out.push('Assumptions:');
  for (const a of r.assumptions)
    out.push(`  - ${a.length > 300 ? `${a.slice(0, 300)}… (--json for all)` : a}`);
  return out.join('\n');
}

function positive(name: string, v: string | undefined, max: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0 || x > max)
    throw new UsageError(`${name} must be a number 0 … ${formatNumber(max)}, got ${JSON.stringify(v)}`);
  return x;
}

/** `trustmap optimize PLAN [--json] [--budget X] [--time-limit S]` */
export function registerOptimize(program: Command): void {
  program
    .command('optimize')
    .description(
      'Choose interventions (capacity, stockpiles, offtakes, recycling, fast-track) under a budget with a two-stage stochastic MILP (HiGHS) over simulated scenarios; unmet demand before and after (re-simulated), the budget–resilience curve and the priority products',
    )
    .argument('<plan>', 'plan file (JSON; see docs/optimizer.md and plans/trust-pilot.json)')
    .option('--budget <x>', 'budget in the plan currency (overrides the plan)')
    .option('--time-limit <s>', 'seconds per MILP solve (overrides the plan; default 60)')
    .option('--json', 'machine-readable output')
    .action(
      async (
        planArg: string,
        opts: { budget?: string; timeLimit?: string; json?: boolean },
        cmd: Command,
      ) => {
        const budget = positive('--budget', opts.budget, 1e15);
        const timeLimit = positive('--time-limit', opts.timeLimit, 3600);
        if (timeLimit === 0) throw new UsageError('--time-limit must be above 0');
        const store = await openExisting(cmd);
        const bar = progress(!opts.json || process.stderr.isTTY);
        let stopped = false;
        const stop = () => {
          if (!stopped) bar.stop();
          stopped = true;
        };
        let stage = '';
        try {
          const report = await optimizePlan(store, planArg, {
            ...(budget !== undefined ? { budget } : {}),
            ...(timeLimit !== undefined ? { timeLimitSeconds: timeLimit } : {}),
            onProgress: (s, done, total) => {
              if (s !== stage) {
                stage = s;
                bar.step(
                  s === 'simulate' ? 'simulating scenarios' : 'solving the MILP (budget curve)',
                  total,
                );
              }
              bar.update(done, total);
            },
          });
          stop();
          if (opts.json) return printJson(report);
          process.stdout.write(renderOptimize(report) + '\n');
        } finally {
          stop();
          await store.close();
        }
      },
    );
}
