import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../model/errors.js';
import { type HighsRuntime, loadHighs } from '../optimize/highs-model.js';
import {
  analyseTtsTtr,
  buildTtsLp,
  rankByImpact,
  type TtsNetwork,
  type TtsNodeSpec,
  ttsNetworkFrom,
} from './tts-ttr.js';

let highs: HighsRuntime;
beforeAll(async () => {
  highs = await loadHighs();
});

const byNode = (a: ReturnType<typeof analyseTtsTtr>) => new Map(a.results.map((r) => [r.node, r]));

describe('time to survive and performance impact (Simchi-Levi et al. 2015)', () => {
  it('collapses to stock / demand on a single-source chain without spare capacity', () => {
    // 0 supplier A (capacity 10/day) → 1 market M (demand 10/day, stock 50).
    // Losing A: M lives on its stock, 50 / 10 = 5 days. Losing nothing: 10 ≥ 10 forever (∞).
    const net = ttsNetworkFrom([
      { material: 'ga', location: 'A', capacity: 10 },
      {
        material: 'ga',
        location: 'US',
        demand: 10,
        stock: 50,
        requires: [{ suppliers: [{ node: 0, rate: 1 }] }],
      },
    ]);
    const a = analyseTtsTtr(highs, net, { ttr: 90, stockShips: false, nodes: Int32Array.of(0) });
    expect(a.baseline.tts).toBe(Number.POSITIVE_INFINITY);
    expect(a.baseline.pi).toBeCloseTo(0, 9);
    const r = a.results[0]!;
    expect(r.ttsStatus).toBe('optimal');
    expect(r.tts).toBeCloseTo(5, 9);
    // PI over TTR = 90 days with α = 1: 10 × 90 − 50 = 850 units lost
    expect(r.pi).toBeCloseTo(850, 6);
    expect(r.needsMitigation).toBe(true);
    expect(r.worstDemandNode).toBe(1);
  });

  it('lets a disrupted node’s stock ship only when asked, through a recipe (2 units of input per unit)', () => {
    // 0 mine X (capacity 20/day) → 1 refiner R (2 X per unit, capacity 10/day, stock 30) → 2 market
    // M (demand 10/day, stock 50).
    // Losing X: R cannot make anything; its 30 ship: (30 + 50) / 10 = 8 days.
    // Losing R, stock ships: the same 8 days; stock held back: 50 / 10 = 5 days.
    const net = ttsNetworkFrom([
      { material: 'ore', location: 'X', capacity: 20 },
      {
        material: 'metal',
        location: 'R',
        capacity: 10,
        stock: 30,
        requires: [{ suppliers: [{ node: 0, rate: 2 }] }],
      },
      {
        material: 'metal',
        location: 'US',
        demand: 10,
        stock: 50,
        requires: [{ suppliers: [{ node: 1, rate: 1 }] }],
      },
    ]);
    const ships = byNode(
      analyseTtsTtr(highs, net, { ttr: 10, stockShips: true, nodes: Int32Array.of(0, 1) }),
    );
    const held = byNode(
      analyseTtsTtr(highs, net, { ttr: 10, stockShips: false, nodes: Int32Array.of(0, 1) }),
    );
    expect(ships.get(0)!.tts).toBeCloseTo(8, 9);
    expect(ships.get(1)!.tts).toBeCloseTo(8, 9);
    expect(held.get(0)!.tts).toBeCloseTo(8, 9);
    expect(held.get(1)!.tts).toBeCloseTo(5, 9);
    // PI over 10 days: 100 demanded, 80 (ships) or 50 (held) on hand → 20 and 50 lost
    expect(ships.get(1)!.pi).toBeCloseTo(20, 6);
    expect(held.get(1)!.pi).toBeCloseTo(50, 6);
  });

  it('adds up alternative suppliers, and is unbounded (∞, a result) when one has the spare capacity', () => {
    // suppliers A and B (6/day each) → market (demand 10/day, stock 20). Losing A: B gives 6,
    // short 4/day: 20 / 4 = 5 days. PI over 10 days: 100 − 60 − 20 = 20.
    const shared: TtsNodeSpec[] = [
      { material: 'co', location: 'A', capacity: 6 },
      { material: 'co', location: 'B', capacity: 6 },
      {
        material: 'co',
        location: 'US',
        demand: 10,
        stock: 20,
        requires: [
          {
            suppliers: [
              { node: 0, rate: 1 },
              { node: 1, rate: 1 },
            ],
          },
        ],
      },
    ];
    const a = byNode(analyseTtsTtr(highs, ttsNetworkFrom(shared), { ttr: 10, stockShips: false }));
    expect(a.get(0)!.tts).toBeCloseTo(5, 9);
    expect(a.get(1)!.tts).toBeCloseTo(5, 9);
    expect(a.get(0)!.pi).toBeCloseTo(20, 6);
    expect(a.get(0)!.needsMitigation).toBe(true);
    // the market itself cannot receive anything when disrupted: 20 / 10 = 2 days
    expect(a.get(2)!.tts).toBeCloseTo(2, 9);

    // B with 12/day covers the whole demand alone: losing A costs nothing, forever
    const spare = shared.map((s, i) => (i === 1 ? { ...s, capacity: 12 } : s));
    const b = byNode(analyseTtsTtr(highs, ttsNetworkFrom(spare), { ttr: 10, stockShips: false }));
    expect(b.get(0)!.tts).toBe(Number.POSITIVE_INFINITY);
    // the paper's form: t unbounded, and HiGHS says so
    const open = byNode(
      analyseTtsTtr(highs, ttsNetworkFrom(spare), { ttr: 10, stockShips: false, horizonDays: Infinity }),
    );
    expect(open.get(0)!.tts).toBe(Number.POSITIVE_INFINITY);
    expect(open.get(0)!.ttsStatus).toBe('unbounded');
    expect(open.get(1)!.tts).toBeCloseTo(5, 9);
    expect(b.get(0)!.pi).toBeCloseTo(0, 9);
    expect(b.get(0)!.needsMitigation).toBe(false);
    // losing B: A's 6/day against 10/day, 20 / 4 = 5 days
    expect(b.get(1)!.tts).toBeCloseTo(5, 9);
  });

  it('weighs lost demand by α and ranks by PI (REI = PI / max PI)', () => {
    // A (10/day) and B (4/day) both serve M1 (6/day, α 2) and M2 (6/day, α 1); no stock; TTR 10.
    // Losing A: B's 40 go to M1 (α 2): M1 short 60 − 40 = 20, M2 short 60 → PI = 2·20 + 60 = 100.
    // Losing B: A's 100 fill M1 (60) and give M2 40: M2 short 20 → PI = 20. REI: A 1, B 0.2.
    // With no stock TTS is 0 for both (short from the first day).
    const both = [
      {
        suppliers: [
          { node: 0, rate: 1 },
          { node: 1, rate: 1 },
        ],
      },
    ];
    const net = ttsNetworkFrom([
      { material: 'pt', location: 'A', capacity: 10 },
      { material: 'pt', location: 'B', capacity: 4 },
      { material: 'pt', location: 'M1', demand: 6, alpha: 2, requires: both },
      { material: 'pt', location: 'M2', demand: 6, alpha: 1, requires: both },
    ]);
    const a = analyseTtsTtr(highs, net, { ttr: 10, stockShips: false, nodes: Int32Array.of(0, 1) });
    const r = byNode(a);
    expect(r.get(0)!.pi).toBeCloseTo(100, 6);
    expect(r.get(1)!.pi).toBeCloseTo(20, 6);
    expect(r.get(0)!.rei).toBeCloseTo(1, 9);
    expect(r.get(1)!.rei).toBeCloseTo(0.2, 9);
    expect(r.get(0)!.tts).toBeCloseTo(0, 9);
    expect(r.get(0)!.worstDemandNode).toBe(3);
    expect(rankByImpact(a.results).map((x) => x.node)).toEqual([0, 1]);
  });

  it('treats a substitutable group as one requirement with per-material rates', () => {
    // API j needs 1 kg of K1 or 2 kg of K2 per kg (one group). K1 4/day, K2 8/day → j can make
    // 4 + 8/2 = 8/day; market 8/day, stock 16. Losing K1: 4/day short → 16 / 4 = 4 days.
    // Losing K2: 4/day short → 4 days.
    const net = ttsNetworkFrom([
      { material: 'k1', location: 'A', capacity: 4 },
      { material: 'k2', location: 'B', capacity: 8 },
      {
        material: 'api',
        location: 'XUN',
        requires: [
          {
            suppliers: [
              { node: 0, rate: 1 },
              { node: 1, rate: 2 },
            ],
          },
        ],
      },
      {
        material: 'api',
        location: 'US',
        demand: 8,
        stock: 16,
        requires: [{ suppliers: [{ node: 2, rate: 1 }] }],
      },
    ]);
    const r = byNode(analyseTtsTtr(highs, net, { ttr: 30, stockShips: true, nodes: Int32Array.of(0, 1) }));
    expect(r.get(0)!.tts).toBeCloseTo(4, 9);
    expect(r.get(1)!.tts).toBeCloseTo(4, 9);
  });

  it('gives the same answers in kilograms and in tonnes (material scaling)', () => {
    const mk = (f: number) =>
      ttsNetworkFrom([
        { material: 'ga', location: 'CHN', capacity: 900 * f },
        { material: 'ga', location: 'JPN', capacity: 30 * f },
        {
          material: 'ga',
          location: 'US',
          demand: 50 * f,
          stock: 3410 * f,
          requires: [
            {
              suppliers: [
                { node: 0, rate: 1 },
                { node: 1, rate: 1 },
              ],
            },
          ],
        },
      ]);
    const kg = analyseTtsTtr(highs, mk(1000), { ttr: 90, stockShips: false, nodes: Int32Array.of(0) });
    const t = analyseTtsTtr(highs, mk(1), { ttr: 90, stockShips: false, nodes: Int32Array.of(0) });
    // losing CHN: 50 − 30 = 20 short per day, 3410 / 20 = 170.5 days
    expect(t.results[0]!.tts).toBeCloseTo(170.5, 9);
    expect(kg.results[0]!.tts).toBeCloseTo(170.5, 9);
    expect(kg.results[0]!.pi! / 1000).toBeCloseTo(t.results[0]!.pi!, 6);
  });

  it('finds TTS = ∞ where HiGHS 1.15’s presolve would call a feasible LP infeasible', () => {
    // R0 (no capacity), R1, R2 (1/day each, R2 holds 1) → P0 (from R0), P1 (from R1 or R2) →
    // market (1/day from P1): P1 alone covers the market, forever.
    const net = ttsNetworkFrom([
      { material: 'ore', location: 'R0', capacity: 0 },
      { material: 'ore', location: 'R1', capacity: 1 },
      { material: 'ore', location: 'R2', capacity: 1, stock: 1 },
      { material: 'metal', location: 'P0', capacity: 1, requires: [{ suppliers: [{ node: 0, rate: 1 }] }] },
      {
        material: 'metal',
        location: 'P1',
        capacity: 1,
        requires: [
          {
            suppliers: [
              { node: 1, rate: 1 },
              { node: 2, rate: 1 },
            ],
          },
        ],
      },
      { material: 'metal', location: 'M', demand: 1, requires: [{ suppliers: [{ node: 4, rate: 1 }] }] },
    ]);
    for (const horizonDays of [Infinity, 36_500]) {
      const r = analyseTtsTtr(highs, net, { ttr: 1, stockShips: false, horizonDays });
      expect(r.baseline.tts).toBe(Number.POSITIVE_INFINITY);
      const by = byNode(r);
      expect(by.get(3)!.tts).toBe(Number.POSITIVE_INFINITY);
      // losing P1 leaves the market with nothing: TTS 0, one day of demand lost
      expect(by.get(4)!.tts).toBeCloseTo(0, 9);
      expect(by.get(4)!.pi).toBeCloseTo(1, 9);
    }
  });

  it('gives each connected part its own time column, and the same TTS as one shared t', () => {
    // two unconnected chains: A → M1 (short when A is lost: 20 / 10 = 2 days) and B → M2
    const net = ttsNetworkFrom([
      { material: 'a', location: 'A', capacity: 10 },
      {
        material: 'a',
        location: 'M1',
        demand: 10,
        stock: 20,
        requires: [{ suppliers: [{ node: 0, rate: 1 }] }],
      },
      { material: 'b', location: 'B', capacity: 5 },
      {
        material: 'b',
        location: 'M2',
        demand: 4,
        stock: 8,
        requires: [{ suppliers: [{ node: 2, rate: 1 }] }],
      },
    ]);
    const parts = analyseTtsTtr(highs, net, { ttr: 30, stockShips: false, nodes: Int32Array.of(0, 2) });
    const one = analyseTtsTtr(highs, net, {
      ttr: 30,
      stockShips: false,
      nodes: Int32Array.of(0, 2),
      horizonDays: Infinity,
    });
    expect(parts.parts).toBe(2);
    expect(one.parts).toBe(1);
    for (const a of [parts, one]) {
      expect(a.results[0]!.tts).toBeCloseTo(2, 9);
      expect(a.results[1]!.tts).toBeCloseTo(2, 9);
      // PI over 30 days: M1 300 − 20 = 280; M2 120 − 8 = 112
      expect(a.results[0]!.pi).toBeCloseTo(280, 6);
      expect(a.results[1]!.pi).toBeCloseTo(112, 6);
    }
  });

  it('reports the size of the LP it built', () => {
    const net = ttsNetworkFrom([
      { material: 'a', location: 'A', capacity: 1 },
      { material: 'a', location: 'M', demand: 1, requires: [{ suppliers: [{ node: 0, rate: 1 }] }] },
    ]);
    const a = analyseTtsTtr(highs, net, { ttr: 1, stockShips: true });
    // columns: u0 u1 y t l1 = 5; rows: recipe, flow(0), capacity(0), demand(1) = 4; nonzeros: see buildTtsLp
    expect(a.lp.tts).toEqual({
      rows: 4,
      columns: 5,
      nonzeros: buildTtsLp(net, 'tts').lp.matrix.values.length,
    });
    expect(a.lp.pi.columns).toBe(5);
    expect(a.solves).toBe(2 + 2 * 2);
  });

  it('names the field at fault in an invalid network', () => {
    const net = ttsNetworkFrom([
      { material: 'a', location: 'A', capacity: -1 },
      { material: 'a', location: 'M', demand: 1, requires: [{ suppliers: [{ node: 0, rate: 0 }] }] },
    ]);
    try {
      analyseTtsTtr(highs, net, { ttr: 1, stockShips: true });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const cols = (e as ValidationError).issues.map((i) => i.column);
      expect(cols).toContain('capacity/0');
      expect(cols).toContain('supplierRate/0');
    }
  });
});

/** A random layered network: raw suppliers → processors (one requirement) → markets. */
const layered = fc
  .record({
    raw: fc.array(
      fc.record({ cap: fc.integer({ min: 0, max: 20 }), stock: fc.integer({ min: 0, max: 50 }) }),
      {
        minLength: 2,
        maxLength: 4,
      },
    ),
    proc: fc.array(
      fc.record({
        cap: fc.integer({ min: 1, max: 20 }),
        stock: fc.integer({ min: 0, max: 50 }),
        rate: fc.integer({ min: 1, max: 3 }),
        mask: fc.integer({ min: 1, max: 15 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    markets: fc.array(
      fc.record({
        demand: fc.integer({ min: 1, max: 15 }),
        stock: fc.integer({ min: 0, max: 80 }),
        alpha: fc.integer({ min: 1, max: 3 }),
        mask: fc.integer({ min: 1, max: 7 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    ttr: fc.integer({ min: 1, max: 60 }),
  })
  .map(({ raw, proc, markets, ttr }) => {
    const specs: TtsNodeSpec[] = raw.map((r, i) => ({
      material: 'ore',
      location: `R${i}`,
      capacity: r.cap,
      stock: r.stock,
    }));
    const pick = (mask: number, from: number, count: number, rate: number) => {
      const s: { node: number; rate: number }[] = [];
      for (let i = 0; i < count; i++) if (mask & (1 << i)) s.push({ node: from + i, rate });
      return s.length ? s : [{ node: from, rate }];
    };
    for (const [i, p] of proc.entries())
      specs.push({
        material: 'metal',
        location: `P${i}`,
        capacity: p.cap,
        stock: p.stock,
        requires: [{ suppliers: pick(p.mask, 0, raw.length, p.rate) }],
      });
    for (const [i, m] of markets.entries())
      specs.push({
        material: 'metal',
        location: `M${i}`,
        demand: m.demand,
        stock: m.stock,
        alpha: m.alpha,
        requires: [{ suppliers: pick(m.mask, raw.length, proc.length, 1) }],
      });
    return { net: ttsNetworkFrom(specs), ttr, supply: raw.length + proc.length };
  });

const close = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)));

describe('the persistent, warm-started model', () => {
  it('gives the same TTS and PI as rebuilding each LP from scratch (one shared, unbounded t)', () => {
    fc.assert(
      fc.property(layered, fc.boolean(), ({ net, ttr }, stockShips) => {
        const warm = analyseTtsTtr(highs, net, { ttr, stockShips, start: 'previous' });
        const cold = analyseTtsTtr(highs, net, { ttr, stockShips, start: 'cold' });
        const rebuilt = analyseTtsTtr(highs, net, {
          ttr,
          stockShips,
          start: 'rebuild',
          horizonDays: Infinity,
        });
        for (let k = 0; k < warm.results.length; k++) {
          const w = warm.results[k]!;
          for (const other of [cold.results[k]!, rebuilt.results[k]!]) {
            expect(close(w.tts, other.tts)).toBe(true);
            expect(close(w.pi, other.pi)).toBe(true);
          }
        }
      }),
      { numRuns: 40, seed: 20150901 },
    );
  });

  it('never loses time to survive when every stock grows, nor when a disrupted node’s stock may ship', () => {
    fc.assert(
      fc.property(layered, ({ net, ttr, supply }) => {
        const nodes = Int32Array.from({ length: supply }, (_, i) => i);
        const base = analyseTtsTtr(highs, net, { ttr, stockShips: false, nodes });
        const more: TtsNetwork = { ...net, stock: net.stock.map((s) => s + 5) };
        const richer = analyseTtsTtr(highs, more, { ttr, stockShips: false, nodes });
        const ships = analyseTtsTtr(highs, net, { ttr, stockShips: true, nodes });
        for (let k = 0; k < nodes.length; k++) {
          const b = base.results[k]!;
          for (const x of [richer.results[k]!, ships.results[k]!]) {
            expect(x.tts === b.tts || x.tts! >= b.tts! - 1e-7 * Math.max(1, b.tts!)).toBe(true);
            expect(x.pi! <= b.pi! + 1e-6 * Math.max(1, b.pi!)).toBe(true);
          }
          expect(b.pi!).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 40, seed: 45 },
    );
  });
});
