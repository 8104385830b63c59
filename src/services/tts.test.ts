import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { buildTtsNetwork, runTtsAnalysis, TTS_DEFAULTS } from './tts.js';

/** On the real bundled data, built once for the file. */
let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-tts-'));
  const db = join(dir, 'trustmap.db');
  copyBundledDb(db);
  store = await openStore(db);
}, 120_000);
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TTS/TTR on the bundled network', () => {
  it('gives the US about 78 days when China’s gallium refineries stop (checked by hand from the USGS rows)', async () => {
    const built = await buildTtsNetwork(store, { region: 'USA' });
    const ga = built.markets.find((m) => m.material === 'gallium.refined')!;
    expect(ga.demandBasis).toBe('usgs-consumption');
    expect(ga.demand).toBe(18_700); // kg, "Consumption, reported" 2024, MCS 2026
    expect(ga.stockBasis).toBe('usgs-stocks');
    expect(ga.stock).toBe(3_410); // kg, consumer stocks, year end 2024

    // 2024 production (MCS 2026) and the newest capacity ≤ 2024 (2023, MCS 2024), by hand
    const rows = await store.db
      .selectFrom('production')
      .select(['country', 'period', 'measure', 'quantity', 'source_id'])
      .where('material_id', '=', 'gallium.refined')
      .where('country', '!=', 'WLD')
      .execute();
    const prod = rows.filter((r) => r.measure === 'production' && r.period === '2024');
    const cap = rows.filter((r) => r.measure === 'capacity' && r.period === '2023');
    const P = prod.reduce((a, r) => a + (r.quantity ?? 0), 0); // 848,000 kg
    expect(P).toBe(848_000);
    const countries = new Set([...prod, ...cap].map((r) => r.country));
    let otherCapacity = 0;
    let otherProduction = 0;
    for (const c of countries) {
      if (c === 'CHN') continue;
      const p = prod.find((r) => r.country === c)?.quantity ?? 0;
      const k = cap.find((r) => r.country === c)?.quantity;
      otherCapacity += k === undefined || k === null ? p * (1 + TTS_DEFAULTS.headroom) : Math.max(k, p);
      otherProduction += p;
    }
    // JPN 10,000 + KOR 16,000 (idle) + RUS 10,000 + USA 0 + other countries 88,000 = 124,000 kg
    expect(otherCapacity).toBe(124_000);
    const f = 18_700 / P; // the US share of world use: its slice of every refinery
    const supply = (f * otherCapacity) / 365; // kg/day the US still gets
    const need = 18_700 / 365;
    const stock = 3_410 + (TTS_DEFAULTS.supplierCoverDays * f * otherProduction) / 365;
    const tts = stock / (need - supply); // (3,410 + 8.2) / (51.23 − 7.49) ≈ 78.1 days
    const lostDays = (need * 90 - stock - supply * 90) / need; // ≈ 10.1 days of demand lost over 90

    const chn = built.info.findIndex((x) => x.key === 'gallium.refined@CHN');
    const a = await runTtsAnalysis(
      built.network,
      { ttr: built.ttr, stockShips: false, nodes: Int32Array.of(chn) },
      { inline: true },
    );
    expect(tts).toBeCloseTo(78.1, 1);
    expect(a.results[0]!.tts).toBeCloseTo(tts, 6);
    expect(a.results[0]!.pi).toBeCloseTo(lostDays, 6);
    expect(a.results[0]!.needsMitigation).toBe(true);
    expect(a.baseline.tts).toBe(Number.POSITIVE_INFINITY);
    expect(a.baseline.pi).toBeCloseTo(0, 6);
  });

  it('labels every market of a region without consumption figures illustrative', async () => {
    const built = await buildTtsNetwork(store, { region: 'TRUST' });
    expect(built.region.members).toEqual(['IND', 'USA']);
    expect(
      built.markets.every((m) => m.demandBasis === 'illustrative' && m.stockBasis === 'illustrative'),
    ).toBe(true);
    expect(built.assumptions.join(' ')).toMatch(/illustrative/);
  });

  it('gives the same answers in a worker thread as in this thread', async () => {
    const built = await buildTtsNetwork(store, { region: 'USA' });
    const nodes = built.nodes.slice(0, 60);
    const opts = { ttr: built.ttr, stockShips: true, nodes };
    let progressed = 0;
    const worker = await runTtsAnalysis(built.network, opts, { onProgress: (done) => (progressed = done) });
    const inline = await runTtsAnalysis(built.network, opts, { inline: true });
    expect(progressed).toBe(60);
    expect(worker.results.map((r) => [r.tts, r.pi])).toEqual(inline.results.map((r) => [r.tts, r.pi]));
  });

  it('stops the worker when cancelled', async () => {
    const built = await buildTtsNetwork(store, { region: 'USA' });
    const ctl = new AbortController();
    const run = runTtsAnalysis(built.network, { ttr: built.ttr, stockShips: false }, { signal: ctl.signal });
    ctl.abort();
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
