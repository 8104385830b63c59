import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scenario, Shock } from '../../model/index.js';
import { approvalDays, compileScenario } from './compile-scenario.js';
import { BALANCE_TERMS, runSimulation, type SimulationRun } from './kernel.js';
import { SimNetworkBuilder } from './network-builder.js';
import {
  CLASS_AGREEMENT,
  checkNetwork,
  LOCATION_POOL,
  NODE_DEMAND,
  NODE_POOL,
  NODE_PRODUCER,
  type SimNetwork,
} from './sim-network.js';
import { type SyntheticSimNetwork, syntheticSimNetwork } from './synthetic-sim.js';

type Levers = NonNullable<Scenario['levers']>;

function scenario(shocks: Shock[], extra: Partial<Scenario> = {}): Scenario {
  return { name: 'test', year: 2025, horizon_days: 60, step_days: 1, shocks, seed: 1, ...extra };
}

function run(net: SimNetwork, sc: Scenario, audit = true): SimulationRun {
  return runSimulation(net, compileScenario(net, sc), { curves: true, audit });
}

/** Largest |produced − (consumed + stocked + exported + unallocated)| over steps and materials, relative. */
function balanceError(r: SimulationRun): number {
  const b = r.balance!;
  const M = b.materials.length;
  let worst = 0;
  for (let t = 0; t < b.steps; t++) {
    for (let m = 0; m < M; m++) {
      const o = (t * M + m) * BALANCE_TERMS.length;
      const [p, c, s, x, u] = [0, 1, 2, 3, 4].map((k) => b.rows[o + k]!) as [
        number,
        number,
        number,
        number,
        number,
      ];
      const scale = Math.max(1, Math.abs(p), Math.abs(c), Math.abs(s), Math.abs(x), Math.abs(u));
      worst = Math.max(worst, Math.abs(p - (c + s + x + u)) / scale);
    }
  }
  return worst;
}

function totalShortfall(r: SimulationRun): number {
  return r.summaries
    .filter((s) => s.market === 'ROW' || s.market.length === 3)
    .reduce((a, s) => a + s.shortfall, 0);
}

function summary(r: SimulationRun, material: string, market: string) {
  const s = r.summaries.find((x) => x.material === material && x.market === market);
  if (!s) throw new Error(`no summary for ${material} in ${market}`);
  return s;
}

function curve(r: SimulationRun, material: string, market: string) {
  const c = r.curves!.find((x) => x.material === material && x.market === market);
  if (!c) throw new Error(`no curve for ${material} in ${market}`);
  return c;
}

/**
 * The diversion example: gallium made in China (90 t/day, no spare) and Australia (10 t/day,
 * capacity 20); the US buys its 10 t/day all from China, Japan its 90 t/day from China (80) and
 * Australia (10). Stocks: `cover` days of demand.
 */
function diversionNetwork(cover: number, opts: { australiaCapacity?: number; australiaBase?: number } = {}) {
  const b = new SimNetworkBuilder(['ga.refined']);
  const ausBase = opts.australiaBase ?? 10;
  const chn = b.addNode(NODE_PRODUCER, 0, 'CHN', 100 - ausBase, 100 - ausBase);
  const aus = b.addNode(NODE_PRODUCER, 0, 'AUS', ausBase, opts.australiaCapacity ?? 20);
  const usa = b.addNode(NODE_DEMAND, 0, 'USA', 10, 0);
  const jpn = b.addNode(NODE_DEMAND, 0, 'JPN', 90, 0);
  const pool = b.addNode(NODE_POOL, 0, LOCATION_POOL, 0, Number.POSITIVE_INFINITY);
  b.addEdge(b.addSlot(usa, 0, { coverDays: cover }), chn, 1);
  const js = b.addSlot(jpn, 0, { coverDays: cover });
  b.addEdge(js, chn, (80 - ausBase + 10) / 90);
  if (ausBase > 0) b.addEdge(js, aus, ausBase / 90);
  const ps = b.addSlot(pool, 0);
  b.addEdge(ps, chn, 0);
  b.addEdge(ps, aus, 0);
  return { net: b.build({ year: 2025, dataVersion: 'test' }), chn, aus, usa, jpn };
}

describe('flow kernel: hand-solved networks', () => {
  it('keeps a balanced network at steady state: no shock, no shortfall, stocks at target', () => {
    const { net } = diversionNetwork(10);
    expect(checkNetwork(net)).toEqual([]);
    const r = run(net, scenario([], { markets: ['USA', 'JPN'] }));
    for (const s of r.summaries) {
      expect(s.shortfall).toBe(0);
      expect(s.fillRate).toBeCloseTo(1, 12);
      expect(s.observedTTS).toBeNull();
    }
    // stock = 10 days × 10 t at the end of every day; arrivals 10 t/day
    const us = curve(r, 'ga.refined', 'USA');
    for (let t = 0; t < r.steps; t++) {
      expect(us.inventory[t]).toBeCloseTo(100, 9);
      expect(us.supply[t]).toBeCloseTo(10, 9);
    }
  });

  it('runs the US dry after its 10 days of stock when China stops shipping to it and nothing diverts', () => {
    // Day 0: the US eats 10 of its 100 and receives the 10 ordered before the ban (stock 100).
    // From day 1 nothing arrives: the end-of-day stock is 100 − 10·t, 0 at the end of day 10, so
    // day 11 is the first day short (observed TTS = 11) and every later day lacks 10 t.
    const { net } = diversionNetwork(10);
    const ban: Shock = {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: ['USA'],
      materials: ['ga.refined'],
      share: 1,
      start_day: 0,
      duration_days: 1000,
    };
    const r = run(net, scenario([ban], { markets: ['USA', 'JPN'], levers: { diversion_days: 1000 } }));
    const us = summary(r, 'ga.refined', 'USA');
    expect(us.observedTTS).toBe(11);
    expect(us.observedTTR).toBe(Number.POSITIVE_INFINITY);
    expect(us.shortfall).toBeCloseTo((60 - 11) * 10, 6);
    expect(summary(r, 'ga.refined', 'JPN').shortfall).toBe(0);
    expect(balanceError(r)).toBeLessThan(1e-9);
  });

  it('frees supply elsewhere: with diversion the withheld Chinese output reaches the world market and the US stays supplied', () => {
    // τ = 3: the US has been unfilled on days 1–3, so on day 3 it orders its 10 t from the spot
    // market. The spot market buys in proportion to spare output: China now makes only Japan's
    // 80 t (its US orders are blocked before they reach it), so it has 10 t/day of spare capacity;
    // Australia has 20 − 10 = 10. It orders 5 + 5 on day 4; the producers plan the extra on day 5,
    // make it on day 6, the spot market ships on day 7 — while the US still holds 100 − 70 = 30 t.
    const { net } = diversionNetwork(10);
    const ban: Shock = {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: ['USA'],
      materials: ['ga.refined'],
      share: 1,
      start_day: 0,
      duration_days: 1000,
    };
    const r = run(net, scenario([ban], { markets: ['USA', 'JPN'], levers: { diversion_days: 3 } }));
    const us = summary(r, 'ga.refined', 'USA');
    expect(us.shortfall).toBe(0);
    expect(us.observedTTS).toBeNull();
    expect(summary(r, 'ga.refined', 'JPN').shortfall).toBe(0);
    const c = curve(r, 'ga.refined', 'USA');
    expect(c.supply[6]).toBeCloseTo(0, 9);
    expect(c.supply[7]).toBeGreaterThan(0);
    // the freed Chinese capacity finds a buyer: world output is back to 100 t/day (90 without diversion)
    const produced = (x: SimulationRun, t: number) => x.balance!.rows[t * BALANCE_TERMS.length]!;
    expect(produced(r, 59)).toBeGreaterThan(99.5);
    const stuck = run(net, scenario([ban], { markets: ['USA', 'JPN'], levers: { diversion_days: 1000 } }));
    expect(produced(stuck, 59)).toBeCloseTo(90, 6);
    expect(balanceError(r)).toBeLessThan(1e-9);

    // the origin rule blocks the Chinese half of the spot market's shipments to the US
    const o = run(
      net,
      scenario([ban], { markets: ['USA', 'JPN'], levers: { diversion_days: 3, origin_rule: true } }),
    );
    expect(summary(o, 'ga.refined', 'USA').shortfall).toBeGreaterThan(0);
    expect(balanceError(o)).toBeLessThan(1e-9);
  });

  it('honours an agreement before other buyers, and a ban overrides the agreement', () => {
    // Australia makes 100 t/day for the US (an agreement for all of its 50) and Japan (50).
    // Australia loses half its capacity on days 5–24: its 50 t go to the agreement first (class 0),
    // Japan's export orders get nothing. Japan has one day of stock (cover 0 → one step), so it is
    // short from day 6.
    const b = new SimNetworkBuilder(['li.refined']);
    const aus = b.addNode(NODE_PRODUCER, 0, 'AUS', 100, 100);
    const usa = b.addNode(NODE_DEMAND, 0, 'USA', 50, 0);
    const jpn = b.addNode(NODE_DEMAND, 0, 'JPN', 50, 0);
    b.addEdge(b.addSlot(usa, 0), aus, 1, CLASS_AGREEMENT, 60);
    b.addEdge(b.addSlot(jpn, 0), aus, 1);
    const net = b.build({ year: 2025, dataVersion: 'test' });
    expect(checkNetwork(net)).toEqual([]);
    const loss: Shock = {
      type: 'capacity_loss',
      country: 'AUS',
      materials: ['li.refined'],
      share: 0.5,
      start_day: 5,
      duration_days: 20,
    };
    const levers: Levers = { diversion_days: 1000 };
    const r = run(net, scenario([loss], { markets: ['USA', 'JPN'], levers }));
    expect(summary(r, 'li.refined', 'USA').shortfall).toBe(0);
    const jp = summary(r, 'li.refined', 'JPN');
    expect(jp.observedTTS).toBe(6);
    const c = curve(r, 'li.refined', 'JPN');
    for (let t = 6; t < 25; t++) expect(c.shortfall[t]).toBeCloseTo(50, 6);

    const ban: Shock = {
      type: 'export_restriction',
      exporter: 'AUS',
      importers: ['USA'],
      materials: ['li.refined'],
      share: 1,
      start_day: 5,
      duration_days: 20,
    };
    const rb = run(net, scenario([ban], { markets: ['USA', 'JPN'], levers }));
    // the ban cuts orders placed from day 5; the order placed on day 4 still arrives on day 5
    expect(summary(rb, 'li.refined', 'USA').observedTTS).toBe(7);
    // Japan loses nothing during the ban; afterwards the US rebuilds its stock through the
    // agreement (up to 60 t/day, served first), which briefly takes from Japan
    const jb = curve(rb, 'li.refined', 'JPN');
    for (let t = 0; t <= 25; t++) expect(jb.shortfall[t]).toBe(0);
    expect(balanceError(rb)).toBeLessThan(1e-9);
  });

  it('works in steps of several days: rates scale with the step, days count from day 0', () => {
    // steps of 5 days: 50 t of US demand per step, 100 t of stock (two steps); the ban cuts the
    // orders placed from step 0, the order placed before it arrives in step 0, the stock covers
    // steps 1 and 2, and step 3 (days 15–19) is the first short
    const { net } = diversionNetwork(10);
    const none = run(net, scenario([], { markets: ['USA'], step_days: 5 }));
    expect(none.steps).toBe(12);
    for (const s of none.summaries) expect(s.shortfall).toBe(0);
    const ban: Shock = {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: ['USA'],
      materials: ['ga.refined'],
      share: 1,
      start_day: 0,
      duration_days: 1000,
    };
    const r = run(net, scenario([ban], { markets: ['USA'], step_days: 5, levers: { diversion_days: 1000 } }));
    const us = summary(r, 'ga.refined', 'USA');
    expect(us.observedTTS).toBe(15);
    expect(us.daysShort).toBe(60 - 15);
    expect(balanceError(r)).toBeLessThan(1e-9);
  });

  it('lets a stockpile release carry a market through a supply stop', () => {
    const { net } = diversionNetwork(10);
    const ban: Shock = {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: ['USA'],
      materials: ['ga.refined'],
      share: 1,
      start_day: 0,
      duration_days: 30,
    };
    const release: Shock = {
      type: 'stockpile_release',
      holder: 'USA',
      materials: ['ga.refined'],
      days_of_cover: 25,
      start_day: 5,
    };
    const levers = { diversion_days: 1000 };
    const without = run(net, scenario([ban], { markets: ['USA'], levers }));
    const withRelease = run(net, scenario([ban, release], { markets: ['USA'], levers }));
    expect(summary(without, 'ga.refined', 'USA').shortfall).toBeGreaterThan(0);
    // 100 t of stock + 250 t released cover the 30 days of the ban (300 t) and the restart
    expect(summary(withRelease, 'ga.refined', 'USA').shortfall).toBe(0);
    expect(balanceError(withRelease)).toBeLessThan(1e-9);
  });

  it('limits production by inputs on hand through the recipe (0.5 t of ore per t of metal)', () => {
    // Mine (ore, 50 t/day) → refinery (metal, 100 t/day, 0.5 t ore per t) → market (100 t/day).
    // The mine stops on days 0–99 and ships nothing from day 0 (it holds no finished goods). The
    // refinery's 5 days of ore (250 t, 50 t/day) let it make 100 t/day on days 0–4 and nothing
    // from day 5; the market's 1000 t then fall by 100 t/day to 0 at the end of day 14, so day 15
    // is the first day short.
    const b = new SimNetworkBuilder(['x.mine', 'x.refined']);
    const mine = b.addNode(NODE_PRODUCER, 0, 'COD', 50, 50);
    const ref = b.addNode(NODE_PRODUCER, 1, 'CHN', 100, 100);
    const mkt = b.addNode(NODE_DEMAND, 1, 'USA', 100, 0);
    b.addEdge(b.addSlot(ref, 0, { ratio: 0.5, coverDays: 5 }), mine, 1);
    b.addEdge(b.addSlot(mkt, 1, { coverDays: 10 }), ref, 1);
    const net = b.build({ year: 2025, dataVersion: 'test' });
    expect(checkNetwork(net)).toEqual([]);
    const stop: Shock = {
      type: 'capacity_loss',
      country: 'COD',
      materials: ['x.mine'],
      share: 1,
      start_day: 0,
      duration_days: 100,
    };
    const r = run(
      net,
      scenario([stop], { markets: ['USA'], materials: ['x.refined'], levers: { diversion_days: 1000 } }),
    );
    const s = summary(r, 'x.refined', 'USA');
    expect(s.observedTTS).toBe(15);
    expect(curve(r, 'x.refined', 'USA').shortfall[15]).toBeCloseTo(100, 9);
    expect(balanceError(r)).toBeLessThan(1e-9);
    expect(Math.min(...r.balance!.minStock)).toBeGreaterThanOrEqual(0);
  });
});

describe('approval lead times', () => {
  const steps = [
    { name: 'dossier', days: 30 },
    { name: 'inspection', days: 60, after: ['dossier'] },
    { name: 'import registration', days: 45 },
    { name: 'marketing authorisation', days: 90, after: ['inspection', 'import registration'] },
  ];
  it('adds every step on the sequential pathway', () => {
    expect(approvalDays({ pathway: 'sequential', steps })).toBe(225);
  });
  it('takes the longest dependency chain on the parallel pathway', () => {
    // dossier 30 → inspection 90 → authorisation 180; registration 45 runs alongside
    expect(approvalDays({ pathway: 'parallel', steps })).toBe(180);
  });
  it('names the step whose dependency does not exist', () => {
    expect(() =>
      approvalDays({ pathway: 'parallel', steps: [{ name: 'a', days: 1, after: ['b'] }] }),
    ).toThrow(/steps\/0\/after\/0: unknown approval step "b"/);
  });
  it('rejects a circular dependency', () => {
    expect(() =>
      approvalDays({
        pathway: 'parallel',
        steps: [
          { name: 'a', days: 1, after: ['b'] },
          { name: 'b', days: 1, after: ['a'] },
        ],
      }),
    ).toThrow(/circular/);
  });
});

// ── properties on random networks ─────────────────────────────────────────────────────────────

function randomScenario(
  net: SyntheticSimNetwork,
  seed: number,
  share: number,
  extra: Partial<Scenario> = {},
): Scenario {
  const raw = net.materialIds.slice(0, net.tierMaterialStart[1]!);
  const mids = net.materialIds.slice(net.tierMaterialStart[1]!, net.tierMaterialStart[2]!);
  const final = net.materialIds.slice(net.tierMaterialStart[net.tierMaterialStart.length - 2]!);
  const pick = <T>(list: T[], k: number) => list.filter((_, i) => (i * 7 + seed) % k === 0);
  return {
    name: 'random',
    year: 2025,
    horizon_days: 90,
    step_days: 1,
    markets: ['LAA', 'LAB'],
    materials: final,
    shocks: [
      {
        type: 'capacity_loss',
        country: 'LAA',
        materials: pick(raw, 2),
        share,
        start_day: 3,
        duration_days: 40,
      },
      {
        type: 'export_restriction',
        exporter: 'LAB',
        importers: seed % 2 ? 'all' : ['LAC', 'LAD'],
        materials: pick(mids, 3).length ? pick(mids, 3) : [mids[0]!],
        share,
        start_day: 5,
        duration_days: 30,
      },
    ],
    levers: {
      diversion_days: 5 + (seed % 20),
      origin_rule: seed % 3 === 0,
      default_days_of_cover: 3 + (seed % 10),
    },
    seed,
    ...extra,
  };
}

describe('flow kernel: invariants on random networks', () => {
  it('conserves every material every step and never holds negative stock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, share) => {
          const net = syntheticSimNetwork({
            nodes: 120 + (seed % 200),
            seed,
            tiers: 3 + (seed % 3),
            locations: 6,
          });
          const sc = randomScenario(net, seed, share);
          sc.shocks.push(
            {
              type: 'demand_surge',
              market: 'LAA',
              materials: sc.materials!,
              factor: 1.5,
              start_day: 10,
              duration_days: 20,
            },
            {
              type: 'stockpile_release',
              holder: 'LAB',
              materials: sc.materials!,
              days_of_cover: 5,
              start_day: 12,
            },
          );
          sc.levers!.ramp_ups = [
            {
              supplier: 'LAC',
              material: net.materialIds[0]!,
              extra_share: 0.5,
              build_days: 10,
              ramp_days: 5,
            },
          ];
          const r = run(net, sc);
          expect(balanceError(r)).toBeLessThan(1e-9);
          expect(Math.min(...r.balance!.minStock)).toBeGreaterThanOrEqual(0);
          for (const s of r.summaries) expect(s.fillRate).toBeLessThanOrEqual(1 + 1e-12);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('has no shortfall without a shock, whatever the network and node order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.boolean(), (seed, random) => {
        const net = syntheticSimNetwork({
          nodes: 80 + (seed % 300),
          seed,
          tiers: 2 + (seed % 4),
          order: random ? 'random' : 'locality',
        });
        expect(checkNetwork(net)).toEqual([]);
        const final = net.materialIds.slice(net.tierMaterialStart[net.tierMaterialStart.length - 2]!);
        const r = run(net, scenario([], { markets: ['LAA'], materials: final, horizon_days: 120 }), false);
        for (const s of r.summaries) {
          expect(s.shortfall).toBe(0);
          expect(s.daysShort).toBe(0);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives the same results whatever the node numbering', () => {
    const a = syntheticSimNetwork({ nodes: 300, seed: 9, tiers: 4, locations: 6 });
    const b = syntheticSimNetwork({ nodes: 300, seed: 9, tiers: 4, locations: 6, order: 'random' });
    const ra = run(a, randomScenario(a, 9, 0.7), false);
    const rb = run(b, randomScenario(b, 9, 0.7), false);
    const key = (s: { material: string; market: string }) => `${s.material}|${s.market}`;
    const byKey = new Map(rb.summaries.map((s) => [key(s), s]));
    expect(ra.summaries.length).toBeGreaterThan(0);
    for (const s of ra.summaries) {
      const t = byKey.get(key(s))!;
      expect(t.shortfall).toBeCloseTo(s.shortfall, 6);
      expect(t.observedTTS).toBe(s.observedTTS);
    }
  });

  it('never yields a smaller shortfall for a larger shock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, x, y) => {
          const [lo, hi] = x <= y ? [x, y] : [y, x];
          const net = syntheticSimNetwork({ nodes: 60 + (seed % 120), seed, tiers: 3, locations: 5 });
          const small = totalShortfall(run(net, randomScenario(net, seed, lo), false));
          const large = totalShortfall(run(net, randomScenario(net, seed, hi), false));
          expect(large).toBeGreaterThanOrEqual(small - 1e-9 * Math.max(1, small));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never recovers later on the parallel approval pathway than on the sequential one', () => {
    const stepArb = fc
      .array(
        fc.record({ days: fc.integer({ min: 0, max: 60 }), deps: fc.array(fc.nat(), { maxLength: 3 }) }),
        {
          minLength: 1,
          maxLength: 5,
        },
      )
      .map((xs) =>
        xs.map((x, i) => ({
          name: `s${i}`,
          days: x.days,
          // dependencies only on earlier steps: no cycles
          after: i === 0 ? [] : [...new Set(x.deps.map((d) => `s${d % i}`))],
        })),
      );
    fc.assert(
      fc.property(
        stepArb,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        (steps, build, cover) => {
          // the US buys 10 t/day from China, which stops all exports; Australia makes none until a
          // ramp-up adds 15 t/day after the build and approval lead time
          const b = new SimNetworkBuilder(['ga.refined']);
          const chn = b.addNode(NODE_PRODUCER, 0, 'CHN', 10, 10);
          const aus = b.addNode(NODE_PRODUCER, 0, 'AUS', 0, 0);
          const usa = b.addNode(NODE_DEMAND, 0, 'USA', 10, 0);
          const pool = b.addNode(NODE_POOL, 0, LOCATION_POOL, 0, Number.POSITIVE_INFINITY);
          b.addEdge(b.addSlot(usa, 0, { coverDays: cover }), chn, 1);
          const ps = b.addSlot(pool, 0);
          b.addEdge(ps, chn, 0);
          b.addEdge(ps, aus, 0);
          const net = b.build({ year: 2025, dataVersion: 'test' });
          const ban: Shock = {
            type: 'export_restriction',
            exporter: 'CHN',
            importers: 'all',
            materials: ['ga.refined'],
            share: 1,
            start_day: 0,
            duration_days: 400,
          };
          const ttr = (pathway: 'sequential' | 'parallel') => {
            const r = run(
              net,
              scenario([ban], {
                horizon_days: 400,
                markets: ['USA'],
                levers: {
                  diversion_days: 3,
                  ramp_ups: [
                    {
                      supplier: 'AUS',
                      material: 'ga.refined',
                      extra_per_year: 15 * 365,
                      build_days: build,
                      approval: { pathway, steps },
                    },
                  ],
                },
              }),
              false,
            );
            const s = summary(r, 'ga.refined', 'USA');
            return s.observedTTR === null ? 0 : s.observedTTR;
          };
          const par = ttr('parallel');
          const seq = ttr('sequential');
          expect(par).toBeLessThanOrEqual(seq);
          // the ramp-up ends the shortage well inside the horizon
          expect(Number.isFinite(seq)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('synthetic network', () => {
  it('balances by construction and reaches about 10 edges per node', () => {
    const net = syntheticSimNetwork({ nodes: 5000, seed: 2 });
    expect(checkNetwork(net)).toEqual([]);
    expect(net.edgeCount / net.nodeCount).toBeGreaterThan(8.5);
    expect(net.edgeCount / net.nodeCount).toBeLessThan(11.5);
    const kinds = new Set(net.nodeKind);
    expect(kinds.has(NODE_DEMAND) && kinds.has(NODE_POOL) && kinds.has(NODE_PRODUCER)).toBe(true);
  });
});
