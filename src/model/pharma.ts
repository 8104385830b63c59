import { type Static, Type } from '@sinclair/typebox';
import { Iso3, Nullable, Slug } from './common.js';

/** One FDA Drug Master File as listed, with its subject resolved to a canonical substance where possible. */
export const DrugMasterFile = Type.Object(
  {
    dmf_number: Type.Integer({ minimum: 0 }),
    status: Type.String({ description: 'A active, I inactive' }),
    type: Type.String({ description: 'II = drug substance' }),
    submit_date: Nullable(Type.String()),
    holder: Type.String(),
    holder_key: Type.String({ description: 'normalised holder name used for matching' }),
    subject: Type.String(),
    substance: Nullable(
      Type.String({ description: 'canonical substance (openFDA name), null if unresolved or excluded' }),
    ),
    exclusion: Nullable(
      Type.String({
        description: 'why the subject is not one API: blend, granules, finished product, combination…',
      }),
    ),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'DrugMasterFile' },
);
export type DrugMasterFile = Static<typeof DrugMasterFile>;

/** A DMF holder resolved to countries through FDA establishment registrations. */
export const DmfHolder = Type.Object(
  {
    holder_key: Type.String(),
    holder: Type.String(),
    country_status: Type.Union([Type.Literal('single'), Type.Literal('multi'), Type.Literal('unknown')]),
    countries: Type.Array(Iso3),
    match_rule: Nullable(Type.String()),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'DmfHolder' },
);
export type DmfHolder = Static<typeof DmfHolder>;

export const Establishment = Type.Object(
  {
    fei: Type.String(),
    duns: Nullable(Type.String()),
    firm_name: Type.String(),
    name_key: Type.String(),
    country: Iso3,
    operations: Type.String(),
    api_manufacture: Type.Boolean(),
    registrant_name: Nullable(Type.String()),
    expiration_date: Nullable(Type.String()),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'Establishment' },
);
export type Establishment = Static<typeof Establishment>;

/** One row of the openFDA drug-shortage snapshot (current shortages, not a history). */
export const Shortage = Type.Object(
  {
    package_ndc: Nullable(Type.String()),
    generic_name: Type.String(),
    substance: Nullable(Type.String()),
    company: Nullable(Type.String()),
    status: Type.String(),
    availability: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    therapeutic_category: Nullable(Type.String()),
    dosage_form: Nullable(Type.String()),
    initial_posting_date: Nullable(Type.String()),
    update_date: Nullable(Type.String()),
    snapshot_date: Type.String(),
    source_id: Slug,
  },
  { additionalProperties: false, $id: 'Shortage' },
);
export type Shortage = Static<typeof Shortage>;
