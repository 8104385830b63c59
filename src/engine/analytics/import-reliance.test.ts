import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from './concentration.js';
import { importReliance, importRelianceFromConsumption, regionImportReliance } from './import-reliance.js';

describe('importReliance', () => {
  it('computes US refined cobalt 2024 from the USGS balance', () => {
    // P = 2,050 (secondary), I = 10,800, E = 4,880 t
    // IR = (10,800 − 4,880) / (2,050 + 10,800 − 4,880) = 5,920 / 7,970 = 0.742786…
    const r = importReliance({ production: 2050, imports: 10800, exports: 4880 });
    expect(r.value).toBeCloseTo(5920 / 7970, 12);
    expect(r.flag).toBeNull();
    expect(r.netImports).toBe(5920);
    expect(r.apparentConsumption).toBe(7970);
    expect(r.method).toBe('balance');
  });

  it('reports a net exporter with a negative figure and the flag E, not clamped to zero', () => {
    // diatomite 2024: P = 721, I = 14, E = 64 kt → (14 − 64) / (721 + 14 − 64) = −50 / 671 = −0.07452
    const r = importReliance({ production: 721, imports: 14, exports: 64 });
    expect(r.value).toBeCloseTo(-50 / 671, 12);
    expect(r.flag).toBe('E');
  });

  it('is 1 with zero production even when exports are unknown, and says so', () => {
    const r = importReliance({
      production: 0,
      imports: 11000,
      exports: { unavailable: 'not available (NA)' },
    });
    expect(r.value).toBe(1);
    expect(r.method).toBe('zero-production');
    expect(r.assumptions.join(' ')).toMatch(/exports below imports/);
  });

  it('is unavailable, with the reason, when production is withheld', () => {
    const r = importReliance({ production: { unavailable: 'withheld (W)' }, imports: 3020, exports: 1690 });
    expect(r.value).toEqual({ unavailable: 'production: withheld (W)' });
  });

  it('names each missing figure once per distinct reason', () => {
    const why = { unavailable: 'not in the bundled data' };
    const r = importReliance({ production: 5, imports: why, exports: why });
    expect(r.value).toEqual({ unavailable: 'imports, exports: not in the bundled data' });
  });

  it('is unavailable when apparent consumption is not positive', () => {
    const r = importReliance({ production: 0, imports: 10, exports: 30 });
    expect(isUnavailable(r.value)).toBe(true);
  });

  it('derives net imports from published apparent consumption', () => {
    // rare earths, compounds and metals 2024: C = 9,010, P = 4,300 → (9,010 − 4,300) / 9,010 = 0.52275
    const r = importRelianceFromConsumption(4300, 9010);
    expect(r.value).toBeCloseTo(4710 / 9010, 12);
    expect(r.method).toBe('apparent-consumption');
  });

  it('never exceeds 1 and is negative exactly for net exporters', () => {
    fc.assert(
      fc.property(
        // quantities as published: integers (of some unit), so no subnormal differences
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (p, i, e) => {
          const r = importReliance({ production: p, imports: i, exports: e });
          if (isUnavailable(r.value)) return p + i - e <= 0;
          return r.value <= 1 + 1e-12 && r.value < 0 === (r.flag === 'E') && (r.flag === 'E') === e > i;
        },
      ),
    );
  });
});

describe('regionImportReliance', () => {
  it('treats trade between members as internal (TRUST known answer)', () => {
    // USA: P 10, I 50 (20 of it from IND), E 5 (2 of it to IND)
    // IND: P 40, I 10 (2 of it from USA), E 25 (20 of it to USA)
    // Outside view: imports from outside = 60 − 22 = 38, exports to outside = 30 − 22 = 8
    //   IR = (38 − 8) / (50 + 38 − 8) = 30 / 80 = 0.375
    // Sum of members: (50 + 10 − 5 − 25) / (10 + 40 + 50 + 10 − 5 − 25) = 30 / 80: the intra flows cancel.
    const r = regionImportReliance([
      { country: 'USA', production: 10, imports: 50, exports: 5 },
      { country: 'IND', production: 40, imports: 10, exports: 25 },
    ]);
    expect(r.value).toBeCloseTo(0.375, 12);
    expect(r.members.map((m) => m.importReliance)).toEqual([
      (50 - 5) / (10 + 50 - 5),
      (10 - 25) / (40 + 10 - 25),
    ]);
    expect(r.assumptions.join(' ')).toMatch(/internal/);
  });

  it('names the members whose balance is incomplete', () => {
    const r = regionImportReliance([
      { country: 'USA', production: 0, imports: 11000, exports: 200 },
      {
        country: 'IND',
        production: { unavailable: 'not listed' },
        imports: { unavailable: 'no quantities' },
        exports: { unavailable: 'no quantities' },
      },
    ]);
    expect(isUnavailable(r.value) && r.value.unavailable).toMatch(/^incomplete balance for IND/);
  });

  it('of a single member equals that member’s figure', () => {
    const b = { country: 'USA', production: 700, imports: 1340, exports: 145 };
    expect(regionImportReliance([b]).value).toBe(importReliance(b).value);
  });
});
