export type SortKey = string | number | null;
export type SortDir = 'asc' | 'desc';

/**
 * Stable sort by a key; rows without a value (null: unavailable or not reported) always go last,
 * whatever the direction, so "unavailable" never poses as the smallest figure.
 */
export function sortRows<T>(rows: readonly T[], key: (row: T) => SortKey, dir: SortDir): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, k: key(row) }))
    .sort((a, b) => {
      if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
      const c =
        typeof a.k === 'number' && typeof b.k === 'number'
          ? a.k - b.k
          : String(a.k).localeCompare(String(b.k));
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map((x) => x.row);
}
