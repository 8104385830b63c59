import { useEffect, useMemo } from 'react';
import { Assumptions, ErrorBox, Fig, Illustrative, Loading, Section, Sources } from '../components/bits.js';
import { DataTable, type TableColumn } from '../components/data-table.js';
import { WorldMap } from '../components/world-map.js';
import { query } from '../lib/api.js';
import type { ApiRiskRow, MaterialReport, MineralRiskRow, RiskTable } from '../lib/api-types.js';
import { num, pct } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { formatHash } from '../lib/route.js';
import type { SortDir } from '../lib/sort.js';
import { newestRow } from '../shape/production.js';
import type { PageProps } from './types.js';

const link = (id: string) => formatHash({ page: 'material', id });

const mineralColumns: TableColumn<MineralRiskRow>[] = [
  {
    key: 'material',
    label: 'Material',
    value: (r) => r.material.name,
    render: (r) => (
      <>
        <a href={link(r.material.id)}>{r.material.name}</a>{' '}
        {r.material.illustrative ? <Illustrative /> : null}
      </>
    ),
  },
  { key: 'stage', label: 'Stage', value: (r) => r.material.stage ?? '' },
  { key: 'period', label: 'Year', value: (r) => r.period },
  {
    key: 'hhi',
    label: 'HHI',
    numeric: true,
    value: (r) => r.hhi,
    render: (r) => <Fig v={r.hhi} fmt={(n) => num(n, 0)} />,
  },
  {
    key: 'concernShare',
    label: 'Concern share',
    numeric: true,
    value: (r) => r.concernShare,
    render: (r) => <Fig v={r.concernShare} fmt={(n) => pct(n)} />,
  },
  {
    key: 'regionShare',
    label: 'Region share',
    numeric: true,
    value: (r) => r.regionShare,
    render: (r) => <Fig v={r.regionShare} fmt={(n) => pct(n)} />,
  },
  {
    key: 'importReliance',
    label: 'Import reliance',
    numeric: true,
    value: (r) => r.importReliance,
    render: (r) => <Fig v={r.importReliance} fmt={(n) => pct(n)} />,
  },
  {
    key: 'euSupplyRisk',
    label: 'EU SR',
    numeric: true,
    value: (r) => r.euSupplyRisk ?? { unavailable: 'EU supply risk is shown for region EU only' },
    render: (r) =>
      r.euSupplyRisk === null ? (
        <span className="muted">region EU only</span>
      ) : (
        <Fig v={r.euSupplyRisk} fmt={(n) => num(n, 2)} />
      ),
  },
  {
    key: 'top',
    label: 'Top producers',
    value: (r) => r.top.map((t) => `${t.country} ${t.share === null ? '?' : pct(t.share, 0)}`).join(', '),
  },
  { key: 'source', label: 'Source', value: (r) => r.source_id },
];

const apiColumns: TableColumn<ApiRiskRow>[] = [
  {
    key: 'material',
    label: 'API',
    value: (r) => r.material.name,
    render: (r) => <a href={link(r.material.id)}>{r.material.name}</a>,
  },
  {
    key: 'score',
    label: 'Vulnerability',
    numeric: true,
    value: (r) => r.score,
    render: (r) => (
      <>
        <Fig v={r.score} fmt={(n) => num(n, 2)} />{' '}
        <span className="muted">
          [{num(r.lower, 2)}–{num(r.upper, 2)}]
        </span>
      </>
    ),
  },
  { key: 'holders', label: 'DMF holders', numeric: true, value: (r) => r.holders },
  {
    key: 'concernHolderShare',
    label: 'Concern share of located holders',
    numeric: true,
    value: (r) => r.concernHolderShare ?? { unavailable: 'no holder could be located' },
    render: (r) => (
      <Fig v={r.concernHolderShare ?? { unavailable: 'no holder could be located' }} fmt={(n) => pct(n, 0)} />
    ),
  },
  {
    key: 'inShortage',
    label: 'In shortage',
    value: (r) => r.inShortage,
    text: (r) => (r.inShortage ? 'yes' : 'no'),
  },
];

const REGIONS = ['TRUST', 'USA', 'IND', 'EU', 'QUAD'];

export default function Overview({ route, go }: PageProps) {
  const p = route.params;
  const kind = p.kind ?? 'all';
  const region = p.region ?? 'TRUST';
  const concern = p.concern ?? 'CHN';
  const set = (patch: Record<string, string | undefined>) => {
    const next: Record<string, string> = { ...p };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    go({ page: 'overview', id: null, params: next }, true);
  };
  const risk = useApi<RiskTable>(`/api/risk${query({ region, concern, kind })}`);
  const selected = p.m ?? risk.data?.minerals[0]?.material.id ?? null;
  const report = useApi<MaterialReport>(
    selected ? `/api/materials/${encodeURIComponent(selected)}${query({ concern })}` : null,
  );
  const newest = report.data ? newestRow(report.data.concentration) : null;
  // once the table is on screen, load the map's code (ECharts + geometry) while the material is
  // fetched, instead of after it: the two no longer wait on each other
  const tableShown = risk.data !== null;
  useEffect(() => {
    if (tableShown && kind !== 'api') void import('../charts/world.js');
  }, [tableShown, kind]);
  const sortOf = (k: string, d: string) =>
    p[k] ? { key: p[k]!, dir: (p[d] ?? 'desc') as SortDir } : undefined;
  const minerals = useMemo(() => risk.data?.minerals ?? [], [risk.data]);

  return (
    <>
      <h1>Where supply is concentrated</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Material kind
          <select value={kind} onChange={(e) => set({ kind: e.target.value })}>
            <option value="all">all</option>
            <option value="mineral">critical minerals</option>
            <option value="api">APIs (medicines)</option>
          </select>
        </label>
        <label>
          Region
          <select value={region} onChange={(e) => set({ region: e.target.value })}>
            {REGIONS.concat(REGIONS.includes(region) ? [] : [region]).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Country of concern (ISO3)
          <input
            defaultValue={concern}
            maxLength={3}
            size={4}
            pattern="[A-Za-z]{3}"
            onBlur={(e) =>
              /^[A-Za-z]{3}$/.test(e.target.value) && set({ concern: e.target.value.toUpperCase() })
            }
            onKeyDown={(e) =>
              e.key === 'Enter' &&
              /^[A-Za-z]{3}$/.test(e.currentTarget.value) &&
              set({ concern: e.currentTarget.value.toUpperCase() })
            }
          />
        </label>
      </form>
      {risk.error ? <ErrorBox error={risk.error} what="Risk table" /> : null}
      {risk.loading && !risk.data ? <Loading what="the risk table" /> : null}
      {risk.data ? (
        <div className="grid-2 wide-left">
          {kind !== 'api' ? (
            <Section
              title={`Critical minerals, ranked by concentration (region ${risk.data.region.code})`}
              id="minerals"
            >
              <DataTable
                caption={`Production concentration, share of ${risk.data.concern} and of ${risk.data.region.code} (${risk.data.region.members.join(', ')}), newest year. Click a row to map it.`}
                columns={mineralColumns}
                rows={minerals}
                rowKey={(r) => r.material.id}
                csvName={`risk-minerals-${region}-${concern}`}
                sort={sortOf('ms', 'md')}
                onSort={(k, d) => set({ ms: k, md: d })}
                onRowClick={(r) => set({ m: r.material.id })}
                selected={(r) => r.material.id === selected}
                maxRows={40}
              />
            </Section>
          ) : null}
          {kind !== 'api' ? (
            <Section title={report.data ? `Producers of ${report.data.material.name}` : 'Producers'} id="map">
              {report.error ? <ErrorBox error={report.error} /> : null}
              {newest && report.data ? (
                <>
                  <WorldMap
                    shares={newest.shares}
                    title={`${report.data.material.name}: share of ${newest.measure} by country, ${newest.period} (${newest.source_id})`}
                  />
                  <p className="muted">
                    HHI {newest.period}: <Fig v={newest.hhi} fmt={(n) => num(n, 0)} /> ·{' '}
                    <a href={link(report.data.material.id)}>material page</a> ·{' '}
                    <a href={formatHash({ page: 'brief', id: report.data.material.id })}>one-page brief</a>
                  </p>
                </>
              ) : report.data ? (
                <p>No production figures by country for this material.</p>
              ) : null}
            </Section>
          ) : null}
          {kind !== 'mineral' ? (
            <Section title="APIs, ranked by vulnerability" id="apis">
              <DataTable
                caption={`Medicine vulnerability (components: DMF holders, their concentration and share in ${risk.data.concern}, KSM and mineral exposure, current shortage); DMF counts are not capacity.`}
                columns={apiColumns}
                rows={risk.data.apis}
                rowKey={(r) => r.material.id}
                csvName={`risk-apis-${concern}`}
                sort={sortOf('as', 'ad')}
                onSort={(k, d) => set({ as: k, ad: d })}
                maxRows={40}
              />
            </Section>
          ) : null}
        </div>
      ) : null}
      {risk.data ? (
        <>
          <Assumptions list={risk.data.assumptions} />
          <Sources ids={risk.data.sources} />
        </>
      ) : null}
    </>
  );
}
