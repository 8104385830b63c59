/**
 * How a value cell of the USGS Mineral Commodity Summaries is read. USGS publishes numbers as text
 * with thousands separators and a small vocabulary of symbols (MCS "Explanation of symbols"):
 *
 * | published                 | quantity            | flag   | why                                          |
 * |---------------------------|---------------------|--------|----------------------------------------------|
 * | `1,234`                   | 1234                | —      |                                              |
 * | `W`                       | null                | `W`    | withheld to avoid disclosing company data    |
 * | `NA`                      | null                | `NA`   | not available                                |
 * | `—` (em dash), `-`        | 0                   | `zero` | USGS convention: dash = zero                 |
 * | `>1,000`                  | 1000                | `gt`   | lower bound                                  |
 * | `<200,000`                | 200000              | `lt`   | upper bound                                  |
 * | `s`                       | 0.5                 | `lt`   | "less than ½ unit" (an upper bound of ½)     |
 * | `E`                       | null                | `E`    | net exporter (net import reliance only)      |
 * | `XX`                      | —                   | `XX`   | not applicable: no record is written         |
 * | `330 - 390`, `500–16,000` | null                | `range`| a range, kept verbatim in the note           |
 * | `Large`, `Moderate`, …    | null                | `text` | qualitative reserves, kept in the note       |
 * | `Included with …`         | null                | `text` | counted in another row, kept in the note     |
 *
 * Anything else (e.g. `12a`, `abc`) is bad input.
 */
export type UsgsFlag = 'W' | 'NA' | 'zero' | 'gt' | 'lt' | 'E' | 'XX' | 'range' | 'text' | 'unparseable';

export interface UsgsValue {
  value: number | null;
  flag: UsgsFlag | null;
  /** what was published when it is not a plain number (for the record's note) */
  published?: string;
}

/** Qualitative words USGS writes in place of a reserves figure. */
const QUALITATIVE =
  /^(large|moderate|small|very small|moderate to large|variable, depending on .*|included (with|in) .*|categorized as .*)$/i;

/** A number with optional thousands separators and decimals. */
const NUMBER = /^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$/;

function toNumber(s: string): number | undefined {
  const t = s.trim();
  if (!NUMBER.test(t)) return undefined;
  return Number(t.replace(/,/g, ''));
}

/**
 * Parses one published USGS value. Returns `undefined` when the text is neither a number nor a
 * known symbol (the caller reports it with file, line and column).
 */
export function parseUsgsValue(raw: string): UsgsValue | undefined {
  // non-breaking spaces appear in some cells ("68\u00a0")
  const s = raw.replace(/\u00a0/g, ' ').trim();
  if (s === '') return { value: null, flag: 'NA', published: '(blank)' };
  const n = toNumber(s);
  if (n !== undefined) return { value: n, flag: null };
  if (s === 'W') return { value: null, flag: 'W' };
  if (s === 'NA') return { value: null, flag: 'NA' };
  if (s === 'XX') return { value: null, flag: 'XX' };
  if (s === 'E') return { value: null, flag: 'E' };
  if (s === '—' || s === '–' || s === '-' || s === '--') return { value: 0, flag: 'zero' };
  if (s === 's' || s === '(s)' || /^less than ½ unit\.?$/i.test(s)) {
    return { value: 0.5, flag: 'lt', published: 'less than ½ unit' };
  }
  const bound = /^([<>])\s*(.+)$/.exec(s);
  if (bound) {
    const b = toNumber(bound[2]!);
    if (b !== undefined) return { value: b, flag: bound[1] === '>' ? 'gt' : 'lt', published: s };
    return undefined;
  }
  const range = /^(.+?)\s*[-–—]\s*(.+)$/.exec(s);
  if (range && toNumber(range[1]!) !== undefined && toNumber(range[2]!) !== undefined) {
    return { value: null, flag: 'range', published: s };
  }
  if (QUALITATIVE.test(s)) return { value: null, flag: 'text', published: s };
  // MCS 2026 niobium/tantalum stockpile shipments read "?1"/"?10": a leading character (probably a
  // minus sign) was lost in the cp1252 source (data/usgs-mcs/PROVENANCE.md)
  if (/^\?\d[\d,.]*$/.test(s)) return { value: null, flag: 'unparseable', published: s };
  return undefined;
}

/**
 * Units USGS prints, as (symbol of the base unit, factor to it). Quantities are normalised to base
 * units — t, kg, ct, m3, L — so that every row of a material uses one unit across editions
 * (USGS switched some tables between t, kt and kg from one edition to the next).
 */
const UNITS: Readonly<Record<string, { base: string; factor: number }>> = {
  'metric tons': { base: 't', factor: 1 },
  tons: { base: 't', factor: 1 },
  'metric dry tons': { base: 't', factor: 1 },
  'thousand metric tons': { base: 't', factor: 1e3 },
  'thousand metric dry tons': { base: 't', factor: 1e3 },
  'million metric tons': { base: 't', factor: 1e6 },
  kilograms: { base: 'kg', factor: 1 },
  carats: { base: 'ct', factor: 1 },
  'thousand carats': { base: 'ct', factor: 1e3 },
  'thousands of carats': { base: 'ct', factor: 1e3 },
  'million carats': { base: 'ct', factor: 1e6 },
  'million cubic meters': { base: 'm3', factor: 1e6 },
  'million liters': { base: 'L', factor: 1e6 },
};

/** Mass units convert into each other; other dimensions only into themselves. */
const MASS_IN_KG: Readonly<Record<string, number>> = { kg: 1, t: 1000 };

export function unitOf(published: string): { base: string; factor: number } | undefined {
  return UNITS[published.trim().toLowerCase().replace(/\s+/g, ' ')];
}

/** Factor that converts a quantity in base unit `from` into base unit `to`, or undefined. */
export function baseFactor(from: string, to: string): number | undefined {
  if (from === to) return 1;
  const a = MASS_IN_KG[from];
  const b = MASS_IN_KG[to];
  return a !== undefined && b !== undefined ? a / b : undefined;
}

/** Multiplies without binary noise (1.1 × 1000 = 1100, not 1100.0000000000002). */
export function scale(value: number, factor: number): number {
  return factor === 1 ? value : Number((value * factor).toPrecision(12));
}
