/**
 * Worker thread for Monte Carlo: holds one copy of the network and the plan (from `workerData`)
 * and runs the blocks of runs it is sent, posting each block's figures back (transferred, not
 * copied). Started by `runMonteCarlo` (src/services/montecarlo.ts); a run never leaves the
 * thread that started it. Stopped by a `stop` message or by terminating the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { emptyRuns, type MonteCarloPlan, runMonteCarloRange } from '../engine/simulate/montecarlo.js';
import type { SimNetwork } from '../engine/simulate/sim-network.js';

export interface McWorkerData {
  net: SimNetwork;
  plan: MonteCarloPlan;
}

export type McWorkerRequest =
  | { kind: 'run'; task: number; variant: number; from: number; to: number }
  | { kind: 'stop' };

export type McWorkerMessage =
  | {
      kind: 'done';
      task: number;
      variant: number;
      from: number;
      to: number;
      stats: Float64Array;
      fired: Uint16Array;
      updates: number;
    }
  | { kind: 'error'; task: number; name: string; message: string };

const port = parentPort;
if (port) {
  const { net, plan } = workerData as McWorkerData;
  port.on('message', (msg: McWorkerRequest) => {
    if (msg.kind === 'stop') {
      port.close();
      return;
    }
    try {
      const out = emptyRuns(plan, msg.to - msg.from);
      runMonteCarloRange(net, plan, msg.variant, msg.from, msg.to, out);
      port.postMessage(
        {
          kind: 'done',
          task: msg.task,
          variant: msg.variant,
          from: msg.from,
          to: msg.to,
          stats: out.stats,
          fired: out.fired,
          updates: out.updates,
        } satisfies McWorkerMessage,
        [out.stats.buffer as ArrayBuffer, out.fired.buffer as ArrayBuffer],
      );
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({
        kind: 'error',
        task: msg.task,
        name: err.name,
        message: err.message,
      } satisfies McWorkerMessage);
    }
  });
}
