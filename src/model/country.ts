import { type Static, Type } from '@sinclair/typebox';
import { Iso3, Nullable, Provenance, Slug } from './common.js';

export const Country = Type.Object(
  {
    iso3: Iso3,
    name: Type.String({ minLength: 1 }),
    kind: Type.Union([Type.Literal('country'), Type.Literal('aggregate')]),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'Country' },
);
export type Country = Static<typeof Country>;

/** A named set of countries: TRUST (USA+IND), MSP, EU27, QUAD, or user-defined. */
export const Region = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,31}$' }),
    name: Type.String({ minLength: 1 }),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Region' },
);
export type Region = Static<typeof Region>;

export const RegionMember = Type.Object(
  { region: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,31}$' }), iso3: Iso3, source_id: Slug },
  { additionalProperties: false, $id: 'RegionMember' },
);
export type RegionMember = Static<typeof RegionMember>;

/** One raw World Bank WGI estimate (about −2.5 … 2.5); rescaling is the engine's job. */
export const GovernanceIndicator = Type.Union([
  Type.Literal('va'),
  Type.Literal('pv'),
  Type.Literal('ge'),
  Type.Literal('rq'),
  Type.Literal('rl'),
  Type.Literal('cc'),
]);
export type GovernanceIndicator = Static<typeof GovernanceIndicator>;

export const GovernanceEstimate = Type.Object(
  {
    iso3: Iso3,
    source_code: Type.String({
      description: 'the code as the publisher wrote it (WGI uses e.g. ROM, ZAR, KSV)',
    }),
    year: Type.Integer({ minimum: 1990, maximum: 2100 }),
    indicator: GovernanceIndicator,
    estimate: Type.Number({ minimum: -5, maximum: 5 }),
    stddev: Nullable(Type.Number({ minimum: 0 })),
    nsource: Nullable(Type.Integer({ minimum: 0 })),
    pctrank: Nullable(Type.Number({ minimum: 0, maximum: 100 })),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'GovernanceEstimate' },
);
export type GovernanceEstimate = Static<typeof GovernanceEstimate>;
