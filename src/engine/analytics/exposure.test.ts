import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExposureNetwork,
  INPUT_ESSENTIAL,
  INPUT_OPTIONAL,
  INPUT_SUBSTITUTE,
  permuteNetwork,
} from '../network/exposure-network.js';
import { prng, syntheticNetwork } from '../network/synthetic.js';
import { computeExposure, exposureRow, supplierOrder } from './exposure.js';

/** A network from readable node descriptions (tests only). */
interface TNode {
  loc: number;
  inputs?: { kind?: number; group?: number; cost?: number; from: [number, number][] }[];
}
function net(countries: number, nodes: TNode[]): ExposureNetwork {
  const inputStart: number[] = [];
  const kind: number[] = [];
  const group: number[] = [];
  const cost: number[] = [];
  const supplyStart: number[] = [];
  const supplyNode: number[] = [];
  const supplyShare: number[] = [];
  for (const nd of nodes) {
    inputStart.push(kind.length);
    for (const inp of nd.inputs ?? []) {
      kind.push(inp.kind ?? INPUT_ESSENTIAL);
      group.push(inp.group ?? -1);
      cost.push(inp.cost ?? 0);
      supplyStart.push(supplyNode.length);
      for (const [i, sh] of inp.from) {
        supplyNode.push(i);
        supplyShare.push(sh);
      }
    }
  }
  inputStart.push(kind.length);
  supplyStart.push(supplyNode.length);
  return {
    nodeCount: nodes.length,
    countryCount: countries,
    nodeLocation: Int32Array.from(nodes.map((n) => n.loc)),
    inputStart: Int32Array.from(inputStart),
    inputKind: Uint8Array.from(kind),
    inputGroup: Int32Array.from(group),
    inputCost: Float64Array.from(cost),
    supplyStart: Int32Array.from(supplyStart),
    supplyNode: Int32Array.from(supplyNode),
    supplyShare: Float64Array.from(supplyShare),
  };
}

const CHN = 0;
const CAN = 1;
const USA = 2;

describe('multi-tier exposure on hand-computed networks', () => {
  it('splits value by cost share and passes bottleneck shares through one tier', () => {
    // ore@CHN, ore@CAN; metal@USA buys ore 70 % CHN / 30 % CAN, ore is 60 % of its cost
    const r = computeExposure(
      net(3, [
        { loc: CHN },
        { loc: CAN },
        {
          loc: USA,
          inputs: [
            {
              cost: 0.6,
              from: [
                [0, 0.7],
                [1, 0.3],
              ],
            },
          ],
        },
      ]),
    );
    // value: CHN 0.6·0.7 = 0.42, CAN 0.6·0.3 = 0.18, USA va = 1 − 0.6 = 0.4
    const v = exposureRow(r.value!, 3, 2);
    expect(v[0]).toBeCloseTo(0.42, 14);
    expect(v[1]).toBeCloseTo(0.18, 14);
    expect(v[2]).toBeCloseTo(0.4, 14);
    // bottleneck: CHN 0.7, CAN 0.3, own location 1
    expect(exposureRow(r.bottleneck!, 3, 2)).toEqual([0.7, 0.3, 1]);
    expect(r.order).toBe('identity');
  });

  it('takes the largest essential input for bottleneck exposure and adds them up for value', () => {
    // metal@USA: ore (a = 0.6; 70 % CHN, 30 % CAN) and a reagent only made in CAN (a = 0.1)
    const r = computeExposure(
      net(3, [
        { loc: CHN },
        { loc: CAN },
        { loc: CAN },
        {
          loc: USA,
          inputs: [
            {
              cost: 0.6,
              from: [
                [0, 0.7],
                [1, 0.3],
              ],
            },
            { cost: 0.1, from: [[2, 1]] },
          ],
        },
      ]),
    );
    // value: CHN 0.42, CAN 0.18 + 0.1 = 0.28, USA 1 − 0.7 = 0.3
    const v = exposureRow(r.value!, 3, 3);
    expect(v[0]).toBeCloseTo(0.42, 14);
    expect(v[1]).toBeCloseTo(0.28, 14);
    expect(v[2]).toBeCloseTo(0.3, 14);
    // bottleneck: CHN max(0.7, 0) = 0.7; CAN max(0.3, 1) = 1
    expect(exposureRow(r.bottleneck!, 3, 3)).toEqual([0.7, 1, 1]);
  });

  it('lets a substitutable group contribute the minimum over its members, and ignores optional inputs', () => {
    // X only from CHN, Y only from CAN: either will do → a stop in one country loses nothing
    const nodes: TNode[] = [
      { loc: CHN },
      { loc: CAN },
      { loc: CHN },
      {
        loc: USA,
        inputs: [
          { kind: INPUT_SUBSTITUTE, group: 7, cost: 0.2, from: [[0, 1]] },
          { kind: INPUT_SUBSTITUTE, group: 7, cost: 0.2, from: [[1, 1]] },
          { kind: INPUT_OPTIONAL, cost: 0.1, from: [[2, 1]] },
        ],
      },
    ];
    const r = computeExposure(net(3, nodes));
    // min(1, 0) = 0 for CHN and min(0, 1) = 0 for CAN; the optional catalyst does not count
    expect(exposureRow(r.bottleneck!, 3, 3)).toEqual([0, 0, 1]);
    // value still counts every input: CHN 0.2 + 0.1, CAN 0.2, USA 0.5
    const v = exposureRow(r.value!, 3, 3);
    expect(v[0]).toBeCloseTo(0.3, 14);
    expect(v[1]).toBeCloseTo(0.2, 14);
    expect(v[2]).toBeCloseTo(0.5, 14);
  });

  it('reports value exposure unavailable downstream of an unknown cost share', () => {
    const r = computeExposure(
      net(2, [
        { loc: 0 },
        { loc: 1, inputs: [{ cost: Number.NaN, from: [[0, 1]] }] },
        { loc: 1, inputs: [{ cost: 0.5, from: [[1, 1]] }] },
        { loc: 1, inputs: [{ cost: 0.5, from: [[0, 1]] }] },
      ]),
    );
    expect(Array.from(r.valueAvailable!)).toEqual([1, 0, 0, 1]);
    // bottleneck needs no cost shares
    expect(exposureRow(r.bottleneck!, 2, 2)).toEqual([1, 1]);
  });

  it('solves a cycle by fixed-point iteration to the least fixed point', () => {
    // node 0 @USA ← node 1; node 1 @CAN ← 50 % node 0, 50 % node 2 @CHN
    // E_b(0, CHN) = E_b(1, CHN) = x with x = 0.5·x + 0.5 → x = 1; E_b(1, USA) = 0.5
    const r = computeExposure(
      net(3, [
        { loc: USA, inputs: [{ cost: 0.5, from: [[1, 1]] }] },
        {
          loc: CAN,
          inputs: [
            {
              cost: 0.5,
              from: [
                [0, 0.5],
                [2, 0.5],
              ],
            },
          ],
        },
        { loc: CHN },
      ]),
    );
    expect(r.order).toBe('cyclic');
    expect(r.cyclicNodes).toBe(2);
    expect(r.converged).toBe(true);
    const b1 = exposureRow(r.bottleneck!, 3, 1);
    expect(b1[CHN]).toBeCloseTo(1, 10);
    expect(b1[CAN]).toBe(1);
    expect(b1[USA]).toBeCloseTo(0.5, 10);
    // value: v0 = 0.5·v1 + 0.5·[USA]; v1 = 0.5·(0.5 v0 + 0.5 [CHN]) + 0.5 [CAN]
    // → v1 = 0.25 v0 + 0.25 CHN + 0.5 CAN; v0 = 0.125 v0 + … → v0(USA) = 0.5/0.875 = 4/7
    expect(exposureRow(r.value!, 3, 0)[USA]).toBeCloseTo(4 / 7, 10);
    expect(exposureRow(r.value!, 3, 0).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('reports the nodes still moving and the residual when the iteration cap is hit', () => {
    // a slowly leaking cycle: each node passes 99.9 % of its value round the loop
    const r = computeExposure(
      net(2, [
        { loc: 0, inputs: [{ cost: 0.999, from: [[1, 1]] }] },
        { loc: 1, inputs: [{ cost: 0.999, from: [[0, 1]] }] },
      ]),
      { maxIterations: 5, bottleneck: false },
    );
    expect(r.converged).toBe(false);
    expect(r.nonConvergence[0]).toMatchObject({ variant: 'value', iterations: 5 });
    expect(r.nonConvergence[0]!.nodes.sort()).toEqual([0, 1]);
    expect(r.nonConvergence[0]!.residual).toBeGreaterThan(1e-4);
  });
});

/**
 * An independent input–output computation (the pymrio recipe): from transactions Z and final demand
 * Y, x = Z·1 + Y, A = Z·diag(x)⁻¹, L = (I − A)⁻¹ by Gauss–Jordan elimination with partial pivoting,
 * value-added coefficients v = 1 − 1ᵀA, and the value-added multipliers diag(v)·L: entry (i, j) is
 * the value added in node i per unit of final demand for node j's output.
 */
function invert(M: number[][]): number[][] {
  const n = M.length;
  const a = M.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    const p = a[col]![col]!;
    for (let c = 0; c < 2 * n; c++) a[col]![c]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      for (let c = 0; c < 2 * n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row) => row.slice(n));
}

describe('value exposure equals the input–output value-added decomposition', () => {
  it('matches diag(va)(I − A)⁻¹ on a two-region, three-sector table with feedback loops', () => {
    // regions R0, R1; sectors mining, refining, manufacturing; node = region·3 + sector
    // transactions Z[i][j]: sales of node i to node j (e.g. millions USD), with intra- and inter-regional loops
    const Z = [
      [5, 40, 2, 0, 10, 1],
      [1, 8, 60, 0, 3, 12],
      [2, 3, 10, 1, 2, 6],
      [0, 12, 1, 4, 30, 2],
      [0, 4, 8, 1, 6, 45],
      [1, 2, 5, 2, 3, 9],
    ];
    const Y = [20, 30, 150, 15, 25, 120];
    const n = 6;
    const x = Z.map((row, i) => row.reduce((a, b) => a + b, 0) + Y[i]!);
    const A = Z.map((row) => row.map((z, j) => z / x[j]!));
    const L = invert(A.map((row, i) => row.map((a, j) => (i === j ? 1 : 0) - a)));
    const v = Array.from({ length: n }, (_, j) => 1 - A.reduce((s, row) => s + row[j]!, 0));
    // pymrio-style check of the reference itself: vᵀL = 1ᵀ (all value ends up as value added)
    for (let j = 0; j < n; j++) expect(v.reduce((s, vi, i) => s + vi * L[i]![j]!, 0)).toBeCloseTo(1, 12);

    // the same table as an exposure network: node j's input k = sector k from either region,
    // a_kj = Σ_{i ∈ sector k} A_ij, σ_ij = A_ij / a_kj
    const nodes: TNode[] = [];
    for (let j = 0; j < n; j++) {
      const inputs: TNode['inputs'] = [];
      for (let k = 0; k < 3; k++) {
        const a = A[k]![j]! + A[3 + k]![j]!;
        inputs.push({
          cost: a,
          from: [
            [k, A[k]![j]! / a],
            [3 + k, A[3 + k]![j]! / a],
          ],
        });
      }
      nodes.push({ loc: j < 3 ? 0 : 1, inputs });
    }
    const r = computeExposure(net(2, nodes), { tolerance: 1e-15 });
    expect(r.order).toBe('cyclic');
    expect(r.converged).toBe(true);
    for (let j = 0; j < n; j++) {
      for (let c = 0; c < 2; c++) {
        let ref = 0;
        for (let i = c * 3; i < c * 3 + 3; i++) ref += v[i]! * L[i]![j]!;
        expect(r.value![j * 2 + c]!).toBeCloseTo(ref, 11);
      }
    }
  });
});

/** Random small networks with cycles, self-loops, substitutes and optional inputs. */
const arbNetwork = fc
  .record({
    n: fc.integer({ min: 1, max: 10 }),
    C: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map(({ n, C, seed }) => {
    const rand = prng(seed);
    const nodes: TNode[] = [];
    for (let j = 0; j < n; j++) {
      const slots = Math.floor(rand() * 4);
      const inputs: NonNullable<TNode['inputs']> = [];
      const budget = 0.9 * rand();
      for (let s = 0; s < slots; s++) {
        const from: [number, number][] = [];
        const cnt = 1 + Math.floor(rand() * 3);
        let tot = 0;
        for (let q = 0; q < cnt; q++) {
          const w = 0.1 + rand();
          from.push([Math.floor(rand() * n), w]);
          tot += w;
        }
        for (const f of from) f[1] /= tot;
        const kindDraw = rand();
        const kind = kindDraw < 0.6 ? INPUT_ESSENTIAL : kindDraw < 0.9 ? INPUT_SUBSTITUTE : INPUT_OPTIONAL;
        inputs.push({ kind, group: kind === INPUT_SUBSTITUTE ? 1 : -1, cost: budget / slots, from });
      }
      // substitute members of one group must be consecutive
      inputs.sort((a, b) => (a.kind ?? 0) - (b.kind ?? 0));
      nodes.push({ loc: Math.floor(rand() * C), inputs });
    }
    return { C, nodes };
  });

function vaOf(nd: TNode): number {
  return 1 - (nd.inputs ?? []).reduce((s, i) => s + (i.cost ?? 0), 0);
}

describe('exposure properties (fast-check)', () => {
  it('keeps exposures within [0, 1], bottleneck at the own location 1, value summing to 1 and ≥ va there', () => {
    fc.assert(
      fc.property(arbNetwork, ({ C, nodes }) => {
        const r = computeExposure(net(C, nodes), { tolerance: 1e-13, maxIterations: 5000 });
        expect(r.converged).toBe(true);
        nodes.forEach((nd, j) => {
          const v = exposureRow(r.value!, C, j);
          const b = exposureRow(r.bottleneck!, C, j);
          for (let c = 0; c < C; c++) {
            expect(v[c]!).toBeGreaterThanOrEqual(-1e-12);
            expect(v[c]!).toBeLessThanOrEqual(1 + 1e-9);
            expect(b[c]!).toBeGreaterThanOrEqual(0);
            expect(b[c]!).toBeLessThanOrEqual(1 + 1e-9);
          }
          expect(b[nd.loc]).toBe(1);
          expect(v.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 8);
          expect(v[nd.loc]!).toBeGreaterThanOrEqual(vaOf(nd) - 1e-9);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never raises bottleneck exposure to c when a supplier outside c is added', () => {
    fc.assert(
      fc.property(
        arbNetwork,
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.nat(),
        ({ C, nodes }, beta, pickRaw) => {
          const withInputs = nodes
            .map((nd, j) => ({ nd, j }))
            .filter(({ nd }) => (nd.inputs ?? []).length > 0);
          fc.pre(withInputs.length > 0 && C >= 2);
          const { nd, j } = withInputs[pickRaw % withInputs.length]!;
          const slot = pickRaw % nd.inputs!.length;
          const d = (nd.loc + 1 + (pickRaw % (C - 1))) % C; // the new supplier's location
          const before = computeExposure(net(C, nodes), { tolerance: 1e-14, maxIterations: 10_000 });
          // the new supplier (a node in d with no inputs) takes share β of the slot; the rest scale by 1 − β
          const added: TNode[] = nodes.map((x, i) =>
            i !== j
              ? x
              : {
                  ...x,
                  inputs: x.inputs!.map((inp, s) =>
                    s !== slot
                      ? inp
                      : {
                          ...inp,
                          from: [
                            ...inp.from.map(([q, sh]) => [q, sh * (1 - beta)] as [number, number]),
                            [nodes.length, beta] as [number, number],
                          ],
                        },
                  ),
                },
          );
          added.push({ loc: d });
          const after = computeExposure(net(C, added), { tolerance: 1e-14, maxIterations: 10_000 });
          for (let x = 0; x < nodes.length; x++) {
            for (let c = 0; c < C; c++) {
              if (c === d) continue;
              expect(after.bottleneck![x * C + c]!).toBeLessThanOrEqual(
                before.bottleneck![x * C + c]! + 1e-9,
              );
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same exposures whatever the node numbering', () => {
    fc.assert(
      fc.property(arbNetwork, fc.integer({ min: 1, max: 2 ** 30 }), ({ C, nodes }, seed) => {
        const g = net(C, nodes);
        const rand = prng(seed);
        const perm = Int32Array.from({ length: g.nodeCount }, (_, i) => i);
        for (let i = perm.length - 1; i > 0; i--) {
          const k = Math.floor(rand() * (i + 1));
          [perm[i], perm[k]] = [perm[k]!, perm[i]!];
        }
        const a = computeExposure(g, { tolerance: 1e-14, maxIterations: 10_000 });
        const b = computeExposure(permuteNetwork(g, perm), { tolerance: 1e-14, maxIterations: 10_000 });
        for (let j = 0; j < g.nodeCount; j++) {
          for (let c = 0; c < C; c++) {
            expect(b.value![perm[j]! * C + c]!).toBeCloseTo(a.value![j * C + c]!, 9);
            expect(b.bottleneck![perm[j]! * C + c]!).toBeCloseTo(a.bottleneck![j * C + c]!, 9);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds the same invariants on seeded synthetic layered networks, in one acyclic pass', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 400 }), fc.integer({ min: 1, max: 2 ** 30 }), (n, seed) => {
        const g = syntheticNetwork({ nodes: n, countries: 6, seed, tiers: 4 });
        const r = computeExposure(g);
        expect(r.order).toBe('identity');
        for (let j = 0; j < n; j++) {
          let sum = 0;
          let cost = 0;
          for (let s = g.inputStart[j]!; s < g.inputStart[j + 1]!; s++) cost += g.inputCost[s]!;
          for (let c = 0; c < 6; c++) {
            sum += r.value![j * 6 + c]!;
            expect(r.bottleneck![j * 6 + c]!).toBeLessThanOrEqual(1 + 1e-12);
          }
          expect(sum).toBeCloseTo(1, 10);
          expect(r.bottleneck![j * 6 + g.nodeLocation[j]!]).toBe(1);
          expect(r.value![j * 6 + g.nodeLocation[j]!]!).toBeGreaterThanOrEqual(1 - cost - 1e-12);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('supplier order', () => {
  it('finds a topological order when ids do not already put suppliers first', () => {
    const g = net(1, [
      { loc: 0, inputs: [{ from: [[2, 1]] }] },
      { loc: 0, inputs: [{ from: [[0, 1]] }] },
      { loc: 0 },
    ]);
    const o = supplierOrder(g);
    expect(o.identity).toBe(false);
    expect(o.acyclic).toBe(3);
    expect(Array.from(o.order)).toEqual([2, 0, 1]);
  });
});
