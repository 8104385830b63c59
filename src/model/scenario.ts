import { type Static, Type } from '@sinclair/typebox';
import { Iso3, Nullable } from './common.js';

/**
 * A disruption scenario (docs/scenarios.md): base year, horizon, shocks and levers. Materials
 * are trustmap material ids or commodities (all stages); countries ISO3; days count from day 0.
 */
const Day = Type.Integer({ minimum: 0, maximum: 36_500 });
const Duration = Type.Integer({ minimum: 1, maximum: 36_500, description: 'days' });
const Share = Type.Number({ minimum: 0, maximum: 1 });
const Materials = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  description: 'material ids or commodities',
});
const Countries = Type.Union([Type.Literal('all'), Type.Array(Iso3, { minItems: 1 })]);

export const ExportRestriction = Type.Object(
  {
    type: Type.Literal('export_restriction'),
    exporter: Iso3,
    importers: Countries,
    /** importers exempted when `importers` is 'all' */
    except: Type.Optional(Type.Array(Iso3)),
    materials: Materials,
    share: Share,
    start_day: Day,
    duration_days: Duration,
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const CapacityLoss = Type.Object(
  {
    type: Type.Literal('capacity_loss'),
    country: Type.Optional(Iso3),
    facility: Type.Optional(Type.String()),
    materials: Materials,
    share: Share,
    start_day: Day,
    duration_days: Duration,
    recovery: Type.Optional(
      Type.Union([Type.Literal('step'), Type.Literal('linear')], {
        default: 'step',
        description: 'how capacity returns after duration',
      }),
    ),
    recovery_days: Type.Optional(Type.Integer({ minimum: 0 })),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const DemandSurge = Type.Object(
  {
    type: Type.Literal('demand_surge'),
    market: Type.String({ description: 'ISO3 country or region code' }),
    materials: Materials,
    factor: Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'demand multiplier, e.g. 1.3' }),
    start_day: Day,
    duration_days: Duration,
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const StockpileRelease = Type.Object(
  {
    type: Type.Literal('stockpile_release'),
    holder: Iso3,
    materials: Materials,
    /** quantity in the material's unit, or days of the holder's demand */
    quantity: Type.Optional(Type.Number({ minimum: 0 })),
    days_of_cover: Type.Optional(Type.Number({ minimum: 0 })),
    start_day: Day,
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const Shock = Type.Union([ExportRestriction, CapacityLoss, DemandSurge, StockpileRelease]);
export type Shock = Static<typeof Shock>;

/** An approval step: e.g. marketing authorisation, import registration, DMF/ANDA review. */
export const ApprovalStep = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    days: Type.Integer({ minimum: 0 }),
    after: Type.Optional(Type.Array(Type.String(), { description: 'steps that must finish first' })),
  },
  { additionalProperties: false },
);

/** Extra supply from an alternative supplier after a lead time that includes regulatory approval. */
export const RampUp = Type.Object(
  {
    supplier: Iso3,
    material: Type.String({ minLength: 1 }),
    /** added capacity as a share of the supplier's base capacity, or an absolute rate per year */
    extra_share: Type.Optional(Type.Number({ minimum: 0 })),
    extra_per_year: Type.Optional(Type.Number({ minimum: 0 })),
    build_days: Type.Integer({ minimum: 0, description: 'physical lead time (plant, line, qualification)' }),
    approval: Type.Optional(
      Type.Object(
        {
          pathway: Type.Union([Type.Literal('sequential'), Type.Literal('parallel')]),
          steps: Type.Array(ApprovalStep),
        },
        { additionalProperties: false },
      ),
    ),
    ramp_days: Type.Optional(
      Type.Integer({ minimum: 0, description: 'linear ramp from 0 to full after lead time' }),
    ),
    illustrative: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ScenarioAgreement = Type.Object(
  {
    buyer: Iso3,
    supplier: Iso3,
    material: Type.String({ minLength: 1 }),
    volume_per_year: Type.Number({ minimum: 0 }),
    illustrative: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ScenarioStock = Type.Object(
  {
    holder: Iso3,
    material: Type.String({ minLength: 1 }),
    days_of_cover: Type.Number({ minimum: 0 }),
    illustrative: Type.Optional(Type.Boolean()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ScenarioCitation = Type.Object(
  {
    title: Type.String({ minLength: 1 }),
    publisher: Type.Optional(Type.String()),
    year: Type.Optional(Type.Integer()),
    url: Type.Optional(Type.String()),
    quote: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const Scenario = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    /** publications the scenario's shocks are taken from (historical scenarios) */
    citations: Type.Optional(Type.Array(ScenarioCitation)),
    year: Type.Integer({ minimum: 1990, maximum: 2100, description: 'base year of the network' }),
    horizon_days: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
    step_days: Type.Integer({ minimum: 1, maximum: 30, default: 1 }),
    /** markets reported (countries or region codes); default TRUST members */
    markets: Type.Optional(Type.Array(Type.String())),
    /** restrict the network to these materials and everything upstream/downstream of them */
    materials: Type.Optional(Materials),
    shocks: Type.Array(Shock, { default: [] }),
    levers: Type.Optional(
      Type.Object(
        {
          agreements: Type.Optional(Type.Array(ScenarioAgreement)),
          stocks: Type.Optional(Type.Array(ScenarioStock)),
          ramp_ups: Type.Optional(Type.Array(RampUp)),
          /** days before unfilled orders move to suppliers with spare output (τ) */
          diversion_days: Type.Optional(Type.Integer({ minimum: 0, default: 30 })),
          /** block restricted-origin content in third-country re-exports (proportional mixing) */
          origin_rule: Type.Optional(Type.Boolean({ default: false })),
          /** default stock cover of every market, days (illustrative unless cited) */
          default_days_of_cover: Type.Optional(Type.Number({ minimum: 0, default: 30 })),
        },
        { additionalProperties: false },
      ),
    ),
    seed: Nullable(Type.Integer()),
  },
  { additionalProperties: false, $id: 'Scenario' },
);
export type Scenario = Static<typeof Scenario>;
