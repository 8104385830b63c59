import { createHash } from 'node:crypto';
import { type SelectQueryBuilder, sql } from 'kysely';
import type { BatchRow, ImportBatch } from '../importers/batch.js';
import { issueAt } from '../importers/batch.js';
import {
  ENTITIES,
  ENTITY_ORDER,
  type EntityName,
  entityColumns,
  type Issue,
  IssueCollector,
  ValidationError,
} from '../model/index.js';
import type { Database } from './database.js';
import type { Store, StoreTx } from './store.js';
import { storedValues } from './stored-row.js';

export interface ApplyOptions {
  /** organisation overlay the rows belong to (null = public base data) */
  orgId?: string | null;
  /** maximum number of issues reported */
  cap?: number;
  onProgress?: (done: number, total: number, entity: string) => void;
  /**
   * Runs inside the import's transaction after the rows are written (the scoped repository records
   * which organisation owns the sources and bumps its data version there): both commit or neither.
   */
  afterWrite?: (tx: StoreTx) => Promise<void>;
}

export interface ApplyResult {
  inserted: Partial<Record<EntityName, number>>;
  replaced: number;
  sources: string[];
}

/** Entities whose single-field key is an identity other records refer to. */
const IDENTITY: Partial<Record<EntityName, string>> = {
  source: 'id',
  country: 'iso3',
  region: 'code',
  material: 'id',
  facility: 'id',
  agreement: 'id',
};

type RefTarget = 'source' | 'country' | 'material' | 'region' | 'facility';
const REF_FIELD: Record<RefTarget, string> = {
  source: 'id',
  country: 'iso3',
  material: 'id',
  region: 'code',
  facility: 'id',
};

/**
 * Writes a validated batch atomically. In one transaction: every record of the batch's sources is
 * deleted (a re-import replaces, never duplicates), identities and references are checked against
 * what the store will hold afterwards, recipes are checked for cycles, and the rows are bulk
 * written. Any problem throws a ValidationError and the transaction rolls back: the store holds
 * exactly what it held before.
 */
export async function applyBatch(
  store: Store,
  batch: ImportBatch,
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  const orgId = opts.orgId ?? null;
  const sourceIds = batch.sources.map((s) => s.id);
  const started = new Date().toISOString();
  return store.transaction(async (tx) => {
    const issues = new IssueCollector(opts.cap ?? 100);
    const previous = await identitiesOf(tx, sourceIds);
    const replaced = await deleteSources(tx, sourceIds, orgId);

    // identities the store will hold: existing (minus replaced sources) plus this batch
    const known: Record<RefTarget, Set<string>> = {
      source: new Set(sourceIds),
      country: new Set(),
      material: new Set(),
      region: new Set(),
      facility: new Set(),
    };
    for (const target of Object.keys(known) as RefTarget[]) {
      const table = ENTITIES[target].table;
      const field = REF_FIELD[target];
      const q = tx.db.selectFrom(table as 'source').select(sql<string>`${sql.ref(field)}`.as('k'));
      const rows = await visibleTo(q, ENTITIES[target].orgScoped, orgId).execute();
      for (const r of rows) known[target].add(r.k);
    }

    // identities defined twice (by this batch and by another source already in the store)
    for (const [entity, field] of Object.entries(IDENTITY) as [EntityName, string][]) {
      const rows = batch.rows[entity];
      if (!rows || entity === 'source') continue;
      const existing = known[entity as RefTarget];
      for (const r of rows) {
        const k = String(r.row[field]);
        if (existing?.has(k))
          issues.add(
            issueAt(r.loc, field, `${entity} ${JSON.stringify(k)} is already defined by another source`),
          );
      }
      for (const r of rows) existing?.add(String(r.row[field]));
    }

    // references
    for (const entity of ENTITY_ORDER) {
      const rows = batch.rows[entity];
      if (!rows) continue;
      const refs = Object.entries(ENTITIES[entity].refs) as [string, RefTarget][];
      for (const r of rows) {
        for (const [field, target] of refs) {
          const v = r.row[field];
          if (v === null || v === undefined) continue;
          if (!known[target].has(String(v))) {
            issues.add(issueAt(r.loc, field, `unknown ${target} ${JSON.stringify(v)}`));
          }
        }
      }
    }
    if (batch.rows.recipe) await checkRecipeCycles(tx, batch.rows.recipe, issues, orgId);
    issues.throwIfAny();

    // source rows first, then every entity in dependency order
    const inserted: Partial<Record<EntityName, number>> = {};
    const total = Object.values(batch.rows).reduce((a, r) => a + (r?.length ?? 0), 0) + batch.sources.length;
    let done = 0;
    const srcCols = entityColumns(ENTITIES.source);
    inserted.source = await tx.bulk.write(
      'source',
      srcCols,
      batch.sources.map((s) => storedValues('source', s as unknown as Record<string, unknown>, srcCols)),
    );
    done += batch.sources.length;
    for (const entity of ENTITY_ORDER) {
      const rows = batch.rows[entity];
      if (!rows || rows.length === 0 || entity === 'source') continue;
      const def = ENTITIES[entity];
      const cols = entityColumns(def);
      const withOrg = def.orgScoped ? [...cols, 'org_id'] : cols;
      const CHUNK = 20_000;
      let n = 0;
      for (let i = 0; i < rows.length; i += CHUNK) {
        const slice = rows.slice(i, i + CHUNK);
        n += await tx.bulk.write(
          def.table,
          withOrg,
          slice.map((r) => {
            const v = storedValues(entity, r.row, cols);
            if (def.orgScoped) v.push(orgId);
            return v;
          }),
        );
        done += slice.length;
        opts.onProgress?.(done, total, entity);
      }
      inserted[entity] = n;
    }

    // anything of another source left pointing at an identity this import removed
    const removed = removedIdentities(previous, batch);
    if (removed.size) await checkDangling(tx, removed, issues, orgId);
    issues.throwIfAny();

    await tx.db
      .insertInto('import_log')
      .values({
        format: batch.format,
        path: batch.path,
        sources: JSON.stringify(sourceIds),
        rows: total,
        started_at: started,
        finished_at: new Date().toISOString(),
        report: JSON.stringify(batch.report),
      })
      .execute();
    await opts.afterWrite?.(tx);
    // an organisation's import changes only its overlay: its own data version (org_state, bumped
    // by the scoped repository in afterWrite) keys its caches; the public version stays
    if (orgId === null) await bumpDataVersion(tx);
    return { inserted, replaced, sources: sourceIds };
  });
}

async function deleteSources(tx: StoreTx, sourceIds: string[], orgId: string | null): Promise<number> {
  if (sourceIds.length === 0) return 0;
  let n = 0;
  for (const entity of [...ENTITY_ORDER].reverse()) {
    if (entity === 'source') continue;
    const def = ENTITIES[entity];
    let q = tx.db.deleteFrom(def.table as 'production').where('source_id', 'in', sourceIds);
    if (def.orgScoped) q = orgId === null ? q.where('org_id', 'is', null) : q.where('org_id', '=', orgId);
    const res = await q.executeTakeFirst();
    n += Number(res.numDeletedRows ?? 0);
  }
  await tx.db.deleteFrom('source').where('id', 'in', sourceIds).execute();
  return n;
}

/** Rejects a recipe graph with a cycle (an output that is, through some chain, its own input). */
async function checkRecipeCycles(
  tx: StoreTx,
  rows: BatchRow[],
  issues: IssueCollector,
  orgId: string | null,
): Promise<void> {
  const edges = new Map<string, { to: string; loc?: BatchRow['loc'] }[]>();
  const add = (from: string, to: string, loc?: BatchRow['loc']) => {
    const list = edges.get(from);
    if (list) list.push({ to, loc });
    else edges.set(from, [{ to, loc }]);
  };
  const stored = await visibleTo(
    tx.db.selectFrom('recipe').select(['input_id', 'output_id']),
    true,
    orgId,
  ).execute();
  for (const r of stored) add(r.input_id, r.output_id);
  for (const r of rows) add(String(r.row.input_id), String(r.row.output_id), r.loc);
  // iterative DFS with colours; report the first back edge found from a batch row
  const colour = new Map<string, 1 | 2>();
  const parent = new Map<string, string>();
  for (const start of edges.keys()) {
    if (colour.has(start)) continue;
    const stack: [string, number][] = [[start, 0]];
    colour.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      const out = edges.get(node) ?? [];
      if (i >= out.length) {
        colour.set(node, 2);
        stack.pop();
        continue;
      }
      top[1]++;
      const e = out[i]!;
      const c = colour.get(e.to);
      if (c === 1) {
        const cycle = [e.to];
        for (let n = node; n !== e.to; n = parent.get(n)!) cycle.push(n);
        cycle.push(e.to);
        const text = cycle.reverse().join(' → ');
        issues.add(
          e.loc ? issueAt(e.loc, 'input_id', `recipe cycle: ${text}`) : { message: `recipe cycle: ${text}` },
        );
        return;
      }
      if (c === undefined) {
        colour.set(e.to, 1);
        parent.set(e.to, node);
        stack.push([e.to, 0]);
      }
    }
  }
}

/** The identities (material ids, country codes…) the given sources define now. */
async function identitiesOf(tx: StoreTx, sourceIds: string[]): Promise<Map<RefTarget, Set<string>>> {
  const out = new Map<RefTarget, Set<string>>();
  if (sourceIds.length === 0) return out;
  for (const target of Object.keys(REF_FIELD) as RefTarget[]) {
    if (target === 'source') continue;
    const field = REF_FIELD[target];
    const rows = await tx.db
      .selectFrom(ENTITIES[target].table as 'material')
      .select(sql<string>`${sql.ref(field)}`.as('k'))
      .where('source_id', 'in', sourceIds)
      .execute();
    if (rows.length) out.set(target, new Set(rows.map((r) => r.k)));
  }
  return out;
}

/** Identities the replaced sources defined that this batch does not define again. */
function removedIdentities(
  previous: Map<RefTarget, Set<string>>,
  batch: ImportBatch,
): Map<RefTarget, string[]> {
  const out = new Map<RefTarget, string[]>();
  for (const [target, ids] of previous) {
    const again = new Set((batch.rows[target] ?? []).map((r) => String(r.row[REF_FIELD[target]])));
    const gone = [...ids].filter((id) => !again.has(id));
    if (gone.length) out.set(target, gone);
  }
  return out;
}

/** Rejects the import if records of other sources still refer to an identity it removes. */
async function checkDangling(
  tx: StoreTx,
  removed: Map<RefTarget, string[]>,
  issues: IssueCollector,
  orgId: string | null,
): Promise<void> {
  for (const entity of ENTITY_ORDER) {
    const def = ENTITIES[entity];
    for (const [field, target] of Object.entries(def.refs) as [string, RefTarget][]) {
      const gone = removed.get(target);
      if (!gone) continue;
      for (let i = 0; i < gone.length; i += 500) {
        const q = tx.db
          .selectFrom(def.table as 'production')
          .select([sql<string>`${sql.ref(field)}`.as('v'), 'source_id as s'])
          .where(sql.ref(field), 'in', gone.slice(i, i + 500))
          .limit(5);
        const rows = await visibleTo(q, def.orgScoped, orgId).execute();
        for (const r of rows) {
          issues.add({
            message: `${entity} records of source ${JSON.stringify(r.s)} refer to ${target} ${JSON.stringify(r.v)}, which this import would remove`,
          } satisfies Issue);
        }
      }
    }
  }
}

/**
 * An organisation's import checks identities, references and recipe cycles against the rows it can
 * see (public + its own), never another organisation's: those neither block nor answer its import.
 * A public import (orgId null) still sees every row, so no overlay ends up with an id twice.
 */
function visibleTo<Q extends SelectQueryBuilder<Database, never, unknown>>(
  q: Q,
  orgScoped: boolean,
  orgId: string | null,
): Q {
  if (!orgScoped || orgId === null) return q;
  return q.where(sql<boolean>`(org_id is null or org_id = ${orgId})`) as Q;
}

async function bumpDataVersion(tx: StoreTx): Promise<void> {
  // the data version chains the previous version with this import's log entry, so snapshots and
  // results keyed by it change whenever the data do
  const prev = await tx.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'data_version')
    .executeTakeFirst();
  const last = await tx.db
    .selectFrom('import_log')
    .selectAll()
    .orderBy('row_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const version = createHash('sha256')
    .update(`${prev?.value ?? ''}|${JSON.stringify(last ?? null)}`)
    .digest('hex')
    .slice(0, 16);
  await tx.db.deleteFrom('meta').where('key', '=', 'data_version').execute();
  await tx.db.insertInto('meta').values({ key: 'data_version', value: version }).execute();
}

export { ValidationError };
