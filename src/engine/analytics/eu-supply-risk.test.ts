import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from './concentration.js';
import { hhiWgiT, hhiWgiTSum, type SupplyMix, supplyRisk, supplyRiskValue } from './eu-supply-risk.js';

const WGI: Record<string, number> = { CHN: 6, DEU: 2, UKR: 6.5, USA: 3 };
const wgi = (c: string) => WGI[c];

describe('HHI_WGI,t', () => {
  it('sums s² × WGI × t with the published t (known answer)', () => {
    // 0.9² × 6 × 1 + 0.07² × 6.5 × 1 + 0.03² × 2 × 0.8 = 4.86 + 0.03185 + 0.00144 = 4.89329
    const h = hhiWgiT(
      [
        { country: 'CHN', share: 0.9, t: 1 },
        { country: 'UKR', share: 0.07, t: null },
        { country: 'DEU', share: 0.03, t: 0.8 },
      ],
      { wgi },
    );
    expect(h.value).toBeCloseTo(4.89329, 12);
    expect(h.shareSum).toBeCloseTo(1, 12);
    expect(h.contributions[0]).toMatchObject({ country: 'CHN', contribution: 4.86 });
  });

  it('counts "<0.1 %" shares as 0 and lists them', () => {
    const h = hhiWgiT(
      [
        { country: 'CHN', share: 1, t: 1 },
        { country: 'MYS', share: null, t: 1 },
      ],
      { wgi },
    );
    expect(h.value).toBe(6);
    expect(h.belowPointOne).toEqual(['MYS']);
    expect(h.assumptions.join(' ')).toMatch(/<0\.1 %.*counted as 0/);
  });

  it('scores a country without WGI at the midpoint 5 and says so', () => {
    // 0.5² × 6 + 0.5² × 5 = 1.5 + 1.25
    const h = hhiWgiT(
      [
        { country: 'CHN', share: 0.5, t: 1 },
        { country: 'ZZZ', share: 0.5, t: 1 },
      ],
      { wgi },
    );
    expect(h.value).toBeCloseTo(2.75, 12);
    expect(h.missingWgi).toEqual(['ZZZ']);
  });

  it('leaves "Other countries" out of the sum (a lower bound) but keeps it in the share sum', () => {
    const h = hhiWgiT(
      [
        { country: 'CHN', share: 0.6, t: 1 },
        { country: 'XOT', share: 0.4, t: 1 },
      ],
      { wgi },
    );
    expect(h.value).toBeCloseTo(0.36 * 6, 12);
    expect(h.shareSum).toBeCloseTo(1, 12);
    expect(h.excluded).toEqual(['XOT']);
  });

  it('never falls when a trade variable rises', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.nat(11),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, ts, k, bump) => {
          const s = Float64Array.from(rows.map((r) => r[0]));
          const w = Float64Array.from(rows.map((r) => r[1]));
          const t = Float64Array.from(rows.map((_, i) => ts[i]!));
          const before = hhiWgiTSum(s, w, t);
          const i = k % rows.length;
          t[i] = t[i]! + bump;
          return hhiWgiTSum(s, w, t) >= before - 1e-12;
        },
      ),
    );
  });
});

describe('EU CRM supply risk', () => {
  it('combines the two terms by IR/2 and 1 − IR/2 (gallium-like known answer)', () => {
    // global: 0.9² × 6 + 0.1² × 2 × 0.8 = 4.876; sourcing: 0.5² × 6 + 0.5² × 2 × 0.8 = 1.9
    // SR = (4.876 × 0.49 + 1.9 × 0.51) × (1 − 0) × 0.98 = 3.35824 × 0.98 = 3.2910752
    const g = hhiWgiT(
      [
        { country: 'CHN', share: 0.9, t: 1 },
        { country: 'DEU', share: 0.1, t: 0.8 },
      ],
      { wgi },
    ).value;
    const s = hhiWgiT(
      [
        { country: 'CHN', share: 0.5, t: 1 },
        { country: 'DEU', share: 0.5, t: 0.8 },
      ],
      { wgi },
    ).value;
    const r = supplyRisk({
      hhiGlobal: g,
      hhiSourcing: s,
      mix: 'GS+EU',
      importReliance: 0.98,
      eolRir: 0,
      si: 0.98,
    });
    expect(r.sr).toBeCloseTo(3.2910752, 12);
    expect(r.importRelianceUsed).toBe(0.98);
    expect(r.hhiGlobalUsed).toBeCloseTo(4.876, 12);
  });

  it('fills both terms with the global mix under GSonly, so IR drops out', () => {
    // 5 × (1 − 0.12) × 1 = 4.4
    const r = supplyRisk({
      hhiGlobal: 5,
      hhiSourcing: { unavailable: 'no EU sourcing shares' },
      mix: 'GSonly',
      importReliance: { unavailable: 'not given' },
      eolRir: 0.12,
      si: 1,
    });
    expect(r.sr).toBeCloseTo(4.4, 12);
    expect(r.importRelianceUsed).toBe('not needed');
    expect(r.hhiSourcingUsed).toBe(5);
  });

  it('fills both terms with the sourcing mix under EUonly', () => {
    // 0.2 × (1 − 0.09) × 1 = 0.182
    const r = supplyRisk({
      hhiGlobal: 9,
      hhiSourcing: 0.2,
      mix: 'EUonly',
      importReliance: 0.01,
      eolRir: 0.09,
      si: 1,
    });
    expect(r.sr).toBeCloseTo(0.182, 12);
  });

  it('does not need the global term when IR is 0', () => {
    const r = supplyRisk({
      hhiGlobal: { unavailable: 'no global supply shares' },
      hhiSourcing: 0.8,
      mix: 'GS+EU',
      importReliance: 0,
      eolRir: 0,
      si: 0.99,
    });
    expect(r.sr).toBeCloseTo(0.792, 12);
    expect(r.assumptions.join(' ')).toMatch(/IR = 0/);
  });

  it('reports SR unavailable, naming every missing factor, instead of a zero', () => {
    const r = supplyRisk({
      hhiGlobal: { unavailable: 'no global supply shares' },
      hhiSourcing: 1,
      mix: 'GS+EU',
      importReliance: 1,
      eolRir: 0.01,
      si: { unavailable: 'SI_SR not given' },
    });
    expect(isUnavailable(r.sr)).toBe(true);
    expect(isUnavailable(r.sr) && r.sr.unavailable).toMatch(/global.*SI_SR/);
  });

  it('clips an import reliance above 1 for the weights and says so', () => {
    const r = supplyRisk({
      hhiGlobal: 4,
      hhiSourcing: 2,
      mix: 'GS+EU',
      importReliance: 1.2,
      eolRir: 0,
      si: 1,
    });
    expect(r.sr).toBeCloseTo(4 * 0.5 + 2 * 0.5, 12);
    expect(r.assumptions.join(' ')).toMatch(/clipped/);
  });

  it('stays within [0, 10] and between the sourcing term and the mean of both terms', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (g, s, ir, eol, si) => {
          const sr = supplyRiskValue(g, s, ir, eol, si);
          const k = (1 - eol) * si;
          const lo = Math.min(s, (g + s) / 2) * k;
          const hi = Math.max(s, (g + s) / 2) * k;
          return sr >= 0 && sr <= 10 + 1e-9 && sr >= lo - 1e-9 && sr <= hi + 1e-9;
        },
      ),
    );
  });

  it('does not depend on IR when one supply mix fills both terms', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SupplyMix>('GSonly', 'EUonly'),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (mix, g, s, ir1, ir2) => {
          const a = supplyRisk({
            hhiGlobal: g,
            hhiSourcing: s,
            mix,
            importReliance: ir1,
            eolRir: 0.1,
            si: 0.9,
          }).sr;
          const b = supplyRisk({
            hhiGlobal: g,
            hhiSourcing: s,
            mix,
            importReliance: ir2,
            eolRir: 0.1,
            si: 0.9,
          }).sr;
          return Math.abs((a as number) - (b as number)) < 1e-12;
        },
      ),
    );
  });
});
