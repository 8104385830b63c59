import { type Static, Type } from '@sinclair/typebox';
import { Nullable, Provenance, Slug, Stage } from './common.js';

/**
 * The physical basis a quantity is counted on. Gallium metal and gallium content share a basis;
 * cobalt ore and refined cobalt are different materials.
 */
export const Basis = Type.Union([
  Type.Literal('gross_weight'),
  Type.Literal('element_content'),
  Type.Literal('oxide_content'),
  Type.Literal('reo'),
  Type.Literal('lce'),
  Type.Literal('compound'),
  Type.Literal('volume'),
  Type.Literal('carats'),
]);
export type Basis = Static<typeof Basis>;

export const Material = Type.Object(
  {
    id: Slug,
    name: Type.String({ minLength: 1 }),
    commodity: Slug,
    stage: Stage,
    basis: Basis,
    unit: Type.String({ minLength: 1, description: 'unit of quantities of this material, e.g. t, kg, kt' }),
    hs_codes: Type.Array(Type.String({ pattern: '^\\d{4,10}$' }), { default: [] }),
    tags: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    synonyms: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    unii: Nullable(Type.String()),
    ...Provenance,
  },
  { additionalProperties: false, $id: 'Material' },
);
export type Material = Static<typeof Material>;
