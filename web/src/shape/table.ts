import { type CsvCell, toCsv } from '../lib/csv.js';
import { type Figure, figureValue, isUnavailable } from '../lib/format.js';
import type { SortKey } from '../lib/sort.js';

/**
 * A table column: how to read a cell for sorting and CSV (`value`), and how to show it. Figures
 * that are unavailable sort last and are written to CSV as an empty cell plus a reason column.
 */
export interface Column<T> {
  key: string;
  label: string;
  value: (row: T) => Figure | string | boolean;
  /** text shown (default: the value as text) */
  text?: (row: T) => string;
  numeric?: boolean;
}

export function sortKeyOf(v: Figure | string | boolean): SortKey {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return figureValue(v);
}

/**
 * The table as CSV: one column per table column, plus `<key>_unavailable` for every column in which
 * some row has no figure for a stated reason (so a spreadsheet never reads "unavailable" as 0).
 */
export function tableCsv<T>(columns: Column<T>[], rows: readonly T[]): string {
  const reasonCols = columns.filter((c) => rows.some((r) => isUnavailable(c.value(r))));
  const header = [...columns.map((c) => c.key), ...reasonCols.map((c) => `${c.key}_unavailable`)];
  const body: CsvCell[][] = rows.map((r) => {
    const cells: CsvCell[] = columns.map((c) => {
      const v = c.value(r);
      if (isUnavailable(v)) return null;
      if (v === undefined) return null;
      return v;
    });
    for (const c of reasonCols) {
      const v = c.value(r);
      cells.push(isUnavailable(v) ? v.unavailable : null);
    }
    return cells;
  });
  return toCsv(header, body);
}

/**
 * Columns for rows of unknown shape (job results from routes that land later): one column per
 * top-level key, nested objects flattened with dots, arrays of scalars joined.
 */
export function flattenRow(
  row: unknown,
  prefix = '',
  out: Record<string, string | number | boolean | null> = {},
) {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    out[prefix || 'value'] = scalar(row);
    return out;
  }
  for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isUnavailable(v))
      flattenRow(v, key, out);
    else out[key] = scalar(v);
  }
  return out;
}

function scalar(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (isUnavailable(v)) return `unavailable: ${v.unavailable}`;
  if (Array.isArray(v))
    return v.every((x) => x === null || typeof x !== 'object')
      ? v.join('; ')
      : `${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return JSON.stringify(v);
  return v as string | number | boolean;
}

export function flatColumns(
  rows: readonly unknown[],
): Column<Record<string, string | number | boolean | null>>[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(flattenRow(r))) if (!keys.includes(k)) keys.push(k);
  return keys.map((k) => ({
    key: k,
    label: k,
    value: (r) => r[k] ?? null,
    numeric: rows.every((r) => {
      const v = flattenRow(r)[k];
      return v === null || v === undefined || typeof v === 'number';
    }),
  }));
}
