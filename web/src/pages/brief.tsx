import { Assumptions, ErrorBox, Fig, Illustrative, Loading } from '../components/bits.js';
import { Chart } from '../components/chart.js';
import { WorldMap } from '../components/world-map.js';
import { query } from '../lib/api.js';
import type { MaterialReport } from '../lib/api-types.js';
import { num, pct } from '../lib/format.js';
import { useApi } from '../lib/hooks.js';
import { dmfOption, productionOption } from '../lib/options.js';
import { formatHash } from '../lib/route.js';
import { dmfBars } from '../shape/dmf.js';
import { newestRow, productionSeries } from '../shape/production.js';
import type { PageProps } from './types.js';

/** A one-page brief per material, laid out for print (File → Print, or the button). */
export default function BriefPage({ route }: PageProps) {
  const id = route.id ?? '';
  const concern = route.params.concern ?? 'CHN';
  const rep = useApi<MaterialReport>(`/api/materials/${encodeURIComponent(id)}${query({ concern })}`);
  if (rep.error) return <ErrorBox error={rep.error} what={id} />;
  const r = rep.data;
  if (!r || Array.isArray(r)) return <Loading what="the brief" />;
  const newest = newestRow(r.concentration);
  const series = productionSeries(r.concentration, 'production', 5);
  const top = newest
    ? [...newest.shares]
        .filter((s) => s.share !== null)
        .sort((a, b) => (b.share ?? 0) - (a.share ?? 0))
        .slice(0, 5)
    : [];
  return (
    <article className="brief">
      <div className="no-print actions">
        <button type="button" className="primary" onClick={() => window.print()}>
          Print / save as PDF
        </button>{' '}
        <a href={formatHash({ page: 'material', id, params: { concern } })}>back to the material page</a>
      </div>
      <h1>
        {r.material.name} {r.material.illustrative ? <Illustrative /> : null}
      </h1>
      <p className="muted">
        trustmap brief · {r.material.id} · {r.material.stage} · generated{' '}
        {new Date().toISOString().slice(0, 10)}
      </p>
      <div className="brief-grid">
        <section>
          <h2>Concentration</h2>
          {newest ? (
            <ul>
              <li>
                HHI ({newest.measure} {newest.period}): <Fig v={newest.hhi} fmt={(n) => num(n, 0)} />
              </li>
              <li>
                Share of {concern}: <Fig v={newest.concernShare} fmt={(n) => pct(n)} />
              </li>
              <li>Top producers: {top.map((s) => `${s.country} ${pct(s.share ?? 0, 0)}`).join(', ')}</li>
            </ul>
          ) : (
            <p>No production figures by country.</p>
          )}
          {r.dmf ? (
            <p>
              {r.dmf.holders} independent active Type II DMF holders; top country{' '}
              {r.dmf.byCountry[0]?.country ?? '–'} ({r.dmf.byCountry[0]?.holders ?? 0}). DMF counts are not
              capacity.
            </p>
          ) : null}
          <p>
            {r.shortages.length
              ? `In the FDA shortage list (${r.shortages[0]?.status}).`
              : 'Not in the current FDA shortage snapshot.'}
          </p>
        </section>
        <section>
          {newest ? (
            <WorldMap shares={newest.shares} title={`${newest.measure} shares ${newest.period}`} />
          ) : null}
        </section>
        <section>
          {series.years.length ? (
            <Chart
              option={productionOption(series)}
              title={`Production by country (${series.unit})`}
              height={220}
            />
          ) : null}
          {r.dmf ? (
            <Chart option={dmfOption(dmfBars(r.dmf))} title="DMF holders by country" height={220} />
          ) : null}
        </section>
      </div>
      <h2>Sources</h2>
      <ol className="small">
        {r.sources.map((s) => (
          <li key={s.id}>
            {s.publisher}, {s.title} ({s.year}). {s.licence}
          </li>
        ))}
      </ol>
      <Assumptions list={r.assumptions} open />
    </article>
  );
}
