import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/helpers/stores.js';
import { validationError } from '../../test/helpers/validation-error.js';
import { BatchBuilder } from '../importers/batch.js';
import { parsePortfolioDocument } from '../importers/org-portfolio.js';
import { referenceBatch } from '../importers/reference.js';
import { NotFoundError } from '../model/index.js';
import { ForbiddenError } from '../model/org-errors.js';
import { PORTFOLIO_FORMAT } from '../model/org-portfolio.js';
import type { Principal } from './accounts.js';
import { applyBatch } from './apply-batch.js';
import { ORG_ENTITIES, orgRepository } from './scoped-repository.js';
import { dataVersion } from './snapshot-loader.js';
import type { Store } from './store.js';

const SOURCE = {
  id: 'bom',
  publisher: 'test organisation',
  title: 'own records (test)',
  year: 2025,
  url: null,
  file: null,
  licence: 'confidential',
  note: null,
};

/** The public base of these tests: countries and two public materials with production. */
function publicBatch() {
  const b = new BatchBuilder('trustmap', 'public.json');
  b.source({ ...SOURCE, id: 'public-test', licence: 'CC0' });
  for (const id of ['pub.refined', 'pub2.refined'])
    b.add(
      'material',
      {
        id,
        name: id,
        commodity: id.split('.')[0],
        stage: 'refined',
        basis: 'element_content',
        unit: 't',
        source_id: 'public-test',
      },
      { file: 'public.json' },
    );
  b.add(
    'production',
    {
      material_id: 'pub.refined',
      country: 'CHN',
      period: '2024',
      measure: 'production',
      quantity: 100,
      unit: 't',
      source_id: 'public-test',
    },
    { file: 'public.json' },
  );
  return b.build();
}

interface OrgData {
  materials: string[];
  production: { material: number; country: string; quantity: number }[];
  stocks: { material: number; days: number }[];
  products: string[];
}

function orgBatch(d: OrgData) {
  const b = new BatchBuilder('trustmap', 'own.json');
  b.source(SOURCE);
  const mats = d.materials.length ? d.materials : [];
  for (const id of mats)
    b.add(
      'material',
      {
        id,
        name: `own ${id}`,
        commodity: id.split('.')[0],
        stage: 'api',
        basis: 'compound',
        unit: 'kg',
        source_id: 'bom',
        illustrative: true,
      },
      { file: 'own.json' },
    );
  const ids = [...mats, 'pub.refined'];
  d.production.forEach((p, i) => {
    b.add(
      'production',
      {
        material_id: ids[p.material % ids.length],
        country: p.country,
        period: String(2000 + i),
        measure: 'production',
        quantity: p.quantity,
        unit: 'kg',
        source_id: 'bom',
      },
      { file: 'own.json' },
    );
  });
  d.stocks.forEach((s, i) => {
    b.add(
      'stock',
      {
        material_id: ids[s.material % ids.length],
        holder_country: 'USA',
        kind: 'inventory',
        period: String(2000 + i),
        days_of_cover: s.days,
        source_id: 'bom',
      },
      { file: 'own.json' },
    );
  });
  return b.build();
}

function portfolioDoc(products: string[]) {
  return parsePortfolioDocument({
    format: PORTFOLIO_FORMAT,
    products: products.map((id) => ({ id, name: `product ${id}` })),
    apis: products.map((id) => ({ product_id: id, api: `api of ${id}` })),
    sites: products.map((id) => ({
      api: `api of ${id}`,
      site_id: `s-${id}`,
      name: `site ${id}`,
      country: 'IND',
      share: 1,
    })),
  });
}

const orgData: fc.Arbitrary<OrgData> = fc.record({
  materials: fc.uniqueArray(fc.constantFrom('x.api', 'y.api', 'z.api', 'w.api'), { maxLength: 3 }),
  production: fc.array(
    fc.record({
      material: fc.nat(5),
      country: fc.constantFrom('IND', 'USA', 'CHN'),
      quantity: fc.integer({ min: 0, max: 1e6 }),
    }),
    { maxLength: 4 },
  ),
  stocks: fc.array(fc.record({ material: fc.nat(5), days: fc.integer({ min: 0, max: 365 }) }), {
    maxLength: 3,
  }),
  products: fc.uniqueArray(fc.constantFrom('p1', 'p2', 'p3', 'p4'), { minLength: 1, maxLength: 3 }),
});

function run(id: string, orgId: string | null) {
  return {
    id,
    created_at: '2026-01-01T00:00:00.000Z',
    name: `run ${id}`,
    scenario: '{}',
    scenario_hash: 'h',
    seed: null,
    code_version: 'test',
    data_version: 'test',
    year: 2024,
    horizon_days: 10,
    step_days: 1,
    summary: '{}',
    curves: null,
    curves_encoding: null,
    org_id: orgId,
  };
}

for (const dialect of testDialects()) {
  describe(`scoped repository on ${dialect.name}`, () => {
    let store: Store;
    let n = 0;
    beforeAll(async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      await applyBatch(store, publicBatch());
    });
    afterAll(async () => {
      await store?.close();
    });

    it('gives each organisation only its own rows through every method (random rows for two organisations)', async () => {
      const publicMaterials = await store.db
        .selectFrom('material')
        .select('id')
        .where('org_id', 'is', null)
        .execute();
      await fc.assert(
        fc.asyncProperty(orgData, orgData, async (da, db) => {
          n++;
          const A = orgRepository(store, `a${n}`);
          const B = orgRepository(store, `b${n}`);
          await A.importBatch(orgBatch(da));
          await B.importBatch(orgBatch(db));
          await A.importPortfolio(portfolioDoc(da.products));
          await B.importPortfolio(portfolioDoc(db.products));
          await A.runs.save(run(`run-a${n}`, null));
          await B.runs.save(run(`run-b${n}`, null));
          for (const [repo, d, other, od] of [
            [A, da, B, db],
            [B, db, A, da],
          ] as const) {
            const expected: Record<string, number> = {
              material: d.materials.length,
              production: d.production.length,
              stock: d.stocks.length,
              product: d.products.length,
              product_api: d.products.length,
              api_site: d.products.length,
              ksm_supplier: 0,
            };
            for (const entity of ORG_ENTITIES) {
              const rows = await repo.list(entity);
              expect(rows.length, `${repo.orgId} ${entity}`).toBe(expected[entity] ?? 0);
              for (const r of rows) {
                if ('source_id' in r.row) expect(r.row.source_id).toBe('bom');
                // a key of mine answers with my row
                expect((await repo.get(entity, r.key)).row).toEqual(r.row);
              }
              // the other organisation's row keys answer "not found" unless I own the same id
              const mine = new Set(rows.map((r) => r.key));
              for (const r of await other.list(entity)) {
                if (mine.has(r.key)) continue;
                await expect(repo.get(entity, r.key)).rejects.toBeInstanceOf(NotFoundError);
                await expect(repo.delete(entity, r.key)).rejects.toBeInstanceOf(NotFoundError);
              }
            }
            const snap = await repo.snapshot(2024);
            for (const m of d.materials) expect(snap.materialIds).toContain(m);
            for (const m of od.materials)
              if (!d.materials.includes(m)) expect(snap.materialIds).not.toContain(m);
            for (const m of publicMaterials) expect(snap.materialIds).toContain(m.id);
            expect((await repo.portfolio()).products.map((p) => p.id).sort()).toEqual([...d.products].sort());
            const runs = await repo.runs.list();
            expect(runs.map((r) => r.id)).toEqual([repo === A ? `run-a${n}` : `run-b${n}`]);
            await expect(repo.runs.get(repo === A ? `run-b${n}` : `run-a${n}`)).rejects.toBeInstanceOf(
              NotFoundError,
            );
            // a prefix matching only the other's run finds nothing either
            await expect(repo.runs.get(repo === A ? 'run-b' : 'run-a')).rejects.toBeInstanceOf(NotFoundError);
          }
          // the other organisation's rows survived every attempted delete
          expect((await B.list('product')).length).toBe(db.products.length);
        }),
        { numRuns: dialect.name === 'postgres' ? 6 : 12 },
      );
      // public rows are untouched and the command line's public runs see no organisation's run
      const after = await store.db.selectFrom('material').select('id').where('org_id', 'is', null).execute();
      expect(after).toEqual(publicMaterials);
      const pubRuns = await store.db
        .withTables<{ simulation_run: { id: string; org_id: string | null } }>()
        .selectFrom('simulation_run')
        .select('id')
        .where('org_id', 'is', null)
        .execute();
      expect(pubRuns).toEqual([]);
    });

    it('re-importing replaces the organisation’s rows and changes only its own data version', async () => {
      const A = orgRepository(store, 'reimport-a');
      const B = orgRepository(store, 'reimport-b');
      await B.importBatch(orgBatch({ materials: ['x.api'], production: [], stocks: [], products: [] }));
      const pub = await dataVersion(store);
      const vb = await B.dataVersion();
      const va0 = await A.dataVersion();
      await A.importBatch(
        orgBatch({ materials: ['x.api', 'y.api'], production: [], stocks: [], products: [] }),
      );
      const va1 = await A.dataVersion();
      const res = await A.importBatch(
        orgBatch({ materials: ['y.api'], production: [], stocks: [], products: [] }),
      );
      expect(res.sources).toEqual(['bom']);
      expect(res.replaced).toBe(2);
      expect((await A.list('material')).map((r) => r.key)).toEqual(['y.api']);
      expect(await A.dataVersion()).not.toBe(va1);
      expect(va1).not.toBe(va0);
      expect(await B.dataVersion()).toBe(vb);
      expect(await dataVersion(store)).toBe(pub);
    });

    it('refuses public reference entities and another organisation’s sources in an organisation import', async () => {
      const A = orgRepository(store, 'refuse-a');
      const B = orgRepository(store, 'refuse-b');
      await B.importBatch(orgBatch({ materials: ['x.api'], production: [], stocks: [], products: [] }));
      const stat = new BatchBuilder('trustmap', 'stat.json');
      stat.source(SOURCE);
      stat.add(
        'statistic',
        {
          commodity: 'pub',
          country: 'USA',
          period: '2024',
          statistic: 'x',
          value: 1,
          unit: 't',
          source_id: 'bom',
        },
        { file: 'stat.json', row: 2 },
      );
      const e1 = await validationError(() => A.importBatch(stat.build()));
      expect(e1.issues[0]!.message).toMatch(/statistic records are public reference data/);
      // citing B's (namespaced) source: unknown, as if it did not exist
      const steal = new BatchBuilder('trustmap', 'steal.json');
      steal.source({ ...SOURCE, id: 'mine' });
      steal.add(
        'stock',
        {
          material_id: 'pub.refined',
          holder_country: 'USA',
          kind: 'inventory',
          period: '2024',
          days_of_cover: 3,
          source_id: 'org.refuse-b.bom',
        },
        { file: 'steal.json', row: 2 },
      );
      const e2 = await validationError(() => A.importBatch(steal.build()));
      expect(e2.issues).toEqual([
        { file: 'steal.json', row: 2, column: 'source_id', message: 'unknown source "org.refuse-b.bom"' },
      ]);
      // B's material id is invisible to A: referring to it fails, defining it succeeds
      const ref = new BatchBuilder('trustmap', 'ref.json');
      ref.source(SOURCE);
      ref.add(
        'stock',
        {
          material_id: 'x.api',
          holder_country: 'USA',
          kind: 'inventory',
          period: '2024',
          days_of_cover: 3,
          source_id: 'bom',
        },
        { file: 'ref.json', row: 2 },
      );
      const e3 = await validationError(() => A.importBatch(ref.build()));
      expect(e3.issues[0]).toMatchObject({ column: 'material_id', message: 'unknown material "x.api"' });
      await A.importBatch(orgBatch({ materials: ['x.api'], production: [], stocks: [], products: [] }));
      expect((await B.list('material')).map((r) => r.row.name)).toEqual(['own x.api']);
    });

    it('lets viewers read but not write, and refuses to delete a material its own rows use', async () => {
      const viewer: Principal = {
        userId: 'u1',
        email: 'v@x',
        orgId: 'roles-a',
        orgName: 'A',
        role: 'viewer',
        tokenId: 't',
      };
      const analyst: Principal = { ...viewer, role: 'analyst' };
      const V = orgRepository(store, viewer);
      await expect(V.importPortfolio(portfolioDoc(['p1']))).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        V.importBatch(orgBatch({ materials: [], production: [], stocks: [], products: [] })),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(V.runs.save(run('v-run', null))).rejects.toBeInstanceOf(ForbiddenError);
      const W = orgRepository(store, analyst);
      await W.importBatch(
        orgBatch({
          materials: ['x.api'],
          production: [{ material: 0, country: 'IND', quantity: 5 }],
          stocks: [],
          products: [],
        }),
      );
      expect(await V.list('material')).toHaveLength(1);
      await expect(W.delete('material', 'x.api')).rejects.toMatchObject({ name: 'ConflictError' });
      const [prod] = await W.list('production');
      expect(await W.delete('production', prod!.key)).toEqual({ deleted: 1 });
      expect(await W.delete('material', 'x.api')).toEqual({ deleted: 1 });
      const audit = await store.db
        .withTables<{ audit_log: { org_id: string; action: string; email: string } }>()
        .selectFrom('audit_log')
        .select(['action', 'email'])
        .where('org_id', '=', 'roles-a')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['org.import', 'org.data.delete', 'org.data.delete']);
      expect(audit.every((a) => a.email === 'v@x')).toBe(true);
    });
  });
}
