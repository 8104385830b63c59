import { type Kysely, sql } from 'kysely';
import { ORG_SCOPED } from './001-initial.js';

/**
 * 003 — organisations, users, API tokens and the audit log (docs/security.md); the ownership of
 * sources imported by an organisation and each organisation's data version (src/store/
 * scoped-repository.ts); and the organisation portfolio (docs/org-data.md): products → APIs →
 * supplier sites → KSM suppliers, which fit no public entity (shares of one buyer's purchases per
 * site, FEI/DUNS, NDC codes). Every portfolio table carries a non-null `org_id`: there are no
 * public portfolio rows.
 *
 * Secrets are never stored: a password as an scrypt hash with its salt and parameters, a token as
 * the SHA-256 of its text. Times are ISO 8601 text on both dialects.
 */
export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const rowId =
    dialect === 'sqlite' ? sql`integer primary key` : sql`bigint generated always as identity primary key`;

  await db.schema
    .createTable('organisation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    // lower-cased, trimmed e-mail: unique whatever the case the address was typed in
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();
  await db.schema.createIndex('ix_app_user_org_id').on('app_user').column('org_id').execute();

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('ix_api_token_user_id').on('api_token').column('user_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('row_id', sql`${rowId}` as never)
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('email', 'text')
    .addColumn('org_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('ix_audit_log_org_id').on('audit_log').columns(['org_id', 'row_id']).execute();

  // sources declared by an organisation's imports belong to it: other organisations cannot see,
  // replace or reuse them
  await db.schema
    .createTable('org_source')
    .addColumn('source_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('org_state')
    .addColumn('org_id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  for (const [table, cols] of Object.entries(PORTFOLIO_TABLES)) {
    let b = db.schema
      .createTable(table)
      .addColumn('row_id', sql`${rowId}` as never)
      .addColumn('org_id', 'text', (c) => c.notNull());
    for (const [name, type, nullable] of cols)
      b = b.addColumn(name, type, (c) => (nullable ? c : c.notNull()));
    await b.execute();
    await db.schema.createIndex(`ix_${table}_org_id`).on(table).column('org_id').execute();
  }

  for (const table of ORG_SCOPED) {
    await db.schema.createIndex(`ix_${table}_org_id`).on(table).column('org_id').execute();
  }
  await sql`create index if not exists ix_simulation_run_org_id on simulation_run (org_id, created_at)`.execute(
    db,
  );
}

type Col = readonly [name: string, type: 'text' | 'double precision', nullable: boolean];

/** The portfolio tables' columns (src/model/org-portfolio.ts declares the same fields). */
export const PORTFOLIO_TABLES: Record<string, readonly Col[]> = {
  org_product: [
    ['id', 'text', false],
    ['name', 'text', false],
    ['ndc', 'text', false],
    ['stock_days', 'double precision', true],
    ['note', 'text', true],
  ],
  org_product_api: [
    ['product_id', 'text', false],
    ['api', 'text', false],
    ['material_id', 'text', true],
    ['stock_days', 'double precision', true],
    ['note', 'text', true],
  ],
  org_api_site: [
    ['api', 'text', false],
    ['site_id', 'text', false],
    ['name', 'text', false],
    ['company', 'text', true],
    ['country', 'text', false],
    ['fei', 'text', true],
    ['duns', 'text', true],
    ['share', 'double precision', true],
    ['note', 'text', true],
  ],
  org_ksm_supplier: [
    ['api', 'text', false],
    ['site_id', 'text', false],
    ['ksm', 'text', false],
    ['material_id', 'text', true],
    ['supplier', 'text', false],
    ['country', 'text', false],
    ['fei', 'text', true],
    ['duns', 'text', true],
    ['share', 'double precision', true],
    ['note', 'text', true],
  ],
};
