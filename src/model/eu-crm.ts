import { type Static, Type } from '@sinclair/typebox';
import { Iso3, Nullable, Slug } from './common.js';

/** EU CRM 2023 assessment inputs for one material (EC 2017 method). Fractions, not percent. */
export const EuCrmMaterial = Type.Object(
  {
    material_name: Type.String({ minLength: 1 }),
    material_id: Nullable(Slug),
    used_stage: Type.Union([Type.Literal('extraction'), Type.Literal('processing')]),
    stages: Type.String({ description: 'stages assessed: E, P or E+P' }),
    supply_mix_primary: Nullable(Type.String({ description: 'GS+EU, GSonly or EUonly' })),
    supply_mix_refined: Nullable(Type.String()),
    si_ei: Nullable(Type.Number({ minimum: 0 })),
    si_sr: Nullable(Type.Number({ minimum: 0 })),
    import_reliance_primary: Nullable(Type.Number()),
    import_reliance_refined: Nullable(Type.Number()),
    eol_rir: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'EuCrmMaterial' },
);
export type EuCrmMaterial = Static<typeof EuCrmMaterial>;

/** A published supply share with its trade variable t. `share` null when published as "<0.1%" (see share_text). */
export const EuCrmSupplyShare = Type.Object(
  {
    material_name: Type.String({ minLength: 1 }),
    scope: Type.Union([Type.Literal('global'), Type.Literal('eu')]),
    stage: Type.Union([Type.Literal('E'), Type.Literal('P')]),
    country: Iso3,
    country_name: Type.String(),
    share: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    share_text: Type.String(),
    t: Nullable(Type.Number({ minimum: 0 })),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'EuCrmSupplyShare' },
);
export type EuCrmSupplyShare = Static<typeof EuCrmSupplyShare>;
