/**
 * Worker thread of one API job (src/server/jobs/queue.ts): opens its own connection to the store
 * (a SQLite file or PostgreSQL URL; the main thread's handle cannot cross threads), runs the
 * service the job names, and posts progress and the result back. Cancelled by terminating the
 * thread, which also ends the worker threads a service started in it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ValidationError } from '../../model/errors.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/store.js';
import { type JobWorkerData, type JobWorkerMessage, runJob } from './run-job.js';

const port = parentPort;
if (port) {
  const data = workerData as JobWorkerData;
  let store: Store | undefined;
  try {
    store = await openStore(data.location, { migrate: false });
    // at most ten progress messages a second (a Monte Carlo reports every few runs)
    let last = 0;
    const result = await runJob(store, data, (done, total, message) => {
      const now = performance.now();
      if (done < total && now - last < 100) return;
      last = now;
      port.postMessage({
        kind: 'progress',
        done,
        total,
        ...(message ? { message } : {}),
      } satisfies JobWorkerMessage);
    });
    port.postMessage({ kind: 'done', result } satisfies JobWorkerMessage);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({
      kind: 'error',
      name: err.name,
      message: err.message,
      ...(e instanceof ValidationError ? { issues: e.issues } : {}),
      ...(err.name === 'NotFoundError' ? {} : { stack: err.stack ?? '' }),
    } satisfies JobWorkerMessage);
  } finally {
    await store?.close().catch(() => {});
  }
}
