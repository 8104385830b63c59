import { type Static, Type } from '@sinclair/typebox';
import { Nullable, Provenance, Slug } from './common.js';

/**
 * output ← input × quantity per unit of output, in the input's basis (stoichiometry × yield:
 * cisplatin needs 0.650 kg Pt per kg). Essential inputs are fixed-proportion; inputs sharing a
 * `substitute_group` can replace one another.
 */
export const Recipe = Type.Object(
  {
    output_id: Slug,
    input_id: Slug,
    quantity: Nullable(Type.Number({ exclusiveMinimum: 0 })),
    essential: Type.Boolean({ default: true }),
    substitute_group: Nullable(Type.String({ minLength: 1 })),
    cost_share: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Recipe' },
);
export type Recipe = Static<typeof Recipe>;
