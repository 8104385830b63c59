import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExposureNetwork } from '../network/exposure-network.js';
import { syntheticNetwork } from '../network/synthetic.js';
import { computeExposure } from './exposure.js';
import { topPaths } from './exposure-paths.js';

const CHN = 0;
const CAN = 1;
const JPN = 2;
const USA = 3;

/**
 * 0 ore@CHN, 1 ore@CAN; 2 metal@JPN ← ore (a = 0.5; CHN 0.8, CAN 0.2); 3 metal@CHN ← ore@CHN (a = 0.5);
 * 4 product@USA ← metal (a = 0.6; JPN 0.75, CHN 0.25).
 */
function chain(): ExposureNetwork {
  return {
    nodeCount: 5,
    countryCount: 4,
    nodeLocation: Int32Array.from([CHN, CAN, JPN, CHN, USA]),
    inputStart: Int32Array.from([0, 0, 0, 1, 2, 3]),
    inputKind: Uint8Array.from([0, 0, 0]),
    inputGroup: Int32Array.from([-1, -1, -1]),
    inputCost: Float64Array.from([0.5, 0.5, 0.6]),
    supplyStart: Int32Array.from([0, 2, 3, 5]),
    supplyNode: Int32Array.from([0, 1, 0, 2, 3]),
    supplyShare: Float64Array.from([0.8, 0.2, 1, 0.75, 0.25]),
  };
}

describe('top-k paths carrying exposure', () => {
  it('lists value paths best first, and they add up to the value exposure', () => {
    const g = chain();
    const r = topPaths(g, { node: 4, country: CHN, variant: 'value', k: 10 });
    // 4←2←0: 0.6·0.75 · 0.5·0.8 · va₀ 1 = 0.18
    // 4←3 (value added in the Chinese refinery): 0.6·0.25 · va₃ 0.5 = 0.075
    // 4←3←0: 0.6·0.25 · 0.5·1 · 1 = 0.075
    expect(r.paths.map((p) => p.nodes)).toEqual([
      [4, 2, 0],
      [4, 3],
      [4, 3, 0],
    ]);
    expect(r.paths.map((p) => p.weight)).toEqual([
      expect.closeTo(0.18, 14),
      expect.closeTo(0.075, 14),
      expect.closeTo(0.075, 14),
    ]);
    const e = computeExposure(g);
    // E_v(4, CHN) = 0.6 · (0.75 · 0.4 + 0.25 · 1) = 0.33
    expect(e.value![4 * 4 + CHN]).toBeCloseTo(0.33, 14);
    expect(r.paths.reduce((s, p) => s + p.weight, 0)).toBeCloseTo(0.33, 14);
    expect(r.truncated).toBe(false);
  });

  it('ends bottleneck paths at the first node in the country and weighs them by flow share', () => {
    const r = topPaths(chain(), { node: 4, country: CHN, variant: 'bottleneck', k: 10 });
    // 4←2←0: 0.75 · 0.8 = 0.6; 4←3: 0.25 (the Chinese refinery itself; its ore is not followed)
    expect(r.paths.map((p) => [p.nodes, p.weight])).toEqual([
      [[4, 2, 0], expect.closeTo(0.6, 14)],
      [[4, 3], expect.closeTo(0.25, 14)],
    ]);
    expect(r.paths[0]!.slots).toEqual([2, 0]);
  });

  it('stops at k paths and says when a bound cut the search short', () => {
    expect(topPaths(chain(), { node: 4, country: CHN, variant: 'value', k: 1 }).paths).toHaveLength(1);
    const cut = topPaths(chain(), { node: 4, country: CHN, variant: 'value', maxDepth: 1 });
    expect(cut.truncated).toBe(true);
    expect(cut.paths.map((p) => p.nodes)).toEqual([[4, 3]]);
  });

  it('finds value paths summing to E_v on synthetic layered networks when unbounded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 40 }), fc.integer({ min: 1, max: 2 ** 30 }), (n, seed) => {
        const g = syntheticNetwork({ nodes: n, countries: 3, seed, tiers: 3, edgesPerNode: 4 });
        const e = computeExposure(g);
        const j = n - 1;
        for (let c = 0; c < 3; c++) {
          const r = topPaths(g, {
            node: j,
            country: c,
            variant: 'value',
            k: 1e6,
            maxExpansions: 1e6,
            minWeight: 0,
          });
          expect(r.truncated).toBe(false);
          for (let i = 1; i < r.paths.length; i++)
            expect(r.paths[i]!.weight).toBeLessThanOrEqual(r.paths[i - 1]!.weight + 1e-15);
          expect(r.paths.reduce((s, p) => s + p.weight, 0)).toBeCloseTo(e.value![j * 3 + c]!, 10);
        }
      }),
      { numRuns: 40 },
    );
  });
});
