import { type Static, Type } from '@sinclair/typebox';
import { Iso3, Nullable, Provenance, Slug } from './common.js';

/**
 * A site. Facilities divide their country's total; a remainder row keeps the country sum so that
 * nothing is counted twice.
 */
export const Facility = Type.Object(
  {
    id: Slug,
    name: Type.String({ minLength: 1 }),
    operator: Nullable(Type.String()),
    country: Iso3,
    certifications: Type.Array(Type.String(), { default: [] }),
    status: Type.Union([
      Type.Literal('operating'),
      Type.Literal('planned'),
      Type.Literal('idle'),
      Type.Literal('closed'),
      Type.Literal('unknown'),
    ]),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Facility' },
);
export type Facility = Static<typeof Facility>;
