import { type Static, Type } from '@sinclair/typebox';
import { Iso3, Nullable, Period, Provenance, Slug } from './common.js';

/**
 * Flags published beside a figure: W withheld (proprietary), NA not available, E net exporter,
 * gt/lt for ">x" / "<x", est for estimated.
 */
export const ValueFlag = Type.Union([
  Type.Literal('W'),
  Type.Literal('NA'),
  Type.Literal('E'),
  Type.Literal('gt'),
  Type.Literal('lt'),
  Type.Literal('est'),
  Type.Literal('zero'),
]);
export type ValueFlag = Static<typeof ValueFlag>;

export const Measure = Type.Union([
  Type.Literal('production'),
  Type.Literal('capacity'),
  Type.Literal('reserves'),
]);
export type Measure = Static<typeof Measure>;

/** Quantity of a material produced (or its capacity, or reserves) in a country or facility and period. */
export const Production = Type.Object(
  {
    material_id: Slug,
    country: Iso3,
    facility_id: Nullable(Slug),
    period: Period,
    measure: Measure,
    origin: Type.Union([Type.Literal('primary'), Type.Literal('secondary')], { default: 'primary' }),
    quantity: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'null when withheld or not available (see flag)',
    }),
    unit: Type.String({ minLength: 1 }),
    flag: Nullable(ValueFlag),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Production' },
);
export type Production = Static<typeof Production>;
