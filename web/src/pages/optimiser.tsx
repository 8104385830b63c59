import { type FormEvent, useMemo } from 'react';
import { AnyTable } from '../components/any-table.js';
import { Assumptions, ErrorBox, Section } from '../components/bits.js';
import { Chart } from '../components/chart.js';
import { JobProgress } from '../components/job-progress.js';
import { ApiError } from '../lib/api.js';
import { useApi } from '../lib/hooks.js';
import { budgetOption } from '../lib/options.js';
import { useJob } from '../lib/use-job.js';
import { budgetCurve, resultTables } from '../shape/optimiser.js';
import type { PageProps } from './types.js';

/** The optimiser is reached only through the API's `optimize` job; a server without it says so. */
function notAvailable(e: Error | null): boolean {
  return (
    e instanceof ApiError &&
    (e.status === 404 ||
      ((e.status === 400 || e.status === 422) && (e.field === '/body/kind' || /optimi[sz]/i.test(e.message))))
  );
}

export default function OptimiserPage({ route, go }: PageProps) {
  const p = route.params;
  const budget = p.budget ?? '';
  const plans = useApi<{ name: string; description?: string }[]>('/api/plans');
  const { state, submit, cancel } = useJob(p.job ?? null, (id) =>
    go({ page: 'optimiser', id: null, params: { ...p, job: id } }),
  );
  const result = state.status === 'done' ? state.result : null;
  const curve = useMemo(() => budgetCurve(result), [result]);
  const tables = useMemo(() => resultTables(result, /chosen|intervention|priorit|product/i), [result]);
  const unavailable = notAvailable(state.error) || (notAvailable(plans.error) && !plans.data);

  const run = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const b = String(fd.get('budget'));
    const plan = String(fd.get('plan') ?? '');
    go({ page: 'optimiser', id: null, params: { budget: b, ...(plan ? { plan } : {}) } }, true);
    submit('optimize', { ...(plan ? { name: plan } : {}), budget: Number(b) });
  };

  return (
    <>
      <h1>Intervention portfolio</h1>
      <p className="lead">
        Which interventions (trusted capacity, stockpiles, offtake agreements, recycling, regulatory
        fast-track) to fund under a budget, and which priority products first; solved with HiGHS on the
        server.
      </p>
      <Section title="Budget" id="budget">
        <form className="filters" onSubmit={run}>
          {plans.data?.length ? (
            <label>
              Plan
              <select name="plan" defaultValue={p.plan ?? plans.data[0]?.name}>
                {plans.data.map((x) => (
                  <option key={x.name} value={x.name}>
                    {x.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label>
            Budget (USD)
            <input
              name="budget"
              type="number"
              min={0}
              step="any"
              defaultValue={budget || 100000000}
              required
            />
          </label>
          <button type="submit" className="primary" disabled={state.status === 'running'}>
            Optimise
          </button>
        </form>
      </Section>
      {unavailable ? (
        <output className="notice">
          The optimiser is not available on this server (it has no <code>optimize</code> job yet).
          {state.error ? <span className="muted"> Server said: {state.error.message}</span> : null}
        </output>
      ) : (
        <JobProgress state={state} onCancel={cancel} />
      )}
      {plans.error && !notAvailable(plans.error) ? <ErrorBox error={plans.error} what="Plans" /> : null}
      {result ? (
        <>
          <Section title="Budget–resilience curve" id="curve">
            {curve ? (
              <Chart
                option={budgetOption(curve.points, curve.valueKey)}
                title={`Budget against ${curve.valueKey}`}
                height={280}
              />
            ) : (
              <p>This result has no budget sweep.</p>
            )}
          </Section>
          {tables.map((t) => (
            <Section key={t.name} title={t.name} id={`t-${t.name}`}>
              <AnyTable rows={t.rows} caption={t.name} csvName={`optimiser-${t.name}`} />
            </Section>
          ))}
          <Assumptions list={((result as { assumptions?: string[] }).assumptions ?? []) as string[]} />
        </>
      ) : null}
    </>
  );
}
