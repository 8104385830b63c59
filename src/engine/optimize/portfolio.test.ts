import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type HighsRuntime, loadHighs } from './highs-model.js';
import {
  buildPortfolioModel,
  KIND_CAPACITY,
  KIND_FASTTRACK,
  KIND_OFFTAKE,
  KIND_STOCKPILE,
  type PortfolioInstance,
  solvePortfolio,
  weightedQuantile,
} from './portfolio.js';
import { randomPortfolio, syntheticPortfolio } from './synthetic-portfolio.js';

let highs: HighsRuntime;
beforeAll(async () => {
  highs = await loadHighs();
});

interface Cand {
  kind: number;
  product?: number;
  fixed?: number;
  unit?: number;
  min?: number;
  max: number;
  start?: number;
  end?: number;
  target?: number;
  required?: boolean;
}

function instance(o: {
  P?: number;
  periods: [number, number][];
  prob: number[];
  gap: number[];
  weight?: number[];
  cands: Cand[];
  budget: number;
  availability?: number[];
  cvar?: { alpha: number; weight: number };
}): PortfolioInstance {
  const N = o.cands.length;
  const P = o.P ?? 1;
  const f = (g: (c: Cand) => number) => Float64Array.from(o.cands, g);
  return {
    products: P,
    periods: o.periods.length,
    scenarios: o.prob.length,
    candidates: N,
    weight: Float64Array.from(o.weight ?? new Array(P).fill(1)),
    probability: Float64Array.from(o.prob),
    periodStart: Float64Array.from(o.periods, (p) => p[0]),
    periodEnd: Float64Array.from(o.periods, (p) => p[1]),
    gap: Float64Array.from(o.gap),
    kind: Uint8Array.from(o.cands, (c) => c.kind),
    product: Int32Array.from(o.cands, (c) => c.product ?? 0),
    fixedCost: f((c) => c.fixed ?? 0),
    unitCost: f((c) => c.unit ?? 0),
    minSize: f((c) => c.min ?? 0),
    maxSize: f((c) => c.max),
    startDay: f((c) => c.start ?? 0),
    endDay: f((c) => c.end ?? Number.POSITIVE_INFINITY),
    target: Int32Array.from(o.cands, (c) => c.target ?? -1),
    required: Uint8Array.from(o.cands, (c) => (c.required ? 1 : 0)),
    availability: o.availability ? Float32Array.from(o.availability) : null,
    budget: o.budget,
    cvar: o.cvar ?? null,
  };
}

const YEAR: [number, number][] = [[0, 365]];

describe('intervention portfolio MILP', () => {
  // One product, one 365-day period, two equally likely scenarios with shortfalls 100 and 0 units.
  // Capacity: 10 USD fixed + 1 USD per unit/year, delivers x units in the year (lead 0).
  // Stockpile: 0.5 USD per unit. Per unit of cover the stockpile is cheaper (0.5 < 1), so:
  //   budget 30  → stockpile 30 / 0.5 = 60 units; scenario 0 short 100 − 60 = 40; expected 0.5·40 = 20
  //   budget 0   → nothing; expected 0.5·100 = 50
  //   budget 100 → 100 units of stock cover scenario 0 (cost 50; the tie-break stops there); expected 0
  const simple = (budget: number) =>
    instance({
      periods: YEAR,
      prob: [0.5, 0.5],
      gap: [100, 0],
      cands: [
        { kind: KIND_CAPACITY, fixed: 10, unit: 1, max: 200 },
        { kind: KIND_STOCKPILE, unit: 0.5, max: 200 },
      ],
      budget,
    });

  it('buys the hand-solved optimum of a two-candidate portfolio', () => {
    const { solves } = solvePortfolio(highs, simple(30), { timeLimitSeconds: 10, mipRelGap: 0 });
    const r = solves[0]!;
    expect(r.status).toBe('optimal');
    expect(Array.from(r.bought)).toEqual([0, 1]);
    expect(r.size_[1]).toBeCloseTo(60, 6);
    expect(r.expectedShortfall[0]).toBeCloseTo(20, 6);
    expect(r.spent).toBeCloseTo(30, 6);
    expect(Array.from(r.scenarioLoss)).toEqual([expect.closeTo(40, 6), expect.closeTo(0, 6)]);
  });

  it('buys nothing with a budget of 0', () => {
    const r = solvePortfolio(highs, simple(0), { timeLimitSeconds: 10, mipRelGap: 0 }).solves[0]!;
    expect(r.status).toBe('optimal');
    expect(Array.from(r.bought)).toEqual([0, 0]);
    expect(r.spent).toBe(0);
    expect(r.expectedShortfall[0]).toBeCloseTo(50, 9);
  });

  it('stops at the cheapest portfolio that removes the shortfall', () => {
    const r = solvePortfolio(highs, simple(100), { timeLimitSeconds: 10, mipRelGap: 0 }).solves[0]!;
    expect(r.size_[1]).toBeCloseTo(100, 5);
    expect(r.bought[0]).toBe(0);
    expect(r.spent).toBeCloseTo(50, 5);
    expect(r.expectedShortfall[0]).toBeCloseTo(0, 6);
  });

  it('solves a budget curve on one model, warm-starting upward', () => {
    const { solves } = solvePortfolio(highs, simple(30), {
      timeLimitSeconds: 10,
      mipRelGap: 0,
      budgets: [30, 0, 100, 15],
    });
    expect(solves.map((s) => s.budget)).toEqual([0, 15, 30, 100]);
    // 15 USD → 30 units of stock → 0.5 · 70 = 35
    expect(solves.map((s) => s.expectedShortfall[0]!)).toEqual([
      expect.closeTo(50, 6),
      expect.closeTo(35, 6),
      expect.closeTo(20, 6),
      expect.closeTo(0, 6),
    ]);
  });

  // Two periods of 180 days, one scenario short 50 units in each. Capacity: 1 USD per unit/year,
  // lead time 180 days, so it delivers x·180/365 in period 1 only. A fast-track (5 USD) lets up to
  // x of it start on day 0: z·180/365 more in period 0 (z ≤ x).
  //   budget 50:  without fast-track x = 50 → 50·180/365 = 24.66 delivered, shortfall 75.34;
  //               with it x = z = 45 → 2·45·180/365 = 44.38 delivered, shortfall 55.62 (better)
  //   budget 110: x = z = 50·365/180 = 101.39 (cost 106.39) → shortfall 0
  const fast = (budget: number) =>
    instance({
      periods: [
        [0, 180],
        [180, 360],
      ],
      prob: [1],
      gap: [50, 50],
      cands: [
        { kind: KIND_CAPACITY, unit: 1, max: 1000, start: 180 },
        { kind: KIND_FASTTRACK, fixed: 5, max: 0, start: 0, target: 0 },
      ],
      budget,
    });

  it('uses a fast-track only together with its capacity (hand-solved)', () => {
    const r50 = solvePortfolio(highs, fast(50), { timeLimitSeconds: 10, mipRelGap: 0 }).solves[0]!;
    expect(Array.from(r50.bought)).toEqual([1, 1]);
    expect(r50.size_[0]).toBeCloseTo(45, 5);
    expect(r50.size_[1]).toBeCloseTo(45, 5);
    expect(r50.expectedShortfall[0]).toBeCloseTo(100 - (2 * 45 * 180) / 365, 5);
    const r110 = solvePortfolio(highs, fast(110), { timeLimitSeconds: 10, mipRelGap: 0 }).solves[0]!;
    expect(r110.expectedShortfall[0]).toBeCloseTo(0, 5);
    expect(r110.spent).toBeCloseTo((50 * 365) / 180 + 5, 4);
    // 3 USD buy no fast-track (5 USD): 3 units/year of capacity → 3·180/365 in period 1
    const r3 = solvePortfolio(highs, fast(3), { timeLimitSeconds: 10, mipRelGap: 0 }).solves[0]!;
    expect(Array.from(r3.bought)).toEqual([1, 0]);
    expect(r3.expectedShortfall[0]).toBeCloseTo(100 - (3 * 180) / 365, 5);
  });

  // An offtake (1 USD per unit/year) whose supplier is cut off in scenario 0 (availability 0)
  // is worth nothing there; a stockpile (2 USD per unit) is. Scenarios: s0 (p 0.8) short 40,
  // s1 (p 0.2) short 40 with the supplier available. Budget 40:
  //   offtake 40/yr (cost 40) covers only s1 → expected 0.8·40 = 32
  //   stock 20 units (cost 40) → expected 20
  //   mix: a units of offtake, b of stock, a + 2b = 40: expected 0.8(40 − b) + 0.2(40 − a − b)
  //        = 40 − b − 0.2a = 40 − b − 0.2(40 − 2b) = 32 − 0.6b → all stock: 20
  it('values an offtake only where its supplier is not cut off', () => {
    const r = solvePortfolio(
      highs,
      instance({
        periods: YEAR,
        prob: [0.8, 0.2],
        gap: [40, 40],
        cands: [
          { kind: KIND_OFFTAKE, unit: 1, max: 100 },
          { kind: KIND_STOCKPILE, unit: 2, max: 100 },
        ],
        availability: [0, 1, 1, 1], // (s·N + i)·T + t: s0 offtake 0, s0 stock, s1 offtake, s1 stock
        budget: 40,
      }),
      { timeLimitSeconds: 10, mipRelGap: 0 },
    ).solves[0]!;
    expect(r.size_[0]).toBeCloseTo(0, 6);
    expect(r.size_[1]).toBeCloseTo(20, 6);
    expect(r.expectedShortfall[0]).toBeCloseTo(20, 6);
  });

  // A stockpile of 30 units drawn over two periods: short 20 then 20 → draws 20 then 10; total
  // shortfall 10. Stock balance: L0 = 30 − 20 = 10, L1 = 10 − 10 = 0.
  it('carries stock over periods', () => {
    const r = solvePortfolio(
      highs,
      instance({
        periods: [
          [0, 100],
          [100, 200],
        ],
        prob: [1],
        gap: [20, 20],
        cands: [{ kind: KIND_STOCKPILE, unit: 1, max: 30 }],
        budget: 30,
      }),
      { timeLimitSeconds: 10, mipRelGap: 0 },
    ).solves[0]!;
    expect(r.expectedShortfall[0]).toBeCloseTo(10, 6);
  });

  // CVaR at α = 0.5 with weight 1: scenarios (p 0.5 each) short 100 and 20; budget buys 20
  // units of stock. Expected shortfall is the same wherever the stock goes (it is one stock drawn
  // in whichever scenario happens), so the stock covers 20 units in each scenario; the
  // loss vector is (80, 0): expected 40, CVaR_0.5 = the worst half = 80.
  it('adds a CVaR term (Rockafellar–Uryasev)', () => {
    const r = solvePortfolio(
      highs,
      instance({
        periods: YEAR,
        prob: [0.5, 0.5],
        gap: [100, 20],
        cands: [{ kind: KIND_STOCKPILE, unit: 1, max: 100 }],
        budget: 20,
        cvar: { alpha: 0.5, weight: 1 },
      }),
      { timeLimitSeconds: 10, mipRelGap: 0 },
    ).solves[0]!;
    expect(Array.from(r.scenarioLoss)).toEqual([expect.closeTo(80, 6), expect.closeTo(0, 6)]);
    // objective = E + λ·CVaR = 40 + 80 (+ tie-break ≤ 1e-4 of the baseline 60)
    expect(r.objective!).toBeCloseTo(120, 1);
  });

  it('reports an infeasible model as a result naming the budget row', () => {
    const r = solvePortfolio(
      highs,
      instance({
        periods: YEAR,
        prob: [1],
        gap: [10],
        cands: [{ kind: KIND_OFFTAKE, fixed: 100, unit: 1, min: 5, max: 10, required: true }],
        budget: 50,
      }),
      { timeLimitSeconds: 10 },
    ).solves[0]!;
    expect(r.status).toBe('infeasible');
    expect(r.hasSolution).toBe(false);
    expect(r.diagnosis?.message).toMatch(/budget/);
    expect(r.diagnosis?.conflict?.rows.some((x) => x.startsWith('budget'))).toBe(true);
  });

  it('reports an unbounded model as a result naming the ray', () => {
    // a negative criticality weight rewards shortfall without limit (the plan schema forbids it)
    const r = solvePortfolio(
      highs,
      instance({
        periods: YEAR,
        prob: [1],
        gap: [10],
        weight: [-1],
        cands: [{ kind: KIND_STOCKPILE, unit: 1, max: 10 }],
        budget: 5,
      }),
      { timeLimitSeconds: 10 },
    ).solves[0]!;
    expect(['unbounded', 'unbounded-or-infeasible']).toContain(r.status);
    expect(r.hasSolution).toBe(false);
    expect(r.diagnosis?.message).toMatch(/unbounded|infeasible/);
    if (r.status === 'unbounded') expect(r.diagnosis?.ray?.some((c) => c.startsWith('shortfall'))).toBe(true);
  });

  it('reports the time limit with the incumbent and its gap, or no solution', () => {
    const r = solvePortfolio(highs, randomInstance(7, 60, 40, 8, 4), {
      timeLimitSeconds: 0.002,
      mipRelGap: 0,
    }).solves[0]!;
    expect(r.status).toBe('time-limit');
    if (r.hasSolution) expect(r.gap).not.toBeNull();
    else expect(r.size_.length).toBe(0);
  });

  it('counts rows, columns, nonzeros and integers, leaving out cells without a shortfall', () => {
    // 2 candidates: x (2) + y (2); scenario 0 (short 100): draw, stock level, u = 3; scenario 1
    // (short 0): nothing. Columns 7.
    // Rows: budget 1 + size_max 2 + scenario 0: stock balance 1 + shortfall balance 1 = 5.
    // Nonzeros: budget 3 (x0 1, y0 10, x1 0.5; y1's fixed cost 0 is no entry) + links 2·2
    //   + stock balance (L, d, x1) 3 + shortfall balance (u, x0, d) 3 = 13
    const m = buildPortfolioModel(simple(30));
    expect(m.size).toEqual({ rows: 5, columns: 7, nonzeros: 13, integers: 2 });
  });

  it('takes the weighted nearest-rank quantile', () => {
    const v = Float64Array.from([5, 1, 3]);
    expect(weightedQuantile(v, Float64Array.from([0.2, 0.5, 0.3]), 0.95)).toBe(5);
    expect(weightedQuantile(v, Float64Array.from([0.2, 0.5, 0.3]), 0.5)).toBe(1);
    expect(weightedQuantile(v, Float64Array.from([0.2, 0.5, 0.3]), 0.8)).toBe(3);
  });

  it('never raises the expected shortfall when the budget grows (gap 0)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, f) => {
          const inst = randomInstance(seed, 5, 3, 2, 2);
          const b1 = inst.budget * f;
          const { solves, model } = solvePortfolio(highs, inst, {
            timeLimitSeconds: 10,
            mipRelGap: 0,
            budgets: [b1, inst.budget],
          });
          const [lo, hi] = solves;
          expect(lo!.status).toBe('optimal');
          expect(hi!.status).toBe('optimal');
          const loss = (s: typeof lo) =>
            Array.from(s!.scenarioLoss).reduce((a, x, k) => a + x * inst.probability[k]!, 0);
          // the tie-break may trade at most ε · (b2 − b1) of shortfall for spending; solver tolerance 1e-6
          expect(loss(hi)).toBeLessThanOrEqual(
            loss(lo) + model.epsilon * (inst.budget - b1) + 1e-6 * (1 + loss(lo)),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});

function randomInstance(seed: number, N: number, S: number, P: number, T: number): PortfolioInstance {
  return (seed % 2 ? randomPortfolio : syntheticPortfolio)({
    seed,
    candidates: N,
    scenarios: S,
    products: P,
    periods: T,
  });
}
