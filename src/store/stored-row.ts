import { ENTITIES, type EntityName, entityColumns } from '../model/index.js';

/** Converts a validated record to its stored form, in column order: arrays → JSON, booleans → 0/1. */
export function storedValues(
  entity: EntityName,
  row: Record<string, unknown>,
  columns: readonly string[],
): unknown[] {
  const out = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const v = row[columns[i]!];
    out[i] =
      v === undefined || v === null
        ? null
        : Array.isArray(v)
          ? JSON.stringify(v)
          : typeof v === 'boolean'
            ? v
              ? 1
              : 0
            : v;
  }
  void entity;
  return out;
}

/** Converts a stored row back to the model's shape (JSON text → arrays, 0/1 → booleans). */
export function fromStored<T = Record<string, unknown>>(entity: EntityName, row: Record<string, unknown>): T {
  const def = ENTITIES[entity];
  const out: Record<string, unknown> = {};
  for (const col of entityColumns(def)) {
    const v = row[col];
    const prop = def.schema.properties[col] as { type?: string; anyOf?: { type?: string }[] };
    const type = prop.type ?? prop.anyOf?.find((t) => t.type !== 'null')?.type;
    if (v === null || v === undefined) out[col] = null;
    else if (type === 'array') out[col] = JSON.parse(String(v));
    else if (type === 'boolean') out[col] = v === 1 || v === true || v === '1';
    else out[col] = v;
  }
  return out as T;
}
