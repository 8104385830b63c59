import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { Assumptions, ErrorBox, Loading, Section, Sources } from '../components/bits.js';
import { Chart } from '../components/chart.js';
import { DataTable, type TableColumn } from '../components/data-table.js';
import { JobProgress } from '../components/job-progress.js';
import { ApiError } from '../lib/api.js';
import type { MarketSummary, ShippedScenario, SimulationReport } from '../lib/api-types.js';
import { num, pct } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { curveOption, ttsTtrOption } from '../lib/options.js';
import { useJob } from '../lib/use-job.js';
import { marketCharts, type TtsTtrRow, ttsTtrRows } from '../shape/curves.js';
import {
  DEFAULT_SHOCK,
  type FormState,
  issuesByField,
  parseForm,
  type ShockRow,
  toScenario,
} from '../shape/scenario-form.js';
import type { PageProps } from './types.js';

const summaryColumns: TableColumn<MarketSummary>[] = [
  { key: 'material', label: 'Material', value: (r) => r.material },
  { key: 'market', label: 'Market', value: (r) => r.market },
  { key: 'demand', label: 'Demand', numeric: true, value: (r) => r.demand, text: (r) => num(r.demand) },
  {
    key: 'shortfall',
    label: 'Shortfall',
    numeric: true,
    value: (r) => r.shortfall,
    text: (r) => num(r.shortfall),
  },
  {
    key: 'fillRate',
    label: 'Fill rate',
    numeric: true,
    value: (r) => r.fillRate,
    text: (r) => (r.fillRate === null ? '–' : pct(r.fillRate)),
  },
  {
    key: 'peak',
    label: 'Peak shortfall',
    numeric: true,
    value: (r) => r.peakShortfall,
    text: (r) => num(r.peakShortfall),
  },
  { key: 'daysShort', label: 'Days short', numeric: true, value: (r) => r.daysShort },
];

const ttsColumns: TableColumn<TtsTtrRow>[] = [
  { key: 'material', label: 'Material', value: (r) => r.material },
  { key: 'market', label: 'Market', value: (r) => r.market },
  { key: 'tts', label: 'TTS (days)', numeric: true, value: (r) => r.tts },
  { key: 'ttr', label: 'TTR (days)', numeric: true, value: (r) => r.ttr },
  { key: 'status', label: 'Meaning', value: (r) => r.status },
];

/** Messages the API gave for one form field, shown under it (and tied to it by aria-describedby). */
function FieldError({ id, msgs }: { id: string; msgs: string[] | undefined }) {
  if (!msgs?.length) return null;
  return (
    <span className="field-error" id={id} role="alert">
      {msgs.join('; ')}
    </span>
  );
}

export default function ScenarioPage({ route, go }: PageProps) {
  const p = route.params;
  const mode = p.mode === 'form' ? 'form' : 'shipped';
  const set = (patch: Record<string, string | undefined>, replace = true) => {
    const next: Record<string, string> = { ...p };
    for (const [k, v] of Object.entries(patch))
      if (v === undefined) delete next[k];
      else next[k] = v;
    go({ page: 'scenario', id: null, params: next }, replace);
  };
  const [form, setForm] = useState<FormState>(() => parseForm(p.f));
  useEffect(() => setForm(parseForm(p.f)), [p.f]);
  const setShock = (i: number, patch: Partial<ShockRow>) =>
    setForm((f) => ({ ...f, shocks: f.shocks.map((x, k) => (k === i ? { ...x, ...patch } : x)) }));
  const shipped = useApi<ShippedScenario[]>('/api/scenarios');
  const chosen = p.s ?? null;
  const detail = useApi<ShippedScenario & { shocks?: { type: string; note?: string }[] }>(
    chosen && mode === 'shipped' ? `/api/scenarios/${encodeURIComponent(chosen)}` : null,
  );
  const { state, submit, cancel } = useJob(p.job ?? null, (id) => set({ job: id }, false));
  const report = state.status === 'done' ? (state.result as SimulationReport) : null;
  const charts = useMemo(
    () => (report?.curves ? marketCharts(report.curves, report.run.stepDays) : []),
    [report],
  );
  const tts = useMemo(() => (report ? ttsTtrRows(report.summaries) : []), [report]);

  const runShipped = () => chosen && submit('simulate', { scenario: chosen });
  const runForm = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    set({ f: JSON.stringify(form) });
    submit('simulate', { scenario: toScenario(form) });
  };
  const issues = useMemo(
    () =>
      mode === 'form' && state.error instanceof ApiError
        ? issuesByField(state.error.issues)
        : new Map<string, string[]>(),
    [mode, state.error],
  );
  const err = (k: string) => issues.get(k);
  const described = (k: string) =>
    issues.has(k) ? { 'aria-describedby': `e-${k}`, 'aria-invalid': true } : {};
  const general = [...(issues.get('form') ?? []), ...(issues.get('materials') ?? [])];

  return (
    <>
      <h1>Disruption scenarios</h1>
      <div className="tabs" role="tablist" aria-label="Scenario source">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'shipped'}
          onClick={() => set({ mode: undefined, job: undefined })}
        >
          Shipped (historical)
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'form'}
          onClick={() => set({ mode: 'form', job: undefined })}
        >
          Build one
        </button>
      </div>
      {mode === 'shipped' ? (
        <Section title="Pick a shipped scenario" id="pick">
          {shipped.error ? <ErrorBox error={shipped.error} /> : null}
          {shipped.data ? (
            <div className="filters">
              <label>
                Scenario
                <select
                  value={chosen ?? ''}
                  onChange={(e) => set({ s: e.target.value || undefined, job: undefined })}
                >
                  <option value="">— choose —</option>
                  {shipped.data.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="primary"
                disabled={!chosen || state.status === 'running'}
                onClick={runShipped}
              >
                Run simulation
              </button>
            </div>
          ) : (
            <Loading what="scenarios" />
          )}
          {detail.data ? (
            <div className="scenario-detail">
              {detail.data.description ? <p>{detail.data.description}</p> : null}
              {detail.data.citations?.length ? (
                <details>
                  <summary>Citations ({detail.data.citations.length})</summary>
                  <ul>
                    {detail.data.citations.map((c) => (
                      <li key={c.title}>
                        {c.title}
                        {c.publisher ? `, ${c.publisher}` : ''}
                        {c.year ? ` (${c.year})` : ''}{' '}
                        {c.url ? (
                          <a href={c.url} target="_blank" rel="noreferrer">
                            link
                          </a>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </div>
          ) : null}
        </Section>
      ) : (
        <Section title="Build a scenario" id="build">
          <form className="builder" onSubmit={runForm}>
            {general.length ? <FieldError id="e-form" msgs={general} /> : null}
            <label>
              Name{' '}
              <input
                name="name"
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
                required
                {...described('name')}
              />
              <FieldError id="e-name" msgs={err('name')} />
            </label>
            <label>
              Base year{' '}
              <input
                name="year"
                type="number"
                min={1990}
                max={2100}
                value={form.year}
                onChange={(e) => setForm({ ...form, year: Number(e.target.value) })}
                required
                {...described('year')}
              />
              <FieldError id="e-year" msgs={err('year')} />
            </label>
            <label>
              Horizon (days){' '}
              <input
                name="horizon"
                type="number"
                min={1}
                max={3650}
                value={form.horizon}
                onChange={(e) => setForm({ ...form, horizon: Number(e.target.value) })}
                required
                {...described('horizon')}
              />
              <FieldError id="e-horizon" msgs={err('horizon')} />
            </label>
            <label>
              Markets (ISO3){' '}
              <input
                name="markets"
                value={form.markets}
                onChange={(e) => setForm({ ...form, markets: e.target.value })}
                {...described('markets')}
              />
              <FieldError id="e-markets" msgs={err('markets')} />
            </label>
            <label>
              Stock cover, days <span className="badge illustrative">illustrative</span>
              <input
                name="cover"
                type="number"
                min={0}
                value={form.cover}
                onChange={(e) => setForm({ ...form, cover: Number(e.target.value) })}
                {...described('cover')}
              />
              <FieldError id="e-cover" msgs={err('cover')} />
            </label>
            {form.shocks.map((sh, i) => {
              const k = (f: string) => `shocks.${i}.${f}`;
              const n = i + 1;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: shock rows have no identity but their place
                <fieldset key={i} className="shock">
                  <legend>Shock {n}</legend>
                  <FieldError id={`e-shocks.${i}`} msgs={err(`shocks.${i}`)} />
                  <label>
                    Type
                    <select
                      aria-label={`Shock ${n} type`}
                      value={sh.type}
                      onChange={(e) => setShock(i, { type: e.target.value as ShockRow['type'] })}
                      {...described(k('type'))}
                    >
                      <option value="export_restriction">export restriction (by exporter)</option>
                      <option value="capacity_loss">capacity loss (in country)</option>
                      <option value="demand_surge">demand surge (in market)</option>
                    </select>
                    <FieldError id={`e-${k('type')}`} msgs={err(k('type'))} />
                  </label>
                  <label>
                    Country (ISO3){' '}
                    <input
                      aria-label={`Shock ${n} country (ISO3)`}
                      value={sh.country}
                      onChange={(e) => setShock(i, { country: e.target.value })}
                      maxLength={3}
                      size={4}
                      required
                      {...described(k('country'))}
                    />
                    <FieldError id={`e-${k('country')}`} msgs={err(k('country'))} />
                  </label>
                  <label>
                    Materials{' '}
                    <input
                      aria-label={`Shock ${n} materials`}
                      value={sh.materials}
                      onChange={(e) => setShock(i, { materials: e.target.value })}
                      required
                      {...described(k('materials'))}
                    />
                    <FieldError id={`e-${k('materials')}`} msgs={err(k('materials'))} />
                  </label>
                  <label>
                    Share cut (0–1) / surge factor{' '}
                    <input
                      aria-label={`Shock ${n} share cut or surge factor`}
                      type="number"
                      step="any"
                      min={0}
                      value={sh.share}
                      onChange={(e) => setShock(i, { share: Number(e.target.value) })}
                      required
                      {...described(k('share'))}
                    />
                    <FieldError id={`e-${k('share')}`} msgs={err(k('share'))} />
                  </label>
                  <label>
                    Start day{' '}
                    <input
                      aria-label={`Shock ${n} start day`}
                      type="number"
                      min={0}
                      value={sh.start}
                      onChange={(e) => setShock(i, { start: Number(e.target.value) })}
                      required
                      {...described(k('start'))}
                    />
                    <FieldError id={`e-${k('start')}`} msgs={err(k('start'))} />
                  </label>
                  <label>
                    Duration (days){' '}
                    <input
                      aria-label={`Shock ${n} duration (days)`}
                      type="number"
                      min={1}
                      value={sh.duration}
                      onChange={(e) => setShock(i, { duration: Number(e.target.value) })}
                      required
                      {...described(k('duration'))}
                    />
                    <FieldError id={`e-${k('duration')}`} msgs={err(k('duration'))} />
                  </label>
                  <button
                    type="button"
                    disabled={form.shocks.length === 1}
                    onClick={() => setForm({ ...form, shocks: form.shocks.filter((_, j) => j !== i) })}
                  >
                    Remove shock {n}
                  </button>
                </fieldset>
              );
            })}
            <button
              type="button"
              onClick={() => setForm({ ...form, shocks: [...form.shocks, { ...DEFAULT_SHOCK }] })}
            >
              Add a shock
            </button>
            <button type="submit" className="primary" disabled={state.status === 'running'}>
              Run simulation
            </button>
          </form>
        </Section>
      )}
      <JobProgress state={state} onCancel={cancel} />
      {state.status === 'queued' && !state.progress ? <Loading what="the run" /> : null}
      {report ? (
        <>
          <Section title={`Result: ${report.run.name}`} id="result">
            <p className="muted">
              Run {report.run.id ?? '(not saved)'} · base year {report.run.year} · {report.run.horizonDays}{' '}
              days
            </p>
            <DataTable
              caption="Per market: demand, shortfall, fill rate over the horizon"
              columns={summaryColumns}
              rows={report.summaries}
              rowKey={(r) => `${r.material}-${r.market}`}
              csvName={`summary-${report.run.id ?? 'run'}`}
            />
          </Section>
          <Section title="Time to survive against time to recover" id="tts">
            {tts.some((r) => r.tts !== null) ? (
              <Chart
                option={ttsTtrOption(tts, report.run.horizonDays)}
                title={`${report.run.name}: TTS vs TTR per market`}
                height={Math.max(200, tts.length * 34)}
              />
            ) : (
              <p>No market ran short: TTS is beyond the horizon everywhere.</p>
            )}
            <DataTable
              caption="Observed TTS and TTR"
              columns={ttsColumns}
              rows={tts}
              rowKey={(r) => `${r.material}-${r.market}`}
              csvName="tts-ttr"
            />
          </Section>
          <Section title="Shortfall and inventory per market" id="curves">
            <div className="grid-2">
              {charts.map((c) => (
                <Chart
                  key={`${c.material}-${c.market}`}
                  option={curveOption(c, '')}
                  title={`${c.material} in ${c.market}: supply, demand, shortfall, inventory per day`}
                  height={260}
                />
              ))}
            </div>
          </Section>
          {report.warnings.length ? <Assumptions list={report.warnings.map((w) => `warning: ${w}`)} /> : null}
          <Assumptions list={report.assumptions} />
          <Sources ids={report.sources} />
        </>
      ) : null}
    </>
  );
}
