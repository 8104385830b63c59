import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { exposureReport } from '../../services/exposure.js';
import { overview } from '../../services/overview.js';
import { riskTable } from '../../services/risk-table.js';
import { sourcingReports } from '../../services/sourcing.js';
import { geoPolRisk, supplyRisk } from '../../services/supply-risk.js';
import type { ServerContext } from '../context.js';
import { sendCached } from './cached.js';
import { Iso3, RegionCode } from './catalog.js';

/**
 * The analyses of the public data, each the service the CLI command calls with the same options
 * and defaults (overview = `start`, risk, exposure, reliance, sr), cached per data version.
 */

const MaterialRef = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'material id, commodity or name',
});

const OverviewQuery = Type.Object(
  { concern: Type.Optional(Iso3), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);
const RiskQuery = Type.Object(
  {
    region: Type.Optional(RegionCode),
    concern: Type.Optional(Iso3),
    kind: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('mineral'), Type.Literal('api')])),
    tag: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9-]{1,80}$',
        description: 'only minerals with this tag; "all" for every mineral',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10000, description: 'rows per table (default: all)' }),
    ),
  },
  { additionalProperties: false },
);
const ExposureQuery = Type.Object(
  {
    material: MaterialRef,
    region: Type.Optional(RegionCode),
    country: Type.Optional(Iso3),
    concern: Type.Optional(Iso3),
    top: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'paths per country (default 5)' }),
    ),
  },
  { additionalProperties: false },
);
const RelianceQuery = Type.Object(
  {
    material: MaterialRef,
    region: Type.Optional(RegionCode),
    year: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })),
  },
  { additionalProperties: false },
);
const SrQuery = Type.Object(
  {
    material: MaterialRef,
    region: Type.Optional(RegionCode),
    wgiYear: Type.Optional(Type.Integer({ minimum: 1996, maximum: 2100 })),
  },
  { additionalProperties: false },
);

export function registerAnalyticsRoutes(api: FastifyInstance, ctx: ServerContext): void {
  api.get<{ Querystring: Static<typeof OverviewQuery> }>(
    '/overview',
    {
      schema: {
        tags: ['analytics'],
        summary: 'most concentrated critical minerals and APIs (as `trustmap start --json`)',
        querystring: OverviewQuery,
      },
    },
    async (req, reply) => {
      const params = { concern: (req.query.concern ?? 'CHN').toUpperCase(), limit: req.query.limit ?? 15 };
      return sendCached(ctx, req, reply, 'overview', params, (view) => overview(view, params));
    },
  );

  api.get<{ Querystring: Static<typeof RiskQuery> }>(
    '/risk',
    {
      schema: {
        tags: ['analytics'],
        summary: 'ranked risk table (as `trustmap risk --json`)',
        querystring: RiskQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const tag = q.tag ?? 'critical-mineral-us-2025';
      const params = {
        region: q.region ?? 'TRUST',
        concern: (q.concern ?? 'CHN').toUpperCase(),
        kind: q.kind ?? 'all',
        ...(tag !== 'all' ? { tag } : {}),
      };
      return sendCached(ctx, req, reply, 'risk', { ...params, limit: q.limit }, async (view) => {
        const t = await riskTable(view, params);
        return q.limit ? { ...t, minerals: t.minerals.slice(0, q.limit), apis: t.apis.slice(0, q.limit) } : t;
      });
    },
  );

  api.get<{ Querystring: Static<typeof ExposureQuery> }>(
    '/exposure',
    {
      schema: {
        tags: ['analytics'],
        summary: 'multi-tier exposure with carrying paths (as `trustmap exposure --json`)',
        querystring: ExposureQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const params = {
        ...(q.region ? { region: q.region } : { country: (q.country ?? 'USA').toUpperCase() }),
        concern: (q.concern ?? 'CHN').toUpperCase(),
        topK: q.top ?? 5,
      };
      return sendCached(ctx, req, reply, 'exposure', { material: q.material, ...params }, (view) =>
        exposureReport(view, q.material, params),
      );
    },
  );

  api.get<{ Querystring: Static<typeof RelianceQuery> }>(
    '/reliance',
    {
      schema: {
        tags: ['analytics'],
        summary: 'sourcing shares and import reliance (as `trustmap reliance --json`)',
        querystring: RelianceQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const params = { region: q.region ?? 'USA', ...(q.year ? { year: q.year } : {}) };
      return sendCached(ctx, req, reply, 'reliance', { material: q.material, ...params }, (view) =>
        sourcingReports(view, q.material, params),
      );
    },
  );

  api.get<{ Querystring: Static<typeof SrQuery> }>(
    '/sr',
    {
      schema: {
        tags: ['analytics'],
        summary: 'EU CRM supply risk; GeoPolRisk for a US importer (as `trustmap sr --json`)',
        querystring: SrQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const region = (q.region ?? 'EU').toUpperCase();
      const params = { region: q.region ?? 'EU', ...(q.wgiYear ? { wgiYear: q.wgiYear } : {}) };
      return sendCached(ctx, req, reply, 'sr', { material: q.material, ...params }, async (view) => {
        const results = await supplyRisk(view, q.material, params);
        // as the CLI: GeoPolRisk of each linked trustmap material when the importer is the USA
        const ids =
          region === 'USA'
            ? [
                ...new Set(
                  results
                    .flatMap((r) => [r.trustmapMaterials.E, r.trustmapMaterials.P])
                    .filter((x): x is string => !!x),
                ),
              ]
            : [];
        const gpr = (
          await Promise.all(
            ids.map((id) =>
              geoPolRisk(view, id, { importer: 'USA' }).catch((e: Error) => [
                { material_id: id, error: e.message },
              ]),
            ),
          )
        ).flat();
        return { supplyRisk: results, geoPolRisk: gpr };
      });
    },
  );
}
