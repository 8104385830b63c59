import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Money, OptimizeReport, SolveSummary } from '../../web/src/lib/api-types.js';
import {
  budgetCurve,
  chosenRows,
  moneyText,
  productRows,
  solveOutcome,
  solveRows,
  stageLabel,
  toUsd,
} from '../../web/src/shape/optimiser.js';

/** Figures of `trustmap optimize plans/trust-pilot-apis.json --json` on the bundled data (INR, 83 INR/USD). */
const inr = (amount: number): Money => ({ amount, currency: 'INR', usd: amount / 83 });
const size = { rows: 10, columns: 14, nonzeros: 29, integers: 4 };
const solve = (share: number, o: Partial<SolveSummary> = {}): SolveSummary => ({
  budgetShare: share,
  budget: inr(500_000_000 * share),
  status: 'optimal',
  hasSolution: true,
  size,
  seconds: 0.05,
  objective: 0.02,
  dualBound: 0.02,
  gap: 0,
  spent: inr(244_000_000),
  loss: { expected: 0.020649466894452833, p95: 0.10324733447226415 },
  ...o,
});

const report = {
  budgetCurve: [
    solve(0.5),
    solve(0, { spent: inr(0), loss: { expected: 0.10897582417582417, p95: 0.5448791208791208 } }),
    solve(1.5, { status: 'time-limit', hasSolution: false, spent: null, loss: null, gap: null }),
    solve(1, { status: 'time-limit', gap: 0.0123 }),
  ],
  chosen: [
    {
      id: 'granules-expansion',
      kind: 'capacity',
      product: 'paracetamol.api',
      size: 300000,
      sizeUnit: 'kg/yr',
      cost: inr(180_000_000),
      where: 'IND',
      leadDays: 180,
      existingRegisteredSite: {
        fei: '3001319869',
        firmName: 'Granules India Limited',
        country: 'IND',
        apiManufacture: true,
      },
      illustrative: true,
      source: null,
    },
    {
      id: 'us-stockpile',
      kind: 'stockpile',
      product: 'paracetamol.api',
      size: 100000,
      sizeUnit: 'kg',
      cost: inr(44_000_000),
      where: 'USA',
      leadDays: null,
      existingRegisteredSite: null,
      illustrative: true,
      source: null,
    },
  ],
  products: [
    {
      material: 'paracetamol.api',
      market: 'USA',
      unit: 'kg',
      weight: 3,
      annualDemand: 1_000_000,
      simulated: false,
      before: { expected: 36325.27472527473, p95: 181626.37362637362 },
      afterModel: { expected: 6883.155631484278, p95: 34415.77815742139 },
      afterResimulated: null,
      spent: inr(244_000_000),
      illustrative: true,
    },
    {
      material: 'gallium.refined',
      market: 'USA',
      unit: 't',
      weight: 1,
      annualDemand: 20,
      simulated: true,
      before: { expected: 4, p95: 10 },
      afterModel: { expected: 1.5, p95: 4 },
      afterResimulated: { expected: 1, p95: 5 },
      spent: inr(0),
      illustrative: false,
    },
  ],
} satisfies Pick<OptimizeReport, 'budgetCurve' | 'chosen' | 'products'>;

describe('optimiser: money', () => {
  it('converts INR to USD at the plan rate and leaves USD alone', () => {
    // 500,000,000 INR ÷ 83 INR/USD = 6,024,096.39 USD
    expect(toUsd(500_000_000, 'INR', 83)).toBeCloseTo(6_024_096.385542168, 6);
    expect(toUsd(400_000_000, 'USD', 83)).toBe(400_000_000);
    expect(toUsd(1, 'INR', undefined)).toBeNull();
    expect(moneyText(inr(500_000_000))).toBe('INR 500,000,000 (USD 6,024,096)');
    expect(moneyText({ amount: 1234.4, currency: 'USD', usd: 1234.4 })).toBe('USD 1,234');
  });
});

describe('optimiser: solve status', () => {
  it('reads a limit with a portfolio as a result, and infeasibility as no portfolio (not an error)', () => {
    expect(solveOutcome({ status: 'optimal', hasSolution: true, gap: 0 }).kind).toBe('optimal');
    expect(solveOutcome({ status: 'time-limit', hasSolution: true, gap: 0.0123 })).toEqual({
      kind: 'incumbent',
      text: 'time-limit: best portfolio found, gap 1.23 %',
    });
    expect(solveOutcome({ status: 'time-limit', hasSolution: false, gap: null })).toEqual({
      kind: 'no-solution',
      text: 'time-limit: no portfolio found',
    });
    expect(solveOutcome({ status: 'infeasible', hasSolution: false, gap: null }).text).toMatch(
      /^infeasible: no portfolio satisfies/,
    );
  });

  it('lists each solve in budget order with its model size; no solution is unavailable, never 0', () => {
    const rows = solveRows(report);
    expect(rows.map((r) => r.budgetShare)).toEqual([0, 0.5, 1, 1.5]);
    expect(rows[0]).toMatchObject({ budget: 0, rows: 10, columns: 14, nonzeros: 29, integers: 4, spent: 0 });
    // 1.5 × 500,000,000 INR = 750,000,000 INR; ÷ 83 = 9,036,144.58 USD
    expect(rows[3]!.budget).toBe(750_000_000);
    expect(rows[3]!.budgetUsd).toBeCloseTo(9_036_144.578, 3);
    expect(rows[3]!.expected).toEqual({ unavailable: 'time-limit: no portfolio found' });
    expect(rows[3]!.spent).toEqual({ unavailable: 'time-limit: no portfolio found' });
    expect(rows[2]!.outcome.kind).toBe('incumbent');
  });
});

describe('optimiser: budget–resilience curve', () => {
  it('is sorted by budget with a gap (null) where a solve found nothing', () => {
    expect(budgetCurve(report)).toEqual([
      { budget: 0, budgetUsd: 0, expected: 0.10897582417582417, p95: 0.5448791208791208, status: 'optimal' },
      {
        budget: 250_000_000,
        budgetUsd: 250_000_000 / 83,
        expected: 0.020649466894452833,
        p95: 0.10324733447226415,
        status: 'optimal',
      },
      {
        budget: 500_000_000,
        budgetUsd: 500_000_000 / 83,
        expected: 0.020649466894452833,
        p95: 0.10324733447226415,
        status: 'time-limit',
      },
      { budget: 750_000_000, budgetUsd: 750_000_000 / 83, expected: null, p95: null, status: 'time-limit' },
    ]);
  });

  it('keeps every solve, in non-decreasing budget order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { maxLength: 12 }), (shares) => {
        const pts = budgetCurve({ budgetCurve: shares.map((s) => solve(s)) });
        expect(pts).toHaveLength(shares.length);
        for (let i = 1; i < pts.length; i++)
          expect(pts[i]!.budget).toBeGreaterThanOrEqual(pts[i - 1]!.budget);
      }),
    );
  });
});

describe('optimiser: tables', () => {
  it('marks the existing FDA-registered site and gives the cost in plan currency and USD', () => {
    const rows = chosenRows(report);
    expect(rows[0]!.registeredSite).toBe('Granules India Limited (FEI 3001319869, IND)');
    // 180,000,000 INR ÷ 83 = 2,168,674.70 USD
    expect(rows[0]!.cost).toBe(180_000_000);
    expect(rows[0]!.costUsd).toBeCloseTo(2_168_674.698795181, 6);
    expect(rows[1]!.registeredSite).toBe('');
    expect(rows[1]!.leadDays).toEqual({ unavailable: 'no lead time: available at once' });
  });

  it('shows before / after (model) / after (re-simulated); an unsimulated product has no re-simulated figure', () => {
    const [para, ga] = productRows(report);
    expect(para!.resimExpected).toMatchObject({ unavailable: expect.stringMatching(/^not re-simulated/) });
    // avoided by the model figure: 1 − 6,883.16 / 36,325.27 = 0.81052…
    expect(para!.avoided as number).toBeCloseTo(1 - 6883.155631484278 / 36325.27472527473, 12);
    expect(para!.avoided as number).toBeCloseTo(0.8105, 4);
    // re-simulated preferred when present: 1 − 1 / 4 = 0.75 (not the model's 1 − 1.5/4 = 0.625)
    expect(ga).toMatchObject({ resimExpected: 1, resimP95: 5, modelExpected: 1.5, avoided: 0.75 });
  });

  it('says why nothing can be avoided when nothing was short', () => {
    const p = {
      ...report.products[1]!,
      before: { expected: 0, p95: 0 },
      afterResimulated: { expected: 0, p95: 0 },
    };
    expect(productRows({ products: [p] })[0]!.avoided).toEqual({
      unavailable: 'no expected unmet demand before: nothing to avoid',
    });
  });

  it('names the job stages in words', () => {
    expect(stageLabel('simulate')).toBe('simulating the scenarios');
    expect(stageLabel('solve')).toBe('solving with HiGHS, one budget at a time');
    expect(stageLabel(undefined)).toBe('');
  });
});
