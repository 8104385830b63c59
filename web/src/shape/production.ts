import type { ConcentrationRow } from '../lib/api-types.js';

/** Codes publishers use for groups, not countries. */
export const GROUP_CODES: Record<string, string> = {
  XOT: 'Other countries',
  XUN: 'Unknown origin',
  XWD: 'World',
};

export interface ProductionSeries {
  measure: string;
  unit: string;
  years: string[];
  /** one series per country (the `top` largest in the newest year), then "Other" */
  series: { name: string; data: (number | null)[] }[];
  /** periods not given as a single year (e.g. "2016-2020") are left out of the time axis */
  skippedPeriods: string[];
}

/**
 * Producers by country over the years for one measure (production, capacity, reserves): the
 * `top` countries of the newest year get their own series; the rest of the named countries and
 * the publisher's "Other countries" are summed into "Other". Years with no figure for a country
 * are null (a gap), not 0.
 */
export function productionSeries(
  rows: readonly ConcentrationRow[],
  measure: string,
  top = 6,
): ProductionSeries {
  const mine = rows.filter((r) => r.measure === measure);
  const yearly = mine
    .filter((r) => /^\d{4}$/.test(r.period))
    .sort((a, b) => a.period.localeCompare(b.period));
  const skippedPeriods = mine.filter((r) => !/^\d{4}$/.test(r.period)).map((r) => r.period);
  const years = yearly.map((r) => r.period);
  const newest = yearly[yearly.length - 1];
  const leaders = newest
    ? [...newest.shares]
        .filter((s) => s.quantity !== null && !(s.country in GROUP_CODES))
        .sort((a, b) => (b.quantity ?? 0) - (a.quantity ?? 0))
        .slice(0, top)
        .map((s) => s.country)
    : [];
  const series = leaders.map((c) => ({
    name: c,
    data: yearly.map((r) => r.shares.find((s) => s.country === c)?.quantity ?? null),
  }));
  const other = yearly.map((r) => {
    const rest = r.shares.filter((s) => !leaders.includes(s.country) && s.quantity !== null);
    return rest.length ? rest.reduce((a, s) => a + (s.quantity ?? 0), 0) : null;
  });
  if (other.some((v) => v !== null && v > 0)) series.push({ name: 'Other', data: other });
  return { measure, unit: newest?.unit ?? mine[0]?.unit ?? '', years, series, skippedPeriods };
}

/** The newest yearly row for a measure (what the map and the HHI headline show). */
export function newestRow(
  rows: readonly ConcentrationRow[],
  measure = 'production',
): ConcentrationRow | null {
  const c = rows.filter((r) => r.measure === measure).sort((a, b) => b.period.localeCompare(a.period));
  return c.find((r) => /^\d{4}$/.test(r.period)) ?? c[0] ?? null;
}
