/**
 * Hash routes: `#/<page>/<id>?k=v…`. Every view keeps its state (filters, sort, selection) in the
 * query so its URL can be shared; parse and format are inverse for any route they produce.
 */
export interface Route {
  page: string;
  id: string | null;
  params: Record<string, string>;
}

export const PAGES = [
  'overview',
  'material',
  'scenario',
  'optimiser',
  'data',
  'portfolio',
  'signin',
  'brief',
] as const;

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '').replace(/^\//, '');
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  const query = q < 0 ? '' : h.slice(q + 1);
  const [rawPage, ...rest] = path.split('/');
  const page = rawPage && (PAGES as readonly string[]).includes(rawPage) ? rawPage : 'overview';
  const id = rest.length ? decodeURIComponent(rest.join('/')) : null;
  // fromEntries defines own properties, so a key like "__proto__" stays a plain key
  const params: Record<string, string> = Object.fromEntries(new URLSearchParams(query));
  return { page, id: id || null, params };
}

export function formatHash(r: { page: string; id?: string | null; params?: Record<string, string> }): string {
  const params = Object.entries(r.params ?? {})
    .filter(([, v]) => v !== '' && v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  const q = new URLSearchParams(params).toString();
  return `#/${r.page}${r.id ? `/${encodeURIComponent(r.id)}` : ''}${q ? `?${q}` : ''}`;
}
