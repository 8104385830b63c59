import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { portfolioImpact, portfolioReport } from '../../services/portfolio.js';
import type { Principal } from '../../store/accounts.js';
import { ORG_ENTITIES, orgRepository } from '../../store/scoped-repository.js';
import { cacheKey } from '../cache.js';
import { shippedScenario } from '../catalog.js';
import { dataChanged, principalOf, requireRole, type ServerContext } from '../context.js';
import { toJsonText } from '../serialize.js';
import { saveUpload } from '../uploads.js';
import { Iso3 } from './catalog.js';

/**
 * An organisation's own data, every access through the scoped repository
 * (src/store/scoped-repository.ts): imports, own rows, the portfolio and a scenario's impact on
 * it. Results are cached per organisation data version (which changes with the public data too).
 * POST /org/imports and POST /imports (public reference data, admin) run the import in a job's
 * worker thread and answer when it is done: 200 with the summary, or 422 with row-level issues.
 */

const EntityParams = Type.Object(
  { entity: Type.Union(ORG_ENTITIES.map((e) => Type.Literal(e))) },
  { additionalProperties: false },
);
const RowParams = Type.Object(
  {
    entity: Type.Union(ORG_ENTITIES.map((e) => Type.Literal(e))),
    key: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const PortfolioQuery = Type.Object(
  {
    concern: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]{3}(,[A-Za-z]{3}){0,9}$',
        description: 'ISO3 codes, comma-separated (default CHN)',
      }),
    ),
  },
  { additionalProperties: false },
);
const ImpactQuery = Type.Object(
  {
    scenario: Type.String({ minLength: 1, maxLength: 100, description: 'a shipped scenario name' }),
    market: Type.Optional(Iso3),
  },
  { additionalProperties: false },
);

async function sendOrgCached(
  ctx: ServerContext,
  p: Principal,
  reply: FastifyReply,
  route: string,
  params: Record<string, unknown>,
  compute: () => Promise<unknown>,
) {
  const version = await orgRepository(ctx.store, p).dataVersion();
  const body = await ctx.cache.get(cacheKey(['org', p.orgId, version, route], params), async () =>
    Buffer.from(toJsonText(await compute()), 'utf8'),
  );
  return reply.type('application/json; charset=utf-8').send(body);
}

/** Runs an upload's import as a job and answers with its outcome (200 summary, 422 issues). */
export async function importUpload(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
  scope: 'org' | 'public',
) {
  const p = principalOf(req);
  const up = await saveUpload(req);
  const job = ctx.jobs.submit(
    'import',
    { kind: 'import', scope, path: up.path, label: up.label, ...(up.format ? { format: up.format } : {}) },
    p,
    { cleanup: up.cleanup, redact: [up.dir, ''] },
  );
  const done = await ctx.jobs.whenFinished(job.id);
  if (done.status === 'done') {
    dataChanged(ctx, scope);
    return reply.status(200).send({ job: job.id, ...(done.result as object) });
  }
  if (done.error) {
    const status =
      done.error.code === 'validation_failed' ? 422 : done.error.code === 'not_found' ? 404 : 500;
    return reply.status(status).send({ error: done.error });
  }
  return reply.status(500).send({ error: { code: 'internal', message: `the import ended ${done.status}` } });
}

export function registerOrgRoutes(api: FastifyInstance, ctx: ServerContext): void {
  const uploadLimit = { bodyLimit: ctx.limits.uploadBytes };

  api.post(
    '/org/imports',
    {
      ...uploadLimit,
      schema: {
        tags: ['org'],
        summary:
          "import the organisation's own data: a portfolio (trustmap-portfolio/1 JSON or products/apis/sites/ksm CSVs) or interchange records; multipart `file` (and `format`) or a JSON body",
        consumes: ['application/json', 'multipart/form-data'],
      },
      preHandler: requireRole('analyst'),
    },
    async (req, reply) => importUpload(ctx, req, reply, 'org'),
  );

  api.post(
    '/imports',
    {
      ...uploadLimit,
      schema: {
        tags: ['admin'],
        summary:
          'import public reference data (any `trustmap import` format; multipart `file` parts and `format`)',
        consumes: ['application/json', 'multipart/form-data'],
      },
      preHandler: requireRole('admin'),
    },
    async (req, reply) => importUpload(ctx, req, reply, 'public'),
  );

  api.get<{ Querystring: Static<typeof PortfolioQuery> }>(
    '/org/portfolio',
    {
      schema: {
        tags: ['org'],
        summary: 'products resting on a single-source API or KSM, or on one country',
        querystring: PortfolioQuery,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const concern = (req.query.concern ?? 'CHN').toUpperCase().split(',');
      return sendOrgCached(ctx, p, reply, 'portfolio', { concern }, () =>
        portfolioReport(ctx.store, p, { concern }),
      );
    },
  );

  api.get<{ Querystring: Static<typeof ImpactQuery> }>(
    '/org/portfolio/impact',
    {
      schema: {
        tags: ['org'],
        summary: 'what a shipped scenario does to the portfolio',
        querystring: ImpactQuery,
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const { scenario } = shippedScenario(req.query.scenario);
      const market = req.query.market?.toUpperCase() ?? null;
      return sendOrgCached(ctx, p, reply, 'impact', { scenario: req.query.scenario, market }, () =>
        portfolioImpact(ctx.store, p, scenario, { market }),
      );
    },
  );

  api.get<{ Params: Static<typeof EntityParams>; Querystring: Static<typeof ListQuery> }>(
    '/org/data/:entity',
    {
      schema: {
        tags: ['org'],
        summary: "the organisation's own rows of one entity",
        params: EntityParams,
        querystring: ListQuery,
      },
    },
    async (req) => orgRepository(ctx.store, principalOf(req)).list(req.params.entity, req.query),
  );

  api.get<{ Params: Static<typeof RowParams> }>(
    '/org/data/:entity/:key',
    {
      schema: {
        tags: ['org'],
        summary: 'one own row (by id, or by the row number the listing gives)',
        params: RowParams,
      },
    },
    async (req) => orgRepository(ctx.store, principalOf(req)).get(req.params.entity, req.params.key),
  );

  api.delete<{ Params: Static<typeof RowParams> }>(
    '/org/data/:entity/:key',
    {
      schema: { tags: ['org'], summary: 'delete one own row', params: RowParams },
      preHandler: requireRole('analyst'),
    },
    async (req) => {
      const res = await orgRepository(ctx.store, principalOf(req)).delete(req.params.entity, req.params.key);
      dataChanged(ctx, 'org');
      return res;
    },
  );
}
