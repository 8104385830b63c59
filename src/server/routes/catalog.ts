import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { STAGES } from '../../model/index.js';
import { materialReports } from '../../services/material-report.js';
import { listCountries, listMaterials, listSources } from '../../store/queries.js';
import {
  bundledHazardSet,
  listHazardSets,
  listPlans,
  listScenarios,
  shippedPlan,
  shippedScenario,
} from '../catalog.js';
import type { ServerContext } from '../context.js';
import { sendCached } from './cached.js';

/** Materials, countries, sources, shipped scenarios and hazard sets: public reference data. */

export const Iso3 = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 3166-1 alpha-3 code' });
export const RegionCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{2,32}$',
  description: 'region code (TRUST, USA, IND, QUAD, MSP, EU…) or ISO3 country',
});

const MaterialsQuery = Type.Object(
  {
    stage: Type.Optional(Type.Union(STAGES.map((s) => Type.Literal(s)))),
    commodity: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,80}$' })),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'text in the id, name, commodity or a synonym',
      }),
    ),
  },
  { additionalProperties: false },
);
const MaterialParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const MaterialQuery = Type.Object(
  { concern: Type.Optional(Iso3), region: Type.Optional(RegionCode) },
  { additionalProperties: false },
);
const NameParams = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const NoQuery = Type.Object({}, { additionalProperties: false });

export function registerCatalogRoutes(api: FastifyInstance, ctx: ServerContext): void {
  api.get<{ Querystring: Static<typeof MaterialsQuery> }>(
    '/materials',
    {
      schema: {
        tags: ['data'],
        summary: 'materials (as `trustmap materials --json`)',
        querystring: MaterialsQuery,
      },
    },
    async (req, reply) =>
      sendCached(ctx, req, reply, 'materials', req.query, async (view) => {
        const { q, ...filter } = req.query;
        const rows = await listMaterials(view, filter);
        if (!q) return rows;
        const needle = q.toLowerCase();
        return rows.filter((m) =>
          [m.id, m.name, m.commodity, ...m.synonyms].some((s) => s.toLowerCase().includes(needle)),
        );
      }),
  );

  api.get<{ Params: Static<typeof MaterialParams>; Querystring: Static<typeof MaterialQuery> }>(
    '/materials/:id',
    {
      schema: {
        tags: ['data'],
        summary: 'material report: producers, shares, HHI, DMF holders, sources (as `trustmap show --json`)',
        params: MaterialParams,
        querystring: MaterialQuery,
      },
    },
    async (req, reply) => {
      const concern = (req.query.concern ?? 'CHN').toUpperCase();
      const region = req.query.region ?? 'TRUST';
      return sendCached(ctx, req, reply, 'material', { id: req.params.id, concern, region }, async (view) => {
        const reports = await materialReports(view, req.params.id, { concern, region });
        return reports.length === 1 ? reports[0] : reports;
      });
    },
  );

  api.get(
    '/countries',
    { schema: { tags: ['data'], summary: 'countries and their regions', querystring: NoQuery } },
    async (req, reply) => sendCached(ctx, req, reply, 'countries', {}, (view) => listCountries(view)),
  );

  api.get(
    '/sources',
    {
      schema: {
        tags: ['data'],
        summary: 'data sources with publisher, year, licence, record counts',
        querystring: NoQuery,
      },
    },
    async (req, reply) => sendCached(ctx, req, reply, 'sources', {}, (view) => listSources(view)),
  );

  api.get(
    '/scenarios',
    { schema: { tags: ['scenarios'], summary: 'the shipped historical scenarios', querystring: NoQuery } },
    async () => listScenarios(),
  );
  api.get<{ Params: Static<typeof NameParams> }>(
    '/scenarios/:name',
    {
      schema: {
        tags: ['scenarios'],
        summary: 'one shipped scenario (Scenario schema)',
        params: NameParams,
        querystring: NoQuery,
      },
    },
    async (req) => shippedScenario(req.params.name).scenario,
  );
  api.get(
    '/hazard-sets',
    { schema: { tags: ['scenarios'], summary: 'the bundled Monte Carlo hazard sets', querystring: NoQuery } },
    async () => listHazardSets(),
  );
  api.get<{ Params: Static<typeof NameParams> }>(
    '/hazard-sets/:name',
    {
      schema: {
        tags: ['scenarios'],
        summary: 'one bundled hazard set (HazardSet schema)',
        params: NameParams,
        querystring: NoQuery,
      },
    },
    async (req) => bundledHazardSet(req.params.name).set,
  );
  api.get(
    '/plans',
    { schema: { tags: ['optimiser'], summary: 'the shipped optimiser plans', querystring: NoQuery } },
    async () => listPlans(),
  );
  api.get<{ Params: Static<typeof NameParams> }>(
    '/plans/:name',
    {
      schema: {
        tags: ['optimiser'],
        summary: 'one shipped optimiser plan (Plan schema)',
        params: NameParams,
        querystring: NoQuery,
      },
    },
    async (req) => shippedPlan(req.params.name).plan,
  );
}
