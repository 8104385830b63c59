import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { validationError } from '../../test/helpers/validation-error.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { loadPlan, optimizePlan, validatePlan } from './optimize.js';

const PLANS = resolve(import.meta.dirname, '../../plans');
const SCENARIOS = resolve(import.meta.dirname, '../../scenarios');
const apiPlanFile = join(PLANS, 'trust-pilot-apis.json');
const apiPlan = () => JSON.parse(readFileSync(apiPlanFile, 'utf8')) as Record<string, unknown>;

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-opt-'));
  const file = join(dir, 'bundled.db');
  copyBundledDb(file);
  store = await openStore(file);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('plan validation', () => {
  it('accepts the shipped plans', () => {
    expect(loadPlan(join(PLANS, 'trust-pilot.json')).plan.candidates.length).toBeGreaterThan(5);
    expect(loadPlan(apiPlanFile).plan.currency).toBe('INR');
  });

  it('rejects unknown fields and names the field path', async () => {
    const p = apiPlan();
    p.colour = 'red';
    (p.candidates as Record<string, unknown>[])[0]!.lead_days = -3;
    (p.candidates as Record<string, unknown>[])[3]!.shelf_life = 4;
    const e = await validationError(() => validatePlan(p, 'plan.json'));
    const cols = e.issues.map((i) => i.column);
    expect(cols).toContain('colour');
    expect(cols).toContain('candidates/0/lead_days');
    expect(cols).toContain('candidates/3/shelf_life');
    expect(e.issues.every((i) => i.file === 'plan.json')).toBe(true);
  });

  it('checks what the schema cannot: targets, lead times, products, costs, exchange-rate source, probabilities', async () => {
    const p = apiPlan();
    const c = p.candidates as Record<string, unknown>[];
    c[1]!.lead_days = 400; // fast-track slower than its target (180)
    c[3]!.product = 'ibuprofen.api';
    c[2]!.fixed_cost = 0;
    c[2]!.cost_per_unit_year = 0;
    p.exchange_rate = { inr_per_usd: 83, illustrative: false };
    (p.scenarios as Record<string, unknown>).probabilities = [0.5, 0.6];
    const e = await validationError(() => validatePlan(p));
    const byCol = Object.fromEntries(e.issues.map((i) => [i.column, i.message]));
    expect(byCol['candidates/1/lead_days']).toMatch(/not shorter than the target's lead time \(180 days\)/);
    expect(byCol['candidates/3/product']).toMatch(/not one of the plan's products/);
    expect(byCol['candidates/2']).toMatch(/costs nothing/);
    expect(byCol['exchange_rate/source']).toMatch(/source/);
    expect(byCol['scenarios/probabilities']).toMatch(/sum to 1/);
  });

  it('names an unknown kind and an unknown FEI', async () => {
    const p = apiPlan();
    (p.candidates as Record<string, unknown>[])[0]!.kind = 'subsidy';
    const e = await validationError(() => validatePlan(p));
    expect(e.issues[0]!.column).toBe('candidates/0/kind');
    const q = apiPlan();
    (q.candidates as Record<string, unknown>[])[0]!.establishment_fei = '9999999999';
    const f = await validationError(() => optimizePlan(store, q, { file: apiPlanFile }));
    expect(f.issues[0]!.column).toBe('candidates/0/establishment_fei');
    expect(f.issues[0]!.message).toMatch(/no FDA-registered establishment with FEI 9999999999/);
  });
});

describe('optimizePlan on the bundled data', () => {
  // Paracetamol API (not simulated: ILLUSTRATIVE US demand 1,000,000 kg/yr, supply IND 700,000,
  // CHN 300,000), scenarios: the 2020 Hubei/India file (p 0.2) and a quiet year (p 0.8); periods
  // [0,91) [91,183) [183,274) [274,365).
  // Hubei, period 0: India's paracetamol ban (days 40–126) cuts 700,000 × 51/365 = 97,808.22 kg;
  //   China loses 25 % on days 0–62 and 20 % on days 9–38: kept 1 − (1 − 0.25·62/91)(1 − 0.2·29/91)
  //   = 1 − 0.829670 × 0.936264 = 0.223210 of 300,000 × 91/365 = 74,794.52 → 16,694.87; sum 114,503.09
  // period 1: the ban's last 35 days: 700,000 × 35/365 = 67,123.29. Total 181,626.37 kg;
  // expected 0.2 × 181,626.37 = 36,325.27 kg.
  const before = 0.2 * (97_808.219 + 16_694.868 + 67_123.288);

  it('buys nothing with a budget of 0 and reports the hand-computed shortfall', async () => {
    const r = await optimizePlan(store, apiPlanFile, { budget: 0 });
    expect(r.status).toBe('optimal');
    expect(r.chosen).toEqual([]);
    expect(r.spent?.amount).toBe(0);
    const p = r.products[0]!;
    expect(p.simulated).toBe(false);
    expect(p.afterResimulated).toBeNull();
    expect(p.before.expected).toBeCloseTo(before, 1);
    expect(p.afterModel.expected).toBeCloseTo(before, 1);
    expect(r.assumptions.some((a) => /ILLUSTRATIVE demand 1000000 kg\/yr/.test(a))).toBe(true);
  });

  // Budget INR 500 M (USD 6.02 M at 83). The stock (100,000 kg, 400 + 40 INR/kg) covers period 0
  // down to 14,503.09 kg. The Granules expansion (300,000 kg/yr from day 180) with its fast-track
  // (from day 90) delivers, at the share India's ban lets through:
  //   period 0: 1 day × (1 − 51/91) → 300,000 × 1/365 × 0.439560 = 361.28 kg
  //   period 1: 92 days × (1 − 35/92) → 300,000 × 92/365 × 0.619565 = 46,849.32 kg
  // left short: (14,503.09 − 361.28) + (67,123.29 − 46,849.32) = 34,415.78 kg in the Hubei year,
  // expected 0.2 × 34,415.78 = 6,883.16 kg. Cost INR 44 M + 150 M + 30 M + 20 M = 244 M; the US line
  // (1,000 M INR fixed) does not fit.
  it('finds the hand-solved portfolio, with the registered site named', async () => {
    const p = apiPlan();
    p.solver = { mip_gap: 0, time_limit_seconds: 30 };
    const r = await optimizePlan(store, p, { file: apiPlanFile });
    expect(r.status).toBe('optimal');
    expect(r.chosen.map((c) => c.id).sort()).toEqual([
      'granules-expansion',
      'granules-fast-track',
      'us-stockpile',
    ]);
    expect(r.products[0]!.afterModel.expected).toBeCloseTo(6_883.16, 0);
    expect(r.spent!.amount).toBeCloseTo(244e6, -3);
    expect(r.spent!.usd).toBeCloseTo(244e6 / 83, -2);
    const site = r.chosen.find((c) => c.id === 'granules-expansion')!.existingRegisteredSite;
    expect(site).toMatchObject({ fei: '3001319869', country: 'IND', apiManufacture: true });
    expect(site!.firmName).toMatch(/Granules India/);
    // every solve reports its size; the curve never rises with the budget
    for (const c of r.budgetCurve) expect(c.size.rows).toBeGreaterThan(0);
    const losses = r.budgetCurve.map((c) => c.loss!.expected);
    for (let k = 1; k < losses.length; k++) expect(losses[k]!).toBeLessThanOrEqual(losses[k - 1]! + 1e-9);
    expect(r.priorities[0]!.material).toBe('paracetamol.api');
    expect(r.priorities[0]!.reasons.join(' ')).toMatch(/HHI 5800/); // 0.7² + 0.3² = 0.58
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(optimizePlan(store, apiPlanFile, { signal: ac.signal })).rejects.toThrow(/cancelled/);
  });

  it('returns an infeasible plan as a result naming the budget', async () => {
    const p = apiPlan();
    (p.candidates as Record<string, unknown>[])[2]!.required = true; // INR 1,000 M fixed > 500 M
    const r = await optimizePlan(store, p, { file: apiPlanFile });
    expect(r.status).toBe('infeasible');
    expect(r.message).toMatch(/budget/);
    expect(r.diagnosis?.conflict?.rows.join(' ')).toMatch(/budget/);
    expect(r.chosen).toEqual([]);
    expect(r.spent).toBeNull();
    expect(r.totals.afterModel).toBeNull();
  });

  // Gallium in Japan under the 2023 Chinese licensing scenario: simulated. With a budget of 0 the
  // re-simulation runs the same scenarios with no levers, so it must equal the baseline exactly,
  // and the model's estimate equals it too.
  const galliumPlan = (budget: number) => ({
    name: 'gallium test',
    currency: 'USD',
    exchange_rate: { inr_per_usd: 83, illustrative: true },
    budget,
    year: 2024,
    horizon_days: 365,
    periods: 4,
    market: 'JPN',
    scenarios: { files: [join(SCENARIOS, 'china-gallium-germanium-2023.json')] },
    products: [{ material: 'gallium.refined', weight: 1 }],
    candidates: [
      {
        id: 'jp-stock',
        kind: 'stockpile',
        product: 'gallium.refined',
        holder: 'JPN',
        cost_per_unit: 500,
        holding_cost_per_unit_year: 0,
        max_units: 10_000,
        illustrative: true,
      },
    ],
    solver: { mip_gap: 0 },
  });

  it('agrees with the simulator when nothing is bought, and re-simulates a stockpile', async () => {
    const r0 = await optimizePlan(store, galliumPlan(0));
    const p0 = r0.products[0]!;
    expect(p0.simulated).toBe(true);
    expect(p0.before.expected).toBeGreaterThan(0);
    expect(p0.afterResimulated!.expected).toBe(p0.before.expected);
    expect(p0.afterModel.expected).toBeCloseTo(p0.before.expected, 9);
    // a stock as large as the shortfall: the model removes it; the simulator, with the stock as
    // extra days of cover for Japan, finds no more shortfall than before
    const r1 = await optimizePlan(store, galliumPlan(1e7));
    const p1 = r1.products[0]!;
    const stock = r1.chosen.find((c) => c.id === 'jp-stock')!;
    expect(stock.size).toBeCloseTo(p0.before.expected, 3); // one scenario: stock = its shortfall
    expect(p1.afterModel.expected).toBeCloseTo(0, 6);
    expect(p1.afterResimulated!.expected).toBeLessThanOrEqual(p1.before.expected);
    expect(r1.levers.stocks?.[0]).toMatchObject({ holder: 'JPN', material: 'gallium.refined' });
  });
});
