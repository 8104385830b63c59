import { AnyTable } from '../components/any-table.js';
import { Assumptions, ErrorBox, Loading, Private, Section } from '../components/bits.js';
import { useApi } from '../lib/hooks.js';
import { formatHash } from '../lib/route.js';
import type { PageProps } from './types.js';

/** Arrays in the portfolio answer, shown as tables (the route's exact shape lands with the org overlay). */
function arraysOf(v: unknown): [string, unknown[]][] {
  if (Array.isArray(v)) return [['products', v]];
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v as Record<string, unknown>).filter(
    (e): e is [string, unknown[]] => Array.isArray(e[1]) && e[0] !== 'assumptions' && e[0] !== 'sources',
  );
}

export default function PortfolioPage({ me }: PageProps) {
  const pf = useApi<unknown>('/api/org/portfolio');
  const assumptions = (pf.data as { assumptions?: string[] } | null)?.assumptions ?? [];
  return (
    <>
      <h1>
        My portfolio <Private org={me.org.name} />
      </h1>
      <p className="lead">
        Your organisation's products and the APIs and KSMs they rest on: single-source and single-country
        dependencies. Only {me.org.name} sees these rows; public reference data are on the{' '}
        <a href={formatHash({ page: 'overview' })}>overview</a>.
      </p>
      {pf.error ? <ErrorBox error={pf.error} what="Portfolio" /> : null}
      {pf.loading ? <Loading what="your portfolio" /> : null}
      {pf.data !== null && arraysOf(pf.data).length === 0 && !pf.loading ? (
        <p>
          No portfolio yet: <a href={formatHash({ page: 'data' })}>import one</a>.
        </p>
      ) : null}
      {arraysOf(pf.data).map(([name, rows]) => (
        <Section key={name} title={name} id={`pf-${name}`} actions={<Private org={me.org.name} />}>
          <div className="private-data">
            <AnyTable rows={rows} caption={name} csvName={`portfolio-${name}`} />
          </div>
        </Section>
      ))}
      <Assumptions list={assumptions} />
    </>
  );
}
