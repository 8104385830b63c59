import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costGap, landedCost, type SupplierCost } from './cost-gap.js';
import { type CostInputs, dutiesFor, freightFor } from './cost-inputs.js';

const base = { freightPerUnit: 0, dutyPerUnit: 0, eligible: true };
const suppliers: SupplierCost[] = [
  // CHN: v 10, freight 5 % = 0.5, duty 25 % = 2.5 → L = 13
  { ...base, supplier: 'CHN', trusted: false, unitValue: 10, freightAdValorem: 0.05, dutyAdValorem: 0.25 },
  // DEU: v 13, freight 5 % = 0.65, duty 0 → L = 13.65
  { ...base, supplier: 'DEU', trusted: false, unitValue: 13, freightAdValorem: 0.05, dutyAdValorem: 0 },
  // IND: v 14, freight 5 % = 0.7, duty 0 → L = 14.7
  { ...base, supplier: 'IND', trusted: true, unitValue: 14, freightAdValorem: 0.05, dutyAdValorem: 0 },
  // USA (domestic): v 12, freight 2 % = 0.24 → L = 12.24: already competitive
  { ...base, supplier: 'USA', trusted: true, unitValue: 12, freightAdValorem: 0.02, dutyAdValorem: 0 },
];

describe('landed cost', () => {
  it('adds freight and duty, ad valorem and per unit, by hand', () => {
    // v 100, freight 4 % + 1.5/unit = 5.5, duty 2.5 % + 0.3/unit = 2.8 → 108.3
    const l = landedCost({
      supplier: 'X',
      trusted: false,
      unitValue: 100,
      freightAdValorem: 0.04,
      freightPerUnit: 1.5,
      dutyAdValorem: 0.025,
      dutyPerUnit: 0.3,
      eligible: true,
    });
    expect(l.freight).toBeCloseTo(5.5, 12);
    expect(l.duty).toBeCloseTo(2.8, 12);
    expect(l.landed).toBeCloseTo(108.3, 12);
  });
});

describe('cost gap and the instruments that close it', () => {
  const r = costGap(suppliers, 1000);
  const ind = r.options.find((o) => o.supplier === 'IND')!;
  const usa = r.options.find((o) => o.supplier === 'USA')!;

  it('benchmarks against the cheapest non-trusted supplier', () => {
    expect(r.benchmark?.supplier).toBe('CHN');
    expect(r.benchmark?.landed).toBeCloseTo(13, 12);
    // the cheapest overall is the domestic trusted supplier at 12.24
    expect(r.cheapest?.supplier).toBe('USA');
  });

  it('computes subsidy, minimum price and tariffs by hand', () => {
    // gap = 14.7 − 13 = 1.7 → subsidy 1.7 per unit; minimum landed price 14.7
    expect(ind.gap).toBeCloseTo(1.7, 12);
    expect(ind.competitive).toBe(false);
    expect(ind.subsidyPerUnit).toBeCloseTo(1.7, 12);
    expect(ind.minimumPrice).toBeCloseTo(14.7, 12);
    // tariff on CHN: 1.7 / 10 = 17 % of its customs value
    expect(ind.tariffOnCheapest.rate).toBeCloseTo(0.17, 12);
    expect(ind.tariffOnCheapest.binding).toBe('CHN');
    // on all non-trusted: CHN needs 0.17, DEU (14.7 − 13.65)/13 = 0.0808 → 0.17, CHN binds
    expect(ind.tariffOnAllNonTrusted).toEqual({ rate: expect.closeTo(0.17, 12), binding: 'CHN' });
  });

  it('prices each instrument per year at the demand level', () => {
    // 1.7 per unit × 1,000 units = 1,700 a year
    expect(ind.yearly?.subsidy).toBeCloseTo(1700, 9);
    expect(ind.yearly?.minimumPrice).toBeCloseTo(1700, 9);
    expect(ind.yearly?.tariff).toBeCloseTo(1700, 9);
    expect(costGap(suppliers, null).options[0]!.yearly).toBeNull();
  });

  it('needs nothing for a trusted supplier that is already cheaper', () => {
    // 12.24 − 13 = −0.76
    expect(usa.gap).toBeCloseTo(-0.76, 12);
    expect(usa.competitive).toBe(true);
    expect(usa.subsidyPerUnit).toBe(0);
    expect(usa.tariffOnCheapest).toEqual({ rate: 0, binding: null });
    expect(usa.yearly?.subsidy).toBe(0);
  });

  it('lets a uniform tariff bind on a supplier other than the cheapest', () => {
    // CHN v 10, L 13 (25 % duty); DEU v 5 with 8.5 per-unit freight, L 13.5
    // For IND at 14.7: CHN (14.7 − 13)/10 = 0.17; DEU (14.7 − 13.5)/5 = 0.24 → DEU binds at 24 %
    const r2 = costGap(
      [
        suppliers[0]!,
        {
          ...base,
          supplier: 'DEU',
          trusted: false,
          unitValue: 5,
          freightAdValorem: 0,
          freightPerUnit: 8.5,
          dutyAdValorem: 0,
        },
        suppliers[2]!,
      ],
      null,
    );
    expect(r2.options[0]!.tariffOnAllNonTrusted).toEqual({ rate: expect.closeTo(0.24, 12), binding: 'DEU' });
    expect(r2.options[0]!.tariffOnCheapest.rate).toBeCloseTo(0.17, 12);
  });

  it('ignores ineligible suppliers for the benchmark and has no options without one', () => {
    const small = suppliers.map((s) => (s.supplier === 'CHN' ? { ...s, eligible: false } : s));
    expect(costGap(small, null).benchmark?.supplier).toBe('DEU');
    expect(
      costGap(
        suppliers.filter((s) => s.trusted),
        null,
      ),
    ).toMatchObject({ benchmark: null, options: [] });
  });

  it('makes the trusted supplier competitive under each instrument (property)', () => {
    const sup = fc.record({
      unitValue: fc.double({ min: 0.01, max: 1e4, noNaN: true }),
      freightAdValorem: fc.double({ min: 0, max: 0.5, noNaN: true }),
      dutyAdValorem: fc.double({ min: 0, max: 1, noNaN: true }),
      trusted: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(sup, { minLength: 2, maxLength: 8 }), (xs) => {
        const list = xs.map((x, i) => ({ ...base, ...x, supplier: `S${i}` }));
        const r3 = costGap(list, 1);
        for (const o of r3.options) {
          const t = o.landed;
          // subsidy: t − S ≤ every eligible non-trusted landed cost
          const others = r3.landed.filter((l) => !l.trusted && l.eligible);
          if (!others.every((n) => t - o.subsidyPerUnit <= n.landed + 1e-9 * t)) return false;
          // uniform tariff: every other supplier's landed cost + rate·v ≥ t
          if (!others.every((n) => n.landed + o.tariffOnAllNonTrusted.rate * n.unitValue >= t - 1e-9 * t))
            return false;
          if (o.minimumPrice < t - 1e-12) return false;
        }
        return true;
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});

describe('freight and duty inputs', () => {
  const inputs: CostInputs = {
    id: 't',
    market: 'USA',
    currency: 'USD',
    domestic_freight: { origin: '*', hs: '*', ad_valorem: 0.02, illustrative: true },
    freight: [
      { origin: '*', hs: '*', ad_valorem: 0.05, illustrative: true },
      { origin: 'CHN', hs: '*', ad_valorem: 0.07, illustrative: true },
      { origin: 'CHN', hs: '2605', ad_valorem: 0.09, illustrative: true },
    ],
    duties: [
      { hs: '*', origin: '*', kind: 'mfn', ad_valorem: 0, illustrative: true },
      { hs: '8105', origin: '*', kind: 'mfn', ad_valorem: 0.044, illustrative: true },
      {
        hs: '2605',
        origin: 'CHN',
        kind: 'additional',
        ad_valorem: 0.25,
        from_year: 2025,
        illustrative: true,
      },
      { hs: '*', origin: 'CHN', kind: 'additional', ad_valorem: 0.1, to_year: 2024, illustrative: true },
    ],
  };
  it('takes the most specific freight entry', () => {
    expect(freightFor(inputs, '2605', 'CHN')?.ad_valorem).toBe(0.09);
    expect(freightFor(inputs, '8105', 'CHN')?.ad_valorem).toBe(0.07);
    expect(freightFor(inputs, '8105', 'IND')?.ad_valorem).toBe(0.05);
  });
  it('adds the additional duties in force in the year to the most specific general rate', () => {
    // 2605 from CHN in 2025: mfn 0 + 25 % (the 10 % ended in 2024) = 25 %
    expect(dutiesFor(inputs, '2605', 'CHN', 2025).adValorem).toBeCloseTo(0.25, 12);
    // in 2024: mfn 0 + 10 % = 10 %
    expect(dutiesFor(inputs, '2605', 'CHN', 2024).adValorem).toBeCloseTo(0.1, 12);
    // 8105 from IND: 4.4 % general
    expect(dutiesFor(inputs, '8105', 'IND', 2025).adValorem).toBeCloseTo(0.044, 12);
  });
});
