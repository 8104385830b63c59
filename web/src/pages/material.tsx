import { useEffect, useMemo, useState } from 'react';
import { Assumptions, ErrorBox, Fig, Illustrative, Loading, Section, Sources } from '../components/bits.js';
import { Chart } from '../components/chart.js';
import { DataTable, type TableColumn } from '../components/data-table.js';
import { WorldMap } from '../components/world-map.js';
import { api, query } from '../lib/api.js';
import type {
  BuyerExposure,
  ExposureReport,
  MaterialRef,
  MaterialReport,
  SrReport,
} from '../lib/api-types.js';
import { type Figure, num, pct } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { dmfOption, productionOption, sankeyOption } from '../lib/options.js';
import { formatHash } from '../lib/route.js';
import { dmfBars } from '../shape/dmf.js';
import { newestRow, productionSeries } from '../shape/production.js';
import { exposureSankey } from '../shape/sankey.js';
import { type FactorRow, srFactorRows } from '../shape/sr.js';
import type { PageProps } from './types.js';

const STAGE_ORDER = ['mine', 'refined', 'chemical', 'api', 'medicine'];

/** The reports of the material's siblings (same commodity, mine and refined stages) for "by stage". */
function useStageReports(report: MaterialReport | null, concern: string) {
  const [reports, setReports] = useState<MaterialReport[]>([]);
  useEffect(() => {
    if (!report) return;
    let live = true;
    (async () => {
      const all = await api<MaterialRef[]>(`/api/materials${query({ q: report.material.commodity })}`).catch(
        () => [],
      );
      const sibs = all.filter(
        (m) =>
          m.id !== report.material.id &&
          (m as { commodity?: string }).commodity === report.material.commodity &&
          (m.stage === 'mine' || m.stage === 'refined'),
      );
      const more = await Promise.all(
        sibs
          .slice(0, 4)
          .map((m) =>
            api<MaterialReport>(`/api/materials/${encodeURIComponent(m.id)}${query({ concern })}`).catch(
              () => null,
            ),
          ),
      );
      if (live)
        setReports(
          [report, ...more.filter((r): r is MaterialReport => r !== null && !Array.isArray(r))].sort(
            (a, b) =>
              STAGE_ORDER.indexOf(a.material.stage ?? '') - STAGE_ORDER.indexOf(b.material.stage ?? ''),
          ),
        );
    })();
    return () => {
      live = false;
    };
  }, [report, concern]);
  return reports;
}

const factorColumns: TableColumn<FactorRow>[] = [
  { key: 'stage', label: 'Stage', value: (r) => r.stage },
  { key: 'factor', label: 'Factor', value: (r) => r.factor },
  {
    key: 'value',
    label: 'Value',
    numeric: true,
    value: (r) => (typeof r.value === 'string' ? r.value : (r.value as Figure)),
    render: (r) =>
      typeof r.value === 'string' ? r.value : <Fig v={r.value as Figure} fmt={(n) => num(n, 3)} />,
  },
  { key: 'source', label: 'Source (year)', value: (r) => r.source },
  { key: 'period', label: 'Data period', value: (r) => r.period },
];

type PathRow = { country: string; variant: string; weight: number; path: string };
const pathColumns: TableColumn<PathRow>[] = [
  { key: 'country', label: 'Country', value: (r) => r.country },
  { key: 'variant', label: 'Measure', value: (r) => r.variant },
  { key: 'weight', label: 'Carried', numeric: true, value: (r) => r.weight, text: (r) => pct(r.weight) },
  { key: 'path', label: 'Path (origin → market)', value: (r) => r.path },
];

function pathRows(b: BuyerExposure, country: string): PathRow[] {
  return b.paths
    .filter((g) => g.country === country)
    .flatMap((g) =>
      g.paths.map((p) => ({
        country: g.country,
        variant: g.variant,
        weight: p.weight,
        path: [...p.steps]
          .reverse()
          .map((s) => `${s.material} @ ${s.location}`)
          .join(' → '),
      })),
    );
}

export default function MaterialPage({ route, go }: PageProps) {
  const id = route.id ?? '';
  const p = route.params;
  const concern = p.concern ?? 'CHN';
  const buyer = p.buyer ?? 'USA';
  const set = (patch: Record<string, string>) =>
    go({ page: 'material', id, params: { ...p, ...patch } }, true);
  const rep = useApi<MaterialReport | MaterialReport[]>(
    `/api/materials/${encodeURIComponent(id)}${query({ concern })}`,
  );
  const report = rep.data && !Array.isArray(rep.data) ? rep.data : null;
  const stageReports = useStageReports(report, concern);
  // by the report's own id: the URL may name a commodity, and a previous report stays while one loads
  const mid = report?.material.id ?? null;
  const sr = useApi<SrReport>(
    mid && report?.material.stage !== 'api' ? `/api/sr${query({ material: mid })}` : null,
  );
  const exp = useApi<ExposureReport>(
    mid ? `/api/exposure${query({ material: mid, country: buyer, concern })}` : null,
  );
  const b = exp.data?.buyers[0] ?? null;
  const sankey = useMemo(() => (b ? exposureSankey(b, 'value') : null), [b]);
  const newest = report ? newestRow(report.concentration) : null;

  if (rep.error) return <ErrorBox error={rep.error} what={`Material ${id}`} />;
  if (Array.isArray(rep.data))
    return (
      <>
        <h1>“{id}” matches several materials</h1>
        <ul>
          {rep.data.map((r) => (
            <li key={r.material.id}>
              <a href={formatHash({ page: 'material', id: r.material.id })}>{r.material.name}</a> (
              {r.material.stage})
            </li>
          ))}
        </ul>
      </>
    );
  if (!report) return <Loading what={id} />;
  const m = report.material;
  return (
    <article className="material">
      <h1>
        {m.name} <span className="muted">({m.stage})</span> {m.illustrative ? <Illustrative /> : null}
      </h1>
      <p className="lead">
        <code>{m.id}</code> · unit {m.unit} · source <code>{m.source_id}</code> ·{' '}
        <a href={formatHash({ page: 'brief', id: m.id, params: { concern } })}>printable one-page brief</a>
      </p>
      {m.note ? <p className="muted small">{m.note}</p> : null}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Options">
        <label>
          Country of concern
          <input
            defaultValue={concern}
            maxLength={3}
            size={4}
            onKeyDown={(e) => e.key === 'Enter' && set({ concern: e.currentTarget.value.toUpperCase() })}
            onBlur={(e) =>
              /^[A-Za-z]{3}$/.test(e.target.value) && set({ concern: e.target.value.toUpperCase() })
            }
          />
        </label>
        <label>
          Buyer (exposure of)
          <input
            defaultValue={buyer}
            maxLength={3}
            size={4}
            onKeyDown={(e) => e.key === 'Enter' && set({ buyer: e.currentTarget.value.toUpperCase() })}
            onBlur={(e) =>
              /^[A-Za-z]{3}$/.test(e.target.value) && set({ buyer: e.target.value.toUpperCase() })
            }
          />
        </label>
      </form>

      <div className="grid-2">
        <Section title="Concentration" id="conc">
          {newest ? (
            <>
              <dl className="kpis">
                <div>
                  <dt>
                    HHI ({newest.measure} {newest.period})
                  </dt>
                  <dd>
                    <Fig v={newest.hhi} fmt={(n) => num(n, 0)} />
                  </dd>
                </div>
                <div>
                  <dt>{concern} share</dt>
                  <dd>
                    <Fig v={newest.concernShare} fmt={(n) => pct(n)} />
                  </dd>
                </div>
                <div>
                  <dt>source</dt>
                  <dd>
                    <code>{newest.source_id}</code>
                  </dd>
                </div>
              </dl>
              <WorldMap
                shares={newest.shares}
                title={`${m.name}: ${newest.measure} shares ${newest.period} (${newest.source_id})`}
              />
            </>
          ) : (
            <p>No production figures by country for this material.</p>
          )}
        </Section>
        <Section title="Producers by country and stage over the years" id="prod">
          {stageReports.length === 0 ? <Loading what="production series" /> : null}
          {stageReports.map((r) => {
            const s = productionSeries(r.concentration, 'production');
            if (!s.years.length)
              return <p key={r.material.id}>{r.material.name}: no yearly production figures.</p>;
            return (
              <Chart
                key={r.material.id}
                option={productionOption(s)}
                title={`${r.material.name} (${r.material.stage}): production by country, ${s.unit}`}
                height={260}
              />
            );
          })}
        </Section>
      </div>

      {report.material.stage !== 'api' ? (
        <Section title="EU CRM supply risk, factor by factor" id="sr">
          {sr.error ? <ErrorBox error={sr.error} what="Supply risk unavailable" /> : null}
          {sr.data && sr.data.supplyRisk.length === 0 ? (
            <p>Not assessed in the EU CRM 2023 inputs (supply risk unavailable).</p>
          ) : null}
          {sr.data?.supplyRisk.map((r) => (
            <div key={`${r.material}-${r.stage}`}>
              <p>
                <strong>{r.material}</strong>: SR = <Fig v={r.sr} fmt={(n) => num(n, 2)} /> (region {r.region}
                , WGI {r.wgiYear})
              </p>
              <DataTable
                caption="SR = [(HHI_WGI,t)GS · IR/2 + (HHI_WGI,t)EU · (1 − IR/2)] · (1 − EoL_RIR) · SI (EC 2017)"
                columns={factorColumns}
                rows={srFactorRows(r, report.sources)}
                rowKey={(x, i) => `${x.stage}-${x.factor}-${i}`}
                csvName={`sr-${id}`}
              />
              <Assumptions list={r.assumptions} />
            </div>
          ))}
        </Section>
      ) : null}

      <Section title={`Multi-tier flows and exposure of ${buyer} to ${concern}`} id="flows">
        {exp.error ? <ErrorBox error={exp.error} what="Exposure unavailable" /> : null}
        {exp.loading ? <Loading what="exposure" /> : null}
        {b ? (
          <>
            <dl className="kpis">
              <div>
                <dt>value exposure to {concern}</dt>
                <dd>
                  <Fig v={b.concern.value} fmt={(n) => pct(n)} />
                </dd>
              </div>
              <div>
                <dt>bottleneck exposure</dt>
                <dd>
                  <Fig v={b.concern.bottleneck} fmt={(n) => pct(n)} />
                </dd>
              </div>
              <div>
                <dt>direct (first hop)</dt>
                <dd>
                  {b.concern.direct === null ? <span className="muted">–</span> : pct(b.concern.direct)}
                </dd>
              </div>
              <div>
                <dt>unknown origin</dt>
                <dd>
                  <Fig v={b.unknownOrigin.value} fmt={(n) => pct(n)} />
                </dd>
              </div>
            </dl>
            {sankey?.links.length ? (
              <Chart
                option={sankeyOption(sankey, 'share of value carried')}
                title={`${m.name}: flows carrying ${buyer}'s exposure (top paths per country, share of value)`}
                height={Math.max(260, sankey.nodes.length * 22)}
              />
            ) : (
              <p>No multi-tier paths in the data for this buyer.</p>
            )}
            <DataTable
              caption={`Paths that carry ${buyer}'s exposure to ${concern}`}
              columns={pathColumns}
              rows={pathRows(b, concern)}
              rowKey={(r, i) => `${r.variant}-${i}`}
              csvName={`paths-${id}-${buyer}-${concern}`}
            />
            <Assumptions list={b.assumptions} />
          </>
        ) : null}
      </Section>

      <div className="grid-2">
        {report.dmf ? (
          <Section title="DMF holders by country" id="dmf">
            <Chart
              option={dmfOption(dmfBars(report.dmf))}
              title={`${m.name}: active Type II DMF holders by country`}
              height={260}
            />
            <p className="muted small">
              {report.dmf.holders} independent holders. {dmfBars(report.dmf).notes.join('. ')}.{' '}
              {report.dmf.note}. DMF counts are not capacity.
            </p>
          </Section>
        ) : null}
        <Section title="Shortage history" id="shortages">
          {report.shortages.length ? (
            <DataTable
              caption="FDA drug shortages (openFDA snapshot: current shortages, not a full history)"
              columns={[
                { key: 'name', label: 'Product', value: (r) => r.generic_name },
                { key: 'status', label: 'Status', value: (r) => r.status },
                { key: 'availability', label: 'Availability', value: (r) => r.availability ?? '' },
                { key: 'date', label: 'Snapshot', value: (r) => r.snapshot_date },
              ]}
              rows={report.shortages}
              rowKey={(r, i) => `${r.generic_name}-${i}`}
              csvName={`shortages-${id}`}
            />
          ) : (
            <p>
              No shortage listed for this substance in the openFDA snapshot (a snapshot of current shortages;
              earlier shortages are not in the data).
            </p>
          )}
        </Section>
        <Section title="Inputs and uses (recipe tiers)" id="recipes">
          <p>
            <strong>Made from:</strong>{' '}
            {report.inputs.length
              ? report.inputs.map((i, k) => (
                  <span key={i.id}>
                    {k ? ', ' : ''}
                    <a href={formatHash({ page: 'material', id: i.id })}>{i.name}</a>
                    {i.illustrative ? <Illustrative /> : null}
                  </span>
                ))
              : 'no recipe in the data'}
          </p>
          <p>
            <strong>Used in:</strong>{' '}
            {report.usedIn.length
              ? report.usedIn.map((u, k) => (
                  <span key={u.id}>
                    {k ? ', ' : ''}
                    <a href={formatHash({ page: 'material', id: u.id })}>{u.name}</a> ({u.stage})
                  </span>
                ))
              : 'no downstream use in the data'}
          </p>
        </Section>
        {report.importSources.length ? (
          <Section title="Published import sources" id="imports">
            <DataTable
              caption="Import-source shares as published"
              columns={[
                { key: 'importer', label: 'Importer', value: (r) => r.importer },
                { key: 'partner', label: 'Partner', value: (r) => r.partner },
                { key: 'period', label: 'Period', value: (r) => r.period },
                {
                  key: 'share',
                  label: 'Share',
                  numeric: true,
                  value: (r) => r.share,
                  text: (r) => pct(r.share, 0),
                },
                { key: 'source', label: 'Source', value: (r) => r.source_id },
              ]}
              rows={report.importSources}
              rowKey={(r, i) => `${r.partner}-${i}`}
              csvName={`imports-${id}`}
            />
          </Section>
        ) : null}
      </div>
      <Assumptions list={report.assumptions} />
      <Sources ids={[]} sources={report.sources} />
    </article>
  );
}
