/**
 * Worker thread for the TTS/TTR analysis: loads HiGHS in this thread, runs every LP and posts
 * progress and the result back. Started by `runTtsAnalysis` (src/services/tts.ts) with the
 * network and options as `workerData`; cancelled by terminating the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadHighs } from '../engine/optimize/highs-model.js';
import {
  analyseTtsTtr,
  type TtsAnalysis,
  type TtsNetwork,
  type TtsOptions,
} from '../engine/simulate/tts-ttr.js';
import { ValidationError } from '../model/errors.js';

export interface TtsWorkerRequest {
  network: TtsNetwork;
  options: Omit<TtsOptions, 'onProgress'>;
}

export type TtsWorkerMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; analysis: TtsAnalysis }
  | { kind: 'error'; name: string; message: string; issues?: ValidationError['issues'] };

const port = parentPort;
if (port) {
  const req = workerData as TtsWorkerRequest;
  try {
    const highs = await loadHighs();
    let last = 0;
    const analysis = analyseTtsTtr(highs, req.network, {
      ...req.options,
      onProgress(done, total) {
        // about a hundred progress messages per run, plus the last
        if (done === total || done - last >= Math.max(1, Math.floor(total / 100))) {
          last = done;
          port.postMessage({ kind: 'progress', done, total } satisfies TtsWorkerMessage);
        }
      },
    });
    port.postMessage({ kind: 'done', analysis } satisfies TtsWorkerMessage);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({
      kind: 'error',
      name: err.name,
      message: err.message,
      ...(e instanceof ValidationError ? { issues: e.issues } : {}),
    } satisfies TtsWorkerMessage);
  }
}
