import type { TObject, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import {
  ENTITIES,
  type EntityName,
  type Issue,
  IssueCollector,
  type Source,
  ValidationError,
} from '../model/index.js';

/** Where a row came from, for error messages: file and 1-based line/row number. */
export interface RowLocation {
  file: string;
  row?: number;
  /** for JSON documents: the JSON pointer of the record */
  pointer?: string;
}

export interface BatchRow {
  row: Record<string, unknown>;
  loc: RowLocation;
}

/** Statistics and warnings an importer reports (match rates, share residuals, skipped rows). */
export interface ImportReport {
  format: string;
  path: string;
  counts: Partial<Record<EntityName, number>>;
  warnings: string[];
  /** named figures, e.g. `dmf_holder_match_rate` */
  metrics: Record<string, number>;
}

/** A fully validated set of records from one import: applied atomically by the store. */
export interface ImportBatch {
  format: string;
  path: string;
  sources: Source[];
  rows: Partial<Record<EntityName, BatchRow[]>>;
  report: ImportReport;
}

const compiled = new Map<EntityName, TypeCheck<TObject>>();
function checker(entity: EntityName): TypeCheck<TObject> {
  let c = compiled.get(entity);
  if (!c) {
    c = TypeCompiler.Compile(ENTITIES[entity].schema);
    compiled.set(entity, c);
  }
  return c;
}

function keyOf(entity: EntityName, row: Record<string, unknown>): string {
  return ENTITIES[entity].key.map((k) => JSON.stringify(row[k] ?? null)).join('|');
}

/** A readable message for a field: a nullable union is explained by its non-null member's first error. */
function explain(prop: TSchema | undefined, value: unknown): string | undefined {
  if (!prop) return undefined;
  const members = (prop as { anyOf?: TSchema[] }).anyOf;
  if (members) {
    const nonNull = members.filter((m) => (m as { type?: string }).type !== 'null');
    if (nonNull.length === 1) return explain(nonNull[0], value);
    const literals = nonNull.map((m) => (m as { const?: unknown }).const).filter((c) => c !== undefined);
    if (literals.length === nonNull.length)
      return `expected one of ${literals.map((l) => JSON.stringify(l)).join(', ')}`;
    return undefined;
  }
  const first = Value.Errors(prop, value).First();
  return first?.message;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}

export function issueAt(loc: RowLocation, column: string | undefined, message: string): Issue {
  const file = loc.pointer ? `${loc.file}${loc.pointer}` : loc.file;
  return { file, ...(loc.row !== undefined ? { row: loc.row } : {}), ...(column ? { column } : {}), message };
}

/**
 * Collects the rows of one import, validating each against its entity's schema (with defaults
 * applied), rejecting duplicate keys, and keeping every issue up to a cap.
 */
export class BatchBuilder {
  readonly issues: IssueCollector;
  private readonly sources = new Map<string, Source>();
  private readonly rows: Partial<Record<EntityName, BatchRow[]>> = {};
  private readonly keys: Partial<Record<EntityName, Map<string, RowLocation>>> = {};
  readonly report: ImportReport;

  constructor(
    readonly format: string,
    readonly path: string,
    cap = 100,
  ) {
    this.issues = new IssueCollector(cap);
    this.report = { format, path, counts: {}, warnings: [], metrics: {} };
  }

  source(s: Source, loc: RowLocation = { file: this.path }): void {
    const c = checker('source');
    const row = Value.Default(ENTITIES.source.schema, Value.Clone(s)) as Source;
    if (!c.Check(row)) {
      for (const e of c.Errors(row)) this.issues.add(issueAt(loc, e.path.slice(1) || undefined, e.message));
      return;
    }
    if (this.sources.has(s.id)) {
      this.issues.add(issueAt(loc, 'id', `duplicate source id ${JSON.stringify(s.id)}`));
      return;
    }
    this.sources.set(s.id, row);
  }

  /** Validates and adds one row; returns false (and records issues) if it is invalid. */
  add(entity: EntityName, input: Record<string, unknown>, loc: RowLocation): boolean {
    const def = ENTITIES[entity];
    const row = Value.Default(def.schema, input) as Record<string, unknown>;
    for (const k of Object.keys(def.schema.properties)) if (row[k] === undefined) row[k] = null;
    const c = checker(entity);
    if (!c.Check(row)) {
      let seen = 0;
      const fields = new Set<string>();
      for (const e of c.Errors(row)) {
        const field = e.path.split('/')[1] ?? '';
        if (fields.has(field)) continue;
        fields.add(field);
        const unknownField = field && !(field in def.schema.properties);
        this.issues.add(
          issueAt(
            loc,
            field || undefined,
            unknownField
              ? `unknown field ${JSON.stringify(field)}`
              : `${explain(def.schema.properties[field] as TSchema | undefined, row[field]) ?? e.message} (got ${describeValue(row[field])})`,
          ),
        );
        if (++seen >= 5) break;
      }
      return false;
    }
    const key = keyOf(entity, row);
    const keys = (this.keys[entity] ??= new Map());
    const prev = keys.get(key);
    if (prev) {
      this.issues.add(
        issueAt(
          loc,
          def.key.join('+'),
          `duplicate ${entity} key (${def.key.map((k) => `${k}=${describeValue(row[k])}`).join(', ')}); first at ${prev.file}${prev.row !== undefined ? ` row ${prev.row}` : (prev.pointer ?? '')}`,
        ),
      );
      return false;
    }
    keys.set(key, loc);
    (this.rows[entity] ??= []).push({ row, loc });
    return true;
  }

  warn(message: string): void {
    if (this.report.warnings.length < 500) this.report.warnings.push(message);
  }

  metric(name: string, value: number): void {
    this.report.metrics[name] = value;
  }

  has(entity: EntityName, key: Record<string, unknown>): boolean {
    return this.keys[entity]?.has(keyOf(entity, key)) ?? false;
  }

  /** Throws a ValidationError listing every issue if any row was bad; otherwise returns the batch. */
  build(): ImportBatch {
    if (!this.issues.ok) throw new ValidationError(this.issues.issues, this.issues.truncated);
    if (this.sources.size === 0)
      throw new ValidationError([{ file: this.path, message: 'no source declared' }]);
    for (const [entity, rows] of Object.entries(this.rows))
      this.report.counts[entity as EntityName] = rows.length;
    return {
      format: this.format,
      path: this.path,
      sources: [...this.sources.values()],
      rows: this.rows,
      report: this.report,
    };
  }
}
