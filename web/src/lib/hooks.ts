import { useCallback, useEffect, useState } from 'react';
import { api } from './api.js';
import { formatHash, parseHash, type Route } from './route.js';

export function useRoute(): [Route, (r: Partial<Route> & { page?: string }, replace?: boolean) => void] {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const go = useCallback(
    (r: Partial<Route>, replace = false) => {
      const next = formatHash({
        page: r.page ?? route.page,
        id: r.id === undefined ? route.id : r.id,
        params: r.params ?? {},
      });
      if (replace) {
        window.history.replaceState(null, '', next);
        setRoute(parseHash(next));
      } else window.location.hash = next;
    },
    [route],
  );
  return [route, go];
}

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
}

/** GETs a path (null: nothing to load); reloads when the path changes, drops stale answers. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: path !== null });
  useEffect(() => {
    if (path === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const ctl = new AbortController();
    setState((s) => ({ data: s.data, error: null, loading: true }));
    api<T>(path, { signal: ctl.signal }).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: Error) => {
        if (!ctl.signal.aborted) setState({ data: null, error, loading: false });
      },
    );
    return () => ctl.abort();
  }, [path]);
  return state;
}
