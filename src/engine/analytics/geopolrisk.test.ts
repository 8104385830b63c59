import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from './concentration.js';
import { GEOPOLRISK_CF_COPPER, geoPolRisk, hhiFraction, importRiskSum } from './geopolrisk.js';

describe('GeoPolRisk', () => {
  it('multiplies the production HHI by the stability-weighted import share (known answer)', () => {
    // HHI: (60² + 30² + 10²) / 100² = 0.46
    // imports A 50 (g 0.6), B 30 (g 0.2), C 20 (g missing → 0.5); p = 100 → p + F = 200
    // import risk = (50 × 0.6 + 30 × 0.2 + 20 × 0.5) / 200 = 46 / 200 = 0.23
    // score = 0.46 × 0.23 = 0.1058; CF = 0.1058 × 10 USD/kg / 0.409412948 = 2.58418…
    const hhi = hhiFraction(Float64Array.from([60, 30, 10]))!;
    expect(hhi).toBeCloseTo(0.46, 12);
    const r = geoPolRisk({
      hhi,
      imports: [
        { partner: 'AAA', quantity: 50, g: 0.6 },
        { partner: 'BBB', quantity: 30, g: 0.2 },
        { partner: 'CCC', quantity: 20, g: null },
      ],
      domestic: 100,
      price: 10,
    });
    expect(r.importRisk).toBeCloseTo(0.23, 12);
    expect(r.score).toBeCloseTo(0.1058, 12);
    expect(r.cf).toBeCloseTo(1.058 / 0.409412948, 10);
    expect(r.partners[0]).toMatchObject({ partner: 'AAA', share: 0.25, g: 0.6 });
    expect(r.assumptions.join(' ')).toMatch(/CCC.*g = 0\.5/);
  });

  it('uses geopolrisk-py’s copper normaliser', () => {
    expect(GEOPOLRISK_CF_COPPER).toBe(0.409412948);
  });

  it('counts partners inside the importer’s region as g = 0', () => {
    // (40 × 0 + 60 × 0.5) / 100 = 0.3
    const r = geoPolRisk({
      hhi: 1,
      imports: [
        { partner: 'IND', quantity: 40, g: 0.63 },
        { partner: 'CHN', quantity: 60, g: 0.5 },
      ],
      domestic: 0,
      price: null,
      region: new Set(['USA', 'IND']),
    });
    expect(r.importRisk).toBeCloseTo(0.3, 12);
    expect(isUnavailable(r.cf)).toBe(true);
  });

  it('treats an "Other countries" remainder as a larger total, not as one producer', () => {
    // (50² + 30²) / 100² = 0.34
    expect(hhiFraction(Float64Array.from([50, 30]), 100)).toBeCloseTo(0.34, 12);
    expect(hhiFraction(Float64Array.from([0, 0]))).toBeNull();
  });

  it('is unavailable, not zero, with neither imports nor domestic production', () => {
    const r = geoPolRisk({ hhi: 0.5, imports: [], domestic: 0, price: 5 });
    expect(isUnavailable(r.score)).toBe(true);
    expect(importRiskSum(new Float64Array(0), new Float64Array(0), 0)).toBeNull();
  });

  const flows = fc.array(
    fc.record({
      partner: fc.constantFrom('AAA', 'BBB', 'CCC', 'DDD', 'EEE'),
      quantity: fc.double({ min: 0, max: 1e6, noNaN: true }),
      g: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    }),
    { minLength: 1, maxLength: 10 },
  );

  it('is 0 when every import comes from inside the importer’s region', () => {
    fc.assert(
      fc.property(
        flows,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (imports, hhi, p) => {
          const total = imports.reduce((a, f) => a + f.quantity, 0);
          fc.pre(total + p > 0);
          const r = geoPolRisk({
            hhi,
            imports,
            domestic: p,
            price: 1,
            region: new Set(imports.map((f) => f.partner)),
          });
          return r.score === 0;
        },
      ),
    );
  });

  it('stays within [0, HHI] and never rises with more domestic production', () => {
    fc.assert(
      fc.property(
        flows,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (imports, hhi, p, more) => {
          const total = imports.reduce((a, f) => a + f.quantity, 0);
          fc.pre(total + p > 0);
          const a = geoPolRisk({ hhi, imports, domestic: p, price: 1 }).score as number;
          const b = geoPolRisk({ hhi, imports, domestic: p + more, price: 1 }).score as number;
          return a >= 0 && a <= hhi + 1e-12 && b <= a + 1e-12;
        },
      ),
    );
  });
});
