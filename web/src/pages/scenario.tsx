import { type FormEvent, useMemo } from 'react';
import { Assumptions, ErrorBox, Loading, Section, Sources } from '../components/bits.js';
import { Chart } from '../components/chart.js';
import { DataTable, type TableColumn } from '../components/data-table.js';
import { JobProgress } from '../components/job-progress.js';
import type { MarketSummary, ShippedScenario, SimulationReport } from '../lib/api-types.js';
import { num, pct } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { curveOption, ttsTtrOption } from '../lib/options.js';
import { useJob } from '../lib/use-job.js';
import { marketCharts, type TtsTtrRow, ttsTtrRows } from '../shape/curves.js';
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

interface FormState {
  name: string;
  year: number;
  horizon: number;
  markets: string;
  type: 'export_restriction' | 'capacity_loss' | 'demand_surge';
  country: string;
  materials: string;
  share: number;
  start: number;
  duration: number;
  cover: number;
}

const DEFAULT_FORM: FormState = {
  name: 'My scenario',
  year: 2022,
  horizon: 365,
  markets: 'USA, IND',
  type: 'export_restriction',
  country: 'CHN',
  materials: 'gallium.refined',
  share: 1,
  start: 0,
  duration: 90,
  cover: 30,
};

const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The form as a scenario (src/model/scenario.ts); the server validates it and names any bad field. */
function toScenario(f: FormState): Record<string, unknown> {
  const common = { materials: list(f.materials), start_day: f.start, duration_days: f.duration };
  const shock =
    f.type === 'export_restriction'
      ? { type: f.type, exporter: f.country.toUpperCase(), importers: 'all', share: f.share, ...common }
      : f.type === 'capacity_loss'
        ? { type: f.type, country: f.country.toUpperCase(), share: f.share, ...common }
        : { type: f.type, market: f.country.toUpperCase(), factor: f.share, ...common };
  return {
    name: f.name,
    description: 'built in the dashboard form (user-defined, not a historical scenario)',
    year: f.year,
    horizon_days: f.horizon,
    step_days: 1,
    markets: list(f.markets).map((m) => m.toUpperCase()),
    materials: list(f.materials),
    shocks: [shock],
    levers: { default_days_of_cover: f.cover },
    seed: null,
  };
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
  const form: FormState = useMemo(() => {
    try {
      return { ...DEFAULT_FORM, ...(p.f ? (JSON.parse(p.f) as Partial<FormState>) : {}) };
    } catch {
      return DEFAULT_FORM;
    }
  }, [p.f]);
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
    const fd = new FormData(e.currentTarget);
    const f: FormState = {
      name: String(fd.get('name')),
      year: Number(fd.get('year')),
      horizon: Number(fd.get('horizon')),
      markets: String(fd.get('markets')),
      type: String(fd.get('type')) as FormState['type'],
      country: String(fd.get('country')),
      materials: String(fd.get('materials')),
      share: Number(fd.get('share')),
      start: Number(fd.get('start')),
      duration: Number(fd.get('duration')),
      cover: Number(fd.get('cover')),
    };
    set({ f: JSON.stringify(f) });
    submit('simulate', { scenario: toScenario(f) });
  };

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
            <label>
              Name <input name="name" defaultValue={form.name} required />
            </label>
            <label>
              Base year{' '}
              <input name="year" type="number" min={1990} max={2100} defaultValue={form.year} required />
            </label>
            <label>
              Horizon (days){' '}
              <input name="horizon" type="number" min={1} max={3650} defaultValue={form.horizon} required />
            </label>
            <label>
              Markets (ISO3) <input name="markets" defaultValue={form.markets} />
            </label>
            <label>
              Shock
              <select name="type" defaultValue={form.type}>
                <option value="export_restriction">export restriction (by exporter)</option>
                <option value="capacity_loss">capacity loss (in country)</option>
                <option value="demand_surge">demand surge (in market)</option>
              </select>
            </label>
            <label>
              Country (ISO3){' '}
              <input name="country" defaultValue={form.country} maxLength={3} size={4} required />
            </label>
            <label>
              Materials <input name="materials" defaultValue={form.materials} required />
            </label>
            <label>
              Share cut (0–1) / surge factor{' '}
              <input name="share" type="number" step="any" min={0} defaultValue={form.share} required />
            </label>
            <label>
              Start day <input name="start" type="number" min={0} defaultValue={form.start} required />
            </label>
            <label>
              Duration (days){' '}
              <input name="duration" type="number" min={1} defaultValue={form.duration} required />
            </label>
            <label>
              Stock cover, days <span className="badge illustrative">illustrative</span>
              <input name="cover" type="number" min={0} defaultValue={form.cover} />
            </label>
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
