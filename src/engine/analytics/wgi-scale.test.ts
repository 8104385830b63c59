import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  euWgiScore,
  euWgiTable,
  latestWgiYear,
  politicalInstability,
  politicalInstabilityTable,
  type WgiEstimate,
} from './wgi-scale.js';

const six = (iso3: string, year: number, values: number[]): WgiEstimate[] =>
  ['va', 'pv', 'ge', 'rq', 'rl', 'cc'].map((indicator, i) => ({
    iso3,
    year,
    indicator,
    estimate: values[i]!,
  }));

describe('EU CRM WGI scale', () => {
  it('maps the mean estimate onto 0–10 with 10 the worst (China 2021 in the WGI 2024 update)', () => {
    // CHN 2021: va −1.64, pv −0.52, ge 0.81, rq −0.33, rl 0.01, cc 0.03 → mean −1.64/6 = −0.27333…
    // 5 − 2 × (−0.27333) = 5.54667
    const t = euWgiTable(six('CHN', 2021, [-1.64, -0.52, 0.81, -0.33, 0.01, 0.03]), 2021);
    expect(t.scores.get('CHN')!.score).toBeCloseTo(5 + (2 * 1.64) / 6, 12);
    expect(t.scores.get('CHN')!.note).toBeUndefined();
  });

  it('clips to [0, 10]', () => {
    expect(euWgiScore(3)).toBe(0);
    expect(euWgiScore(-3)).toBe(10);
    expect(euWgiScore(0)).toBe(5);
  });

  it('falls back to the latest earlier complete year and says so', () => {
    const rows = [
      ...six('AAA', 2020, [1, 1, 1, 1, 1, 1]),
      ...six('AAA', 2021, [0, 0, 0, 0, 0, 0]).slice(0, 5),
    ];
    const s = euWgiTable(rows, 2021).scores.get('AAA')!;
    expect(s.year).toBe(2020);
    expect(s.score).toBe(3); // 5 − 2 × 1
    expect(s.note).toMatch(/no complete WGI for 2021; 2020 used/);
  });

  it('uses the mean of the indicators that exist when no year is complete, and says so', () => {
    // three indicators 0.5, 0.5, −0.4 → mean 0.2 → 5 − 0.4 = 4.6
    const rows = six('BBB', 2021, [0.5, 0.5, -0.4, 0, 0, 0]).slice(0, 3);
    const s = euWgiTable(rows, 2021).scores.get('BBB')!;
    expect(s.score).toBeCloseTo(4.6, 12);
    expect(s.indicators).toBe(3);
    expect(s.note).toMatch(/only 3 of 6/);
  });

  it('is never outside [0, 10] and falls as governance improves', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (m, d) => {
          const a = euWgiScore(m);
          const b = euWgiScore(m + d);
          return a >= 0 && a <= 10 && b <= a;
        },
      ),
    );
  });
});

describe('GeoPolRisk political-stability scale', () => {
  it('normalises Political Stability as geopolrisk-py does: (2.5 − PV) / 5, clipped to [0, 1]', () => {
    // China 2021 PV −0.52 → (2.5 + 0.52) / 5 = 0.604
    expect(politicalInstability(-0.52)).toBeCloseTo(0.604, 12);
    expect(politicalInstability(3)).toBe(0);
    expect(politicalInstability(-3)).toBe(1);
  });

  it('takes the latest earlier year when the requested year has no Political Stability score', () => {
    const rows: WgiEstimate[] = [
      { iso3: 'CCC', year: 2022, indicator: 'pv', estimate: 0 },
      { iso3: 'CCC', year: 2023, indicator: 'va', estimate: 1 },
    ];
    const s = politicalInstabilityTable(rows, 2024).scores.get('CCC')!;
    expect(s).toMatchObject({ score: 0.5, year: 2022 });
    expect(s.note).toMatch(/2022 used/);
    expect(latestWgiYear(rows)).toBe(2023);
  });
});
