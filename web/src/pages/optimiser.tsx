import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Assumptions, ErrorBox, Fig, Illustrative, Loading, Section, Sources } from '../components/bits.js';
import { Chart } from '../components/chart.js';
import { DataTable, type TableColumn } from '../components/data-table.js';
import { JobProgress } from '../components/job-progress.js';
import type { OptimizeReport, PlanDoc, PlanEntry } from '../lib/api-types.js';
import { type Figure, num, pct } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { budgetOption } from '../lib/options.js';
import { useJob } from '../lib/use-job.js';
import {
  budgetCurve,
  type ChosenRow,
  chosenRows,
  moneyText,
  type ProductRow,
  productRows,
  type SolveRow,
  solveOutcome,
  solveRows,
  stageLabel,
  toUsd,
} from '../shape/optimiser.js';
import type { PageProps } from './types.js';

const share = (v: number) => pct(v, 2);

function chosenColumns(currency: string): TableColumn<ChosenRow>[] {
  return [
    { key: 'id', label: 'intervention', value: (r) => r.id },
    { key: 'kind', label: 'kind', value: (r) => r.kind },
    { key: 'product', label: 'product', value: (r) => r.product },
    {
      key: 'size',
      label: 'size',
      value: (r) => r.size,
      text: (r) => `${num(r.size)} ${r.sizeUnit}`,
      numeric: true,
    },
    { key: 'where', label: 'where', value: (r) => r.where },
    {
      key: 'registeredSite',
      label: 'existing FDA-registered site',
      value: (r) => r.registeredSite,
      render: (r) => (r.registeredSite ? <span className="badge registered">{r.registeredSite}</span> : '–'),
    },
    {
      key: 'leadDays',
      label: 'lead (days)',
      value: (r) => r.leadDays,
      render: (r) => <Fig v={r.leadDays} fmt={(n) => num(n, 0)} />,
      numeric: true,
    },
    {
      key: 'cost',
      label: `cost (${currency})`,
      value: (r) => r.cost,
      text: (r) => num(r.cost, 0),
      numeric: true,
    },
    ...(currency === 'USD'
      ? []
      : [
          {
            key: 'costUsd',
            label: 'cost (USD)',
            value: (r: ChosenRow) => r.costUsd,
            text: (r: ChosenRow) => num(r.costUsd, 0),
            numeric: true,
          },
        ]),
    {
      key: 'illustrative',
      label: 'input',
      value: (r) => (r.illustrative ? 'illustrative' : 'sourced'),
      render: (r) => (r.illustrative ? <Illustrative /> : r.source || 'sourced'),
    },
  ];
}

const fig = (v: Figure, unit: string) => <Fig v={v} fmt={(n) => `${num(n)} ${unit}`} />;

const productColumns: TableColumn<ProductRow>[] = [
  {
    key: 'material',
    label: 'product',
    value: (r) => r.material,
    render: (r) => (
      <>
        {r.material} {r.illustrative ? <Illustrative title="the plan's illustrative quantities" /> : null}
      </>
    ),
  },
  { key: 'market', label: 'market', value: (r) => r.market },
  { key: 'weight', label: 'weight', value: (r) => r.weight, numeric: true },
  {
    key: 'beforeExpected',
    label: 'before: expected',
    value: (r) => r.beforeExpected,
    render: (r) => fig(r.beforeExpected, r.unit),
    numeric: true,
  },
  {
    key: 'beforeP95',
    label: 'before: P95',
    value: (r) => r.beforeP95,
    render: (r) => fig(r.beforeP95, r.unit),
    numeric: true,
  },
  {
    key: 'modelExpected',
    label: 'after (model): expected',
    value: (r) => r.modelExpected,
    render: (r) => fig(r.modelExpected, r.unit),
    numeric: true,
  },
  {
    key: 'modelP95',
    label: 'after (model): P95',
    value: (r) => r.modelP95,
    render: (r) => fig(r.modelP95, r.unit),
    numeric: true,
  },
  {
    key: 'resimExpected',
    label: 'after (re-simulated): expected',
    value: (r) => r.resimExpected,
    render: (r) => fig(r.resimExpected, r.unit),
    numeric: true,
  },
  {
    key: 'resimP95',
    label: 'after (re-simulated): P95',
    value: (r) => r.resimP95,
    render: (r) => fig(r.resimP95, r.unit),
    numeric: true,
  },
  {
    key: 'avoided',
    label: 'expected avoided',
    value: (r) => r.avoided,
    render: (r) => <Fig v={r.avoided} fmt={(n) => pct(n)} />,
    numeric: true,
  },
];

function solveColumns(currency: string): TableColumn<SolveRow>[] {
  return [
    {
      key: 'budgetShare',
      label: 'share of plan budget',
      value: (r) => r.budgetShare,
      text: (r) => pct(r.budgetShare, 0),
      numeric: true,
    },
    {
      key: 'budget',
      label: `budget (${currency})`,
      value: (r) => r.budget,
      text: (r) => num(r.budget, 0),
      numeric: true,
    },
    {
      key: 'status',
      label: 'status',
      value: (r) => r.status,
      render: (r) => <span className={`solve ${r.outcome.kind}`}>{r.outcome.text}</span>,
    },
    { key: 'rows', label: 'rows', value: (r) => r.rows, numeric: true },
    { key: 'columns', label: 'columns', value: (r) => r.columns, numeric: true },
    { key: 'nonzeros', label: 'nonzeros', value: (r) => r.nonzeros, numeric: true },
    { key: 'integers', label: 'integers', value: (r) => r.integers, numeric: true },
    {
      key: 'seconds',
      label: 'seconds',
      value: (r) => r.seconds,
      text: (r) => r.seconds.toFixed(2),
      numeric: true,
    },
    {
      key: 'spent',
      label: `spent (${currency})`,
      value: (r) => r.spent,
      render: (r) => <Fig v={r.spent} fmt={(n) => num(n, 0)} />,
      numeric: true,
    },
    {
      key: 'expected',
      label: 'weighted loss: expected',
      value: (r) => r.expected,
      render: (r) => <Fig v={r.expected} fmt={share} />,
      numeric: true,
    },
    {
      key: 'p95',
      label: 'weighted loss: P95',
      value: (r) => r.p95,
      render: (r) => <Fig v={r.p95} fmt={share} />,
      numeric: true,
    },
  ];
}

function Result({ r }: { r: OptimizeReport }) {
  const cur = r.plan.currency;
  const outcome = solveOutcome(r.solve);
  const chosen = useMemo(() => chosenRows(r), [r]);
  const products = useMemo(() => productRows(r), [r]);
  const solves = useMemo(() => solveRows(r), [r]);
  const curve = useMemo(() => budgetCurve(r), [r]);
  return (
    <>
      <Section title="Result" id="result">
        <p>
          <span className={`solve ${outcome.kind}`}>{outcome.text}</span> — {r.message}. Budget{' '}
          {moneyText(r.plan.budget)}
          {r.spent ? <>, spent {moneyText(r.spent)}</> : null}; {r.plan.scenarios.count} scenario(s) (
          {r.plan.scenarios.name}), {r.plan.periods} periods over {r.plan.horizonDays} days.
          {r.plan.exchangeRate.illustrative && cur === 'INR' ? (
            <>
              {' '}
              Exchange rate {r.plan.exchangeRate.inr_per_usd} INR/USD <Illustrative />
            </>
          ) : null}
        </p>
        <p className="muted">
          Model size at the plan budget: {num(r.solve.size.rows)} rows, {num(r.solve.size.columns)} columns,{' '}
          {num(r.solve.size.nonzeros)} nonzeros ({num(r.solve.size.integers)} integer).
        </p>
        {r.diagnosis ? <p className="notice">{r.diagnosis.message}</p> : null}
        {r.warnings.map((w) => (
          <p key={w} className="notice">
            {w}
          </p>
        ))}
      </Section>
      <Section title="Chosen interventions" id="chosen">
        {chosen.length ? (
          <DataTable
            caption={`Interventions bought with ${moneyText(r.plan.budget)}`}
            columns={chosenColumns(cur)}
            rows={chosen}
            rowKey={(x) => x.id}
            csvName="optimiser-chosen"
          />
        ) : (
          <p>
            {outcome.kind === 'no-solution'
              ? 'No portfolio: see the status above.'
              : 'Nothing is bought at this budget.'}
          </p>
        )}
      </Section>
      <Section title="Unmet demand per product" id="products">
        <p className="muted">
          Expected and P95 (probability-weighted, nearest rank) unmet demand over the scenarios, before any
          intervention, after the chosen ones as the model estimates, and after as the simulator finds when
          every scenario is run again with them.
        </p>
        <DataTable
          caption="Unmet demand before and after"
          columns={productColumns}
          rows={products}
          rowKey={(x) => `${x.material}|${x.market}`}
          csvName="optimiser-products"
        />
      </Section>
      <Section title="Budget–resilience curve" id="curve">
        <Chart
          option={budgetOption(curve, cur, r.plan.budget.amount)}
          title={`Budget against weighted unmet demand: ${r.plan.name}`}
          height={300}
        />
        <DataTable
          caption="Each solve: status and model size"
          columns={solveColumns(cur)}
          rows={solves}
          rowKey={(x) => String(x.budgetShare)}
          csvName="optimiser-solves"
        />
      </Section>
      <Section title="Priority products" id="priorities">
        {r.priorities.length ? (
          <ol className="priorities">
            {r.priorities.map((p) => (
              <li key={`${p.material}|${p.market}`}>
                <strong>
                  {p.material} ({p.market})
                </strong>
                {p.hhi !== null ? (
                  <span className="muted">
                    {' '}
                    — HHI {num(p.hhi, 0)}, {p.concentrationNote}
                  </span>
                ) : null}
                <ul>
                  {p.reasons.map((x) => (
                    <li key={x}>
                      {x.includes('illustrative') ? <Illustrative /> : null} {x}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        ) : (
          <p>No product ranked.</p>
        )}
      </Section>
      <Sources ids={r.sources} />
      <Assumptions list={r.assumptions} open />
    </>
  );
}

export default function OptimiserPage({ route, go }: PageProps) {
  const p = route.params;
  const plans = useApi<PlanEntry[]>('/api/plans');
  const planName = p.plan ?? plans.data?.[0]?.name ?? null;
  const entry = plans.data?.find((x) => x.name === planName) ?? null;
  const doc = useApi<PlanDoc>(planName ? `/api/plans/${encodeURIComponent(planName)}` : null);
  const [budget, setBudget] = useState(p.budget ?? '');
  useEffect(() => {
    setBudget(p.budget ?? (entry ? String(entry.budget) : ''));
  }, [p.budget, entry]);
  const pending = useRef<Record<string, string>>({});
  const { state, submit, cancel } = useJob(p.job ?? null, (id) =>
    go({ page: 'optimiser', id: null, params: { ...pending.current, job: id } }),
  );
  const result = state.status === 'done' ? (state.result as OptimizeReport) : null;
  const rate = doc.data?.exchange_rate?.inr_per_usd;
  const usd = entry && budget !== '' ? toUsd(Number(budget), entry.currency, rate) : null;

  const run = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!planName) return;
    pending.current = { plan: planName, budget };
    submit('optimize', { plan: planName, ...(budget !== '' ? { budget: Number(budget) } : {}) });
  };

  return (
    <>
      <h1>Intervention portfolio</h1>
      <p className="lead">
        Which interventions (trusted capacity, stockpiles, offtake agreements, recycling, regulatory
        fast-track) to fund under a budget, and which priority products first: a two-stage stochastic MILP
        solved with HiGHS on the server, then every scenario simulated again with the chosen interventions
        (docs/optimizer.md).
      </p>
      {plans.loading && !plans.data ? <Loading what="plans" /> : null}
      {plans.error ? <ErrorBox error={plans.error} what="Plans" /> : null}
      {plans.data ? (
        <Section title="Plan and budget" id="budget">
          <form className="filters" onSubmit={run}>
            <label>
              Plan
              <select
                name="plan"
                value={planName ?? ''}
                onChange={(e) => go({ page: 'optimiser', id: null, params: { plan: e.target.value } }, true)}
              >
                {plans.data.map((x) => (
                  <option key={x.name} value={x.name}>
                    {x.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Budget ({entry?.currency ?? '…'})
              <input
                name="budget"
                type="number"
                min={0}
                step="any"
                value={budget}
                onChange={(e) => setBudget(e.target.value)}
                required
                aria-describedby="budget-usd"
              />
            </label>
            <span id="budget-usd" className="muted">
              {entry?.currency === 'INR'
                ? usd === null
                  ? 'USD: unavailable (no exchange rate)'
                  : `≈ USD ${num(usd, 0)} at ${rate} INR/USD`
                : ''}
              {entry?.currency === 'INR' && doc.data?.exchange_rate?.illustrative ? (
                <>
                  {' '}
                  <Illustrative title="the plan's exchange rate is illustrative" />
                </>
              ) : null}
            </span>
            <button
              type="submit"
              className="primary"
              disabled={!planName || state.status === 'running' || state.status === 'queued'}
            >
              Optimise
            </button>
          </form>
          {entry ? (
            <div className="plan">
              <p>{entry.description ?? <span className="muted">no description</span>}</p>
              <p className="muted">
                {entry.currency}, plan budget {num(entry.budget, 0)} {entry.currency}; {entry.products}{' '}
                product(s), {entry.candidates} candidate intervention(s); file <code>{entry.file}</code>
              </p>
            </div>
          ) : null}
          {doc.data ? (
            <DataTable
              caption="Candidate interventions"
              columns={[
                { key: 'id', label: 'candidate', value: (c) => c.id },
                { key: 'kind', label: 'kind', value: (c) => c.kind },
                { key: 'product', label: 'product', value: (c) => c.product },
                {
                  key: 'where',
                  label: 'where',
                  value: (c) => String(c.country ?? c.holder ?? c.supplier ?? c.target ?? ''),
                },
                {
                  key: 'fei',
                  label: 'FDA establishment (FEI)',
                  value: (c) => String(c.establishment_fei ?? ''),
                },
                {
                  key: 'illustrative',
                  label: 'input',
                  value: (c) => (c.illustrative ? 'illustrative' : 'sourced'),
                  render: (c) => (c.illustrative ? <Illustrative /> : 'sourced'),
                },
                { key: 'note', label: 'note', value: (c) => c.note ?? '' },
              ]}
              rows={doc.data.candidates}
              rowKey={(c) => c.id}
              csvName={`plan-${planName}-candidates`}
            />
          ) : null}
        </Section>
      ) : null}
      <JobProgress state={state} onCancel={cancel} stage={stageLabel} />
      {result ? <Result r={result} /> : null}
    </>
  );
}
