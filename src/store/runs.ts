import type { Kysely } from 'kysely';
import type { Store } from './store.js';

/** A saved simulation run as stored (JSON and compressed curves as text, both dialects alike). */
export type SimulationRunRow = {
  id: string;
  created_at: string;
  name: string;
  scenario: string;
  scenario_hash: string;
  seed: number | null;
  code_version: string;
  data_version: string;
  year: number;
  horizon_days: number;
  step_days: number;
  summary: string;
  curves: string | null;
  curves_encoding: string | null;
  org_id: string | null;
};

export type RunListRow = Omit<SimulationRunRow, 'scenario' | 'curves' | 'curves_encoding' | 'summary'>;

type RunTables = { simulation_run: SimulationRunRow };

/** The runs table of this store (migration 002). */
async function runsDb(store: Store): Promise<Kysely<RunTables>> {
  return store.db.withTables<RunTables>() as unknown as Kysely<RunTables>;
}

/** pg returns int8 as a string */
function normalise<T extends { seed: unknown; year: unknown; horizon_days: unknown; step_days: unknown }>(
  r: T,
): T {
  return {
    ...r,
    seed: r.seed === null || r.seed === undefined ? null : Number(r.seed),
    year: Number(r.year),
    horizon_days: Number(r.horizon_days),
    step_days: Number(r.step_days),
  };
}

export async function insertRun(store: Store, row: SimulationRunRow): Promise<void> {
  const db = await runsDb(store);
  await db.insertInto('simulation_run').values(row).execute();
}

/**
 * Whose runs a query sees: `null` the public runs of the command line (org_id null), an
 * organisation id only that organisation's. The HTTP API reaches an organisation's runs through
 * `orgRepository(...).runs` (scoped-repository.ts), never with an id of its choosing.
 */
type Scope = string | null;

/** Saved runs of one scope, newest first. */
export async function listRunRows(
  store: Store,
  opts: { limit?: number; orgId?: Scope } = {},
): Promise<RunListRow[]> {
  const db = await runsDb(store);
  const rows = await db
    .selectFrom('simulation_run')
    .select([
      'id',
      'created_at',
      'name',
      'scenario_hash',
      'seed',
      'code_version',
      'data_version',
      'year',
      'horizon_days',
      'step_days',
      'org_id',
    ])
    .where((eb) => (opts.orgId ? eb('org_id', '=', opts.orgId) : eb('org_id', 'is', null)))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 50)
    .execute();
  return rows.map(normalise);
}

export async function getRunRow(
  store: Store,
  id: string,
  orgId: Scope = null,
): Promise<SimulationRunRow | undefined> {
  const db = await runsDb(store);
  const row = await db
    .selectFrom('simulation_run')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => (orgId ? eb('org_id', '=', orgId) : eb('org_id', 'is', null)))
    .executeTakeFirst();
  return row ? normalise(row) : undefined;
}

/** Run ids that start with `prefix` (so a user can type the first characters of an id). */
export async function findRunIds(store: Store, prefix: string, orgId: Scope = null): Promise<string[]> {
  const db = await runsDb(store);
  const rows = await db
    .selectFrom('simulation_run')
    .select('id')
    .where('id', '>=', prefix)
    .where('id', '<', `${prefix}\uffff`)
    .where((eb) => (orgId ? eb('org_id', '=', orgId) : eb('org_id', 'is', null)))
    .orderBy('id')
    .limit(20)
    .execute();
  return rows.map((r) => r.id);
}
