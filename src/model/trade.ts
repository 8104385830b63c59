import { type Static, Type } from '@sinclair/typebox';
import { Currency, Iso3, Nullable, Period, Provenance, Slug } from './common.js';

/**
 * A bilateral flow. `hs_code` is what the statistics report; `material_id` is set only where one
 * heading is one material (8112 mixes Ga, Ge, In, V, Nb; 2836 is all carbonates).
 */
export const TradeFlow = Type.Object(
  {
    material_id: Nullable(Slug),
    hs_code: Nullable(Type.String({ pattern: '^\\d{2,10}$' })),
    exporter: Iso3,
    importer: Iso3,
    reporter: Iso3,
    period: Period,
    measure: Type.String({
      minLength: 1,
      description: 'e.g. imports_for_consumption, general_imports, exports',
    }),
    quantity: Nullable(Type.Number({ minimum: 0 })),
    quantity_unit: Nullable(Type.String()),
    value: Nullable(Type.Number({ minimum: 0 })),
    currency: Nullable(Currency),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'TradeFlow' },
);
export type TradeFlow = Static<typeof TradeFlow>;

/** Published share of an importer's imports of a material from a partner (USGS import sources 2021–24). */
export const SourcingShare = Type.Object(
  {
    material_id: Slug,
    importer: Iso3,
    partner: Iso3,
    period: Period,
    share: Type.Number({ minimum: 0, maximum: 1 }),
    detail: Nullable(Type.String()),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'SourcingShare' },
);
export type SourcingShare = Static<typeof SourcingShare>;
