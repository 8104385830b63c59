import { type Static, Type } from '@sinclair/typebox';
import { Currency, Iso3, Nullable, Period, Provenance, Slug } from './common.js';

export const Demand = Type.Object(
  {
    material_id: Slug,
    country: Iso3,
    period: Period,
    kind: Type.Union([Type.Literal('consumption'), Type.Literal('forecast')]),
    quantity: Type.Number({ minimum: 0 }),
    unit: Type.String({ minLength: 1 }),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Demand' },
);
export type Demand = Static<typeof Demand>;

export const Stock = Type.Object(
  {
    material_id: Slug,
    holder_country: Iso3,
    holder_org: Nullable(Type.String()),
    kind: Type.Union([Type.Literal('inventory'), Type.Literal('strategic')]),
    period: Period,
    quantity: Nullable(Type.Number({ minimum: 0 })),
    unit: Nullable(Type.String()),
    days_of_cover: Nullable(Type.Number({ minimum: 0 })),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Stock' },
);
export type Stock = Static<typeof Stock>;

/** Offtake agreement, advance market commitment or supply-security arrangement: honoured first when supply is short. */
export const Agreement = Type.Object(
  {
    id: Slug,
    kind: Type.Union([Type.Literal('offtake'), Type.Literal('amc'), Type.Literal('supply_security')]),
    buyer: Iso3,
    supplier: Iso3,
    material_id: Slug,
    volume_per_year: Type.Number({ minimum: 0 }),
    unit: Type.String({ minLength: 1 }),
    price: Nullable(Type.Number({ minimum: 0 })),
    currency: Nullable(Currency),
    start_year: Type.Integer({ minimum: 1900, maximum: 2200 }),
    end_year: Type.Integer({ minimum: 1900, maximum: 2200 }),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Agreement' },
);
export type Agreement = Static<typeof Agreement>;

/** A published scalar statistic, e.g. USGS US salient statistics (net import reliance, consumption, price). */
export const Statistic = Type.Object(
  {
    material_id: Nullable(Slug),
    commodity: Slug,
    country: Iso3,
    period: Period,
    statistic: Type.String({
      minLength: 1,
      description: 'e.g. net_import_reliance, import, export, consumption, price',
    }),
    detail: Nullable(Type.String()),
    value: Nullable(Type.Number()),
    unit: Type.String(),
    flag: Nullable(Type.String()),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Statistic' },
);
export type Statistic = Static<typeof Statistic>;

/** A figure quoted from a cited publication (pharma-links sourcing facts, parliamentary replies). */
export const PublishedFact = Type.Object(
  {
    topic: Type.String({ minLength: 1 }),
    item: Type.String({ minLength: 1 }),
    scope: Nullable(Type.String()),
    country: Nullable(Iso3),
    partner: Nullable(Type.String()),
    period: Nullable(Type.String()),
    metric: Nullable(Type.String()),
    value: Nullable(Type.Number()),
    value_text: Nullable(Type.String()),
    unit: Nullable(Type.String()),
    quote: Nullable(Type.String()),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'PublishedFact' },
);
export type PublishedFact = Static<typeof PublishedFact>;
