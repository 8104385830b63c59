/** A parsed period: inclusive calendar-year bounds and the published label. */
export interface PeriodRange {
  label: string;
  kind: 'year' | 'fiscal' | 'range';
  /** first calendar year touched */
  from: number;
  /** last calendar year touched */
  to: number;
}

const YEAR = /^(\d{4})$/;
const FISCAL = /^FY(\d{4})-(\d{2})$/;
const RANGE = /^(\d{4})-(\d{4})$/;

/**
 * Parses a period label. India's fiscal year FY2024-25 runs April 2024 – March 2025, so it
 * touches calendar years 2024 and 2025. Returns undefined for a label that is not a period.
 */
export function parsePeriod(label: string): PeriodRange | undefined {
  let m = YEAR.exec(label);
  if (m) {
    const y = Number(m[1]);
    return { label, kind: 'year', from: y, to: y };
  }
  m = FISCAL.exec(label);
  if (m) {
    const from = Number(m[1]);
    const to = from + 1;
    if (to % 100 !== Number(m[2])) return undefined;
    return { label, kind: 'fiscal', from, to };
  }
  m = RANGE.exec(label);
  if (m) {
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (to < from) return undefined;
    return { label, kind: 'range', from, to };
  }
  return undefined;
}

/** Normalises the period spellings found in public files (`2021–24`, `2024-25` fiscal, `2021-24`). */
export function normalisePeriod(raw: string, opts: { fiscal?: boolean } = {}): string | undefined {
  const s = raw.trim().replace(/[\u2013\u2014]/g, '-');
  if (YEAR.test(s)) return s;
  if (FISCAL.test(s)) return s;
  const short = /^(\d{4})-(\d{2})$/.exec(s);
  if (short) {
    const from = Number(short[1]);
    if (opts.fiscal) return `FY${from}-${short[2]}`;
    const century = Math.floor(from / 100) * 100;
    let to = century + Number(short[2]);
    if (to < from) to += 100;
    return `${from}-${to}`;
  }
  if (RANGE.test(s)) return s;
  return undefined;
}
