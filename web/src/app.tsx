import { lazy, Suspense, useEffect, useState } from 'react';
import { ErrorBox, Loading, Private } from './components/bits.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { ApiError, api, getToken, prefetch, query, setToken } from './lib/api.js';
import type { Me, RiskTable } from './lib/api-types.js';
import { useRoute } from './lib/hooks.js';
import { formatHash, parseHash } from './lib/route.js';
import { SignIn } from './pages/sign-in.js';

const loadOverview = () => import('./pages/overview.js');
const Overview = lazy(loadOverview);
const MaterialPage = lazy(() => import('./pages/material.js'));
const ScenarioPage = lazy(() => import('./pages/scenario.js'));
const OptimiserPage = lazy(() => import('./pages/optimiser.js'));
const DataPage = lazy(() => import('./pages/data.js'));
const PortfolioPage = lazy(() => import('./pages/portfolio.js'));
const BriefPage = lazy(() => import('./pages/brief.js'));

// the first view: fetch the account, the default risk table and the overview's code at once
// instead of one after the other; the map's material and code follow without waiting for the table
{
  const first = parseHash(window.location.hash);
  if (first.page === 'overview' && getToken()) {
    prefetch('/api/me');
    const p = first.params;
    const concern = p.concern ?? 'CHN';
    const material = (id: string) => `/api/materials/${encodeURIComponent(id)}${query({ concern })}`;
    const risk = prefetch<RiskTable>(
      `/api/risk${query({ region: p.region ?? 'TRUST', concern, kind: p.kind ?? 'all' })}`,
    );
    // the map's material (a shared link's, else the top of the table): fetched as soon as it is
    // known, not once the table has rendered
    if (p.kind !== 'api') {
      if (p.m) prefetch(material(p.m));
      else
        risk?.then(
          (r) => {
            const top = r.minerals[0]?.material.id;
            if (top) prefetch(material(top));
          },
          () => {},
        );
    }
    loadOverview();
    // the map's code (ECharts + geometry) downloads and compiles while the server answers
    if (p.kind !== 'api') void import('./charts/world.js');
  }
}

const NAV = [
  ['overview', 'Overview'],
  ['scenario', 'Scenarios'],
  ['optimiser', 'Optimiser'],
  ['portfolio', 'My portfolio'],
  ['data', 'Data'],
] as const;

export function App() {
  const [route, go] = useRoute();
  const [token, setTok] = useState(getToken());
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    const on = () => setTok(getToken());
    window.addEventListener('trustmap:auth', on);
    return () => window.removeEventListener('trustmap:auth', on);
  }, []);

  // a sign-in link printed by `trustmap start` carries a token: keep it, drop it from the URL
  useEffect(() => {
    if (route.page === 'signin' && route.params.token) {
      setToken(route.params.token);
      go({ page: 'overview', id: null, params: {} }, true);
    }
  }, [route, go]);

  useEffect(() => {
    setMe(null);
    setError(null);
    if (!token) return;
    api<Me>('/api/me').then(setMe, (e: Error) => {
      if (!(e instanceof ApiError && e.status === 401)) setError(e);
    });
  }, [token]);

  if (!token || route.page === 'signin')
    return (
      <Shell me={null} page="signin">
        <SignIn
          onSignedIn={() => go({ page: route.params.next ?? 'overview', id: null, params: {} }, true)}
        />
      </Shell>
    );
  if (error)
    return (
      <Shell me={null} page={route.page}>
        <ErrorBox error={error} what="Could not reach the trustmap server" />
      </Shell>
    );
  if (!me)
    return (
      <Shell me={null} page={route.page}>
        <Loading what="your account" />
      </Shell>
    );
  const props = { route, go, me };
  return (
    <Shell me={me} page={route.page}>
      <ErrorBoundary page={`${route.page}/${route.id ?? ''}`}>
        <Suspense fallback={<Loading what="the page" />}>
          {route.page === 'material' ? (
            <MaterialPage {...props} />
          ) : route.page === 'scenario' ? (
            <ScenarioPage {...props} />
          ) : route.page === 'optimiser' ? (
            <OptimiserPage {...props} />
          ) : route.page === 'data' ? (
            <DataPage {...props} />
          ) : route.page === 'portfolio' ? (
            <PortfolioPage {...props} />
          ) : route.page === 'brief' ? (
            <BriefPage {...props} />
          ) : (
            <Overview {...props} />
          )}
        </Suspense>
      </ErrorBoundary>
    </Shell>
  );
}

function Shell({ me, page, children }: { me: Me | null; page: string; children: React.ReactNode }) {
  const signOut = async () => {
    try {
      await api('/api/auth/logout', { method: 'POST' });
    } catch {
      /* the token is dropped either way */
    }
    setToken(null);
  };
  return (
    <>
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header className="top">
        <a className="brand" href={formatHash({ page: 'overview' })}>
          trustmap
        </a>
        {me ? (
          <nav aria-label="Pages">
            {NAV.map(([p, label]) => (
              <a key={p} href={formatHash({ page: p })} aria-current={page === p ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
        ) : null}
        {me ? (
          <div className="who">
            <span>
              {me.user.email} · {me.user.role}
            </span>
            <Private org={me.org.name} />
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="foot">
        Public reference data carry their source and year;{' '}
        <span className="badge illustrative">illustrative</span> marks figures with no public source;{' '}
        <span className="badge private">private</span> marks your organisation's own data.{' '}
        <a href="/docs">API docs</a>
      </footer>
    </>
  );
}
