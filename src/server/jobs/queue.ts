import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SolverError, ValidationError } from '../../model/index.js';
import type { Principal } from '../../store/accounts.js';
import { ApiError, type ErrorBody, toErrorResponse } from '../errors.js';
import type { JobKind, JobPayload, JobWorkerData, JobWorkerMessage } from './run-job.js';

/**
 * The bounded job queue: at most `concurrency` jobs run at once, each in its own worker thread
 * (off the event loop), at most `maxQueued` wait; beyond that `submit` answers 429 queue_full.
 * A job belongs to the organisation that submitted it: every lookup takes the caller's org and a
 * job of another organisation is simply not found. Jobs live in memory (a restart forgets them;
 * a simulation's result is also saved among the organisation's runs); the newest `keepFinished`
 * finished jobs are kept for their results.
 */

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  done: number;
  total: number;
  message?: string;
}

export interface Job {
  id: string;
  kind: JobKind;
  orgId: string;
  userId: string;
  status: JobStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: JobProgress;
  result?: unknown;
  error?: ErrorBody['error'];
}

/** Events a job emits (and the SSE stream forwards): progress, done, failed, cancelled. */
export type JobEvent =
  | { event: 'progress'; data: JobProgress }
  | { event: 'done'; data: { result: unknown } }
  | { event: 'failed'; data: { error: ErrorBody['error'] } }
  | { event: 'cancelled'; data: Record<string, never> };

interface Entry {
  job: Job;
  payload: JobPayload;
  owner: Principal;
  events: EventEmitter;
  worker?: Worker;
  /** called once when the job ends, whatever the outcome (e.g. to delete an uploaded file) */
  cleanup?: () => void;
  /** text replaced in error messages (a temporary file's path by the upload's name) */
  redact?: [string, string];
}

export interface JobQueueOptions {
  /** the store's location (file or URL): each worker opens its own connection */
  location: string;
  concurrency: number;
  maxQueued: number;
  /** worker threads one Monte Carlo job may use */
  threadsPerJob?: number;
  keepFinished?: number;
  /** told about every finished job (e.g. to invalidate caches after an import) */
  onFinished?: (job: Job) => void;
  /** where unexpected worker errors are logged */
  log?: (msg: string) => void;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);

export class JobQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private running = 0;
  private closed = false;

  constructor(readonly opts: JobQueueOptions) {}

  get stats() {
    return { running: this.running, queued: this.waiting.length, concurrency: this.opts.concurrency };
  }

  /** Queues a job; throws 429 queue_full when `maxQueued` jobs already wait. */
  submit(
    kind: JobKind,
    payload: JobPayload,
    owner: Principal,
    extra: { cleanup?: () => void; redact?: [string, string] } = {},
  ): Job {
    if (this.closed) throw new ApiError(503, 'internal', 'the server is shutting down');
    const free = this.running < this.opts.concurrency && this.waiting.length === 0;
    if (!free && this.waiting.length >= this.opts.maxQueued) {
      extra.cleanup?.();
      throw new ApiError(
        429,
        'queue_full',
        `the job queue is full (${this.running} running, ${this.waiting.length} waiting); try again later`,
      );
    }
    const job: Job = {
      id: `job_${randomBytes(12).toString('base64url')}`,
      kind,
      orgId: owner.orgId,
      userId: owner.userId,
      status: 'queued',
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      progress: { done: 0, total: 0 },
    };
    const entry: Entry = { job, payload, owner, events: new EventEmitter(), ...extra };
    entry.events.setMaxListeners(0);
    this.entries.set(job.id, entry);
    this.waiting.push(entry);
    this.pump();
    return job;
  }

  /** The job if it exists and belongs to `orgId`; otherwise undefined (never tells which). */
  get(id: string, orgId: string): Job | undefined {
    const e = this.entries.get(id);
    return e && e.job.orgId === orgId ? e.job : undefined;
  }

  /** The organisation's jobs, newest first. */
  list(orgId: string): Job[] {
    return [...this.entries.values()]
      .filter((e) => e.job.orgId === orgId)
      .map((e) => e.job)
      .reverse();
  }

  /**
   * Subscribes to a job's events; returns the unsubscribe function, or undefined if the job is
   * not the organisation's.
   */
  subscribe(id: string, orgId: string, fn: (e: JobEvent) => void): (() => void) | undefined {
    const e = this.entries.get(id);
    if (!e || e.job.orgId !== orgId) return undefined;
    e.events.on('event', fn);
    return () => e.events.off('event', fn);
  }

  /** Resolves with the job once it has ended (done, failed or cancelled). */
  whenFinished(id: string): Promise<Job> {
    const e = this.entries.get(id);
    if (!e) return Promise.reject(new Error(`no job ${id}`));
    if (TERMINAL.has(e.job.status)) return Promise.resolve(e.job);
    return new Promise((resolve) =>
      e.events.on('event', (ev: JobEvent) => {
        if (ev.event !== 'progress') resolve(e.job);
      }),
    );
  }

  /** Cancels a queued or running job (terminating its thread). False if it had already ended. */
  async cancel(id: string, orgId: string): Promise<Job | undefined> {
    const e = this.entries.get(id);
    if (!e || e.job.orgId !== orgId) return undefined;
    if (TERMINAL.has(e.job.status)) return e.job;
    const idx = this.waiting.indexOf(e);
    if (idx >= 0) this.waiting.splice(idx, 1);
    const wasRunning = e.job.status === 'running';
    this.finish(e, 'cancelled');
    if (wasRunning && e.worker) await e.worker.terminate();
    return e.job;
  }

  /** Cancels everything (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()].filter((e) => !TERMINAL.has(e.job.status));
    await Promise.all(all.map((e) => this.cancel(e.job.id, e.job.orgId)));
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.waiting.length > 0) {
      const e = this.waiting.shift()!;
      this.start(e);
    }
  }

  private start(e: Entry): void {
    this.running++;
    e.job.status = 'running';
    e.job.startedAt = new Date().toISOString();
    const data: JobWorkerData = {
      location: this.opts.location,
      principal: e.owner,
      threads: this.opts.threadsPerJob ?? 1,
      payload: e.payload,
    };
    const worker = startJobWorker(data);
    e.worker = worker;
    worker.on('message', (msg: JobWorkerMessage) => {
      if (TERMINAL.has(e.job.status)) return;
      if (msg.kind === 'progress') {
        e.job.progress = {
          done: msg.done,
          total: msg.total,
          ...(msg.message ? { message: msg.message } : {}),
        };
        e.events.emit('event', { event: 'progress', data: e.job.progress } satisfies JobEvent);
      } else if (msg.kind === 'done') {
        e.job.result = msg.result;
        this.finish(e, 'done');
      } else {
        const err = rebuildError(msg, e.redact);
        const { body, unexpected } = toErrorResponse(err);
        if (unexpected)
          this.opts.log?.(`job ${e.job.id} (${e.job.kind}) failed: ${msg.stack ?? msg.message}`);
        e.job.error = body.error;
        this.finish(e, 'failed');
      }
    });
    worker.on('error', (err) => {
      if (TERMINAL.has(e.job.status)) return;
      this.opts.log?.(`job ${e.job.id} (${e.job.kind}) worker error: ${err.stack ?? err.message}`);
      e.job.error = toErrorResponse(err).body.error;
      this.finish(e, 'failed');
    });
    worker.on('exit', (code) => {
      if (!TERMINAL.has(e.job.status)) {
        e.job.error = {
          code: 'internal',
          message: `the job's worker stopped (exit code ${code}) without a result`,
        };
        this.finish(e, 'failed');
      }
    });
  }

  private finish(e: Entry, status: 'done' | 'failed' | 'cancelled'): void {
    const wasRunning = e.job.status === 'running';
    e.job.status = status;
    e.job.finishedAt = new Date().toISOString();
    if (status === 'done' && e.job.progress.total > 0)
      e.job.progress = { ...e.job.progress, done: e.job.progress.total };
    const ev: JobEvent =
      status === 'done'
        ? { event: 'done', data: { result: e.job.result } }
        : status === 'failed'
          ? { event: 'failed', data: { error: e.job.error! } }
          : { event: 'cancelled', data: {} };
    e.events.emit('event', ev);
    e.events.removeAllListeners();
    if (status !== 'cancelled' && e.worker) void e.worker.terminate();
    e.worker = undefined;
    e.cleanup?.();
    e.cleanup = undefined;
    if (wasRunning) this.running--;
    this.opts.onFinished?.(e.job);
    this.forgetOld();
    this.pump();
  }

  private forgetOld(): void {
    const keep = this.opts.keepFinished ?? 200;
    const finished = [...this.entries.values()].filter((x) => TERMINAL.has(x.job.status));
    for (const x of finished.slice(0, Math.max(0, finished.length - keep))) this.entries.delete(x.job.id);
  }
}

function rebuildError(msg: Extract<JobWorkerMessage, { kind: 'error' }>, redact?: [string, string]): Error {
  const clean = (s: string) => (redact ? s.split(redact[0]).join(redact[1]) : s);
  if (msg.issues) {
    const v = new ValidationError(
      msg.issues.map((i) => ({
        ...i,
        ...(i.file ? { file: clean(i.file) } : {}),
        message: clean(i.message),
      })),
    );
    return v;
  }
  if (msg.name === 'NotFoundError') return new ApiError(404, 'not_found', clean(msg.message));
  if (msg.name === 'SolverError') return new SolverError(clean(msg.message));
  const err = new Error(clean(msg.message));
  err.name = msg.name;
  return err;
}

/** The worker's entry: the compiled .js beside this file, or the .ts source through tsx in development and tests. */
function startJobWorker(data: JobWorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // tsx's ES entry (its package exports map './esm/api' → import), so the worker can load .ts
    const pkgFile = createRequire(here).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
      exports: Record<string, { import: { default: string } }>;
    };
    const tsx = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
    const entry = new URL('./job-worker.ts', here).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: data });
  }
  return new Worker(new URL('./job-worker.js', here), { workerData: data });
}
