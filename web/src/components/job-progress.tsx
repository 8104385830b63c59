import type { JobState } from '../lib/use-job.js';
import { ErrorBox } from './bits.js';

export function JobProgress({
  state,
  onCancel,
  stage = (m) => m ?? '',
}: {
  state: JobState;
  onCancel: () => void;
  /** the progress message (a stage name) in words */
  stage?: (message: string | undefined) => string;
}) {
  if (state.status === 'idle') return null;
  const p = state.progress;
  const running = state.status === 'queued' || state.status === 'running';
  return (
    <div className="job" aria-live="polite">
      <span className={`status ${state.status}`}>{state.status}</span>
      {running ? (
        <>
          <progress max={p?.total || 1} value={p ? p.done : undefined} aria-label="job progress" />
          <span className="muted">
            {p ? `${p.done} / ${p.total}` : ''} {stage(p?.message)}
          </span>
          {state.id ? (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
        </>
      ) : null}
      {state.error ? <ErrorBox error={state.error} /> : null}
    </div>
  );
}
