import { type Kysely, sql } from 'kysely';

/**
 * 002 — saved simulation runs, so any result can be listed, reproduced and compared: the scenario
 * as given (JSON) and its hash, the seed, the code version (package.json) and the data version
 * (meta.data_version) it ran on, the summaries per (material, market), and the curves (gzip +
 * base64 of their JSON, `curves_encoding` says so). Idempotent (`if not exists`), so a store that
 * created the table before this migration was registered migrates cleanly.
 */
export async function up(db: Kysely<unknown>, _dialect: 'sqlite' | 'postgres'): Promise<void> {
  await db.schema
    .createTable('simulation_run')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scenario', 'text', (c) => c.notNull())
    .addColumn('scenario_hash', 'text', (c) => c.notNull())
    .addColumn('seed', 'bigint')
    .addColumn('code_version', 'text', (c) => c.notNull())
    .addColumn('data_version', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('horizon_days', 'integer', (c) => c.notNull())
    .addColumn('step_days', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('curves', 'text')
    .addColumn('curves_encoding', 'text')
    .addColumn('org_id', 'text')
    .execute();
  await sql`create index if not exists ix_simulation_run_created_at on simulation_run (created_at)`.execute(
    db,
  );
  await sql`create index if not exists ix_simulation_run_scenario_hash on simulation_run (scenario_hash)`.execute(
    db,
  );
}
