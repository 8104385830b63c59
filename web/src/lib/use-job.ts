import { useEffect, useRef, useState } from 'react';
import { ApiError, api, followJob } from './api.js';
import type { Job } from './api-types.js';

export interface JobState {
  id: string | null;
  status: 'idle' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: { done: number; total: number; message?: string } | null;
  result: unknown;
  error: Error | null;
}

const idle: JobState = { id: null, status: 'idle', progress: null, result: null, error: null };

function errorOf(e: unknown): Error {
  if (e instanceof Error) return e;
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const x = e as { code?: string; message: string; issues?: [] };
    return new ApiError(500, x.code ?? 'failed', x.message, undefined, x.issues);
  }
  return new Error(String(e));
}

/**
 * Submits a job (POST /api/jobs) and follows it over SSE; `jobId` (from the URL) resumes following
 * an existing job, so a shared URL shows the same run.
 */
export function useJob(jobId: string | null, onStarted: (id: string) => void) {
  const [state, setState] = useState<JobState>(idle);
  const ctl = useRef<AbortController | null>(null);

  useEffect(() => {
    if (!jobId) {
      setState(idle);
      return;
    }
    const c = new AbortController();
    ctl.current = c;
    setState((s) => (s.id === jobId ? s : { ...idle, id: jobId, status: 'queued' }));
    followJob(
      jobId,
      (e) => {
        if (e.type === 'progress') setState((s) => ({ ...s, status: 'running', progress: e }));
        else if (e.type === 'done') setState((s) => ({ ...s, status: 'done', result: e.result }));
        else if (e.type === 'failed') setState((s) => ({ ...s, status: 'failed', error: errorOf(e.error) }));
        else setState((s) => ({ ...s, status: 'cancelled' }));
      },
      c.signal,
    ).catch((e: Error) => {
      if (!c.signal.aborted) setState((s) => ({ ...s, status: 'failed', error: e }));
    });
    return () => c.abort();
  }, [jobId]);

  const submit = async (kind: string, params: unknown) => {
    setState({ ...idle, status: 'queued' });
    try {
      const job = await api<Job>('/api/jobs', { method: 'POST', body: JSON.stringify({ kind, params }) });
      onStarted(job.id);
    } catch (e) {
      setState({ ...idle, status: 'failed', error: e as Error });
    }
  };
  const cancel = async () => {
    if (state.id)
      await api(`/api/jobs/${encodeURIComponent(state.id)}`, { method: 'DELETE' }).catch(() => {});
  };
  return { state, submit, cancel };
}
