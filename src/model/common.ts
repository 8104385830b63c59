import { type Static, Type } from '@sinclair/typebox';

/** ISO 3166-1 alpha-3 code, or one of the user-assigned aggregate codes in `AGGREGATE_CODES`. */
export const Iso3 = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3 country code' });

/** Aggregate rows published beside country rows (X-range codes are user-assigned in ISO 3166-1). */
export const AGGREGATE_CODES = {
  /** "Other countries": part of the share denominator, never a country of its own. */
  other: 'XOT',
  /** "World total (rounded)": kept for reference, never used as a share denominator. */
  world: 'WLD',
} as const;

/** A stable, lower-case identifier: letters, digits, `.`, `-`, `_`. */
export const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', maxLength: 200 });

/**
 * A period: a calendar year (`2025`), an Indian fiscal year April–March (`FY2024-25`),
 * or a range of calendar years (`2021-2024`, as USGS's import-source averages).
 */
export const Period = Type.String({
  pattern: '^(\\d{4}|FY\\d{4}-\\d{2}|\\d{4}-\\d{4})$',
  description: 'YYYY, FYYYYY-YY (April–March) or YYYY-YYYY',
});

export const Currency = Type.Union([Type.Literal('USD'), Type.Literal('INR'), Type.Literal('EUR')]);
export type Currency = Static<typeof Currency>;

/** Supply-chain stage of a material. */
export const Stage = Type.Union([
  Type.Literal('mine'),
  Type.Literal('refined'),
  Type.Literal('chemical'),
  Type.Literal('api'),
  Type.Literal('medicine'),
  Type.Literal('component'),
  Type.Literal('end_use'),
]);
export type Stage = Static<typeof Stage>;
export const STAGES: readonly Stage[] = [
  'mine',
  'refined',
  'chemical',
  'api',
  'medicine',
  'component',
  'end_use',
];

/** Fields every record carries: where it came from and whether a public figure backs it. */
export const Provenance = {
  source_id: Slug,
  illustrative: Type.Boolean({
    default: false,
    description: 'true when no public figure backs the record (shown as illustrative in every view)',
  }),
  note: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
};

export const Nullable = <T extends import('@sinclair/typebox').TSchema>(t: T) =>
  Type.Optional(Type.Union([t, Type.Null()]));

export const NonNegative = Type.Number({ minimum: 0 });
