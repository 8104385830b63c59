import { type Static, Type } from '@sinclair/typebox';
import { Nullable, Slug } from './common.js';

/** Provenance of records: every other record names one by `source_id`. */
export const Source = Type.Object(
  {
    id: Slug,
    publisher: Type.String({ minLength: 1 }),
    title: Type.String({ minLength: 1 }),
    year: Type.Integer({ minimum: 1900, maximum: 2100, description: 'publication or data-release year' }),
    url: Nullable(Type.String()),
    file: Nullable(Type.String({ description: 'file(s) in data/ the records were read from' })),
    licence: Type.String({ minLength: 1 }),
    note: Nullable(Type.String()),
  },
  { additionalProperties: false, $id: 'Source' },
);
export type Source = Static<typeof Source>;
