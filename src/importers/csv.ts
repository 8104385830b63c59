import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { type Issue, ValidationError } from '../model/index.js';

export interface CsvTable {
  file: string;
  header: string[];
  /** data rows as records keyed by header; `line` is the 1-based line of the row in the file */
  rows: { line: number; record: Record<string, string> }[];
}

export interface ReadCsvOptions {
  /** the name used in messages (default: the file's base name) */
  label?: string;
  /** decode as Windows-1252 instead of requiring UTF-8 */
  encoding?: 'utf8' | 'cp1252';
  /** columns that must be present */
  required?: readonly string[];
}

/** Decodes bytes as strict UTF-8, naming the file and line of the first invalid byte. */
export function decodeUtf8(buf: Buffer, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    // locate the first invalid sequence to name its line
    let line = 1;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (b === 0x0a) line++;
      if (b < 0x80) continue;
      const need = b >= 0xf0 && b < 0xf5 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1;
      let ok = need > 0 && i + need < buf.length + 0;
      for (let k = 1; ok && k <= need; k++) ok = (buf[i + k]! & 0xc0) === 0x80;
      if (!ok) {
        throw new ValidationError([
          {
            file: label,
            row: line,
            message: `not valid UTF-8 (byte 0x${b.toString(16)} at offset ${i}); save the file as UTF-8`,
          },
        ]);
      }
      i += need;
    }
    throw new ValidationError([{ file: label, message: 'not valid UTF-8' }]);
  }
}

/**
 * Where a CSV file is: `name.csv` itself or, for large bundled files, `name.csv.gz` (shipped
 * compressed to keep the repository small). Undefined when neither exists.
 */
export function findCsv(path: string): string | undefined {
  if (existsSync(path)) return path;
  if (existsSync(`${path}.gz`)) return `${path}.gz`;
  return undefined;
}

/** A file's bytes, gunzipped when its name ends in .gz. */
export function readMaybeGzip(path: string): Buffer {
  const buf = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(buf) : buf;
}

/**
 * Reads a CSV file with a header row (gzip-compressed if its name ends in .gz). Malformed quoting, a wrong column count, an empty file or a
 * missing required column throw a ValidationError naming the file, line and column.
 */
export function readCsv(path: string, opts: ReadCsvOptions = {}): CsvTable {
  const label = opts.label ?? basename(path).replace(/\.gz$/, '');
  const buf = readMaybeGzip(path);
  return parseCsvText(
    opts.encoding === 'cp1252' ? buf.toString('latin1') : decodeUtf8(buf, label),
    label,
    opts,
  );
}

export function parseCsvText(text: string, label: string, opts: ReadCsvOptions = {}): CsvTable {
  if (text.trim().length === 0) throw new ValidationError([{ file: label, message: 'the file is empty' }]);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (e) {
    const err = e as { lines?: number; message: string; code?: string };
    throw new ValidationError([
      {
        file: label,
        ...(err.lines ? { row: err.lines } : {}),
        message: `malformed CSV: ${err.message.replace(/^Invalid [^:]*: /, '')}`,
      },
    ]);
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === '')) {
    throw new ValidationError([{ file: label, row: 1, message: 'the header row is empty' }]);
  }
  const missing = (opts.required ?? []).filter((c) => !header.includes(c));
  if (missing.length) {
    throw new ValidationError(
      missing.map((c) => ({
        file: label,
        row: 1,
        column: c,
        message: `required column ${JSON.stringify(c)} is missing`,
      })),
    );
  }
  const issues: Issue[] = [];
  const rows: CsvTable['rows'] = [];
  // csv-parse gives records, not lines; count lines so messages point at the file's own line numbers
  const lineOf = lineNumbers(text);
  for (let i = 1; i < records.length; i++) {
    const rec = records[i]!;
    if (rec.length === 1 && rec[0] === '') continue;
    const line = lineOf[i] ?? i + 1;
    if (rec.length !== header.length) {
      if (issues.length < 100) {
        issues.push({
          file: label,
          row: line,
          message: `expected ${header.length} columns, found ${rec.length}`,
        });
      }
      continue;
    }
    const record: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) record[header[c]!] = rec[c]!;
    rows.push({ line, record });
  }
  if (issues.length) throw new ValidationError(issues, issues.length >= 100);
  return { file: label, header, rows };
}

/** Start line (1-based) of each CSV record, honouring quoted newlines. */
function lineNumbers(text: string): number[] {
  const out: number[] = [1];
  let line = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) quoted = !quoted;
    else if (ch === 10) {
      line++;
      if (!quoted) out.push(line);
    }
  }
  return out;
}

/** Parses a published number: thousands separators, surrounding space; null for empty. NaN if not a number. */
export function parseNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const s = raw.trim().replace(/,/g, '');
  if (s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : Number.NaN;
}
