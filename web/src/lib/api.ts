import type { ApiErrorBody, Issue, Job } from './api-types.js';
import { SseParser } from './sse.js';

const TOKEN_KEY = 'trustmap.token';

/** An error answer of the API (`{ error: { code, message, field?, issues? } }`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new Event('trustmap:auth'));
}

async function toError(res: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> | null = null;
  try {
    body = (await res.json()) as ApiErrorBody;
  } catch {
    /* not JSON: keep the status text */
  }
  const e = body?.error;
  return new ApiError(
    res.status,
    e?.code ?? `http_${res.status}`,
    e?.message ?? res.statusText,
    e?.field,
    e?.issues,
  );
}

/** Calls the API with the stored token; a 401 forgets the token (the app then shows sign-in). */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const early = !init.method || init.method === 'GET' ? prefetched.get(path) : undefined;
  if (early) {
    prefetched.delete(path);
    return early as Promise<T>;
  }
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body && typeof init.body === 'string') headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401 && token && !path.endsWith('/auth/login')) setToken(null);
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const prefetched = new Map<string, Promise<unknown>>();

/**
 * Starts a GET before the component that needs it mounts (the first view asks for /api/me and the
 * risk table while the page's code is still loading); `api` hands out the answer once.
 */
export function prefetch<T = unknown>(path: string): Promise<T> | null {
  if (!getToken()) return null;
  const had = prefetched.get(path);
  if (had) return had as Promise<T>;
  const p = api<T>(path);
  p.catch(() => {});
  prefetched.set(path, p);
  return p;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export type JobEvent =
  | { type: 'progress'; done: number; total: number; message?: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: unknown }
  | { type: 'cancelled' };

/**
 * Follows a job: its server-sent events (read with fetch, so the token goes in a header), and if
 * the stream cannot be opened or ends early, polls GET /api/jobs/:id until the job settles.
 */
export async function followJob(id: string, on: (e: JobEvent) => void, signal: AbortSignal): Promise<void> {
  let settled = false;
  const emit = (e: JobEvent) => {
    if (e.type !== 'progress') settled = true;
    on(e);
  };
  try {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`/api/jobs/${encodeURIComponent(id)}/events`, { headers, signal });
    if (res.ok && res.body) {
      const parser = new SseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      while (!settled) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const ev of parser.push(value)) {
          const data = ev.data ? (JSON.parse(ev.data) as Record<string, unknown>) : {};
          if (ev.event === 'progress')
            emit({
              type: 'progress',
              done: Number(data.done),
              total: Number(data.total),
              message: data.message as string,
            });
          else if (ev.event === 'done') emit({ type: 'done', result: data.result });
          else if (ev.event === 'failed') emit({ type: 'failed', error: data.error });
          else if (ev.event === 'cancelled') emit({ type: 'cancelled' });
        }
      }
      reader.cancel().catch(() => {});
    }
  } catch {
    if (signal.aborted) return;
  }
  while (!settled && !signal.aborted) {
    const job = await api<Job>(`/api/jobs/${encodeURIComponent(id)}`, { signal });
    if (job.status === 'done') emit({ type: 'done', result: job.result });
    else if (job.status === 'failed') emit({ type: 'failed', error: job.error });
    else if (job.status === 'cancelled') emit({ type: 'cancelled' });
    else {
      if (job.progress) emit({ type: 'progress', ...job.progress });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Saves text or a data URL as a file. */
export function download(name: string, content: string, type = 'text/csv;charset=utf-8'): void {
  const url = content.startsWith('data:') ? content : URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (!content.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
