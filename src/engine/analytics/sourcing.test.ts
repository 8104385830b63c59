import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from './concentration.js';
import { globalMixImportShares, type MemberSupply, regionSourcing } from './sourcing.js';

const USA = { code: 'USA', members: new Set(['USA']) };
const TRUST = { code: 'TRUST', members: new Set(['USA', 'IND']) };

function shareOf(r: ReturnType<typeof regionSourcing>, c: string): number {
  if (isUnavailable(r.shares)) throw new Error(r.shares.unavailable);
  return r.shares.find((s) => s.country === c)?.share ?? 0;
}

describe('regionSourcing', () => {
  it('combines US production with imports by published source (known answer)', () => {
    // P = 20, I = 80 with CHN 50 %, CAN 30 %, other 20 %
    // σ_USA = 20/100 = 0.2, σ_CHN = 40/100 = 0.4, σ_CAN = 24/100 = 0.24, σ_XOT = 16/100 = 0.16
    const r = regionSourcing(
      USA,
      [
        {
          country: 'USA',
          production: 20,
          imports: 80,
          importShares: [
            { partner: 'CHN', share: 0.5 },
            { partner: 'CAN', share: 0.3 },
            { partner: 'XOT', share: 0.2 },
          ],
        },
      ],
      null,
    );
    expect(r.method).toBe('bilateral');
    expect(shareOf(r, 'USA')).toBeCloseTo(0.2, 12);
    expect(shareOf(r, 'CHN')).toBeCloseTo(0.4, 12);
    expect(shareOf(r, 'CAN')).toBeCloseTo(0.24, 12);
    expect(shareOf(r, 'XOT')).toBeCloseTo(0.16, 12);
    expect(r.concernShare).toBeCloseTo(0.4, 12);
    expect(r.selfShare).toBeCloseTo(0.2, 12);
    expect(r.residual).toBeCloseTo(0, 12);
  });

  it('does not count imports between members (TRUST known answer)', () => {
    // USA: P 20, I 80: IND 25 %, CHN 50 %, CAN 25 %   IND: P 60, I 40: CHN 75 %, USA 25 %
    // intra = 80·0.25 + 40·0.25 = 30; M_R←CHN = 40 + 30 = 70; M_R←CAN = 20; M_R = 90; P_R = 80
    // σ_USA = 20/170, σ_IND = 60/170, σ_CHN = 70/170, σ_CAN = 20/170
    const r = regionSourcing(
      TRUST,
      [
        {
          country: 'USA',
          production: 20,
          imports: 80,
          importShares: [
            { partner: 'IND', share: 0.25 },
            { partner: 'CHN', share: 0.5 },
            { partner: 'CAN', share: 0.25 },
          ],
        },
        {
          country: 'IND',
          production: 60,
          imports: 40,
          importShares: [
            { partner: 'CHN', share: 0.75 },
            { partner: 'USA', share: 0.25 },
          ],
        },
      ],
      null,
    );
    expect(r.internalTrade).toBeCloseTo(30, 12);
    expect(r.externalImports).toBeCloseTo(90, 12);
    expect(r.production).toBe(80);
    expect(shareOf(r, 'USA')).toBeCloseTo(20 / 170, 12);
    expect(shareOf(r, 'IND')).toBeCloseTo(60 / 170, 12);
    expect(shareOf(r, 'CHN')).toBeCloseTo(70 / 170, 12);
    expect(shareOf(r, 'CAN')).toBeCloseTo(20 / 170, 12);
    expect(r.selfShare).toBeCloseTo(80 / 170, 12);
    expect(r.importMix).toEqual([
      { partner: 'CHN', share: expect.closeTo(70 / 90, 12) },
      { partner: 'CAN', share: expect.closeTo(20 / 90, 12) },
    ]);
  });

  it('reports the rounding residual of published shares instead of renormalising', () => {
    // shares sum to 1.01: residual = 80 · 0.01 / (20 + 80) = 0.008
    const r = regionSourcing(
      USA,
      [
        {
          country: 'USA',
          production: 20,
          imports: 80,
          importShares: [
            { partner: 'CAN', share: 0.69 },
            { partner: 'CHN', share: 0.31 },
            { partner: 'XOT', share: 0.01 },
          ],
        },
      ],
      null,
    );
    expect(r.residual).toBeCloseTo(0.008, 12);
    expect(shareOf(r, 'CAN')).toBeCloseTo((80 * 0.69) / 100, 12);
  });

  it('buys at the world mix of the other producers where a member has no import sources', () => {
    // world: CHN 0.6, USA 0.2, AUS 0.2 → US imports: CHN 0.6/0.8 = 0.75, AUS 0.25
    // P 10, I 30: σ_USA = 10/40, σ_CHN = 22.5/40, σ_AUS = 7.5/40
    const world = [
      { country: 'CHN', share: 0.6 },
      { country: 'USA', share: 0.2 },
      { country: 'AUS', share: 0.2 },
    ];
    const g = globalMixImportShares('USA', world);
    expect(isUnavailable(g) ? g : g.map((x) => x.partner)).toEqual(['CHN', 'AUS']);
    expect(isUnavailable(g) ? g : g.map((x) => x.share)).toEqual([
      expect.closeTo(0.75, 12),
      expect.closeTo(0.25, 12),
    ]);
    const r = regionSourcing(
      USA,
      [{ country: 'USA', production: 10, imports: 30, importShares: null }],
      world,
    );
    expect(r.method).toBe('global-mix');
    expect(shareOf(r, 'CHN')).toBeCloseTo(22.5 / 40, 12);
    expect(r.assumptions.join(' ')).toMatch(/global-mix/);
  });

  it('falls back to the world production mix when a member’s quantities are unknown', () => {
    const world = [
      { country: 'CHN', share: 0.9 },
      { country: 'IND', share: 0.05 },
      { country: 'XOT', share: 0.05 },
    ];
    const r = regionSourcing(
      TRUST,
      [
        { country: 'USA', production: 0, imports: 100, importShares: [{ partner: 'CAN', share: 1 }] },
        { country: 'IND', production: 5, imports: { unavailable: 'no quantities' }, importShares: null },
      ],
      world,
    );
    expect(r.method).toBe('global-mix');
    expect(shareOf(r, 'CHN')).toBe(0.9);
    expect(r.selfShare).toBe(0.05);
    expect(isUnavailable(r.externalImports)).toBe(true);
    expect(r.assumptions[0]).toMatch(/IND imports: no quantities/);
  });

  it('is unavailable without quantities and without a world mix', () => {
    const r = regionSourcing(USA, [], null);
    expect(isUnavailable(r.shares)).toBe(true);
  });

  const supply = fc.record({
    production: fc.integer({ min: 0, max: 1_000_000 }),
    imports: fc.integer({ min: 0, max: 1_000_000 }),
    weights: fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
    rounding: fc.double({ min: -0.02, max: 0.02, noNaN: true }),
  });
  const partners = ['CHN', 'CAN', 'IND', 'USA', 'DEU', 'XOT'];

  it('sums to 1 plus the reported residual, with intra-region trade excluded', () => {
    fc.assert(
      fc.property(supply, supply, (a, b) => {
        const mk = (country: string, s: typeof a): MemberSupply => {
          const own = partners.filter((p) => p !== country);
          const w = s.weights.slice(0, own.length);
          const tot = w.reduce((x, y) => x + y, 0);
          return {
            country,
            production: s.production,
            imports: s.imports,
            importShares: w.map((x, k) => ({ partner: own[k]!, share: (x / tot) * (1 + s.rounding) })),
          };
        };
        const sa = mk('USA', a);
        const sb = mk('IND', b);
        const r = regionSourcing(TRUST, [sa, sb], null);
        const inR = (m: MemberSupply, other: string) =>
          (m.imports as number) * (m.importShares!.find((x) => x.partner === other)?.share ?? 0);
        const denom = a.production + b.production + a.imports + b.imports - inR(sa, 'IND') - inR(sb, 'USA');
        if (isUnavailable(r.shares)) return denom <= 1e-9;
        const sum = r.shares.reduce((x, s) => x + s.share, 0);
        const expectedResidual = (a.imports * a.rounding + b.imports * b.rounding) / denom;
        return (
          Math.abs(sum - 1 - r.residual!) < 1e-9 &&
          Math.abs(r.residual! - expectedResidual) < 1e-9 &&
          r.shares.every((s) => s.share >= 0) &&
          Math.abs((r.internalTrade as number) - inR(sa, 'IND') - inR(sb, 'USA')) < 1e-6
        );
      }),
    );
  });

  it('sums exactly to 1 for complete share sets', () => {
    fc.assert(
      fc.property(supply, (a) => {
        const w = a.weights;
        const tot = w.reduce((x, y) => x + y, 0);
        const r = regionSourcing(
          USA,
          [
            {
              country: 'USA',
              production: a.production,
              imports: a.imports,
              importShares: w.map((x, k) => ({
                partner: partners.filter((p) => p !== 'USA')[k % 5]!,
                share: x / tot,
              })),
            },
          ],
          null,
        );
        if (isUnavailable(r.shares)) return a.production + a.imports <= 0;
        const sum = r.shares.reduce((x, s) => x + s.share, 0);
        return Math.abs(sum - 1) < 1e-9 && r.shares.every((s) => s.share >= 0 && s.share <= 1 + 1e-12);
      }),
    );
  });
});
