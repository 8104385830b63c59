import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { snapshotRecords } from '../engine/network/snapshot.js';
import { openStore } from '../store/open.js';
import { loadSnapshot } from '../store/snapshot-loader.js';
import type { Store } from '../store/store.js';
import { type BuyerExposure, exposureReport } from './exposure.js';

/** Hidden dependencies, on the real bundled data (one full build of the database for this file). */
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-exposure-'));
  const file = join(dir, 'full.db');
  copyBundledDb(file);
  store = await openStore(file);
}, 300_000);

afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const country = (b: BuyerExposure, code: string) => b.countries.find((c) => c.country === code);

describe('US gallium: direct imports hide Chinese primary gallium', () => {
  it('finds China behind the imports from Canada, Japan and Germany', async () => {
    const r = await exposureReport(store, 'gallium.refined', { country: 'USA', year: 2025 });
    const b = r.buyers[0]!;
    expect(b.view).toBe('imports');
    // USGS MCS 2026: US import sources 2021–24 (metal) CAN 0.28, JPN 0.22, CHN 0.18, DEU 0.16, Other 0.16;
    // primary gallium 2025: CHN 900,000 kg, RUS 6,000, JPN 3,000 (of 909,000 incl. zeros).
    // Canada, Germany and Other make none: they re-export at the world mix (China 900/909).
    // Japan ships its own up to its world share 3/909 and re-exports the rest of its 0.22.
    // E(CHN) = 0.18 + (0.28 + 0.16 + 0.16 + 0.22 − 3/909) · 900/909 = 0.18 + 0.81670 · 0.99010 = 0.98861
    const hand = 0.18 + (0.28 + 0.16 + 0.16 + 0.22 - 3 / 909) * (900 / 909);
    expect(b.concern.bottleneck).toBeCloseTo(hand, 10);
    expect(b.concern.value).toBeCloseTo(hand, 10);
    // against 0.18 in the direct-import view
    expect(b.concern.direct).toBeCloseTo(0.18, 12);
    expect(country(b, 'CAN')).toMatchObject({ bottleneck: 1 * 0.28, direct: 0.28 });
    // the bounds of the partner rule: Japan ships only its own (0.774) … every partner at the world mix (0.990)
    expect(b.sensitivity).toEqual([
      {
        partnerSupply: 'own-first',
        value: expect.closeTo(0.18 + 0.6 * (900 / 909), 10),
        bottleneck: expect.closeTo(0.18 + 0.6 * (900 / 909), 10),
      },
      {
        partnerSupply: 'world-mix',
        value: expect.closeTo(900 / 909, 10),
        bottleneck: expect.closeTo(0.18 + 0.82 * (900 / 909), 10),
      },
    ]);
    // the heaviest path runs through the Canadian refiners: 0.28 · 900/909 = 0.2772
    const top = b.paths.find((p) => p.country === 'CHN' && p.variant === 'bottleneck')!.paths[0]!;
    expect(top.weight).toBeCloseTo(0.28 * (900 / 909), 10);
    expect(top.steps.map((s) => `${s.location}:${s.role}`)).toEqual([
      'USA:market',
      'CAN:trader',
      'CHN:production',
    ]);
    expect(b.sources).toEqual(['usgs-mcs-2026']);
    expect(b.assumptions.join('\n')).toMatch(/processor\/trader buying at the world production mix/);
    expect(b.assumptions.join('\n')).toMatch(
      /2021-2024 \(Metal\), combined with production figures for 2025/,
    );
    expect(b.convergence.converged).toBe(true);
  });

  it('carries the same dependency into India, whose published gallium imports all come from the USA', async () => {
    const b = (await exposureReport(store, 'gallium', { country: 'IND', year: 2025 })).buyers[0]!;
    expect(b.concern.direct).toBe(0);
    expect(b.concern.bottleneck).toBeCloseTo(0.18 + (0.82 - 3 / 909) * (900 / 909), 10);
    expect(b.sources).toContain('india-trade-whatnews-in-china-tops-list-of-critical-mineral-supplies');
  });

  it('shows each member of a region separately', async () => {
    const r = await exposureReport(store, 'gallium.refined', { region: 'TRUST', year: 2025 });
    expect(r.buyers.map((b) => b.country)).toEqual(['IND', 'USA']);
    expect(r.assumptions.join('\n')).toMatch(/each member is shown separately/);
  });
});

describe('APIs made in India on Chinese KSMs', () => {
  it('finds azithromycin made in India fully exposed to China through its erythromycin inputs, citing the facts', async () => {
    const b = (await exposureReport(store, 'azithromycin', { country: 'IND' })).buyers[0]!;
    expect(b.view).toBe('made');
    // both inputs 100 % Chinese (cnbctv18 2020; Hindu BusinessLine 2020 for erythromycin thiocyanate)
    expect(b.concern.bottleneck).toBe(1);
    // value, illustrative: two inputs take 0.25 each of the API's value, both made in China with no
    // further inputs in the data → CHN 0.25 + 0.25 = 0.5, IND va 0.5
    expect(b.concern.value).toBeCloseTo(0.5, 12);
    expect(country(b, 'IND')?.value).toBeCloseTo(0.5, 12);
    expect(b.sources).toEqual(
      expect.arrayContaining([
        'pharma-links-cnbctv18-com-covid-19-brings-back-focus-on-india-s',
        'pharma-links-thehindubusinessline-com-panel-chalks-out-rs-10-000-crore-scheme-to',
      ]),
    );
    expect(b.assumptions.join('\n')).toMatch(/illustrative cost shares/);
    expect(b.assumptions.join('\n')).toMatch(/2020.*source pharma-links-cnbctv18/);
  });

  it('finds ceftriaxone made in India exposed to China through 7-ACA', async () => {
    const b = (await exposureReport(store, 'ceftriaxone', { country: 'IND' })).buyers[0]!;
    expect(b.concern.bottleneck).toBe(1);
    const path = b.paths.find((p) => p.country === 'CHN' && p.variant === 'bottleneck')!.paths[0]!;
    expect(path.steps.map((s) => `${s.material}@${s.location}`)).toEqual([
      'ceftriaxone.api@IND',
      '7-aca.chemical@IND',
      '7-aca.chemical@CHN',
    ]);
  });

  it('says amoxicillin’s exposure is unavailable unless its 6-APA is assumed made in India', async () => {
    const plain = (await exposureReport(store, 'amoxicillin', { country: 'IND' })).buyers[0]!;
    expect(plain.concern.bottleneck).toEqual({ unavailable: expect.stringMatching(/unknown/) });
    expect(plain.concern.ifUnknownWereConcern.bottleneck).toBe(1);
    expect(plain.unknownOrigin.bottleneck).toBe(1);
    const domestic = (
      await exposureReport(store, 'amoxicillin', { country: 'IND', domesticIntermediates: true })
    ).buyers[0]!;
    // 6-APA made in India from penicillin G, which India imports entirely from China
    expect(domestic.concern.bottleneck).toBe(1);
    expect(domestic.assumptions.join('\n')).toMatch(/assumed made in IND: 6-apa\.chemical/);
  });

  it('reports paracetamol made in India as unavailable (no data on its KSM) and the US supply from the published 70 %', async () => {
    const ind = (await exposureReport(store, 'paracetamol', { country: 'IND' })).buyers[0]!;
    expect(ind.concern.bottleneck).toEqual({ unavailable: expect.any(String) });
    expect(ind.concern.value).toEqual({ unavailable: expect.any(String) });
    const usa = (await exposureReport(store, 'paracetamol', { country: 'USA' })).buyers[0]!;
    expect(usa.view).toBe('supply');
    expect(usa.concern.bottleneck).toBeCloseTo(0.7, 12);
    // unknown origin: the 30 % not from China, and the inputs of the Chinese plants themselves
    // (KSMs of unstated origin): value 0.3 + 0.7 · 0.5 (illustrative input cost share) = 0.65
    expect(usa.unknownOrigin.value).toBeCloseTo(0.65, 12);
    expect(usa.unknownOrigin.bottleneck).toBe(1);
    expect(usa.sources).toContain('pharma-links-globebanner-com-china-s-stronghold-on-global-medication');
  });

  it('leaves value exposure unavailable in strict mode and keeps bottleneck exposure', async () => {
    const b = (await exposureReport(store, 'azithromycin', { country: 'IND', costShares: 'strict' }))
      .buyers[0]!;
    expect(b.concern.value).toEqual({ unavailable: expect.stringMatching(/cost shares/) });
    expect(b.concern.bottleneck).toBe(1);
  });
});

describe('snapshot of the real data', () => {
  it('holds exactly the store’s production rows for 2025 (newest year ≤ 2025, newest edition)', async () => {
    const s = await loadSnapshot(store, 2025);
    const rows = await store.db
      .selectFrom('production')
      .innerJoin('source', 'source.id', 'production.source_id')
      .select([
        'material_id',
        'country',
        'period',
        'quantity',
        'source.year as edition',
        'facility_id',
        'org_id',
      ])
      .where('measure', '=', 'production')
      .execute();
    const best = new Map<string, { y: number; ed: number }>();
    for (const r of rows) {
      if (
        r.facility_id ||
        r.org_id ||
        r.country === 'WLD' ||
        !/^\d{4}$/.test(r.period) ||
        Number(r.period) > 2025
      )
        continue;
      const y = Number(r.period);
      const cur = best.get(r.material_id);
      if (!cur || y > cur.y || (y === cur.y && r.edition > cur.ed))
        best.set(r.material_id, { y, ed: r.edition });
    }
    const expected = rows
      .filter((r) => {
        const b = best.get(r.material_id);
        return (
          b &&
          !r.facility_id &&
          !r.org_id &&
          r.country !== 'WLD' &&
          r.period === String(b.y) &&
          r.edition === b.ed
        );
      })
      .map((r) => ({
        material_id: r.material_id,
        country: r.country,
        year: Number(r.period),
        quantity: r.quantity,
      }));
    const key = (a: { material_id: string; country: string }) => `${a.material_id}|${a.country}`;
    const got = snapshotRecords(s).production.sort((a, b) => key(a).localeCompare(key(b)));
    expect(got).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
    expect(got.length).toBeGreaterThan(1000);
  });
});
