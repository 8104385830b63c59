import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { NetworkSnapshot } from '../engine/network/index.js';
import type { ImportBatch } from '../importers/batch.js';
import { issueAt } from '../importers/batch.js';
import type { PortfolioBatch } from '../importers/org-portfolio.js';
import {
  ENTITIES,
  type EntityName,
  type Issue,
  type Material,
  NotFoundError,
  ValidationError,
} from '../model/index.js';
import { ConflictError } from '../model/org-errors.js';
import type { PortfolioApi, PortfolioKsm, PortfolioProduct, PortfolioSite } from '../model/org-portfolio.js';
import { type Actor, type Principal, recordAudit, requireRole } from './accounts.js';
import { type ApplyResult, applyBatch } from './apply-batch.js';
import { ORG_SCOPED } from './migrations/001-initial.js';
import type { OverlayTable, ReadView, StoreOrView } from './read-view.js';
import { isReadView } from './read-view.js';
import {
  findRunIds,
  getRunRow,
  insertRun,
  listRunRows,
  type RunListRow,
  type SimulationRunRow,
} from './runs.js';
import { loadSnapshot, dataVersion as publicDataVersion } from './snapshot-loader.js';
import type { Store, StoreTx } from './store.js';
import { fromStored } from './stored-row.js';

/**
 * The one gateway to an organisation's rows (issue 6): handlers and services never filter by
 * org_id themselves. Everything here reads the organisation's own rows (or public + own, for the
 * overlay) and writes only rows stamped with its id; a key of another organisation's row answers
 * exactly as a key that does not exist (NotFoundError), so nothing reveals that it exists.
 *
 * Given a Principal (the HTTP API), writes need the analyst role and are audited as that user;
 * given an organisation id (the command line's `--org`), the local operator is trusted and audited
 * as "cli".
 */

/** The org-scoped entities of the model, and the portfolio's tables (migration 003). */
export const PORTFOLIO_ENTITIES = {
  product: 'org_product',
  product_api: 'org_product_api',
  api_site: 'org_api_site',
  ksm_supplier: 'org_ksm_supplier',
} as const;
export type PortfolioEntity = keyof typeof PORTFOLIO_ENTITIES;
export type OrgEntity = EntityName | PortfolioEntity;
export const ORG_ENTITIES: readonly OrgEntity[] = [
  ...(Object.keys(ENTITIES) as EntityName[]).filter((e) => ORG_SCOPED.has(ENTITIES[e].table)),
  ...(Object.keys(PORTFOLIO_ENTITIES) as PortfolioEntity[]),
];

/** One own row and the key that names it in `get`/`delete` (its id, else its row number). */
export interface OwnRow {
  key: string;
  row: Record<string, unknown>;
}

export interface Portfolio {
  products: PortfolioProduct[];
  apis: (PortfolioApi & { material_id: string | null })[];
  sites: PortfolioSite[];
  ksm: (PortfolioKsm & { material_id: string | null })[];
}

export interface PortfolioImportResult {
  format: string;
  counts: { products: number; apis: number; sites: number; ksm: number };
  /** the portfolio rows this import replaced (a re-import replaces the whole portfolio) */
  replaced: number;
  /** names matched to trustmap's materials, and the names that matched none */
  matched: { api: string; material_id: string }[];
  unmatched: { kind: 'api' | 'ksm'; name: string }[];
  warnings: string[];
  dataVersion: string;
}

export interface OrgRepository {
  readonly orgId: string;
  list(entity: OrgEntity, opts?: { limit?: number; offset?: number }): Promise<OwnRow[]>;
  get(entity: OrgEntity, key: string): Promise<OwnRow>;
  delete(entity: OrgEntity, key: string): Promise<{ deleted: number }>;
  /** an import in the interchange format (docs/data-format.md), as the organisation's rows */
  importBatch(
    batch: ImportBatch,
    opts?: { onProgress?: (done: number, total: number, entity: string) => void },
  ): Promise<ApplyResult & { dataVersion: string }>;
  importPortfolio(batch: PortfolioBatch): Promise<PortfolioImportResult>;
  portfolio(): Promise<Portfolio>;
  /** the public network overlaid with the organisation's rows */
  snapshot(year: number): Promise<NetworkSnapshot>;
  /** what every analysis of this organisation reads: the public rows overlaid with its own (read-view.ts) */
  view(): ReadView;
  /** changes whenever the public data or this organisation's data change (for cache keys) */
  dataVersion(): Promise<string>;
  runs: {
    list(opts?: { limit?: number }): Promise<RunListRow[]>;
    /** by id or a prefix naming one run; NotFoundError (with own candidates) otherwise */
    get(idOrPrefix: string): Promise<SimulationRunRow>;
    save(row: Omit<SimulationRunRow, 'org_id'>): Promise<string>;
  };
}

type Tables = Record<string, Record<string, unknown>>;
type Q = Kysely<Tables>;
type HasDb = Pick<Store, 'db'> | StoreTx;
const q = (s: HasDb): Q => s.db as unknown as Q;

/** Sources an organisation imports are stored as `org.<org id>.<id>`: no clash with public or others'. */
export function orgSourcePrefix(orgId: string): string {
  return `org.${orgId}.`;
}

const IDENTITY: Partial<Record<OrgEntity, string>> = {
  material: 'id',
  facility: 'id',
  agreement: 'id',
  product: 'id',
};

function tableOf(entity: OrgEntity): string {
  if (entity in PORTFOLIO_ENTITIES) return PORTFOLIO_ENTITIES[entity as PortfolioEntity];
  if (!(ORG_ENTITIES as readonly string[]).includes(entity))
    throw new NotFoundError('entity', String(entity), [...ORG_ENTITIES]);
  return ENTITIES[entity as EntityName].table;
}

export function orgRepository(store: Store, principalOrOrgId: Principal | string): OrgRepository {
  const principal = typeof principalOrOrgId === 'string' ? null : principalOrOrgId;
  const orgId = principal ? principal.orgId : (principalOrOrgId as string);
  if (typeof orgId !== 'string' || orgId.length === 0) throw new Error('orgRepository needs an organisation');
  const actor: Actor = principal ?? { userId: null, email: 'cli', orgId };
  const prefix = orgSourcePrefix(orgId);
  const canWrite = (action: string) => {
    if (principal) requireRole(principal, 'analyst', action);
  };

  const present = (entity: OrgEntity, r: Record<string, unknown>): OwnRow => {
    const isModel = !(entity in PORTFOLIO_ENTITIES);
    const row = isModel ? fromStored(entity as EntityName, r) : portfolioRow(entity as PortfolioEntity, r);
    if (typeof row.source_id === 'string' && row.source_id.startsWith(prefix))
      row.source_id = row.source_id.slice(prefix.length);
    const id = IDENTITY[entity];
    return { key: id ? String(r[id]) : String(r.row_id), row };
  };

  const keyed = (entity: OrgEntity, key: string) => {
    const id = IDENTITY[entity];
    const base = q(store).selectFrom(tableOf(entity)).selectAll().where('org_id', '=', orgId);
    if (id) return base.where(id, '=', String(key));
    const n = /^\d{1,15}$/.test(String(key)) ? Number(key) : -1;
    return base.where('row_id', '=', n);
  };

  const repo: OrgRepository = {
    orgId,

    async list(entity, opts = {}) {
      const limit = Math.max(1, Math.min(10_000, Math.floor(opts.limit ?? 1000)));
      const rows = await q(store)
        .selectFrom(tableOf(entity))
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('row_id')
        .limit(limit)
        .offset(Math.max(0, Math.floor(opts.offset ?? 0)))
        .execute();
      return rows.map((r) => present(entity, r));
    },

    async get(entity, key) {
      const row = await keyed(entity, key).executeTakeFirst();
      if (!row) throw new NotFoundError(String(entity), String(key));
      return present(entity, row);
    },

    async delete(entity, key) {
      canWrite('delete organisation data');
      const table = tableOf(entity);
      return store.transaction(async (tx) => {
        const id = IDENTITY[entity];
        const row = await q(tx)
          .selectFrom(table)
          .select(['row_id', ...(id ? [id] : [])])
          .where('org_id', '=', orgId)
          .where(id ?? 'row_id', '=', id ? String(key) : /^\d{1,15}$/.test(String(key)) ? Number(key) : -1)
          .executeTakeFirst();
        if (!row) throw new NotFoundError(String(entity), String(key));
        if (id) await assertUnreferenced(tx, orgId, entity, String(key));
        const res = await q(tx)
          .deleteFrom(table)
          .where('org_id', '=', orgId)
          .where('row_id', '=', row.row_id as number)
          .executeTakeFirst();
        await recordAudit(tx, actor, 'org.data.delete', `${entity}:${key}`);
        await bumpOrgVersion(tx, orgId, `delete ${entity} ${key}`);
        return { deleted: Number(res.numDeletedRows ?? 0) };
      });
    },

    async importBatch(batch, opts = {}) {
      canWrite('import organisation data');
      const scopedBatch = await scopeBatch(store, orgId, batch);
      let after = '';
      const res = await applyBatch(store, scopedBatch, {
        orgId,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        afterWrite: async (tx) => {
          for (const s of scopedBatch.sources) {
            await q(tx).deleteFrom('org_source').where('source_id', '=', s.id).execute();
            await q(tx).insertInto('org_source').values({ source_id: s.id, org_id: orgId }).execute();
          }
          await recordAudit(tx, actor, 'org.import', `import:${batch.format}`, {
            path: batch.path.split(/[\\/]/).pop(),
            sources: batch.sources.map((s) => s.id),
            counts: batch.report.counts,
          });
          after = await bumpOrgVersion(tx, orgId, `import ${batch.path}`);
        },
      });
      return {
        ...res,
        sources: res.sources.map((s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
        dataVersion: `${await publicDataVersion(store)}.${after}`,
      };
    },

    async importPortfolio(batch) {
      canWrite('import the organisation portfolio');
      return store.transaction(async (tx) => {
        const issues: Issue[] = [];
        const countries = new Set<string>();
        for (const part of ['sites', 'ksm'] as const)
          for (const r of batch.parts[part]) countries.add(String(r.row.country));
        const known = new Set(
          countries.size === 0
            ? []
            : (
                await q(tx)
                  .selectFrom('country')
                  .select('iso3')
                  .where('iso3', 'in', [...countries])
                  .execute()
              ).map((r) => r.iso3 as string),
        );
        for (const part of ['sites', 'ksm'] as const)
          for (const r of batch.parts[part])
            if (!known.has(String(r.row.country)))
              issues.push(issueAt(r.loc, 'country', `unknown country ${JSON.stringify(r.row.country)}`));
        if (issues.length) throw new ValidationError(issues.slice(0, 100), issues.length > 100);

        const materials = await visibleMaterials(tx, orgId);
        const matched: PortfolioImportResult['matched'] = [];
        const unmatched: PortfolioImportResult['unmatched'] = [];
        const apiMaterial = new Map<string, string | null>();
        for (const r of batch.parts.apis) {
          const name = String(r.row.api);
          if (!apiMaterial.has(name.toLowerCase())) {
            const m = matchMaterial(materials, name, ['api']);
            apiMaterial.set(name.toLowerCase(), m?.id ?? null);
            if (m) matched.push({ api: name, material_id: m.id });
            else unmatched.push({ kind: 'api', name });
          }
        }
        const ksmMaterial = new Map<string, string | null>();
        for (const r of batch.parts.ksm) {
          const name = String(r.row.ksm);
          if (!ksmMaterial.has(name.toLowerCase())) {
            const m = matchMaterial(materials, name, ['chemical', 'refined', 'api', 'mine']);
            ksmMaterial.set(name.toLowerCase(), m?.id ?? null);
            if (!m) unmatched.push({ kind: 'ksm', name });
          }
        }

        let replaced = 0;
        for (const table of Object.values(PORTFOLIO_ENTITIES)) {
          const res = await q(tx).deleteFrom(table).where('org_id', '=', orgId).executeTakeFirst();
          replaced += Number(res.numDeletedRows ?? 0);
        }
        const insert = async (table: string, rows: Record<string, unknown>[]) => {
          for (let i = 0; i < rows.length; i += 200)
            await q(tx)
              .insertInto(table)
              .values(rows.slice(i, i + 200))
              .execute();
        };
        const nul = (v: unknown) => (v === undefined ? null : v);
        await insert(
          'org_product',
          batch.parts.products.map(({ row }) => ({
            org_id: orgId,
            id: row.id,
            name: row.name,
            ndc: JSON.stringify(row.ndc ?? []),
            stock_days: nul(row.stock_days),
            note: nul(row.note),
          })),
        );
        await insert(
          'org_product_api',
          batch.parts.apis.map(({ row }) => ({
            org_id: orgId,
            product_id: row.product_id,
            api: row.api,
            material_id: apiMaterial.get(String(row.api).toLowerCase()) ?? null,
            stock_days: nul(row.stock_days),
            note: nul(row.note),
          })),
        );
        await insert(
          'org_api_site',
          batch.parts.sites.map(({ row }) => ({
            org_id: orgId,
            api: row.api,
            site_id: row.site_id,
            name: row.name,
            company: nul(row.company),
            country: row.country,
            fei: nul(row.fei),
            duns: nul(row.duns),
            share: nul(row.share),
            note: nul(row.note),
          })),
        );
        await insert(
          'org_ksm_supplier',
          batch.parts.ksm.map(({ row }) => ({
            org_id: orgId,
            api: row.api,
            site_id: row.site_id,
            ksm: row.ksm,
            material_id: ksmMaterial.get(String(row.ksm).toLowerCase()) ?? null,
            supplier: row.supplier,
            country: row.country,
            fei: nul(row.fei),
            duns: nul(row.duns),
            share: nul(row.share),
            note: nul(row.note),
          })),
        );
        const counts = {
          products: batch.parts.products.length,
          apis: batch.parts.apis.length,
          sites: batch.parts.sites.length,
          ksm: batch.parts.ksm.length,
        };
        await recordAudit(tx, actor, 'org.portfolio.import', `portfolio:${orgId}`, {
          path: batch.path.split(/[\\/]/).pop(),
          counts,
          replaced,
        });
        const v = await bumpOrgVersion(tx, orgId, `portfolio ${JSON.stringify(counts)}`);
        return {
          format: batch.format,
          counts,
          replaced,
          matched,
          unmatched,
          warnings: batch.warnings,
          dataVersion: `${await publicDataVersion(tx as unknown as Store)}.${v}`,
        };
      });
    },

    async portfolio() {
      const read = (table: string) =>
        q(store).selectFrom(table).selectAll().where('org_id', '=', orgId).orderBy('row_id').execute();
      const [products, apis, sites, ksm] = await Promise.all([
        read('org_product'),
        read('org_product_api'),
        read('org_api_site'),
        read('org_ksm_supplier'),
      ]);
      return {
        products: products.map((r) => portfolioRow('product', r) as PortfolioProduct),
        apis: apis.map((r) => portfolioRow('product_api', r) as Portfolio['apis'][number]),
        sites: sites.map((r) => portfolioRow('api_site', r) as PortfolioSite),
        ksm: ksm.map((r) => portfolioRow('ksm_supplier', r) as Portfolio['ksm'][number]),
      };
    },

    snapshot(year) {
      return loadSnapshot(repo.view(), year);
    },

    view() {
      return makeView(store, orgId);
    },

    async dataVersion() {
      return `${await publicDataVersion(store)}.${(await orgVersion(store, orgId)) ?? 'none'}`;
    },

    runs: {
      list: (opts = {}) => listRunRows(store, { ...opts, orgId }),
      async get(idOrPrefix) {
        const id = String(idOrPrefix);
        let row = await getRunRow(store, id, orgId);
        if (!row) {
          const ids = await findRunIds(store, id, orgId);
          if (ids.length === 1) row = await getRunRow(store, ids[0]!, orgId);
          if (!row) throw new NotFoundError('run', id, ids);
        }
        return row;
      },
      async save(row) {
        canWrite('save runs');
        await store.transaction(async (tx) => {
          await insertRun({ ...store, db: tx.db } as Store, { ...row, org_id: orgId });
          await recordAudit(tx, actor, 'run.save', `run:${row.id}`, { name: row.name });
        });
        return row.id;
      },
    },
  };
  return repo;
}

async function orgVersion(store: Store, orgId: string): Promise<string | null> {
  const row = await q(store)
    .selectFrom('org_state')
    .select('version')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return (row?.version as string | undefined) ?? null;
}

// ── views: the rows analyses read (read-view.ts) ──────────────────────────────────────────────

/**
 * Columns naming one row of an overlay table: an organisation's row with the identity of public
 * rows replaces them in its view (read-view.ts, docs/org-data.md). `nullable` columns compare with
 * null equal to null; `where` names a column that must be null on both rows (production:
 * country-level rows only; an organisation's facility rows are always added).
 */
const OVERLAY_IDENTITY: Partial<
  Record<OverlayTable, { cols: string[]; nullable?: string[]; where?: string }>
> = {
  production: { cols: ['material_id', 'country', 'period', 'measure', 'origin'], where: 'facility_id' },
  sourcing_share: { cols: ['material_id', 'importer', 'partner', 'period'] },
  trade_flow: {
    cols: ['exporter', 'importer', 'reporter', 'period', 'measure'],
    nullable: ['material_id', 'hs_code'],
  },
  recipe: { cols: ['output_id', 'input_id'] },
  demand: { cols: ['material_id', 'country', 'period', 'kind'] },
  stock: { cols: ['material_id', 'holder_country', 'kind', 'period'], nullable: ['holder_org'] },
};

/** The public view: what the command line without `--org` reads (public rows only). */
export function publicView(store: Store): ReadView {
  return makeView(store, null);
}

/** A store stands for its public view; a view is itself. */
export function viewOf(s: StoreOrView): ReadView {
  return isReadView(s) ? s : makeView(s, null);
}

function makeView(store: Store, orgId: string | null): ReadView {
  const own = (table: string) => sql.ref(`${table}.org_id`);
  const visible = (table: OverlayTable) => {
    if (table === 'source') {
      // public sources, and this organisation's own; never another organisation's
      return orgId === null
        ? sql<boolean>`${sql.ref('source.id')} not in (select source_id from org_source)`
        : sql<boolean>`${sql.ref('source.id')} not in (select source_id from org_source where org_id <> ${orgId})`;
    }
    if (orgId === null) return sql<boolean>`${own(table)} is null`;
    const idn = OVERLAY_IDENTITY[table];
    if (!idn) return sql<boolean>`(${own(table)} is null or ${own(table)} = ${orgId})`;
    const same = [
      ...idn.cols.map((c) => sql`${sql.ref(`ov.${c}`)} = ${sql.ref(`${table}.${c}`)}`),
      ...(idn.nullable ?? []).map(
        (c) => sql`coalesce(${sql.ref(`ov.${c}`)}, '') = coalesce(${sql.ref(`${table}.${c}`)}, '')`,
      ),
      ...(idn.where ? [sql`${sql.ref(`ov.${idn.where}`)} is null`] : []),
    ];
    const replaceable = idn.where ? sql`${sql.ref(`${table}.${idn.where}`)} is null and ` : sql``;
    return sql<boolean>`(${own(table)} = ${orgId} or (${own(table)} is null and not (${replaceable}exists (select 1 from ${sql.table(table)} as ov where ov.org_id = ${orgId} and ${sql.join(same, sql` and `)}))))`;
  };
  const view: ReadView = {
    kind: 'read-view',
    store,
    db: store.db,
    orgId,
    from(table) {
      return store.db.selectFrom(table as 'material').where(visible(table)) as never;
    },
    own(table) {
      return (
        orgId === null ? sql<number>`0` : sql<number>`case when ${own(table)} is null then 0 else 1 end`
      ).as('own');
    },
    async dataVersion() {
      const pub = await publicDataVersion(store);
      return orgId === null ? pub : `${pub}.${(await orgVersion(store, orgId)) ?? 'none'}`;
    },
    async cacheKey() {
      const [pub, ov] = await Promise.all([
        publicDataVersion(store),
        orgId === null ? null : orgVersion(store, orgId),
      ]);
      return ov === null ? `public:${pub}` : `org:${orgId}:${pub}.${ov}`;
    },
    snapshot(year) {
      return loadSnapshot(view, year);
    },
  };
  return view;
}

/** Stored portfolio row → its model shape (`ndc` JSON text → array; org and row ids dropped). */
function portfolioRow(entity: PortfolioEntity, r: Record<string, unknown>): Record<string, unknown> {
  const { org_id: _o, row_id: _r, ...rest } = r;
  if (entity === 'product') rest.ndc = JSON.parse(String(rest.ndc ?? '[]'));
  for (const k of ['share', 'stock_days'])
    if (k in rest && rest[k] !== null && rest[k] !== undefined) rest[k] = Number(rest[k]);
  return rest;
}

/**
 * An organisation's interchange batch, made safe to apply: only org-scoped entities; its sources
 * renamed into the organisation's namespace (and the records citing them); a record may cite a
 * source of the batch or a public source, never another organisation's.
 */
async function scopeBatch(store: Store, orgId: string, batch: ImportBatch): Promise<ImportBatch> {
  const prefix = orgSourcePrefix(orgId);
  const issues: Issue[] = [];
  const own = new Set(batch.sources.map((s) => s.id));
  const cited = new Set<string>();
  for (const [entity, rows] of Object.entries(batch.rows) as [
    EntityName,
    ImportBatch['rows'][EntityName],
  ][]) {
    if (!rows?.length) continue;
    if (!ENTITIES[entity].orgScoped) {
      issues.push({
        file: rows[0]!.loc.file,
        message: `${entity} records are public reference data; an organisation may import ${ORG_ENTITIES.filter((e) => !(e in PORTFOLIO_ENTITIES)).join(', ')}`,
      });
      continue;
    }
    for (const r of rows) if (!own.has(String(r.row.source_id))) cited.add(String(r.row.source_id));
  }
  if (cited.size) {
    // public sources: in the source table and owned by no organisation
    const exist = new Set(
      (
        await q(store)
          .selectFrom('source')
          .select('id')
          .where('id', 'in', [...cited])
          .execute()
      ).map((r) => r.id as string),
    );
    const owned = new Set(
      (
        await q(store)
          .selectFrom('org_source')
          .select('source_id')
          .where('source_id', 'in', [...cited])
          .execute()
      ).map((r) => r.source_id as string),
    );
    for (const [, rows] of Object.entries(batch.rows))
      for (const r of rows ?? []) {
        const s = String(r.row.source_id);
        if (!own.has(s) && (!exist.has(s) || owned.has(s)))
          issues.push(issueAt(r.loc, 'source_id', `unknown source ${JSON.stringify(s)}`));
      }
  }
  for (const s of batch.sources) {
    const id = `${prefix}${s.id}`;
    if (id.length > 200)
      issues.push({
        file: batch.path,
        column: 'id',
        message: `source id ${JSON.stringify(s.id)} is too long`,
      });
  }
  if (issues.length) throw new ValidationError(issues.slice(0, 100), issues.length > 100);
  const rename = (id: unknown) => (own.has(String(id)) ? `${prefix}${id}` : id);
  const rows: ImportBatch['rows'] = {};
  for (const [entity, list] of Object.entries(batch.rows) as [EntityName, ImportBatch['rows'][EntityName]][])
    rows[entity] = (list ?? []).map((r) => ({ ...r, row: { ...r.row, source_id: rename(r.row.source_id) } }));
  return {
    ...batch,
    sources: batch.sources.map((s) => ({ ...s, id: `${prefix}${s.id}` })),
    rows,
  };
}

/** Refuses to delete an identity (material, facility) that other own rows still refer to. */
async function assertUnreferenced(tx: StoreTx, orgId: string, entity: OrgEntity, key: string): Promise<void> {
  if (entity === 'product') {
    const n = await q(tx)
      .selectFrom('org_product_api')
      .select('row_id')
      .where('org_id', '=', orgId)
      .where('product_id', '=', key)
      .executeTakeFirst();
    if (n) throw new ConflictError(`product ${key} still has APIs listed; delete them first`, 'product_id');
    return;
  }
  for (const def of Object.values(ENTITIES)) {
    if (!def.orgScoped) continue;
    for (const [field, target] of Object.entries(def.refs)) {
      if (target !== entity) continue;
      const hit = await q(tx)
        .selectFrom(def.table)
        .select('row_id')
        .where('org_id', '=', orgId)
        .where(field, '=', key)
        .executeTakeFirst();
      if (hit)
        throw new ConflictError(
          `${entity} ${key} is still referred to by ${def.name} records (${field})`,
          field,
        );
    }
  }
}

async function bumpOrgVersion(tx: StoreTx, orgId: string, what: string): Promise<string> {
  const prev = await q(tx)
    .selectFrom('org_state')
    .select('version')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  const now = new Date().toISOString();
  const version = createHash('sha256')
    .update(`${(prev?.version as string | undefined) ?? ''}|${now}|${what}`)
    .digest('hex')
    .slice(0, 16);
  await q(tx).deleteFrom('org_state').where('org_id', '=', orgId).execute();
  await q(tx).insertInto('org_state').values({ org_id: orgId, version, updated_at: now }).execute();
  return version;
}

async function visibleMaterials(s: HasDb, orgId: string): Promise<Material[]> {
  const rows = await q(s)
    .selectFrom('material')
    .selectAll()
    .where(sql<boolean>`(org_id is null or org_id = ${orgId})`)
    .execute();
  return rows.map((r) => fromStored<Material>('material', r));
}

function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The material a portfolio names: exact id, else name or synonym (case and punctuation ignored),
 * preferring the listed stages in order. Ambiguous or unknown names match nothing.
 */
export function matchMaterial(
  materials: readonly Material[],
  name: string,
  stages: readonly string[],
): Material | undefined {
  const n = norm(name);
  const byId = materials.find((m) => m.id === name.trim().toLowerCase());
  if (byId) return byId;
  const hits = materials.filter((m) => norm(m.name) === n || m.synonyms.some((s) => norm(s) === n));
  for (const st of stages) {
    const at = hits.filter((m) => m.stage === st);
    if (at.length === 1) return at[0];
    if (at.length > 1) return undefined;
  }
  return undefined;
}
