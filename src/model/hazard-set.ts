import { type Static, Type } from '@sinclair/typebox';
import { Iso3 } from './common.js';
import { Scenario, ScenarioCitation } from './scenario.js';

/**
 * A hazard set (docs/montecarlo.md): the random shocks of a Monte Carlo study. Each hazard is a
 * process that fires shocks of one scenario type (src/model/scenario.ts) at random: a count per
 * run from a Poisson rate (events per year) or a probability (at most one event in the horizon),
 * then for each event a start day, a severity (the capacity-loss or export-cut share, or a demand
 * factor) and a duration drawn from the distributions given. Rates and severities are
 * assumptions: a set says whether it is illustrative, and the Monte Carlo report shows how its
 * tail moves when they are scaled (the sensitivity analysis).
 */

const Num = (
  opts: { minimum?: number; maximum?: number; exclusiveMinimum?: number; default?: number } = {},
) => Type.Number(opts);

export const FixedDistribution = Type.Object(
  { dist: Type.Literal('fixed'), value: Num() },
  { additionalProperties: false, description: 'always this value' },
);
export const UniformDistribution = Type.Object(
  { dist: Type.Literal('uniform'), min: Num(), max: Num() },
  { additionalProperties: false, description: 'uniform on [min, max]' },
);
export const TriangularDistribution = Type.Object(
  { dist: Type.Literal('triangular'), min: Num(), mode: Num(), max: Num() },
  { additionalProperties: false, description: 'triangular on [min, max] with its peak at mode' },
);
export const BetaDistribution = Type.Object(
  {
    dist: Type.Literal('beta'),
    alpha: Num({ exclusiveMinimum: 0, maximum: 1000 }),
    beta: Num({ exclusiveMinimum: 0, maximum: 1000 }),
    /** scaled to [min, max] (default [0, 1]) */
    min: Type.Optional(Num()),
    max: Type.Optional(Num()),
  },
  { additionalProperties: false, description: 'Beta(alpha, beta) scaled to [min, max], default [0, 1]' },
);
export const LogNormalDistribution = Type.Object(
  {
    dist: Type.Literal('lognormal'),
    median: Num({ exclusiveMinimum: 0 }),
    /** standard deviation of the logarithm */
    sigma: Num({ minimum: 0, maximum: 10 }),
    /** values above are cut to max (a truncation at the top, not a renormalisation) */
    max: Type.Optional(Num({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false, description: 'exp(N(ln median, sigma²)), capped at max' },
);

export const Distribution = Type.Union([
  FixedDistribution,
  UniformDistribution,
  TriangularDistribution,
  BetaDistribution,
  LogNormalDistribution,
]);
export type Distribution = Static<typeof Distribution>;

const Materials = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  description: 'material ids or commodities (all stages); one event hits all of them',
});

/** Fields every hazard has: how often it fires, when, for how long, and where the figures come from. */
const HazardCommon = {
  /** a label for reports (default: type, country and materials) */
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  /** events per year (a Poisson process over the horizon); give this or probability */
  rate_per_year: Type.Optional(Num({ minimum: 0, maximum: 100 })),
  /** probability of exactly one event within the horizon (a Bernoulli draw); 1 = certain */
  probability: Type.Optional(Num({ minimum: 0, maximum: 1 })),
  /** day the event starts (default: uniform over the horizon) */
  start_day: Type.Optional(Distribution),
  /** days the event lasts (rounded, at least 1) */
  duration_days: Distribution,
  illustrative: Type.Optional(Type.Boolean({ default: true })),
  /** why these figures: the events or publications the order of magnitude rests on */
  basis: Type.Optional(Type.String()),
  note: Type.Optional(Type.String()),
};

export const ExportRestrictionHazard = Type.Object(
  {
    type: Type.Literal('export_restriction'),
    exporter: Iso3,
    importers: Type.Union([Type.Literal('all'), Type.Array(Iso3, { minItems: 1 })]),
    except: Type.Optional(Type.Array(Iso3)),
    materials: Materials,
    /** share of exports cut, in [0, 1] */
    share: Distribution,
    ...HazardCommon,
  },
  { additionalProperties: false },
);

export const CapacityLossHazard = Type.Object(
  {
    type: Type.Literal('capacity_loss'),
    country: Iso3,
    materials: Materials,
    /** share of capacity lost, in [0, 1] */
    share: Distribution,
    recovery: Type.Optional(Type.Union([Type.Literal('step'), Type.Literal('linear')], { default: 'step' })),
    /** days of linear recovery after the duration */
    recovery_days: Type.Optional(Distribution),
    ...HazardCommon,
  },
  { additionalProperties: false },
);

export const DemandSurgeHazard = Type.Object(
  {
    type: Type.Literal('demand_surge'),
    market: Type.String({ description: 'ISO3 country or region code' }),
    materials: Materials,
    /** demand multiplier (> 0; 1.3 = +30 %) */
    factor: Distribution,
    ...HazardCommon,
  },
  { additionalProperties: false },
);

export const Hazard = Type.Union([ExportRestrictionHazard, CapacityLossHazard, DemandSurgeHazard]);
export type Hazard = Static<typeof Hazard>;

/** A scaling of the set's assumptions, run with the same random numbers as the base case. */
export const SensitivityVariant = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    /** multiplies every rate (and probability, capped at 1) */
    rate: Type.Optional(Num({ minimum: 0, maximum: 100, default: 1 })),
    /** multiplies every drawn share (capped at 1) and every demand surge's excess (factor − 1) */
    severity: Type.Optional(Num({ minimum: 0, maximum: 100, default: 1 })),
    /** multiplies every drawn duration */
    duration: Type.Optional(Num({ minimum: 0, maximum: 100, default: 1 })),
  },
  { additionalProperties: false },
);
export type SensitivityVariant = Static<typeof SensitivityVariant>;

/** The default sensitivity analysis: each assumption halved and doubled (severity: ×0.5 and ×1.5). */
export const DEFAULT_SENSITIVITY: readonly SensitivityVariant[] = [
  { name: 'rates ×0.5', rate: 0.5 },
  { name: 'rates ×2', rate: 2 },
  { name: 'severity ×0.5', severity: 0.5 },
  { name: 'severity ×1.5', severity: 1.5 },
  { name: 'durations ×0.5', duration: 0.5 },
  { name: 'durations ×2', duration: 2 },
];

export const HazardSet = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    /** true when the rates and severities are assumptions rather than fitted to data */
    illustrative: Type.Boolean(),
    citations: Type.Optional(Type.Array(ScenarioCitation)),
    year: Type.Integer({ minimum: 1990, maximum: 2100, description: 'base year of the network' }),
    horizon_days: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
    step_days: Type.Integer({ minimum: 1, maximum: 30, default: 1 }),
    /** markets reported (countries or region codes); default TRUST */
    markets: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    /** restrict the network to these materials and everything linked to them (default: the whole network) */
    materials: Type.Optional(Materials),
    /** materials reported (default: every material a hazard names) */
    report: Type.Optional(Materials),
    levers: Scenario.properties.levers,
    hazards: Type.Array(Hazard, { minItems: 1, maxItems: 10_000 }),
    sensitivity: Type.Optional(
      Type.Object(
        {
          /** runs per variant (default: the main runs, at most 200) */
          runs: Type.Optional(Type.Integer({ minimum: 0 })),
          variants: Type.Optional(Type.Array(SensitivityVariant)),
        },
        { additionalProperties: false },
      ),
    ),
    assumptions: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false, $id: 'HazardSet' },
);
export type HazardSet = Static<typeof HazardSet>;
