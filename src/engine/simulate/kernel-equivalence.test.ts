import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../../test/helpers/bundled-db.js';
import type { Scenario } from '../../model/index.js';
import { simulationNetwork, validateScenario } from '../../services/simulate.js';
import { openStore } from '../../store/open.js';
import { listMaterials } from '../../store/queries.js';
import type { Store } from '../../store/store.js';
import { compileScenario } from './compile-scenario.js';
import { fusable, runSimulation, type SimulationRun } from './kernel.js';
import { runSimulationReference } from './kernel-reference.js';
import {
  CLASS_AGREEMENT,
  NODE_POOL,
  NODE_PRODUCER,
  type SimNetwork,
  SLOT_ESSENTIAL,
  SLOT_OPTIONAL,
} from './sim-network.js';
import { type SyntheticSimNetwork, syntheticSimNetwork } from './synthetic-sim.js';

/**
 * The event-driven kernel (kernel.ts skips nodes at a fixed point) against the full-pass reference
 * (kernel-reference.ts, every node and slot every step): the results must be the same bit for bit —
 * summaries, every curve, the material balance of every step and the smallest stock — on random
 * networks and scenarios that reach every code path (agreements, substitute groups, optional
 * inputs, restrictions with the origin rule, diversion, releases, surges, ramp-ups, multi-day
 * steps) in both node orders, and on the bundled data with the shipped historical scenarios.
 */

function bits(a: Float64Array | Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function expectSameRun(a: SimulationRun, b: SimulationRun): void {
  // JSON keeps the sign of zero out, so the curves are compared as raw bytes as well
  expect(JSON.stringify(a.summaries)).toBe(JSON.stringify(b.summaries));
  expect(a.curves?.length).toBe(b.curves?.length);
  for (let g = 0; g < (a.curves?.length ?? 0); g++) {
    const x = a.curves![g]!;
    const y = b.curves![g]!;
    expect(bits(x.supply)).toBe(bits(y.supply));
    expect(bits(x.demand)).toBe(bits(y.demand));
    expect(bits(x.shortfall)).toBe(bits(y.shortfall));
    expect(bits(x.inventory)).toBe(bits(y.inventory));
  }
  if (a.balance || b.balance) {
    expect(bits(a.balance!.rows)).toBe(bits(b.balance!.rows));
    expect(bits(a.balance!.minStock)).toBe(bits(b.balance!.minStock));
  }
  expect(a.warnings).toEqual(b.warnings);
  expect(a.assumptions).toEqual(b.assumptions);
  // the event-driven kernel never visits more than the full pass
  expect(a.updates).toBeLessThanOrEqual(b.updates);
}

/**
 * A synthetic network with the features the generator leaves out, added at random: the first edge
 * of some slots an agreement (with a contracted volume around its base order), some inputs
 * optional, and pairs of a producer's inputs a substitute group (weights ½ each, so the base
 * balance no longer holds exactly — the kernels must agree all the same).
 */
function variedNetwork(seed: number, random: boolean): SyntheticSimNetwork {
  const net = syntheticSimNetwork({
    nodes: 150 + (seed % 250),
    seed,
    tiers: 3 + (seed % 3),
    locations: 6,
    order: random ? 'random' : 'locality',
    coverDays: seed % 4 === 0 ? 0 : 2 + (seed % 20),
  });
  let x = seed * 2654435761;
  const rnd = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x / 4294967296;
  };
  const slotGroup = Int32Array.from(net.slotGroup);
  const slotWeight = Float64Array.from(net.slotWeight);
  const edgeClass = Uint8Array.from(net.edgeClass);
  const agEdge: number[] = [];
  const agRate: number[] = [];
  let group = 0;
  for (let i = 0; i < net.nodeCount; i++) {
    if (net.nodeKind[i] !== NODE_PRODUCER) continue;
    const s0 = net.nodeSlotStart[i]!;
    const s1 = net.nodeSlotStart[i + 1]!;
    if (s1 - s0 >= 2 && rnd() < 0.2) {
      slotGroup[s0] = group;
      slotGroup[s0 + 1] = group++;
      slotWeight[s0] = 0.5;
      slotWeight[s0 + 1] = 0.5;
    } else if (s1 - s0 >= 2 && rnd() < 0.1) slotGroup[s1 - 1] = SLOT_OPTIONAL;
  }
  for (let s = 0; s < net.slotCount; s++) {
    if (net.nodeKind[net.slotNode[s]!] === NODE_POOL || rnd() >= 0.05) continue;
    const e = net.slotEdgeStart[s]!;
    if (e === net.slotEdgeStart[s + 1]) continue;
    edgeClass[e] = CLASS_AGREEMENT;
    agEdge.push(e);
    const base = net.slotRatio[s]! * net.nodeRate[net.slotNode[s]!]! * net.edgeShare[e]!;
    agRate.push(base * (0.5 + rnd()));
  }
  expect(slotGroup.some((g) => g === SLOT_ESSENTIAL)).toBe(true);
  return {
    ...net,
    slotGroup,
    slotWeight,
    edgeClass,
    agreementEdge: Int32Array.from(agEdge),
    agreementRate: Float64Array.from(agRate),
  };
}

function variedScenario(net: SyntheticSimNetwork, seed: number, share: number): Scenario {
  const tier = (t: number) => net.materialIds.slice(net.tierMaterialStart[t]!, net.tierMaterialStart[t + 1]!);
  const T = net.tierMaterialStart.length - 1;
  const raw = tier(0);
  const mids = tier(1);
  const final = tier(T - 1);
  const pick = <V>(list: V[], k: number) => {
    const out = list.filter((_, i) => (i * 7 + seed) % k === 0);
    return out.length ? out : [list[0]!];
  };
  const stepDays = seed % 5 === 0 ? 3 : 1;
  const sc: Scenario = {
    name: 'equivalence',
    year: 2025,
    horizon_days: 120,
    step_days: stepDays,
    markets: seed % 2 ? ['LAA', 'LAB'] : ['LAC'],
    ...(seed % 7 === 0 ? {} : { materials: final }),
    shocks: [
      {
        type: 'capacity_loss',
        country: 'LAA',
        materials: pick(raw, 2),
        share,
        start_day: 3 + (seed % 10),
        duration_days: 20 + (seed % 40),
      },
      {
        type: 'export_restriction',
        exporter: 'LAB',
        importers: seed % 2 ? 'all' : ['LAC', 'LAD'],
        materials: pick(mids, 3),
        share: 1 - share / 2,
        start_day: 5,
        duration_days: 30,
      },
      {
        type: 'demand_surge',
        market: 'LAA',
        materials: final,
        factor: 1.2 + share,
        start_day: 15,
        duration_days: 20,
      },
      {
        type: 'stockpile_release',
        holder: 'LAB',
        materials: final,
        days_of_cover: 5,
        start_day: 12,
      },
    ],
    levers: {
      diversion_days: 2 + (seed % 15),
      origin_rule: seed % 3 === 0,
      default_days_of_cover: seed % 4 === 0 ? 0 : 3 + (seed % 10),
      ramp_ups: [{ supplier: 'LAC', material: raw[0]!, extra_share: 0.5, build_days: 10, ramp_days: 5 }],
    },
    seed,
  };
  return sc;
}

/**
 * The event-driven kernel — forced two-pass, fused in JavaScript, and fused with the WebAssembly
 * step — and the reference; returns the WebAssembly run and the reference.
 */
function both(net: SimNetwork, sc: Scenario, audit: boolean): [SimulationRun, SimulationRun] {
  const cs = compileScenario(net, sc);
  const ref = runSimulationReference(net, cs, { curves: true, audit });
  const twoPass = runSimulation(net, cs, { curves: true, audit, order: 'two-pass' });
  expectSameRun(twoPass, ref);
  const js = runSimulation(net, cs, { curves: true, audit, engine: 'js' });
  expectSameRun(js, ref);
  const wasm = runSimulation(net, cs, { curves: true, audit, engine: 'wasm' });
  // the WebAssembly step visits exactly what the JavaScript one does
  expect(wasm.updates).toBe(js.updates);
  return [wasm, ref];
}

describe('event-driven kernel = full-pass reference, bit for bit', () => {
  it('on random networks and scenarios, in both node orders', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (seed, share, random) => {
          const net = variedNetwork(seed, random);
          // nodes numbered by tier (each material's pool after its producers) allow the fused pass
          if (!random) expect(fusable(net)).toBe(true);
          const [a, b] = both(net, variedScenario(net, seed, share), seed % 2 === 0);
          expectSameRun(a, b);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('on a quiet network, where almost everything is skipped after the first steps', () => {
    const net = syntheticSimNetwork({ nodes: 2000, seed: 5, tiers: 5 });
    const final = net.materialIds.slice(net.tierMaterialStart[net.tierMaterialStart.length - 2]!);
    const sc: Scenario = {
      name: 'quiet',
      year: 2025,
      horizon_days: 200,
      step_days: 1,
      markets: ['LAA'],
      materials: final,
      shocks: [],
      seed: 1,
    };
    const [a, b] = both(net, sc, true);
    expectSameRun(a, b);
    // full pass: every node each step plus the edges it sends orders on; here far fewer
    expect(a.updates).toBeLessThan(b.updates / 10);
  });
});

describe('event-driven kernel = full-pass reference on the bundled data', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustmap-kernel-eq-'));
    const db = join(dir, 'trustmap.db');
    copyBundledDb(db);
    store = await openStore(db);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const dirOf = join(import.meta.dirname, '../../../scenarios');
  const files = readdirSync(dirOf).filter((f) => f.endsWith('.json'));
  for (const file of files) {
    it(`shipped scenario ${file}`, async () => {
      const sc = validateScenario(JSON.parse(readFileSync(join(dirOf, file), 'utf8')), file);
      const net = await simulationNetwork(store, sc, await listMaterials(store));
      const [a, b] = both(net, sc, true);
      expectSameRun(a, b);
    }, 60_000);
  }
});
