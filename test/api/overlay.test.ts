import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceBatch } from '../../src/importers/reference.js';
import { buildServer } from '../../src/server/app.js';
import { addUser, createTokenForUser } from '../../src/store/accounts.js';
import { applyBatch } from '../../src/store/apply-batch.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { simulationFixture } from '../fixtures/simulation-dataset.js';
import { testDialects } from '../helpers/stores.js';

/**
 * Every analysis of the HTTP API runs on the caller's organisation view (issue 6): over the
 * simulation fixture (gallium 2024: China 900 kg, Japan 30 kg, "other" 0), organisation A imports
 * a US gallium producer (70 kg) and a US gallium stock of 120 days; B imports nothing. A's
 * material report, risk table and simulation jobs change by the hand-computed amounts; B's and the
 * public answers do not; cached answers never cross organisations.
 */

const own = {
  format: 'trustmap/1',
  source: [
    {
      id: 'own-2025',
      publisher: 'Org A',
      title: 'own records (test, illustrative)',
      year: 2025,
      licence: 'confidential',
    },
  ],
  production: [
    {
      material_id: 'ga.refined',
      country: 'USA',
      period: '2024',
      measure: 'production',
      quantity: 70,
      unit: 'kg',
      source_id: 'own-2025',
      illustrative: true,
    },
  ],
  stock: [
    {
      material_id: 'ga.refined',
      holder_country: 'USA',
      kind: 'strategic',
      period: '2024',
      days_of_cover: 120,
      source_id: 'own-2025',
      illustrative: true,
    },
  ],
};

/** China stops gallium exports to everyone for 90 days; the US market is reported. */
const scenario = {
  name: 'ga-ban',
  year: 2024,
  horizon_days: 120,
  materials: ['ga.refined'],
  markets: ['USA'],
  shocks: [
    {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: 'all',
      materials: ['ga.refined'],
      share: 1,
      start_day: 0,
      duration_days: 90,
    },
  ],
};

// public: 900 + 30 = 930 kg; HHI = (900² + 30²) / 930² × 10⁴ = 810,900 / 864,900 × 10⁴ ≈ 9,375.65
const PUBLIC_HHI = (810_900 / 864_900) * 1e4;
// A: + USA 70 → 1,000 kg; HHI = (0.9² + 0.03² + 0.07²) × 10⁴ = (0.81 + 0.0009 + 0.0049) × 10⁴ = 8,158
const A_HHI = 8158;

for (const dialect of testDialects()) {
  describe(`organisation overlay over HTTP on ${dialect.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let dir: string | undefined;
    const tok: Record<'A' | 'B', string> = { A: '', B: '' };

    const get = async (who: 'A' | 'B', url: string) => {
      const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok[who]}` } });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const hhi = async (who: 'A' | 'B') => {
      const rep = await get(who, '/api/materials/ga.refined?concern=CHN');
      return rep.concentration.find(
        (c: { measure: string; period: string }) => c.measure === 'production' && c.period === '2024',
      );
    };
    const riskHhi = async (who: 'A' | 'B') =>
      (await get(who, '/api/risk?kind=mineral&tag=all')).minerals.find(
        (m: { material: { id: string } }) => m.material.id === 'ga.refined',
      ).hhi;
    const simulate = async (who: 'A' | 'B') => {
      const r = await app.inject({
        method: 'POST',
        url: '/api/jobs',
        headers: { authorization: `Bearer ${tok[who]}` },
        payload: { kind: 'simulate', params: { scenario, save: false } },
      });
      expect(r.statusCode, r.body).toBe(202);
      const id = r.json().id;
      for (let i = 0; i < 600; i++) {
        const j = await get(who, `/api/jobs/${id}`);
        if (j.status === 'done') return j.result;
        if (j.status !== 'queued' && j.status !== 'running') throw new Error(JSON.stringify(j.error));
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('job did not finish');
    };

    beforeAll(async () => {
      let location: string;
      if (dialect.name === 'sqlite') {
        dir = mkdtempSync(join(tmpdir(), 'trustmap-overlay-'));
        location = join(dir, 'overlay.db');
        store = await openSqliteStore(location);
      } else {
        store = await dialect.open();
        location = process.env.TRUSTMAP_TEST_PG_URL!;
      }
      await applyBatch(store, referenceBatch());
      await applyBatch(store, simulationFixture());
      for (const org of ['A', 'B'] as const) {
        const email = `analyst@org-${org.toLowerCase()}.example`;
        await addUser(store, {
          email,
          password: 'correct horse battery',
          org: `Org ${org}`,
          role: 'analyst',
        });
        tok[org] = (await createTokenForUser(store, email, 'test')).token;
      }
      app = await buildServer({
        store,
        dbLocation: location,
        limits: { jobConcurrency: 1, rateMax: 100_000 },
      });
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("runs A's analyses on A's rows once imported; B and cached answers are unchanged", async () => {
      // before: both organisations see (and share the cache of) the public data
      expect((await hhi('A')).hhi).toBeCloseTo(PUBLIC_HHI, 6);
      expect((await hhi('B')).hhi).toBeCloseTo(PUBLIC_HHI, 6);
      expect(await riskHhi('B')).toBeCloseTo(PUBLIC_HHI, 6);
      const imp = await app.inject({
        method: 'POST',
        url: '/api/org/imports',
        headers: { authorization: `Bearer ${tok.A}` },
        payload: own,
      });
      expect(imp.statusCode, imp.body).toBe(200);
      // A's view: the US producer joins the public 2024 figures
      const a = await hhi('A');
      expect(a.hhi).toBeCloseTo(A_HHI, 6);
      expect(a.concernShare).toBeCloseTo(0.9, 12);
      expect(a.shares.map((s: { country: string }) => s.country).sort()).toEqual([
        'CHN',
        'JPN',
        'USA',
        'XOT',
      ]);
      expect(await riskHhi('A')).toBeCloseTo(A_HHI, 6);
      // B's cached public answers are still right, and recomputing gives the same
      expect((await hhi('B')).hhi).toBeCloseTo(PUBLIC_HHI, 6);
      expect(await riskHhi('B')).toBeCloseTo(PUBLIC_HHI, 6);
      expect((await hhi('B')).shares.map((s: { country: string }) => s.country)).not.toContain('USA');
      // A's own source is listed to A only
      const ids = async (who: 'A' | 'B') => (await get(who, '/api/sources')).map((s: { id: string }) => s.id);
      expect((await ids('A')).some((id: string) => id.endsWith('.own-2025'))).toBe(true);
      expect((await ids('B')).some((id: string) => id.endsWith('.own-2025'))).toBe(false);
    });

    it("gives A's simulation jobs A's producer and stock; B's jobs neither", async () => {
      const a = await simulate('A');
      const b = await simulate('B');
      const us = (r: {
        summaries: { material: string; market: string; shortfall: number; demand: number }[];
      }) => r.summaries.find((s) => s.material === 'ga.refined' && s.market === 'USA')!;
      expect(
        a.assumptions.some((x: string) => /stock record: USA holds 120 days of cover of ga\.refined/.test(x)),
      ).toBe(true);
      expect(b.assumptions.some((x: string) => /stock record/.test(x))).toBe(false);
      expect(a.sources.some((s: string) => s.endsWith('.own-2025'))).toBe(true);
      expect(b.sources.some((s: string) => s.endsWith('.own-2025'))).toBe(false);
      // A's US market: 120 days of cover (against B's default 30) and a domestic producer outlast
      // the 90-day ban: a smaller shortfall than B's, which loses China's share with 30 days of cover
      expect(us(b).shortfall).toBeGreaterThan(0);
      expect(us(a).shortfall).toBeLessThan(us(b).shortfall);
      expect(a.run.dataVersion).not.toBe(b.run.dataVersion);
    });
  });
}
