import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concentration, isUnavailable } from './concentration.js';

const src = 'usgs-mcs-2026';

describe('concentration', () => {
  it('divides by the country rows including Other countries, never by the rounded world total (gallium 2025)', () => {
    const c = concentration([
      { country: 'USA', quantity: 0, source_id: src },
      { country: 'CHN', quantity: 900_000, source_id: src },
      { country: 'JPN', quantity: 3_000, source_id: src },
      { country: 'RUS', quantity: 6_000, source_id: src },
      { country: 'XOT', quantity: 0, source_id: src },
      { country: 'WLD', quantity: 900_000, source_id: src },
    ]);
    expect(c.total).toBe(909_000);
    expect(c.worldTotal).toBe(900_000);
    expect(c.concernShare).toBeCloseTo(900 / 909, 12);
    expect(c.shares[0]).toMatchObject({ country: 'CHN' });
    // hand: (900/909)² + (6/909)² + (3/909)² = 0.980308… → 9803.18
    expect(c.hhi).toBeCloseTo(((900 ** 2 + 6 ** 2 + 3 ** 2) / 909 ** 2) * 10_000, 8);
  });

  it('reports Other countries as a bound on HHI, not as one producer', () => {
    const c = concentration([
      { country: 'AAA', quantity: 50, source_id: src },
      { country: 'BBB', quantity: 30, source_id: src },
      { country: 'XOT', quantity: 20, source_id: src },
    ]);
    expect(c.hhi).toBeCloseTo((0.25 + 0.09) * 10_000, 9);
    expect(c.hhiUpper).toBeCloseTo((0.25 + 0.09 + 0.04) * 10_000, 9);
    expect(c.top3.map((s) => s.country)).toEqual(['AAA', 'BBB']);
  });

  it('says a withheld figure is withheld instead of treating it as zero', () => {
    const c = concentration(
      [
        { country: 'USA', quantity: null, flag: 'W', source_id: src },
        { country: 'CHN', quantity: 80, source_id: src },
        { country: 'XOT', quantity: 20, source_id: src },
      ],
      { concern: 'USA', region: { code: 'TRUST', members: new Set(['USA', 'IND']) } },
    );
    expect(c.withheld).toEqual(['USA']);
    expect(isUnavailable(c.concernShare) && c.concernShare.unavailable).toMatch(/withheld/);
    expect(isUnavailable(c.regionShare)).toBe(true);
    expect(c.assumptions.join(' ')).toMatch(/withheld/);
  });

  it('gives the trusted region the sum of its members’ shares', () => {
    const c = concentration(
      [
        { country: 'USA', quantity: 10, source_id: src },
        { country: 'IND', quantity: 30, source_id: src },
        { country: 'CHN', quantity: 60, source_id: src },
      ],
      { region: { code: 'TRUST', members: new Set(['USA', 'IND']) } },
    );
    expect(c.regionShare).toBeCloseTo(0.4, 12);
  });

  it('keeps shares summing to 1 and HHI within [10,000/n, 10,000] for complete sets', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 40 }), (qs) => {
        const rows = qs.map((q, i) => ({
          country: `C${String(i).padStart(2, '0')}`,
          quantity: q,
          source_id: src,
        }));
        const c = concentration(rows);
        const sum = c.shares.reduce((a, s) => a + (s.share ?? 0), 0);
        expect(sum).toBeCloseTo(1, 9);
        const h = c.hhi as number;
        expect(h).toBeGreaterThanOrEqual(10_000 / qs.length - 1e-6);
        expect(h).toBeLessThanOrEqual(10_000 + 1e-6);
      }),
    );
  });
});
