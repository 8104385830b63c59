import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtestHolt } from './backtest.js';
import { fitHolt, holtFilter, holtForecast, minimumObservations, varianceFactor } from './holt.js';

describe("Holt's method recursions", () => {
  it('updates level and trend by hand on two observations', () => {
    // α = 0.5, β* = 0.4, ℓ0 = 10, b0 = 1
    // t=1: ŷ = 10 + 1 = 11, y = 13, e = 2; ℓ1 = 0.5·13 + 0.5·11 = 12; b1 = 0.4·(12 − 10) + 0.6·1 = 1.4
    // t=2: ŷ = 12 + 1.4 = 13.4, y = 12, e = −1.4; ℓ2 = 0.5·12 + 0.5·13.4 = 12.7;
    //      b2 = 0.4·(12.7 − 12) + 0.6·1.4 = 1.12; SSE = 4 + 1.96 = 5.96
    const r = holtFilter([13, 12], { alpha: 0.5, betaStar: 0.4, phi: 1, level0: 10, trend0: 1 });
    expect([...r.fitted]).toEqual([11, 13.4].map((v) => expect.closeTo(v, 12)));
    expect([...r.residuals]).toEqual([2, -1.4].map((v) => expect.closeTo(v, 12)));
    expect(r.level).toBeCloseTo(12.7, 12);
    expect(r.trend).toBeCloseTo(1.12, 12);
    expect(r.sse).toBeCloseTo(5.96, 12);
  });

  it('damps the trend by φ in the damped recursions', () => {
    // α = 0.5, β* = 0.4, φ = 0.9, ℓ0 = 10, b0 = 1, y1 = 13
    // ŷ = 10 + 0.9·1 = 10.9; ℓ1 = 0.5·13 + 0.5·10.9 = 11.95; b1 = 0.4·1.95 + 0.6·0.9·1 = 1.32
    const r = holtFilter([13], { alpha: 0.5, betaStar: 0.4, phi: 0.9, level0: 10, trend0: 1 });
    expect(r.fitted[0]).toBeCloseTo(10.9, 12);
    expect(r.level).toBeCloseTo(11.95, 12);
    expect(r.trend).toBeCloseTo(1.32, 12);
    // two steps ahead: ℓ1 + (φ + φ²)·b1 = 11.95 + 1.71·1.32 = 14.2072
    const fit = {
      damped: true,
      params: { alpha: 0.5, betaStar: 0.4, phi: 0.9, level0: 10, trend0: 1 },
      n: 1,
      parameters: 5,
      sse: 0,
      sigma2: 0,
      fitted: [],
      residuals: [],
      level: r.level,
      trend: r.trend,
    };
    expect(holtForecast(fit, 2)[1]!.mean).toBeCloseTo(14.2072, 10);
  });
});

describe('fitting by least squares', () => {
  it('forecasts an exact linear series exactly', () => {
    // y = 3 + 2t: SSE 0 with ℓ0 = 3, b0 = 2 for any α, β*; forecasts continue the line
    const y = Array.from({ length: 10 }, (_, i) => 3 + 2 * (i + 1));
    const fit = fitHolt(y);
    expect(fit.sse).toBeLessThan(1e-16);
    expect(fit.params.level0).toBeCloseTo(3, 8);
    expect(fit.params.trend0).toBeCloseTo(2, 8);
    const f = holtForecast(fit, 3);
    expect(f.map((p) => p.mean)).toEqual([25, 27, 29].map((v) => expect.closeTo(v, 8)));
    for (const p of f) for (const iv of p.intervals) expect(iv.upper - iv.lower).toBeLessThan(1e-6);
  });

  it('forecasts a constant series as constant, damped or not', () => {
    for (const damped of [false, true]) {
      const f = holtForecast(fitHolt(Array(8).fill(42), { damped }), 4);
      for (const p of f) expect(p.mean).toBeCloseTo(42, 8);
    }
  });

  it('estimates σ² as SSE / (T − k)', () => {
    const y = [5, 7, 6, 9, 11, 10, 13, 15];
    const fit = fitHolt(y);
    // k = 4 (α, β*, ℓ0, b0)
    expect(fit.sigma2).toBeCloseTo(fit.sse / (8 - 4), 12);
    expect(fitHolt(y, { damped: true }).parameters).toBe(5);
  });

  it('refuses a series shorter than the parameters need', () => {
    expect(minimumObservations(false)).toBe(5);
    expect(() => fitHolt([1, 2, 3, 4])).toThrow(/needs ≥ 5 values, got 4/);
    expect(() => fitHolt([1, 2, 3, 4, 5], { damped: true })).toThrow(/needs ≥ 6/);
  });

  it('finds an SSE no larger than at any other parameters (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 6, maxLength: 20 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (y, alpha, betaStar) => {
          const fit = fitHolt(y);
          const other = holtFilter(y, {
            alpha,
            betaStar,
            phi: 1,
            level0: fit.params.level0,
            trend0: fit.params.trend0,
          });
          return fit.sse <= other.sse * (1 + 1e-6) + 1e-9;
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it('moves forecasts with a shift of the series (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 6, maxLength: 15 }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (y, c) => {
          const a = holtForecast(fitHolt(y), 2);
          const b = holtForecast(fitHolt(y.map((v) => v + c)), 2);
          // the fit is the same up to the optimiser's tolerance: compare against the series' spread
          const tol = 1e-3 * (1 + Math.max(...y) - Math.min(...y));
          return a.every((p, i) => Math.abs(p.mean + c - b[i]!.mean) <= tol * 10);
        },
      ),
      { numRuns: 25, seed: 11 },
    );
  });
});

describe('prediction intervals (ETS(A,A,N), FPP3 Table 8.8)', () => {
  it('computes the variance factor by hand', () => {
    // α = 0.5, β* = 0.4 → β = 0.2; h = 3:
    // 1 + (h − 1)·{α² + αβh + β²h(2h − 1)/6} = 1 + 2·(0.25 + 0.3 + 0.04·3·5/6) = 1 + 2·0.65 = 2.3
    expect(varianceFactor(0.5, 0.4, 1, 3)).toBeCloseTo(2.3, 12);
    expect(varianceFactor(0.5, 0.4, 1, 1)).toBe(1);
    // damped, φ = 0.9: c1 = 0.5 + 0.2·0.9 = 0.68, c2 = 0.5 + 0.2·(0.9 + 0.81) = 0.842
    // 1 + 0.68² + 0.842² = 1 + 0.4624 + 0.708964 = 2.171364
    expect(varianceFactor(0.5, 0.4, 0.9, 3)).toBeCloseTo(2.171364, 12);
  });

  it("matches Table 8.8's closed form for the damped trend (property)", () => {
    // σ_h²/σ² = 1 + α²(h−1) + βφh/(1−φ)²·{2α(1−φ) + βφ}
    //           − βφ(1−φ^h)/((1−φ)²(1−φ²))·{2α(1−φ²) + βφ(1 + 2φ − φ^h)}
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.8, max: 0.98, noNaN: true }),
        fc.integer({ min: 1, max: 12 }),
        (alpha, betaStar, phi, h) => {
          const beta = alpha * betaStar;
          const closed =
            1 +
            alpha * alpha * (h - 1) +
            ((beta * phi * h) / (1 - phi) ** 2) * (2 * alpha * (1 - phi) + beta * phi) -
            ((beta * phi * (1 - phi ** h)) / ((1 - phi) ** 2 * (1 - phi * phi))) *
              (2 * alpha * (1 - phi * phi) + beta * phi * (1 + 2 * phi - phi ** h));
          return Math.abs(varianceFactor(alpha, betaStar, phi, h) - closed) < 1e-8 * closed;
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('puts the 80 % and 95 % bounds at 1.28 and 1.96 σ_h', () => {
    const fit = {
      damped: false,
      params: { alpha: 0.5, betaStar: 0.4, phi: 1, level0: 0, trend0: 0 },
      n: 10,
      parameters: 4,
      sse: 24,
      sigma2: 4,
      fitted: [],
      residuals: [],
      level: 100,
      trend: 10,
    };
    // h = 3: mean 100 + 3·10 = 130; σ_3 = √(4 · 2.3) = 3.03315…
    const p = holtForecast(fit, 3)[2]!;
    const sd = Math.sqrt(4 * 2.3);
    expect(p.mean).toBe(130);
    expect(p.sd).toBeCloseTo(sd, 12);
    expect(p.intervals[0]).toEqual({ level: 80, lower: 130 - 1.28 * sd, upper: 130 + 1.28 * sd });
    expect(p.intervals[1]).toEqual({ level: 95, lower: 130 - 1.96 * sd, upper: 130 + 1.96 * sd });
  });
});

describe('backtest on held-out final years', () => {
  it('scores an exact linear series at MAPE 0', () => {
    const y = Array.from({ length: 12 }, (_, i) => 100 + 5 * i);
    const b = backtestHolt(y, 3);
    if ('unavailable' in b) throw new Error(b.unavailable);
    expect(b.trainingSize).toBe(9);
    expect(b.actual).toEqual([145, 150, 155]);
    expect(b.mape).toBeCloseTo(0, 8);
  });

  it('computes MAPE by hand from the forecasts', () => {
    // train on 10, 20, 30, 40, 50 (exact line) → forecasts 60, 70; actuals 66, 63:
    // APE = |66 − 60|/66 = 0.0909…, |63 − 70|/63 = 0.1111…; MAPE = 100·(0.0909 + 0.1111)/2 = 10.101 %
    const b = backtestHolt([10, 20, 30, 40, 50, 66, 63], 2);
    if ('unavailable' in b) throw new Error(b.unavailable);
    expect(b.forecast).toEqual([60, 70].map((v) => expect.closeTo(v, 6)));
    expect(b.mape).toBeCloseTo((100 * (6 / 66 + 7 / 63)) / 2, 5);
    expect(b.mae).toBeCloseTo(6.5, 5);
  });

  it('says MAPE is undefined when an actual is zero', () => {
    const b = backtestHolt([4, 3, 5, 2, 6, 0, 1], 2);
    if ('unavailable' in b) throw new Error(b.unavailable);
    expect(b.mape).toBeNull();
    expect(b.mapeUnavailable).toMatch(/actual is 0 in held-out period 6/);
    expect(b.ape[0]).toBeNull();
  });

  it('is unavailable when too few years remain for fitting', () => {
    const b = backtestHolt([1, 2, 3, 4, 5], 3);
    expect(b).toEqual({ unavailable: expect.stringMatching(/leave 2 for fitting.*needs ≥ 5/) });
  });
});
