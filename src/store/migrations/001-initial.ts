import { type Kysely, sql } from 'kysely';

/**
 * 001 — the initial schema: one table per entity of the domain model, plus `meta` and
 * `import_log`. Columns are listed here (not derived at run time) so this migration never changes
 * once released; `schema.test.ts` checks they still match the model's schemas.
 * Booleans are stored as integers 0/1 and arrays as JSON text on both dialects, so that SQLite
 * and PostgreSQL return identical rows.
 */
type Col = readonly [name: string, type: 'text' | 'integer' | 'double precision', nullable: boolean];

export const TABLES: Record<string, readonly Col[]> = {
  source: [
    ['id', 'text', false],
    ['publisher', 'text', false],
    ['title', 'text', false],
    ['year', 'integer', false],
    ['url', 'text', true],
    ['file', 'text', true],
    ['licence', 'text', false],
    ['note', 'text', true],
  ],
  country: [
    ['iso3', 'text', false],
    ['name', 'text', false],
    ['kind', 'text', false],
    ['source_id', 'text', false],
  ],
  region: [
    ['code', 'text', false],
    ['name', 'text', false],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  region_member: [
    ['region', 'text', false],
    ['iso3', 'text', false],
    ['source_id', 'text', false],
  ],
  governance: [
    ['iso3', 'text', false],
    ['source_code', 'text', false],
    ['year', 'integer', false],
    ['indicator', 'text', false],
    ['estimate', 'double precision', false],
    ['stddev', 'double precision', true],
    ['nsource', 'integer', true],
    ['pctrank', 'double precision', true],
    ['source_id', 'text', false],
  ],
  material: [
    ['id', 'text', false],
    ['name', 'text', false],
    ['commodity', 'text', false],
    ['stage', 'text', false],
    ['basis', 'text', false],
    ['unit', 'text', false],
    ['hs_codes', 'text', false],
    ['tags', 'text', false],
    ['synonyms', 'text', false],
    ['unii', 'text', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  facility: [
    ['id', 'text', false],
    ['name', 'text', false],
    ['operator', 'text', true],
    ['country', 'text', false],
    ['certifications', 'text', false],
    ['status', 'text', false],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  production: [
    ['material_id', 'text', false],
    ['country', 'text', false],
    ['facility_id', 'text', true],
    ['period', 'text', false],
    ['measure', 'text', false],
    ['origin', 'text', false],
    ['quantity', 'double precision', true],
    ['unit', 'text', false],
    ['flag', 'text', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  recipe: [
    ['output_id', 'text', false],
    ['input_id', 'text', false],
    ['quantity', 'double precision', true],
    ['essential', 'integer', false],
    ['substitute_group', 'text', true],
    ['cost_share', 'double precision', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  trade_flow: [
    ['material_id', 'text', true],
    ['hs_code', 'text', true],
    ['exporter', 'text', false],
    ['importer', 'text', false],
    ['reporter', 'text', false],
    ['period', 'text', false],
    ['measure', 'text', false],
    ['quantity', 'double precision', true],
    ['quantity_unit', 'text', true],
    ['value', 'double precision', true],
    ['currency', 'text', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  sourcing_share: [
    ['material_id', 'text', false],
    ['importer', 'text', false],
    ['partner', 'text', false],
    ['period', 'text', false],
    ['share', 'double precision', false],
    ['detail', 'text', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  demand: [
    ['material_id', 'text', false],
    ['country', 'text', false],
    ['period', 'text', false],
    ['kind', 'text', false],
    ['quantity', 'double precision', false],
    ['unit', 'text', false],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  stock: [
    ['material_id', 'text', false],
    ['holder_country', 'text', false],
    ['holder_org', 'text', true],
    ['kind', 'text', false],
    ['period', 'text', false],
    ['quantity', 'double precision', true],
    ['unit', 'text', true],
    ['days_of_cover', 'double precision', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  agreement: [
    ['id', 'text', false],
    ['kind', 'text', false],
    ['buyer', 'text', false],
    ['supplier', 'text', false],
    ['material_id', 'text', false],
    ['volume_per_year', 'double precision', false],
    ['unit', 'text', false],
    ['price', 'double precision', true],
    ['currency', 'text', true],
    ['start_year', 'integer', false],
    ['end_year', 'integer', false],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  statistic: [
    ['material_id', 'text', true],
    ['commodity', 'text', false],
    ['country', 'text', false],
    ['period', 'text', false],
    ['statistic', 'text', false],
    ['detail', 'text', true],
    ['value', 'double precision', true],
    ['unit', 'text', false],
    ['flag', 'text', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  published_fact: [
    ['topic', 'text', false],
    ['item', 'text', false],
    ['scope', 'text', true],
    ['country', 'text', true],
    ['partner', 'text', true],
    ['period', 'text', true],
    ['metric', 'text', true],
    ['value', 'double precision', true],
    ['value_text', 'text', true],
    ['unit', 'text', true],
    ['quote', 'text', true],
    ['source_id', 'text', false],
    ['illustrative', 'integer', false],
    ['note', 'text', true],
  ],
  eu_crm_material: [
    ['material_name', 'text', false],
    ['material_id', 'text', true],
    ['used_stage', 'text', false],
    ['stages', 'text', false],
    ['supply_mix_primary', 'text', true],
    ['supply_mix_refined', 'text', true],
    ['si_ei', 'double precision', true],
    ['si_sr', 'double precision', true],
    ['import_reliance_primary', 'double precision', true],
    ['import_reliance_refined', 'double precision', true],
    ['eol_rir', 'double precision', true],
    ['source_id', 'text', false],
  ],
  eu_crm_supply_share: [
    ['material_name', 'text', false],
    ['scope', 'text', false],
    ['stage', 'text', false],
    ['country', 'text', false],
    ['country_name', 'text', false],
    ['share', 'double precision', true],
    ['share_text', 'text', false],
    ['t', 'double precision', true],
    ['source_id', 'text', false],
  ],
  dmf: [
    ['dmf_number', 'integer', false],
    ['status', 'text', false],
    ['type', 'text', false],
    ['submit_date', 'text', true],
    ['holder', 'text', false],
    ['holder_key', 'text', false],
    ['subject', 'text', false],
    ['substance', 'text', true],
    ['exclusion', 'text', true],
    ['source_id', 'text', false],
  ],
  dmf_holder: [
    ['holder_key', 'text', false],
    ['holder', 'text', false],
    ['country_status', 'text', false],
    ['countries', 'text', false],
    ['match_rule', 'text', true],
    ['source_id', 'text', false],
  ],
  establishment: [
    ['fei', 'text', false],
    ['duns', 'text', true],
    ['firm_name', 'text', false],
    ['name_key', 'text', false],
    ['country', 'text', false],
    ['operations', 'text', false],
    ['api_manufacture', 'integer', false],
    ['registrant_name', 'text', true],
    ['expiration_date', 'text', true],
    ['source_id', 'text', false],
  ],
  shortage: [
    ['package_ndc', 'text', true],
    ['generic_name', 'text', false],
    ['substance', 'text', true],
    ['company', 'text', true],
    ['status', 'text', false],
    ['availability', 'text', true],
    ['reason', 'text', true],
    ['therapeutic_category', 'text', true],
    ['dosage_form', 'text', true],
    ['initial_posting_date', 'text', true],
    ['update_date', 'text', true],
    ['snapshot_date', 'text', false],
    ['source_id', 'text', false],
  ],
};

/** Tables whose rows may belong to an organisation overlay (org_id null = public). */
export const ORG_SCOPED = new Set([
  'material',
  'facility',
  'production',
  'recipe',
  'trade_flow',
  'sourcing_share',
  'demand',
  'stock',
  'agreement',
]);

const INDEXES: readonly [table: string, columns: string[]][] = [
  ['material', ['commodity']],
  ['production', ['material_id', 'period']],
  ['production', ['source_id']],
  ['recipe', ['output_id']],
  ['recipe', ['input_id']],
  ['trade_flow', ['material_id', 'period']],
  ['trade_flow', ['hs_code', 'reporter']],
  ['trade_flow', ['source_id']],
  ['sourcing_share', ['material_id']],
  ['statistic', ['commodity', 'statistic']],
  ['governance', ['iso3', 'year']],
  ['eu_crm_supply_share', ['material_name']],
  ['dmf', ['substance']],
  ['dmf', ['holder_key']],
  ['establishment', ['name_key']],
  ['shortage', ['substance']],
  ['published_fact', ['source_id']],
];

export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const rowId =
    dialect === 'sqlite' ? sql`integer primary key` : sql`bigint generated always as identity primary key`;
  for (const [table, cols] of Object.entries(TABLES)) {
    let b = db.schema.createTable(table).addColumn('row_id', sql`${rowId}` as never);
    for (const [name, type, nullable] of cols) {
      b = b.addColumn(name, type, (c) => (nullable ? c : c.notNull()));
    }
    if (ORG_SCOPED.has(table)) b = b.addColumn('org_id', 'text');
    await b.execute();
  }
  for (const [table, columns] of INDEXES) {
    await db.schema
      .createIndex(`ix_${table}_${columns.join('_')}`)
      .on(table)
      .columns(columns)
      .execute();
  }
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('import_log')
    .addColumn('row_id', sql`${rowId}` as never)
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .execute();
}
