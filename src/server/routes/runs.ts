import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { compareReports } from '../../services/simulate.js';
import { principalOf, type ServerContext } from '../context.js';
import { getOrgRun, listOrgRuns } from '../org-runs.js';

/** The organisation's saved simulation runs (as `trustmap runs --json`, `runs show`, `runs compare`). */

const RunId = Type.String({ minLength: 1, maxLength: 100, description: 'a run id or the start of one' });
const ListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);
const RunParams = Type.Object({ id: RunId }, { additionalProperties: false });
const CompareQuery = Type.Object({ a: RunId, b: RunId }, { additionalProperties: false });
const NoQuery = Type.Object({}, { additionalProperties: false });

export function registerRunRoutes(api: FastifyInstance, ctx: ServerContext): void {
  api.get<{ Querystring: Static<typeof ListQuery> }>(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: "the organisation's saved runs, newest first",
        querystring: ListQuery,
      },
    },
    async (req) => listOrgRuns(ctx.store, principalOf(req), req.query.limit ?? 50),
  );
  api.get<{ Querystring: Static<typeof CompareQuery> }>(
    '/runs/compare',
    {
      schema: {
        tags: ['runs'],
        summary: 'compare two saved runs per material and market',
        querystring: CompareQuery,
      },
    },
    async (req) => {
      const p = principalOf(req);
      return compareReports(
        await getOrgRun(ctx.store, p, req.query.a),
        await getOrgRun(ctx.store, p, req.query.b),
      );
    },
  );
  api.get<{ Params: Static<typeof RunParams> }>(
    '/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'a saved run with its summaries and curves',
        params: RunParams,
        querystring: NoQuery,
      },
    },
    async (req) => getOrgRun(ctx.store, principalOf(req), req.params.id),
  );
}
