import { type Static, Type } from '@sinclair/typebox';

/**
 * Freight and duty inputs of the cost gap (data/cost-inputs/*.json, overridable with --inputs).
 * Every entry cites a source or says `illustrative: true` (the service checks it). Rates are
 * fractions (0.25 = 25 %) of the customs value; per-unit amounts are per the unit the trade
 * statistics count (e.g. USD per kg).
 */
export const CostCitation = Type.Object(
  {
    publisher: Type.String({ minLength: 1 }),
    title: Type.String({ minLength: 1 }),
    year: Type.Integer({ minimum: 1900, maximum: 2200 }),
    url: Type.Optional(Type.String({ minLength: 1 })),
    figure: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const Origin = Type.String({ pattern: '^([A-Z]{3}|\\*)$', description: 'ISO3 of the origin, or * for any' });
const Heading = Type.String({ pattern: '^(\\d{4,10}|\\*)$', description: 'HS heading (4–10 digits) or *' });

export const FreightEntry = Type.Object(
  {
    origin: Origin,
    hs: Heading,
    ad_valorem: Type.Number({ minimum: 0, maximum: 10 }),
    per_unit: Type.Optional(Type.Number({ minimum: 0 })),
    illustrative: Type.Boolean(),
    source: Type.Optional(CostCitation),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type FreightEntry = Static<typeof FreightEntry>;

export const DutyEntry = Type.Object(
  {
    hs: Heading,
    origin: Origin,
    /** mfn: the general rate (most specific entry wins); additional: added on top (all that match) */
    kind: Type.Union([Type.Literal('mfn'), Type.Literal('additional')]),
    ad_valorem: Type.Number({ minimum: 0, maximum: 10 }),
    per_unit: Type.Optional(Type.Number({ minimum: 0 })),
    /** first and last calendar year of data the rate applies to (inclusive) */
    from_year: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200 })),
    to_year: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200 })),
    illustrative: Type.Boolean(),
    source: Type.Optional(CostCitation),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DutyEntry = Static<typeof DutyEntry>;

export const CostInputs = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    market: Type.String({ pattern: '^[A-Z]{3}$' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** freight of the market's own producers to its buyers (domestic supplier) */
    domestic_freight: FreightEntry,
    freight: Type.Array(FreightEntry, { minItems: 1 }),
    duties: Type.Array(DutyEntry),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: 'CostInputs' },
);
export type CostInputs = Static<typeof CostInputs>;

/** How specific an entry is for (hs, origin): exact origin and the longest matching heading win. */
function specificity(e: { hs: string; origin: string }, hs: string, origin: string): number {
  if (e.origin !== '*' && e.origin !== origin) return -1;
  if (e.hs !== '*' && !hs.startsWith(e.hs)) return -1;
  return (e.origin === '*' ? 0 : 100) + (e.hs === '*' ? 0 : e.hs.length);
}

/** The most specific freight entry for a heading and origin (null when none matches). */
export function freightFor(inputs: CostInputs, hs: string, origin: string): FreightEntry | null {
  let best: FreightEntry | null = null;
  let score = -1;
  for (const e of inputs.freight) {
    const s = specificity(e, hs, origin);
    if (s > score) {
      best = e;
      score = s;
    }
  }
  return best;
}

const inYear = (e: DutyEntry, year: number) =>
  (e.from_year === undefined || year >= e.from_year) && (e.to_year === undefined || year <= e.to_year);

/** The general (MFN) entry that applies, plus every additional duty in force in `year`. */
export function dutiesFor(
  inputs: CostInputs,
  hs: string,
  origin: string,
  year: number,
): { mfn: DutyEntry | null; additional: DutyEntry[]; adValorem: number; perUnit: number } {
  let mfn: DutyEntry | null = null;
  let score = -1;
  const additional: DutyEntry[] = [];
  for (const e of inputs.duties) {
    if (!inYear(e, year)) continue;
    const s = specificity(e, hs, origin);
    if (s < 0) continue;
    if (e.kind === 'additional') additional.push(e);
    else if (s > score) {
      mfn = e;
      score = s;
    }
  }
  const all = [...(mfn ? [mfn] : []), ...additional];
  return {
    mfn,
    additional,
    adValorem: all.reduce((a, e) => a + e.ad_valorem, 0),
    perUnit: all.reduce((a, e) => a + (e.per_unit ?? 0), 0),
  };
}
