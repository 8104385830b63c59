import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationFixture } from '../../test/fixtures/simulation-dataset.js';
import { testDialects } from '../../test/helpers/stores.js';
import { isUnavailable } from '../engine/analytics/concentration.js';
import { BatchBuilder } from '../importers/batch.js';
import { referenceBatch } from '../importers/reference.js';
import { materialReports } from '../services/material-report.js';
import { riskTable } from '../services/risk-table.js';
import { applyBatch } from './apply-batch.js';
import { listMaterials, listSources, newestProductionByMaterial } from './queries.js';
import type { ReadView } from './read-view.js';
import { orgRepository, publicView } from './scoped-repository.js';
import { dataVersion } from './snapshot-loader.js';
import type { Store } from './store.js';

/**
 * The overlay rule of read views (read-view.ts, docs/org-data.md) on SQLite and PostgreSQL, over
 * the simulation fixture: gallium (ga.refined) 2024 production CHN 900 kg, JPN 30 kg, "other" 0
 * (source year 2026); US import sources of gallium CAN 30 %, JPN 20 %, CHN 20 %, other 30 %.
 */

const OWN_SOURCE = {
  id: 'bom',
  publisher: 'test organisation',
  title: 'own records (test, illustrative)',
  // an older edition than the public rows (2026): own rows must still join the public edition
  year: 2025,
  url: null,
  file: null,
  licence: 'confidential',
  note: null,
};
const loc = { file: 'own.json' };

type Row = Record<string, unknown>;
function ownBatch(rows: { production?: Row[]; sourcing_share?: Row[]; stock?: Row[]; material?: Row[] }) {
  const b = new BatchBuilder('trustmap', 'own.json');
  b.source(OWN_SOURCE);
  for (const r of rows.material ?? []) b.add('material', { source_id: 'bom', ...r }, loc);
  for (const r of rows.production ?? [])
    b.add(
      'production',
      { period: '2024', measure: 'production', unit: 'kg', source_id: 'bom', illustrative: true, ...r },
      loc,
    );
  for (const r of rows.sourcing_share ?? []) b.add('sourcing_share', { source_id: 'bom', ...r }, loc);
  for (const r of rows.stock ?? []) b.add('stock', { source_id: 'bom', ...r }, loc);
  return b.build();
}

async function gallium2024(view: ReadView) {
  const rows = await view
    .from('production')
    .select(['country', 'quantity', view.own('production')])
    .where('material_id', '=', 'ga.refined')
    .where('measure', '=', 'production')
    .where('period', '=', '2024')
    .execute();
  return Object.fromEntries(
    rows.map((r) => [r.country, `${Number(r.quantity)}${Number(r.own) ? ' own' : ''}`]),
  );
}

async function hhi2024(view: ReadView): Promise<{ hhi: number; china: number }> {
  const [rep] = await materialReports(view, 'ga.refined', { concern: 'CHN' });
  const c = rep!.concentration.find((x) => x.measure === 'production' && x.period === '2024')!;
  if (isUnavailable(c.hhi) || isUnavailable(c.concernShare)) throw new Error('unavailable');
  return { hhi: c.hhi, china: c.concernShare };
}

for (const dialect of testDialects()) {
  describe(`read views on ${dialect.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      await applyBatch(store, simulationFixture());
      // org A adds a US producer; org B replaces Japan's figure and the Canadian import share
      await orgRepository(store, 'a').importBatch(
        ownBatch({ production: [{ material_id: 'ga.refined', country: 'USA', quantity: 70 }] }),
      );
      await orgRepository(store, 'b').importBatch(
        ownBatch({
          production: [{ material_id: 'ga.refined', country: 'JPN', quantity: 130 }],
          sourcing_share: [
            { material_id: 'ga.refined', importer: 'USA', partner: 'CAN', period: '2021-2024', share: 0.5 },
          ],
        }),
      );
    });
    afterAll(async () => {
      await store?.close();
    });

    it('adds an organisation row, replaces a public row of the same identity, and only in that view', async () => {
      expect(await gallium2024(publicView(store))).toEqual({ CHN: '900', JPN: '30', XOT: '0' });
      expect(await gallium2024(orgRepository(store, 'a').view())).toEqual({
        CHN: '900',
        JPN: '30',
        XOT: '0',
        USA: '70 own',
      });
      expect(await gallium2024(orgRepository(store, 'b').view())).toEqual({
        CHN: '900',
        JPN: '130 own',
        XOT: '0',
      });
      // an organisation with no rows sees the public data
      expect(await gallium2024(orgRepository(store, 'c').view())).toEqual({
        CHN: '900',
        JPN: '30',
        XOT: '0',
      });
      const shares = async (v: ReadView) =>
        Object.fromEntries(
          (
            await v
              .from('sourcing_share')
              .select(['partner', 'share'])
              .where('material_id', '=', 'ga.refined')
              .execute()
          ).map((r) => [r.partner, Number(r.share)]),
        );
      expect(await shares(publicView(store))).toEqual({ CAN: 0.3, JPN: 0.2, CHN: 0.2, XOT: 0.3 });
      expect(await shares(orgRepository(store, 'b').view())).toEqual({
        CAN: 0.5,
        JPN: 0.2,
        CHN: 0.2,
        XOT: 0.3,
      });
      expect(await shares(orgRepository(store, 'a').view())).toEqual({
        CAN: 0.3,
        JPN: 0.2,
        CHN: 0.2,
        XOT: 0.3,
      });
    });

    it("changes the organisation's HHI and China share by the hand-computed amount; others unchanged", async () => {
      // public: 900 + 30 = 930 kg; HHI = (900² + 30²) / 930² × 10⁴ = 810,900 / 864,900 × 10⁴ = 9,375.65
      const pub = await hhi2024(publicView(store));
      expect(pub.hhi).toBeCloseTo((810_900 / 864_900) * 1e4, 6);
      expect(pub.china).toBeCloseTo(900 / 930, 12);
      // A: + USA 70 → 1,000 kg; HHI = 0.9² + 0.03² + 0.07² = 0.81 + 0.0009 + 0.0049 = 0.8158 → 8,158
      // (A's row cites an older edition, 2025, than the public rows, 2026: it still joins them)
      const a = await hhi2024(orgRepository(store, 'a').view());
      expect(a.hhi).toBeCloseTo(8158, 6);
      expect(a.china).toBeCloseTo(0.9, 12);
      // B: JPN 30 → 130 → 1,030 kg; HHI = (900² + 130²) / 1,030² × 10⁴ = 826,900 / 1,060,900 × 10⁴
      const b = await hhi2024(orgRepository(store, 'b').view());
      expect(b.hhi).toBeCloseTo((826_900 / 1_060_900) * 1e4, 6);
      expect(b.china).toBeCloseTo(900 / 1030, 12);
      // the risk table reads the same rows
      const risk = async (v: ReadView) =>
        (await riskTable(v, { kind: 'mineral' })).minerals.find((m) => m.material.id === 'ga.refined')!.hhi;
      expect(await risk(orgRepository(store, 'a').view())).toBeCloseTo(8158, 6);
      expect(await risk(publicView(store))).toBeCloseTo((810_900 / 864_900) * 1e4, 6);
      expect(await risk(store as never)).toBeCloseTo((810_900 / 864_900) * 1e4, 6);
      const newest = await newestProductionByMaterial(orgRepository(store, 'a').view());
      expect(
        newest
          .get('ga.refined')!
          .map((r) => r.country)
          .sort(),
      ).toEqual(['CHN', 'JPN', 'USA', 'XOT']);
    });

    it("puts an organisation's producers in its network snapshot only", async () => {
      const has = async (v: ReadView) => {
        const s = await v.snapshot(2024);
        const m = s.materialIds.indexOf('ga.refined');
        const countries: string[] = [];
        for (let n = s.materialNodeStart[m]!; n < s.materialNodeStart[m + 1]!; n++)
          countries.push(`${s.locations[s.nodeLocation[n]!]} ${s.nodeQuantity[n]}`);
        return countries.sort();
      };
      expect(await has(publicView(store))).toEqual(['CHN 900', 'JPN 30', 'XOT 0']);
      expect(await has(orgRepository(store, 'a').view())).toEqual(['CHN 900', 'JPN 30', 'USA 70', 'XOT 0']);
      expect(await has(orgRepository(store, 'b').view())).toEqual(['CHN 900', 'JPN 130', 'XOT 0']);
    });

    it('lists public sources and only its own organisation sources; materials alike', async () => {
      const ids = async (v: ReadView) => (await listSources(v)).map((s) => s.id);
      expect(await ids(publicView(store))).not.toContain('org.a.bom');
      expect(await ids(orgRepository(store, 'a').view())).toContain('org.a.bom');
      expect(await ids(orgRepository(store, 'a').view())).not.toContain('org.b.bom');
      const a = (await listSources(orgRepository(store, 'a').view())).find((s) => s.id === 'org.a.bom')!;
      expect(a.records).toBe(1);
      const pub = (await listSources(publicView(store))).find((s) => s.id === 'test-usgs')!;
      const pubA = (await listSources(orgRepository(store, 'a').view())).find((s) => s.id === 'test-usgs')!;
      expect(pubA.records).toBe(pub.records);
      expect((await listMaterials(publicView(store))).length).toBe((await listMaterials(store)).length);
    });

    it('keys caches by organisation and version; an import changes only its own key', async () => {
      const v = await dataVersion(store);
      expect(await publicView(store).cacheKey()).toBe(`public:${v}`);
      expect(await orgRepository(store, 'nobody').view().cacheKey()).toBe(`public:${v}`);
      const ka = await orgRepository(store, 'a').view().cacheKey();
      const kb = await orgRepository(store, 'b').view().cacheKey();
      expect(ka).toMatch(new RegExp(`^org:a:${v}\\.[0-9a-f]{16}$`));
      expect(kb).not.toBe(ka);
      await orgRepository(store, 'b').delete(
        'sourcing_share',
        (await orgRepository(store, 'b').list('sourcing_share'))[0]!.key,
      );
      expect(await orgRepository(store, 'a').view().cacheKey()).toBe(ka);
      expect(await orgRepository(store, 'b').view().cacheKey()).not.toBe(kb);
      expect(await publicView(store).cacheKey()).toBe(`public:${v}`);
    });

    it('overlays any set of production rows as the rule says (property)', async () => {
      let n = 0;
      const publicRows = await gallium2024(publicView(store));
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(
            fc.record({
              country: fc.constantFrom('CHN', 'JPN', 'USA', 'IND', 'XOT'),
              quantity: fc.integer({ min: 0, max: 5000 }),
            }),
            { selector: (r) => r.country, maxLength: 4 },
          ),
          async (rows) => {
            n++;
            const org = `p${n}`;
            if (rows.length)
              await orgRepository(store, org).importBatch(
                ownBatch({ production: rows.map((r) => ({ material_id: 'ga.refined', ...r })) }),
              );
            const expected: Record<string, string> = { ...publicRows };
            for (const r of rows) expected[r.country] = `${r.quantity} own`;
            expect(await gallium2024(orgRepository(store, org).view())).toEqual(expected);
            expect(await gallium2024(publicView(store))).toEqual(publicRows);
          },
        ),
        { numRuns: dialect.name === 'postgres' ? 5 : 15 },
      );
    });
  });
}
