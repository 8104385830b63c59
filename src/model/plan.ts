import { type Static, Type } from '@sinclair/typebox';
import { Iso3 } from './common.js';
import { ScenarioCitation } from './scenario.js';

/**
 * An intervention plan (docs/optimizer.md): the budget, the products and their criticality, the
 * scenario set the simulator turns into shortfalls, and the candidate interventions the optimiser
 * chooses among. Money is in the plan's currency (USD or INR, with an explicit exchange rate);
 * quantities are in each product's unit (the material's unit in the store). Unknown fields are
 * rejected.
 */

const Money = Type.Number({ minimum: 0, description: 'in the plan currency' });
const Id = Type.String({
  pattern: '^[a-z0-9][a-z0-9_.-]*$',
  description: 'lower-case id, unique in the plan',
});
const Days = Type.Integer({ minimum: 0, maximum: 36_500 });

const CandidateCommon = {
  id: Id,
  /** material id (or name) of one of the plan's products */
  product: Type.String({ minLength: 1 }),
  /** true when its costs, sizes or lead times are assumptions rather than cited figures */
  illustrative: Type.Boolean(),
  source: Type.Optional(Type.String({ description: 'where its figures come from' })),
  note: Type.Optional(Type.String()),
  /** an existing commitment: always bought (the model is infeasible if the budget cannot pay for it) */
  required: Type.Optional(Type.Boolean()),
};

export const CapacityCandidate = Type.Object(
  {
    kind: Type.Literal('capacity'),
    ...CandidateCommon,
    country: Iso3,
    /** an existing FDA-registered establishment to expand (FEI), checked against the store */
    establishment_fei: Type.Optional(Type.String({ pattern: '^[0-9]{5,12}$' })),
    fixed_cost: Money,
    cost_per_unit_year: Type.Number({ minimum: 0, description: 'per unit of annual capacity' }),
    max_per_year: Type.Number({ exclusiveMinimum: 0 }),
    min_per_year: Type.Optional(Type.Number({ minimum: 0 })),
    lead_days: Days,
  },
  { additionalProperties: false },
);

export const RecyclingCandidate = Type.Object(
  {
    kind: Type.Literal('recycling'),
    ...CandidateCommon,
    country: Iso3,
    fixed_cost: Money,
    cost_per_unit_year: Type.Number({ minimum: 0 }),
    max_per_year: Type.Number({ exclusiveMinimum: 0 }),
    min_per_year: Type.Optional(Type.Number({ minimum: 0 })),
    lead_days: Days,
  },
  { additionalProperties: false },
);

export const StockpileCandidate = Type.Object(
  {
    kind: Type.Literal('stockpile'),
    ...CandidateCommon,
    holder: Iso3,
    fixed_cost: Type.Optional(Money),
    /** purchase price per unit */
    cost_per_unit: Type.Number({ minimum: 0 }),
    holding_cost_per_unit_year: Type.Number({ minimum: 0 }),
    max_units: Type.Number({ exclusiveMinimum: 0 }),
    /** days to fill it (no draws before) */
    lead_days: Type.Optional(Days),
  },
  { additionalProperties: false },
);

export const OfftakeCandidate = Type.Object(
  {
    kind: Type.Literal('offtake'),
    ...CandidateCommon,
    buyer: Iso3,
    supplier: Iso3,
    volume_per_year: Type.Number({ exclusiveMinimum: 0 }),
    /** price premium over the market price, per unit */
    price_premium_per_unit: Type.Number({ minimum: 0 }),
    term_years: Type.Number({ exclusiveMinimum: 0, maximum: 50 }),
    fixed_cost: Type.Optional(Money),
    start_day: Type.Optional(Days),
    /** true: the volume may be contracted in part (down to 0); false (default): all or nothing */
    divisible: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const FastTrackCandidate = Type.Object(
  {
    kind: Type.Literal('fast_track'),
    ...CandidateCommon,
    /** the capacity or recycling candidate it speeds up */
    target: Id,
    /** the target's lead time with the fast-track (shorter than its own) */
    lead_days: Days,
    cost: Money,
  },
  { additionalProperties: false },
);

export const PlanCandidate = Type.Union([
  CapacityCandidate,
  RecyclingCandidate,
  StockpileCandidate,
  OfftakeCandidate,
  FastTrackCandidate,
]);
export type PlanCandidate = Static<typeof PlanCandidate>;

export const PlanProduct = Type.Object(
  {
    material: Type.String({ minLength: 1 }),
    /** country or region whose shortfall counts (default: the plan's market) */
    market: Type.Optional(Type.String()),
    /** criticality weight (> 0): the objective weighs shortfall as a share of annual demand × this */
    weight: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    weight_basis: Type.Optional(Type.String({ description: 'why this weight' })),
    /**
     * for products the simulator cannot simulate (APIs, KSMs: no public quantities): annual demand
     * of the market and its supply by country, always illustrative
     */
    illustrative_quantities: Type.Optional(
      Type.Object(
        {
          demand_per_year: Type.Number({ exclusiveMinimum: 0 }),
          supply: Type.Array(
            Type.Object(
              { country: Iso3, per_year: Type.Number({ minimum: 0 }) },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
          note: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const PlanScenarios = Type.Union([
  Type.Object(
    {
      /** a hazard set file or a bundled set name (scenarios/sets) */
      hazard_set: Type.String({ minLength: 1 }),
      runs: Type.Integer({ minimum: 1, maximum: 2000 }),
      seed: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      /** scenario files (their shocks are used on the plan's year, horizon and markets) */
      files: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      /** one per file, summing to 1 (default: equally likely) */
      probabilities: Type.Optional(Type.Array(Type.Number({ minimum: 0, maximum: 1 }))),
    },
    { additionalProperties: false },
  ),
]);

export const Plan = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    citations: Type.Optional(Type.Array(ScenarioCitation)),
    currency: Type.Union([Type.Literal('USD'), Type.Literal('INR')]),
    exchange_rate: Type.Object(
      {
        inr_per_usd: Type.Number({ exclusiveMinimum: 0 }),
        /** publisher and series, or absent when illustrative */
        source: Type.Optional(Type.String()),
        date: Type.Optional(Type.String({ pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$' })),
        illustrative: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    budget: Money,
    /** budgets of the budget–resilience curve as shares of `budget` */
    budget_curve: Type.Optional(
      Type.Array(Type.Number({ minimum: 0, maximum: 100 }), { minItems: 1, maxItems: 20 }),
    ),
    year: Type.Integer({ minimum: 1990, maximum: 2100, description: 'base year of the network' }),
    horizon_days: Type.Integer({ minimum: 30, maximum: 3650, default: 365 }),
    periods: Type.Integer({ minimum: 1, maximum: 52, default: 4 }),
    /** country or region (TRUST = USA + IND) whose shortfall counts, unless a product names its own */
    market: Type.String({ default: 'TRUST' }),
    scenarios: PlanScenarios,
    products: Type.Array(PlanProduct, { minItems: 1 }),
    candidates: Type.Array(PlanCandidate, { minItems: 1 }),
    risk: Type.Optional(
      Type.Object(
        {
          cvar_alpha: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
          cvar_weight: Type.Number({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
    solver: Type.Optional(
      Type.Object(
        {
          time_limit_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
          mip_gap: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    assumptions: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false, $id: 'Plan' },
);
export type Plan = Static<typeof Plan>;
