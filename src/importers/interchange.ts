import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { ENTITIES, ENTITY_ORDER, type EntityName, ValidationError } from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt, type RowLocation } from './batch.js';
import { decodeUtf8, readCsv } from './csv.js';
import type { Importer, ReadOptions } from './importer.js';
import { checkShareSet } from './share-sets.js';

/**
 * trustmap's own interchange format (docs/data-format.md): either a folder with one CSV per entity
 * (`source.csv`, `material.csv`, `production.csv`, …; header = field names) or one JSON document
 * `{ "format": "trustmap/1", "source": [...], "material": [...], … }`.
 */
export const INTERCHANGE_VERSION = 'trustmap/1';

/** Entities a user may supply (countries are reference data and come with trustmap). */
export const INTERCHANGE_ENTITIES: readonly EntityName[] = ENTITY_ORDER.filter((e) => e !== 'country');

type PropSchema = TSchema & { type?: string; anyOf?: PropSchema[]; items?: PropSchema };

function baseType(p: PropSchema): string | undefined {
  if (p.type) return p.type;
  const nonNull = p.anyOf?.find((t) => t.type !== 'null');
  return nonNull
    ? baseType(nonNull)
    : p.anyOf?.[0]?.const !== undefined
      ? typeof p.anyOf[0].const
      : undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

/** Converts CSV cells to the schema's types; returns false (recording the issue) on a bad cell. */
function coerceCell(
  b: BatchBuilder,
  entity: EntityName,
  column: string,
  raw: string,
  loc: RowLocation,
  out: Record<string, unknown>,
): void {
  const prop = ENTITIES[entity].schema.properties[column] as PropSchema;
  const type = baseType(prop);
  const cell = raw.trim();
  if (cell === '') {
    out[column] = type === 'array' ? [] : undefined;
    return;
  }
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(cell.replace(/,/g, ''));
      if (!Number.isFinite(n)) {
        b.issues.add(issueAt(loc, column, `not a number: ${JSON.stringify(cell)}`));
        out[column] = cell;
      } else out[column] = n;
      return;
    }
    case 'boolean': {
      const l = cell.toLowerCase();
      if (TRUE.has(l)) out[column] = true;
      else if (FALSE.has(l)) out[column] = false;
      else {
        b.issues.add(issueAt(loc, column, `expected true or false, got ${JSON.stringify(cell)}`));
        out[column] = cell;
      }
      return;
    }
    case 'array':
      out[column] = cell
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      return;
    default:
      out[column] = cell;
  }
}

function readCsvFolder(dir: string, b: BatchBuilder): void {
  const files = readdirSync(dir).filter((f) => extname(f).toLowerCase() === '.csv');
  const known = new Set<string>(INTERCHANGE_ENTITIES);
  for (const f of files) {
    const name = basename(f, extname(f));
    if (!known.has(name)) {
      b.issues.add({
        file: f,
        message: `unknown entity file; expected one of ${INTERCHANGE_ENTITIES.map((e) => `${e}.csv`).join(', ')}`,
      });
    }
  }
  if (!files.some((f) => basename(f, '.csv') === 'source')) {
    b.issues.add({
      file: join(basename(dir), 'source.csv'),
      message: 'missing: every record must cite a source declared in source.csv',
    });
  }
  for (const entity of INTERCHANGE_ENTITIES) {
    const path = join(dir, `${entity}.csv`);
    if (!existsSync(path)) continue;
    const table = readCsv(path, { label: `${entity}.csv` });
    const props = ENTITIES[entity].schema.properties;
    for (const h of table.header) {
      if (!(h in props))
        b.issues.add({ file: table.file, row: 1, column: h, message: `unknown column for ${entity}` });
    }
    for (const { line, record } of table.rows) {
      const loc = { file: table.file, row: line };
      const row: Record<string, unknown> = {};
      for (const h of table.header) if (h in props) coerceCell(b, entity, h, record[h] ?? '', loc, row);
      for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
      if (entity === 'source') b.source(row as never, loc);
      else b.add(entity, row, loc);
    }
  }
}

function readJsonDocument(path: string, b: BatchBuilder): void {
  const label = basename(path);
  const text = decodeUtf8(readFileSync(path), label);
  if (text.trim() === '') throw new ValidationError([{ file: label, message: 'the file is empty' }]);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const pos = m ? Number(m[1]) : text.length;
    const line = text.slice(0, pos).split('\n').length;
    const truncated =
      pos >= text.trimEnd().length - 1 || /end of JSON|Unterminated/.test((e as Error).message);
    throw new ValidationError([
      {
        file: label,
        row: line,
        message: `${truncated ? 'truncated or invalid' : 'invalid'} JSON: ${(e as Error).message}`,
      },
    ]);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ValidationError([{ file: label, message: 'expected a JSON object with one array per entity' }]);
  }
  const obj = doc as Record<string, unknown>;
  if (obj.format !== undefined && obj.format !== INTERCHANGE_VERSION) {
    b.issues.add({
      file: label,
      column: 'format',
      message: `unsupported format ${JSON.stringify(obj.format)}; expected ${INTERCHANGE_VERSION}`,
    });
  }
  for (const k of Object.keys(obj)) {
    if (k !== 'format' && !(INTERCHANGE_ENTITIES as readonly string[]).includes(k)) {
      b.issues.add({ file: `${label}#/${k}`, message: `unknown entity ${JSON.stringify(k)}` });
    }
  }
  for (const entity of INTERCHANGE_ENTITIES) {
    const list = obj[entity];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      b.issues.add({ file: `${label}#/${entity}`, message: 'expected an array' });
      continue;
    }
    list.forEach((item, i) => {
      const loc = { file: label, pointer: `#/${entity}/${i}` };
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        b.issues.add(issueAt(loc, undefined, 'expected an object'));
        return;
      }
      if (entity === 'source') b.source(item as never, loc);
      else b.add(entity, { ...(item as Record<string, unknown>) }, loc);
    });
  }
}

/** Share sets (sourcing shares per material, importer, period and source) must not exceed 100 % beyond rounding. */
function checkSourcingShares(b: BatchBuilder, batch: ImportBatch): void {
  const sets = new Map<string, { shares: number[]; loc: RowLocation }>();
  for (const r of batch.rows.sourcing_share ?? []) {
    const k = `${r.row.material_id}|${r.row.importer}|${r.row.period}|${r.row.source_id}`;
    let s = sets.get(k);
    if (!s) sets.set(k, (s = { shares: [], loc: r.loc }));
    s.shares.push(r.row.share as number);
  }
  for (const [k, s] of sets) {
    const c = checkShareSet(k, s.shares);
    const [material, importer, period] = k.split('|');
    if (!c.ok) {
      b.issues.add(
        issueAt(
          s.loc,
          'share',
          `shares of ${material} imports into ${importer} (${period}) sum to ${(c.sum * 100).toFixed(2)} %, above 100 % beyond rounding`,
        ),
      );
    } else if (Math.abs(c.residual) > 1e-9) {
      b.warn(
        `sourcing shares of ${material} into ${importer} (${period}) sum to ${(c.sum * 100).toFixed(2)} % (residual ${(c.residual * 100).toFixed(2)} points, not renormalised)`,
      );
    }
  }
}

export async function readInterchange(path: string, opts: ReadOptions = {}): Promise<ImportBatch> {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  const b = new BatchBuilder('trustmap', path, opts.cap ?? 100);
  if (statSync(path).isDirectory()) readCsvFolder(path, b);
  else readJsonDocument(path, b);
  if (!b.issues.ok) b.issues.throwIfAny();
  const batch = b.build();
  checkSourcingShares(b, batch);
  b.issues.throwIfAny();
  return batch;
}

export const interchangeImporter: Importer = {
  format: 'trustmap',
  description: "trustmap's interchange format: a folder of <entity>.csv files or one JSON document",
  detect(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) return existsSync(join(path, 'source.csv'));
    return extname(path).toLowerCase() === '.json';
  },
  read: readInterchange,
};
