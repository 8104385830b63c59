import { type ReactNode, useMemo, useState } from 'react';
import { download } from '../lib/api.js';
import { type SortDir, sortRows } from '../lib/sort.js';
import { type Column, sortKeyOf, tableCsv } from '../shape/table.js';

export interface TableColumn<T> extends Column<T> {
  render?: (row: T) => ReactNode;
}

interface Props<T> {
  caption: string;
  columns: TableColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T, i: number) => string;
  /** file name for the CSV export (without .csv) */
  csvName: string;
  /** controlled sort (kept in the URL by the page) */
  sort?: { key: string; dir: SortDir };
  onSort?: (key: string, dir: SortDir) => void;
  onRowClick?: (row: T) => void;
  selected?: (row: T) => boolean;
  maxRows?: number;
}

/** A sortable table (click or Enter on a header) with a CSV export of exactly its rows. */
export function DataTable<T>(p: Props<T>) {
  const [local, setLocal] = useState<{ key: string; dir: SortDir } | null>(null);
  const sort = p.sort ?? local;
  const sorted = useMemo(() => {
    const col = sort && p.columns.find((c) => c.key === sort.key);
    return col ? sortRows(p.rows, (r) => sortKeyOf(col.value(r)), sort.dir) : [...p.rows];
  }, [p.rows, p.columns, sort]);
  const setSort = (key: string) => {
    const dir: SortDir = sort?.key === key && sort.dir === 'desc' ? 'asc' : 'desc';
    if (p.onSort) p.onSort(key, dir);
    else setLocal({ key, dir });
  };
  const shown = p.maxRows ? sorted.slice(0, p.maxRows) : sorted;
  return (
    <div className="table-wrap">
      <div className="table-tools">
        <button type="button" onClick={() => download(`${p.csvName}.csv`, tableCsv(p.columns, sorted))}>
          CSV
        </button>
        {p.maxRows && sorted.length > p.maxRows ? (
          <span className="muted">
            showing {p.maxRows} of {sorted.length} (CSV has all)
          </span>
        ) : null}
      </div>
      <table>
        <caption>{p.caption}</caption>
        <thead>
          <tr>
            {p.columns.map((c) => {
              const active = sort?.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" className="sort" onClick={() => setSort(c.key)}>
                    {c.label}
                    <span aria-hidden="true">{active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr
              key={p.rowKey(r, i)}
              className={p.selected?.(r) ? 'selected' : undefined}
              onClick={p.onRowClick ? () => p.onRowClick?.(r) : undefined}
            >
              {p.columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.render ? c.render(r) : c.text ? c.text(r) : String(c.value(r) ?? '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
