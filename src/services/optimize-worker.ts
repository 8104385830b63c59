/**
 * Worker thread for the intervention MILP: solves one portfolio instance (from `workerData`) at
 * every budget of the curve and posts progress and the solves back. HiGHS (WebAssembly) is
 * single-threaded and a solve cannot be interrupted from outside, so `optimizePlan` runs it here:
 * the caller's event loop stays free, and cancelling terminates the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadHighs } from '../engine/optimize/highs-model.js';
import { type PortfolioInstance, type PortfolioSolve, solvePortfolio } from '../engine/optimize/portfolio.js';

export interface OptWorkerData {
  inst: PortfolioInstance;
  timeLimitSeconds: number;
  mipRelGap: number;
  budgets: number[];
}

export type OptWorkerMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; solves: PortfolioSolve[] }
  | { kind: 'error'; name: string; message: string };

if (parentPort) {
  const port = parentPort;
  const data = workerData as OptWorkerData;
  try {
    const highs = await loadHighs();
    const { solves } = solvePortfolio(highs, data.inst, {
      timeLimitSeconds: data.timeLimitSeconds,
      mipRelGap: data.mipRelGap,
      budgets: data.budgets,
      onSolve: (done, total) =>
        port.postMessage({ kind: 'progress', done, total } satisfies OptWorkerMessage),
    });
    port.postMessage({ kind: 'done', solves } satisfies OptWorkerMessage);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ kind: 'error', name: err.name, message: err.message } satisfies OptWorkerMessage);
  }
}
