/**
 * CSV export (RFC 4180: comma separated, CRLF line ends, fields with a comma, quote or line break
 * quoted, quotes doubled). A text cell that starts with = + - @ or a tab would be read as a
 * formula by spreadsheets, so it is prefixed with an apostrophe; numbers are written as they are.
 */
export type CsvCell = string | number | boolean | null | undefined;

export function csvField(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
