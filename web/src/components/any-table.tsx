import { useMemo } from 'react';
import { flatColumns, flattenRow } from '../shape/table.js';
import { DataTable } from './data-table.js';

/** A table for rows whose shape the dashboard does not know in advance (flattened, sortable, CSV). */
export function AnyTable({ rows, caption, csvName }: { rows: unknown[]; caption: string; csvName: string }) {
  const flat = useMemo(() => rows.map((r) => flattenRow(r)), [rows]);
  const columns = useMemo(() => flatColumns(rows), [rows]);
  if (!rows.length) return <p className="muted">{caption}: none.</p>;
  return (
    <DataTable
      caption={caption}
      columns={columns}
      rows={flat}
      rowKey={(_, i) => String(i)}
      csvName={csvName}
    />
  );
}
