import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { readPortfolio } from '../importers/org-portfolio.js';
import { orgRepository, type Portfolio } from '../store/scoped-repository.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import {
  analysePortfolio,
  impactOf,
  portfolioImpact,
  portfolioReport,
  type SupplyShock,
} from './portfolio.js';

const FIXTURE = 'test/fixtures/org-portfolio';

/** The fixture as stored, with hand-assigned material ids (as the import would match them). */
function fixture(): Portfolio {
  const b = readPortfolio(FIXTURE);
  const ids: Record<string, string> = {
    amoxicillin: 'amox.api',
    paracetamol: 'para.api',
    '6-apa': '6apa',
    '4-aminophenol': 'pap',
  };
  const id = (name: unknown) => ids[String(name).toLowerCase()] ?? null;
  return {
    products: b.parts.products.map((r) => r.row) as never,
    apis: b.parts.apis.map((r) => ({ ...r.row, material_id: id(r.row.api) })) as never,
    sites: b.parts.sites.map((r) => r.row) as never,
    ksm: b.parts.ksm.map((r) => ({ ...r.row, material_id: id(r.row.ksm) })) as never,
  };
}

describe('portfolio findings (hand-made fixture)', () => {
  const [amox, para, combo] = analysePortfolio(fixture(), ['CHN']);

  it('amoxicillin 500: two API sites in two countries, but one 6-APA supplier in China for both', () => {
    // sites: IND 60 %, CHN 40 % → not single source, not one country; 6-APA: KSM Co 1 (CHN) at both sites
    expect(amox!.apis[0]).toMatchObject({
      singleSource: false,
      singleCountry: null,
      countries: ['CHN', 'IND'],
    });
    expect(amox!.apis[0]!.countryShares).toEqual([
      { country: 'IND', share: 0.6 },
      { country: 'CHN', share: 0.4 },
    ]);
    expect(amox!.flags).toEqual({
      singleSourceApi: [],
      singleSourceKsm: [{ api: 'amoxicillin', ksm: '6-APA', supplier: 'KSM Co 1', country: 'CHN' }],
      singleCountry: [{ api: 'amoxicillin', ksm: '6-APA', country: 'CHN', concern: true }],
      apiCountry: null,
    });
    expect(amox!.unknowns).toEqual([]);
  });

  it('paracetamol 500: one API site in China; its p-aminophenol comes from China and India', () => {
    expect(para!.flags).toEqual({
      singleSourceApi: ['Paracetamol'],
      singleSourceKsm: [],
      singleCountry: [{ api: 'Paracetamol', ksm: null, country: 'CHN', concern: true }],
      apiCountry: 'CHN',
    });
    expect(para!.apis[0]!.ksm[0]).toMatchObject({ singleSource: false, countries: ['CHN', 'IND'] });
  });

  it('the combination product inherits the findings of both its APIs', () => {
    expect(combo!.flags.singleSourceApi).toEqual(['paracetamol']);
    expect(combo!.flags.singleSourceKsm.map((k) => k.ksm)).toEqual(['6-APA']);
    expect(combo!.flags.singleCountry.map((c) => `${c.ksm ?? c.api}:${c.country}`)).toEqual([
      'paracetamol:CHN',
      '6-APA:CHN',
    ]);
    // API sites in IND and CHN: the product does not rest on one country at the API tier
    expect(combo!.flags.apiCountry).toBeNull();
  });

  it('says what is unknown instead of calling a product diversified', () => {
    const p = fixture();
    p.sites = p.sites.filter((s) => s.site_id !== 'site-cn-2');
    p.ksm = p.ksm.filter((k) => k.site_id !== 'site-in-1');
    const [a, b] = analysePortfolio(p, ['CHN']);
    expect(b!.apis[0]!.singleSource).toBeNull();
    expect(b!.unknowns).toEqual(['Paracetamol: no supplier site listed']);
    expect(a!.unknowns).toEqual(['amoxicillin: KSM suppliers of site site-in-1 not listed']);
  });
});

describe('scenario impact on the portfolio (hand-computed)', () => {
  const capacityLoss = (materials: string[], share: number): SupplyShock => ({
    type: 'capacity_loss',
    country: 'CHN',
    materials,
    share,
    start_day: 10,
    duration_days: 30,
  });

  it('a 50 % loss of Chinese 6-APA for 30 days: amoxicillin covered by stock, the combination runs short', () => {
    const out = impactOf(
      fixture(),
      [{ i: 0, s: capacityLoss(['6apa'], 0.5), materials: new Set(['6apa']) }],
      100,
      'USA',
    );
    const [amox, para, combo] = out;
    // amoxicillin: each site gets all its 6-APA from KSM Co 1 (CHN) → each site loses 50 %;
    // API loss = 0.6 × 0.5 + 0.4 × 0.5 = 0.5 from day 10 to 39.
    // cover = 30 (product) + 20 (API) = 50 days of use; 30 days × 0.5 = 15 ≤ 50 → no shortfall
    expect(amox).toMatchObject({
      affected: true,
      peakLoss: 0.5,
      peakDay: 10,
      daysOfCover: 50,
      firstShortDay: null,
      daysShort: 0,
      lostDaysOfUse: 0,
    });
    expect(amox!.hits.map((h) => `${h.level}:${h.site_id}`)).toEqual(['ksm:site-in-1', 'ksm:site-cn-1']);
    expect(para).toMatchObject({ affected: false, peakLoss: 0, daysShort: 0 });
    // combination: cover = 5 (product) + min(0, 10) (API stocks) = 5 days of use, drawn 0.5 a day
    // on days 10–19; short 0.5 a day on days 20–39: 20 days, 10 days of use lost
    expect(combo).toMatchObject({
      peakLoss: 0.5,
      daysOfCover: 5,
      firstShortDay: 20,
      daysShort: 20,
      lostDaysOfUse: 10,
    });
  });

  it('an export ban hits API sites abroad, not KSM sold inside the exporting country', () => {
    const ban: SupplyShock = {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: 'all',
      materials: ['para.api', 'pap'],
      share: 1,
      start_day: 0,
      duration_days: 10,
    };
    const [, para] = impactOf(
      fixture(),
      [{ i: 0, s: ban, materials: new Set(['para.api', 'pap']) }],
      30,
      'USA',
    );
    // the paracetamol site is in China: hit (share 1); its p-aminophenol supplier in China is domestic
    expect(para!.hits.map((h) => `${h.level}:${h.country}`)).toEqual(['api:CHN']);
    // no stock given: 10 days × full loss = 10 days short, from day 0
    expect(para).toMatchObject({
      peakLoss: 1,
      daysOfCover: null,
      firstShortDay: 0,
      daysShort: 10,
      lostDaysOfUse: 10,
    });
    expect(para!.unknowns).toContain('no stock given: shortfall computed with no cover');
    // with the market in China itself the ban does not apply
    const home = impactOf(fixture(), [{ i: 0, s: ban, materials: new Set(['para.api']) }], 30, 'CHN');
    expect(home[1]!.affected).toBe(false);
  });

  it('reports the loss as unknown when a hit site has no share', () => {
    const p = fixture();
    p.sites = p.sites.map((s) => (s.site_id === 'site-cn-1' ? { ...s, share: null } : s));
    const [amox] = impactOf(
      p,
      [{ i: 0, s: capacityLoss(['6apa'], 0.5), materials: new Set(['6apa']) }],
      100,
      null,
    );
    expect(amox).toMatchObject({ affected: true, peakLoss: null, daysShort: null });
    expect(amox!.unknowns).toContain('amoxicillin: share of site site-cn-1 not given');
  });

  it('a larger shock never loses less (monotone in the shock share)', () => {
    let prev = -1;
    for (const share of [0, 0.1, 0.25, 0.5, 0.75, 1]) {
      const [, , combo] = impactOf(
        fixture(),
        [{ i: 0, s: capacityLoss(['6apa'], share), materials: new Set(['6apa']) }],
        100,
        null,
      );
      expect(combo!.lostDaysOfUse!).toBeGreaterThanOrEqual(prev);
      prev = combo!.lostDaysOfUse!;
    }
  });
});

describe('portfolio services on the bundled data', () => {
  let store: Store;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tm-portfolio-')), 'db.sqlite');
    copyBundledDb(file);
    store = await openSqliteStore(file);
    await orgRepository(store, 'acme').importPortfolio(readPortfolio(FIXTURE));
  });
  afterAll(async () => {
    await store?.close();
  });

  it('matches the APIs to trustmap materials and adds the public DMF context', async () => {
    const r = await portfolioReport(store, 'acme');
    const para = r.products.find((p) => p.id === 'para-500')!;
    expect(para.apis[0]!.material_id).toMatch(/paracetamol/);
    expect(para.apis[0]!.ksm[0]!.material_id).toMatch(/aminophenol/);
    const dmf = para.apis[0]!.publicContext?.dmf;
    expect(dmf?.holders).toBeGreaterThan(0);
    expect(r.sources.map((s) => s.id)).toContain('fda-dmf-2025q2');
    expect(r.summary).toEqual({
      products: 3,
      withSingleSourceApi: 2,
      withSingleSourceKsm: 2,
      withSingleCountry: 3,
      withConcernCountry: 3,
      withUnknowns: 0,
    });
    // another organisation has no portfolio at all
    expect((await portfolioReport(store, 'other')).products).toEqual([]);
  });

  it('answers what a scenario does to the portfolio', async () => {
    const r = await portfolioImpact(
      store,
      'acme',
      {
        name: 'paracetamol export ban (test)',
        year: 2024,
        horizon_days: 30,
        shocks: [
          {
            type: 'export_restriction',
            exporter: 'CHN',
            importers: 'all',
            materials: ['paracetamol'],
            share: 1,
            start_day: 0,
            duration_days: 10,
          },
          {
            type: 'demand_surge',
            market: 'USA',
            materials: ['paracetamol'],
            factor: 1.5,
            start_day: 0,
            duration_days: 10,
          },
        ],
      },
      { market: 'USA' },
    );
    const para = r.products.find((p) => p.id === 'para-500')!;
    expect(para).toMatchObject({ affected: true, peakLoss: 1, firstShortDay: 0, daysShort: 10 });
    // combination: 5 days of cover (5 + min(0, 10)), then 5 days short
    expect(r.products.find((p) => p.id === 'combo-1')).toMatchObject({
      daysOfCover: 5,
      firstShortDay: 5,
      daysShort: 5,
    });
    expect(r.products.find((p) => p.id === 'amox-500')!.affected).toBe(false);
    expect(r.notAssessed).toEqual([
      'shocks/1 (demand_surge): acts on markets, not on the organisation\u2019s suppliers'.replace(
        '\u2019',
        "'",
      ),
    ]);
  });
});
