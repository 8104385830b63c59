import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../store/accounts.js';
import { principalOf, requireRole, type ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { prepareJob } from '../jobs/prepare.js';
import type { Job, JobEvent } from '../jobs/queue.js';
import { toJsonText } from '../serialize.js';

/**
 * Jobs: POST creates (202), GET lists and polls, DELETE cancels, /events streams progress as
 * Server-Sent Events. Every lookup is by (id, caller's organisation): another organisation's job
 * id is 404, whether or not it exists.
 */

const NewJob = Type.Object(
  {
    kind: Type.String({ description: 'simulate, reproduce (a saved run), montecarlo, tts or optimize' }),
    params: Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          'simulate: {scenario: name | Scenario, save?}; montecarlo: {set: name | HazardSet, runs, seed?, sensitivityRuns?}; tts: {region?, year?, ttrDays?, stockShips?, headroom?, includeUnknownLocations?}',
      },
    ),
  },
  { additionalProperties: false },
);
const JobId = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const NoQuery = Type.Object({}, { additionalProperties: false });

/** A job as the API shows it (no owner ids). */
export function jobView(j: Job, withResult = true) {
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    progress: j.progress,
    ...(withResult && j.result !== undefined ? { result: j.result } : {}),
    ...(j.error ? { error: j.error } : {}),
  };
}

export function registerJobRoutes(api: FastifyInstance, ctx: ServerContext): void {
  api.post<{ Body: Static<typeof NewJob> }>(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'start a simulation, Monte Carlo or TTS job (202; 429 queue_full)',
        body: NewJob,
      },
      preHandler: requireRole('analyst'),
    },
    async (req, reply) => {
      const p = principalOf(req);
      const payload = prepareJob(req.body.kind, req.body.params);
      const job = ctx.jobs.submit(payload.kind, payload, p);
      await recordAudit(ctx.store, p, 'job.create', `job:${job.id}`, { kind: job.kind });
      return reply
        .status(202)
        .send({ id: job.id, kind: job.kind, status: job.status, createdAt: job.createdAt });
    },
  );

  api.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: "the organisation's jobs, newest first (without results)",
        querystring: NoQuery,
      },
    },
    async (req) => ctx.jobs.list(principalOf(req).orgId).map((j) => jobView(j, false)),
  );

  api.get<{ Params: Static<typeof JobId> }>(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'a job: status, progress, result or error',
        params: JobId,
        querystring: NoQuery,
      },
    },
    async (req) => {
      const job = ctx.jobs.get(req.params.id, principalOf(req).orgId);
      if (!job) throw notFound(`job ${JSON.stringify(req.params.id)}`);
      return jobView(job);
    },
  );

  api.delete<{ Params: Static<typeof JobId> }>(
    '/jobs/:id',
    {
      schema: { tags: ['jobs'], summary: 'cancel a job (terminates its worker thread)', params: JobId },
      preHandler: requireRole('analyst'),
    },
    async (req) => {
      const p = principalOf(req);
      const job = await ctx.jobs.cancel(req.params.id, p.orgId);
      if (!job) throw notFound(`job ${JSON.stringify(req.params.id)}`);
      await recordAudit(ctx.store, p, 'job.cancel', `job:${job.id}`, { status: job.status });
      return jobView(job, false);
    },
  );

  api.get<{ Params: Static<typeof JobId> }>(
    '/jobs/:id/events',
    {
      schema: {
        tags: ['jobs'],
        summary:
          'Server-Sent Events: progress {done,total,message?}, done {result}, failed {error}, cancelled {}',
        params: JobId,
        querystring: NoQuery,
      },
    },
    async (req, reply) => {
      const orgId = principalOf(req).orgId;
      const job = ctx.jobs.get(req.params.id, orgId);
      if (!job) throw notFound(`job ${JSON.stringify(req.params.id)}`);
      // hijack: the stream outlives the handler; keep the headers set so far (security headers)
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (e: JobEvent) => res.write(`event: ${e.event}\ndata: ${toJsonText(e.data)}\n\n`);
      const terminal = (j: Job): JobEvent | null =>
        j.status === 'done'
          ? { event: 'done', data: { result: j.result } }
          : j.status === 'failed'
            ? { event: 'failed', data: { error: j.error! } }
            : j.status === 'cancelled'
              ? { event: 'cancelled', data: {} }
              : null;
      const end = terminal(job);
      if (end) {
        send(end);
        res.end();
        return;
      }
      send({ event: 'progress', data: job.progress });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      let unsubscribe: (() => void) | undefined;
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe?.();
      };
      unsubscribe = ctx.jobs.subscribe(job.id, orgId, (e) => {
        send(e);
        if (e.event !== 'progress') {
          close();
          res.end();
        }
      });
      req.raw.on('close', close);
    },
  );
}
