import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Distribution, Hazard, HazardSet } from '../../model/hazard-set.js';
import type { Shock } from '../../model/index.js';
import {
  betaCdf,
  betaQuantile,
  checkDistribution,
  checkHazards,
  distributionMean,
  hazardLabel,
  normalQuantile,
  poissonQuantile,
  quantile,
  sampleHazard,
  sampleRun,
  UNIT_SCALE,
} from './hazards.js';
import { RunRandom } from './prng.js';

describe('inverse CDFs', () => {
  it('inverts uniform and triangular distributions in closed form', () => {
    expect(quantile({ dist: 'uniform', min: 10, max: 30 }, 0.25)).toBe(15);
    expect(quantile({ dist: 'fixed', value: 0.4 }, 0.99)).toBe(0.4);
    // triangular(0, 0, 1): F(x) = 1 − (1 − x)², so x = 1 − √(1 − u); at u = 0.75, x = 0.5
    expect(quantile({ dist: 'triangular', min: 0, mode: 0, max: 1 }, 0.75)).toBeCloseTo(0.5, 12);
    // triangular(0, 1, 2) is symmetric: median 1; F(0.5) = 0.5² / 2 = 0.125
    expect(quantile({ dist: 'triangular', min: 0, mode: 1, max: 2 }, 0.5)).toBeCloseTo(1, 12);
    expect(quantile({ dist: 'triangular', min: 0, mode: 1, max: 2 }, 0.125)).toBeCloseTo(0.5, 12);
  });

  it('computes the Beta CDF and its inverse (hand-checked cases)', () => {
    // I_½(2, 3) = Σ_{j=2..4} C(4, j) / 2⁴ = (6 + 4 + 1) / 16
    expect(betaCdf(0.5, 2, 3)).toBeCloseTo(11 / 16, 12);
    // Beta(1, 1) is uniform; Beta(2, 1) has F = x², so x = √u; Beta(1, 2) has x = 1 − √(1 − u)
    for (const u of [0.01, 0.3, 0.5, 0.9]) {
      expect(betaQuantile(u, 1, 1)).toBeCloseTo(u, 12);
      expect(betaQuantile(u, 2, 1)).toBeCloseTo(Math.sqrt(u), 12);
      expect(betaQuantile(u, 1, 2)).toBeCloseTo(1 - Math.sqrt(1 - u), 12);
    }
    expect(betaQuantile(0.5, 2, 2)).toBeCloseTo(0.5, 12);
    // scaled to [0.3, 1]
    expect(quantile({ dist: 'beta', alpha: 2, beta: 1, min: 0.3, max: 1 }, 0.25)).toBeCloseTo(
      0.3 + 0.7 * 0.5,
      12,
    );
  });

  it('inverts the normal and lognormal distributions', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
    expect(normalQuantile(1 - 1e-6)).toBeCloseTo(4.753424309, 7);
    const d: Distribution = { dist: 'lognormal', median: 120, sigma: 0.6, max: 400 };
    expect(quantile(d, 0.5)).toBeCloseTo(120, 6);
    expect(quantile(d, 0.975)).toBeCloseTo(Math.min(400, 120 * Math.exp(0.6 * 1.959963985)), 5);
    expect(quantile(d, 0.9999)).toBe(400);
  });

  it('finds Poisson counts by their cumulative probabilities', () => {
    // μ = 2: P(0) = e⁻² = 0.135, P(≤1) = 0.406, P(≤2) = 0.677, P(≤3) = 0.857, P(≤4) = 0.947
    expect([0.1, 0.2, 0.5, 0.8, 0.9, 0.95].map((u) => poissonQuantile(u, 2))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(poissonQuantile(0.999, 0)).toBe(0);
    // μ = 0.25: P(0) = e^−0.25 = 0.7788
    expect(poissonQuantile(0.7787, 0.25)).toBe(0);
    expect(poissonQuantile(0.7789, 0.25)).toBe(1);
    // large means start below the smallest double: the median of Poisson(800) is 800
    expect(poissonQuantile(0.5, 800)).toBe(800);
    // the mean over a fine grid of u is μ
    let s = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) s += poissonQuantile((i + 0.5) / n, 3.7);
    expect(s / n).toBeCloseTo(3.7, 2);
  });

  it('gives the means of the distributions', () => {
    expect(distributionMean({ dist: 'triangular', min: 0.3, mode: 1, max: 1 })).toBeCloseTo(2.3 / 3, 12);
    expect(distributionMean({ dist: 'beta', alpha: 2, beta: 3 })).toBeCloseTo(0.4, 12);
    expect(distributionMean({ dist: 'lognormal', median: 100, sigma: 0.5 })).toBeCloseTo(
      100 * Math.exp(0.125),
      9,
    );
    // a cap lowers the mean
    expect(distributionMean({ dist: 'lognormal', median: 100, sigma: 0.5, max: 150 })).toBeLessThan(
      100 * Math.exp(0.125),
    );
  });
});

describe('checks', () => {
  it('names the field of a distribution that leaves its bounds', () => {
    const share = { lo: 0, hi: 1, what: 'a share' };
    expect(checkDistribution({ dist: 'uniform', min: 0.2, max: 1.2 }, 'hazards/0/share', share)).toEqual([
      { column: 'hazards/0/share/max', message: 'a share must be ≤ 1, the distribution reaches 1.2' },
    ]);
    expect(
      checkDistribution({ dist: 'triangular', min: 0, mode: 2, max: 1 }, 'h/share', share)[0]?.column,
    ).toBe('h/share/mode');
    expect(
      checkDistribution({ dist: 'lognormal', median: 0.3, sigma: 1 }, 'h/share', share)[0]?.message,
    ).toMatch(/needs max ≤ 1/);
    expect(
      checkDistribution({ dist: 'fixed', value: -1 }, 'h/duration_days', {
        lo: 0,
        hi: 100,
        what: 'a duration',
      })[0]?.column,
    ).toBe('h/duration_days/value');
    expect(checkDistribution({ dist: 'beta', alpha: 2, beta: 2 }, 'h/share', share)).toEqual([]);
  });

  it('asks for exactly one of rate_per_year and probability', () => {
    const base: Hazard = {
      type: 'capacity_loss',
      country: 'CHN',
      materials: ['x'],
      share: { dist: 'fixed', value: 0.5 },
      duration_days: { dist: 'fixed', value: 10 },
    };
    const set = (hazards: Hazard[]): HazardSet => ({
      name: 's',
      illustrative: true,
      year: 2024,
      horizon_days: 365,
      step_days: 1,
      hazards,
    });
    expect(checkHazards(set([{ ...base, rate_per_year: 1, probability: 0.5 }])).map((i) => i.column)).toEqual(
      ['hazards/0/rate_per_year'],
    );
    expect(checkHazards(set([{ ...base }])).map((i) => i.column)).toEqual(['hazards/0/rate_per_year']);
    expect(checkHazards(set([{ ...base, probability: 0.5 }]))).toEqual([]);
    expect(
      checkHazards(set([{ ...base, probability: 0.5, start_day: { dist: 'uniform', min: 300, max: 400 } }])),
    ).toEqual([
      {
        column: 'hazards/0/start_day/max',
        message: 'a start day (inside the 365-day horizon) must be ≤ 364, the distribution reaches 400',
      },
    ]);
  });
});

describe('sampling', () => {
  const ban: Hazard = {
    type: 'export_restriction',
    exporter: 'CHN',
    importers: 'all',
    materials: ['ga'],
    rate_per_year: 1.5,
    share: { dist: 'beta', alpha: 2, beta: 2 },
    duration_days: { dist: 'lognormal', median: 60, sigma: 0.8, max: 700 },
  };

  it('labels hazards by type, place and materials', () => {
    expect(hazardLabel(ban)).toBe('export_restriction CHN→all ga');
    expect(hazardLabel({ ...ban, id: 'my ban' })).toBe('my ban');
  });

  it('fires a certain hazard once, with the fixed figures given', () => {
    const certain: Hazard = {
      type: 'capacity_loss',
      country: 'AUS',
      materials: ['ga'],
      probability: 1,
      start_day: { dist: 'fixed', value: 12 },
      share: { dist: 'fixed', value: 0.4 },
      duration_days: { dist: 'fixed', value: 30 },
    };
    for (const run of [0, 1, 99]) {
      const shocks = sampleRun([certain], new RunRandom(5, run), 365, UNIT_SCALE);
      expect(shocks).toEqual([
        {
          type: 'capacity_loss',
          country: 'AUS',
          share: 0.4,
          recovery: 'step',
          materials: ['ga'],
          start_day: 12,
          duration_days: 30,
          note: 'hazard 0',
        },
      ]);
    }
    expect(sampleRun([{ ...certain, probability: 0 }], new RunRandom(5, 0), 365, UNIT_SCALE)).toEqual([]);
  });

  it('draws shares in [0, 1], start days inside the horizon and whole durations of at least a day', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.nat({ max: 1e6 }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (seed, run, sev) => {
          const shocks: Shock[] = [];
          sampleHazard(
            ban,
            0,
            new RunRandom(seed, run),
            90,
            { rate: 3, severity: sev, duration: 0.01 },
            shocks,
          );
          for (const s of shocks) {
            if (s.type !== 'export_restriction') throw new Error('wrong type');
            expect(s.share).toBeGreaterThanOrEqual(0);
            expect(s.share).toBeLessThanOrEqual(1);
            expect(s.start_day).toBeGreaterThanOrEqual(0);
            expect(s.start_day).toBeLessThan(90);
            expect(Number.isInteger(s.duration_days) && s.duration_days >= 1).toBe(true);
          }
        },
      ),
    );
  });

  it('fires at least as many events when the rate is scaled up, with the same first events (common random numbers)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.nat({ max: 1e6 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        (seed, run, k) => {
          const a: Shock[] = [];
          const b: Shock[] = [];
          sampleHazard(ban, 3, new RunRandom(seed, run), 365, UNIT_SCALE, a);
          sampleHazard(ban, 3, new RunRandom(seed, run), 365, { ...UNIT_SCALE, rate: k }, b);
          expect(b.length).toBeGreaterThanOrEqual(a.length);
          expect(b.slice(0, a.length)).toEqual(a);
        },
      ),
    );
  });

  it('scales every drawn share with the severity and every duration with the duration factor', () => {
    const a: Shock[] = [];
    const b: Shock[] = [];
    const h: Hazard = { ...ban, rate_per_year: 20 };
    sampleHazard(h, 0, new RunRandom(9, 4), 365, UNIT_SCALE, a);
    sampleHazard(h, 0, new RunRandom(9, 4), 365, { rate: 1, severity: 0.5, duration: 2 }, b);
    expect(a.length).toBeGreaterThan(5);
    expect(b.length).toBe(a.length);
    a.forEach((s, i) => {
      const t = b[i]!;
      if (s.type !== 'export_restriction' || t.type !== 'export_restriction') throw new Error('wrong type');
      expect(t.share).toBeCloseTo(s.share / 2, 12);
      expect(t.start_day).toBe(s.start_day);
      // durations are rounded after scaling: within one day of twice the rounded base
      expect(Math.abs(t.duration_days - 2 * s.duration_days)).toBeLessThanOrEqual(1);
    });
  });

  it('matches the expected number of events over many runs (Poisson mean μ = rate × horizon / 365)', () => {
    let n = 0;
    const runs = 4000;
    for (let r = 0; r < runs; r++) n += sampleRun([ban], new RunRandom(11, r), 365, UNIT_SCALE).length;
    // μ = 1.5; the mean of 4000 counts has s.e. √(1.5 / 4000) ≈ 0.019
    expect(Math.abs(n / runs - 1.5)).toBeLessThan(0.08);
  });
});
