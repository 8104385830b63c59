/**
 * Display of figures. The services mark a figure the data cannot support as
 * `{ unavailable: "<reason>" }` (never 0); the dashboard shows "unavailable" and the reason.
 */
export interface Unavailable {
  unavailable: string;
}

export type Figure = number | Unavailable | null | undefined;

export function isUnavailable(v: unknown): v is Unavailable {
  return typeof v === 'object' && v !== null && typeof (v as Unavailable).unavailable === 'string';
}

/** The text of a figure and, when there is none, why. */
export interface Shown {
  text: string;
  reason: string | null;
}

export function showFigure(v: Figure, fmt: (n: number) => string, missing = 'not reported'): Shown {
  if (isUnavailable(v)) return { text: 'unavailable', reason: v.unavailable };
  if (v === null || v === undefined || Number.isNaN(v)) return { text: '–', reason: missing };
  return { text: fmt(v), reason: null };
}

export function pct(v: number, digits = 1): string {
  return `${(v * 100).toFixed(digits)} %`;
}

/** Thousands separators, a sensible number of decimals for the size of the figure. */
export function num(v: number, digits?: number): string {
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 1 ? 2 : 3);
  return v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
}

/** A figure as a plain number for sorting and CSV, or null if it has none. */
export function figureValue(v: Figure): number | null {
  if (v === null || v === undefined || isUnavailable(v) || Number.isNaN(v)) return null;
  return v;
}
