import { join } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { COST_GAP_DEFAULTS, costGapReports, readCostInputs } from '../../services/cost-gap.js';
import { FORECAST_DEFAULTS, forecastReports, SERIES, type SeriesId } from '../../services/forecast.js';
import { pathwayReport, validatePathway } from '../../services/pathway.js';
import { scenariosDir } from '../catalog.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import { sendCached } from './cached.js';
import { RegionCode } from './catalog.js';

/** Cost gap, forecasts and approval pathways (as `trustmap costgap|forecast|pathway --json`). */

const MaterialParams = Type.Object(
  { material: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const CostGapQuery = Type.Object(
  {
    region: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_,-]{2,200}$', description: 'trusted region or ISO3 list' }),
    ),
    year: Type.Optional(Type.Integer({ minimum: 1901, maximum: 2100 })),
    demand: Type.Optional(Type.Union([Type.Literal('consumption'), Type.Literal('imports')])),
    minShare: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
  },
  { additionalProperties: false },
);
const ForecastQuery = Type.Object(
  {
    region: Type.Optional(RegionCode),
    series: Type.Optional(
      Type.String({
        pattern: '^[a-z-]+(,[a-z-]+)*$',
        description: `comma-separated: ${Object.keys(SERIES).join(', ')}`,
      }),
    ),
    horizon: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    holdout: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    damped: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const PathwayBody = Type.Object(
  { pathway: Type.Unknown({ description: 'a pathway document (docs/pathways.md)' }) },
  { additionalProperties: false },
);

/** The bundled freight and duty inputs (data/cost-inputs beside scenarios/). */
function costInputsFile(): string {
  const root = scenariosDir();
  if (!root) throw new Error('cannot find the bundled data folder');
  return join(root, '..', 'data', 'cost-inputs', 'us-import-costs.json');
}

export function registerEconomicsRoutes(api: FastifyInstance, ctx: ServerContext): void {
  api.get<{ Params: Static<typeof MaterialParams>; Querystring: Static<typeof CostGapQuery> }>(
    '/costgap/:material',
    {
      schema: {
        tags: ['economics'],
        summary: 'cost gap against the cheapest non-trusted supplier (as `trustmap costgap --json`)',
        params: MaterialParams,
        querystring: CostGapQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const params = {
        region: q.region ?? COST_GAP_DEFAULTS.region,
        ...(q.year !== undefined ? { year: q.year } : {}),
        demand: q.demand ?? ('consumption' as const),
        minShare: q.minShare ?? COST_GAP_DEFAULTS.minShare,
      };
      return sendCached(
        ctx,
        req,
        reply,
        'costgap',
        { material: req.params.material, ...params },
        async (view) => {
          const file = costInputsFile();
          const reports = await costGapReports(view, req.params.material, {
            ...params,
            inputs: readCostInputs(file),
            inputsFile: 'data/cost-inputs/us-import-costs.json',
          });
          return reports.length === 1 ? reports[0] : reports;
        },
      );
    },
  );

  api.get<{ Params: Static<typeof MaterialParams>; Querystring: Static<typeof ForecastQuery> }>(
    '/forecast/:material',
    {
      schema: {
        tags: ['economics'],
        summary: "Holt's forecast with backtest (as `trustmap forecast --json`)",
        params: MaterialParams,
        querystring: ForecastQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const series = q.series?.split(',') as SeriesId[] | undefined;
      const bad = series?.filter((s) => !(s in SERIES)) ?? [];
      if (bad.length)
        throw badRequest(
          `unknown series ${bad.join(', ')}; expected ${Object.keys(SERIES).join(', ')}`,
          '/query/series',
        );
      const params = {
        region: q.region ?? FORECAST_DEFAULTS.region,
        ...(series ? { series } : {}),
        horizon: q.horizon ?? FORECAST_DEFAULTS.horizon,
        holdout: q.holdout ?? FORECAST_DEFAULTS.holdout,
        damped: q.damped ?? false,
      };
      return sendCached(
        ctx,
        req,
        reply,
        'forecast',
        { material: req.params.material, ...params },
        async (view) => {
          const reports = await forecastReports(view, req.params.material, params);
          return reports.length === 1 ? reports[0] : reports;
        },
      );
    },
  );

  api.post<{ Body: Static<typeof PathwayBody> }>(
    '/pathway',
    {
      schema: {
        tags: ['economics'],
        summary: 'time to market of an approval pathway (as `trustmap pathway --json`)',
        body: PathwayBody,
      },
    },
    async (req) => pathwayReport(validatePathway(req.body.pathway)),
  );
}
