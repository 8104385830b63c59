import { describe, expect, it } from 'vitest';
import type { Hazard, HazardSet } from '../../model/hazard-set.js';
import type { Scenario } from '../../model/index.js';
import { compileScenario } from './compile-scenario.js';
import { runSimulation } from './kernel.js';
import {
  emptyRuns,
  nearestRank,
  planMonteCarlo,
  runMonteCarloInline,
  runMonteCarloRange,
  runShocks,
  STAT_SHORTFALL,
  STATS,
} from './montecarlo.js';
import { SimNetworkBuilder } from './network-builder.js';
import { LOCATION_POOL, NODE_DEMAND, NODE_POOL, NODE_PRODUCER } from './sim-network.js';

/**
 * Gallium, 100 t/day: China makes 90 (no spare), Australia 10 (no spare). The US buys its
 * 10 t/day from China; Japan its 90 from China (80) and Australia (10). No stock beyond one day
 * of use. A full Chinese export ban from day 10 for 30 days leaves the US 300.3 t short over the
 * 60-day horizon (30 days × 10 t/day, less what the one day in the pipeline covers, plus the
 * day-late restart) — the kernel's figure, reproduced here by every certain run.
 */
function galliumNetwork() {
  const b = new SimNetworkBuilder(['ga.refined']);
  const chn = b.addNode(NODE_PRODUCER, 0, 'CHN', 90, 90);
  const aus = b.addNode(NODE_PRODUCER, 0, 'AUS', 10, 10);
  const usa = b.addNode(NODE_DEMAND, 0, 'USA', 10, 0);
  const jpn = b.addNode(NODE_DEMAND, 0, 'JPN', 90, 0);
  const pool = b.addNode(NODE_POOL, 0, LOCATION_POOL, 0, Number.POSITIVE_INFINITY);
  b.addEdge(b.addSlot(usa, 0), chn, 1);
  const js = b.addSlot(jpn, 0);
  b.addEdge(js, chn, 80 / 90);
  b.addEdge(js, aus, 10 / 90);
  const ps = b.addSlot(pool, 0);
  b.addEdge(ps, chn, 0);
  b.addEdge(ps, aus, 0);
  return b.build({ year: 2025, dataVersion: 'test', sources: ['hand-built test network'] });
}

const fixedBan: Hazard = {
  type: 'export_restriction',
  exporter: 'CHN',
  importers: 'all',
  materials: ['ga.refined'],
  probability: 1,
  start_day: { dist: 'fixed', value: 10 },
  share: { dist: 'fixed', value: 1 },
  duration_days: { dist: 'fixed', value: 30 },
};

function hazardSet(hazards: Hazard[], extra: Partial<HazardSet> = {}): HazardSet {
  return {
    name: 'test set',
    illustrative: true,
    year: 2025,
    horizon_days: 60,
    step_days: 1,
    markets: ['USA', 'JPN'],
    hazards,
    ...extra,
  };
}

function deterministic(shocks: Scenario['shocks']) {
  const net = galliumNetwork();
  const sc: Scenario = {
    name: 'd',
    year: 2025,
    horizon_days: 60,
    step_days: 1,
    markets: ['USA', 'JPN'],
    materials: ['ga.refined'],
    shocks,
    seed: null,
  };
  return runSimulation(net, compileScenario(net, sc), { curves: false });
}

describe('Monte Carlo on a hand-built network', () => {
  const net = galliumNetwork();

  it('reports no shortfall in any run when no hazard can fire (rate 0)', () => {
    const plan = planMonteCarlo(net, hazardSet([{ ...fixedBan, probability: undefined, rate_per_year: 0 }]), {
      seed: 1,
    });
    const r = runMonteCarloInline(net, plan, 50, 10);
    expect(r.markets.map((m) => `${m.material} ${m.market}`)).toEqual(['ga.refined USA', 'ga.refined JPN']);
    for (const m of r.markets) {
      expect(m.shortfall).toEqual({ mean: 0, p50: 0, p95: 0, worst: 0 });
      expect(m.fillRate).toEqual({ mean: 1, p50: 1, p5: 1, worst: 1 });
      expect(m.probabilityShort).toBe(0);
      expect(m.tail.runs).toBe(0);
    }
    expect(r.hazards[0]!.firedRuns).toBe(0);
  });

  it('makes every run equal the deterministic simulation when the shock is certain and fixed', () => {
    const plan = planMonteCarlo(net, hazardSet([fixedBan]), { seed: 7 });
    const det = deterministic([
      {
        type: 'export_restriction',
        exporter: 'CHN',
        importers: 'all',
        materials: ['ga.refined'],
        share: 1,
        start_day: 10,
        duration_days: 30,
      },
    ]);
    const us = det.summaries.find((s) => s.market === 'USA')!;
    expect(us.shortfall).toBeCloseTo(300.32, 2);
    const runs = emptyRuns(plan, 20);
    runMonteCarloRange(net, plan, 0, 0, 20, runs);
    const G = plan.groups.length;
    for (let r = 0; r < 20; r++)
      det.summaries.forEach((s, g) => {
        expect(runs.stats[(r * G + g) * STATS + STAT_SHORTFALL]).toBe(s.shortfall);
      });
    const res = runMonteCarloInline(net, plan, 20);
    res.markets.forEach((m, g) => {
      const s = det.summaries[g]!;
      expect([m.material, m.market]).toEqual([s.material, s.market]);
      // the mean of 20 equal numbers, to rounding in the sum
      expect(m.shortfall.mean).toBeCloseTo(s.shortfall, 10);
      expect([m.shortfall.p50, m.shortfall.p95, m.shortfall.worst]).toEqual([
        s.shortfall,
        s.shortfall,
        s.shortfall,
      ]);
      expect(m.fillRate.p50).toBe(s.fillRate);
      expect(m.daysShort.worst).toBe(s.daysShort);
    });
    expect(res.updates).toBe(20 * det.updates);
  });

  it('gives the mean, percentiles and tail of a coin-flip ban by hand from the runs it fired in', () => {
    const N = 200;
    const plan = planMonteCarlo(net, hazardSet([{ ...fixedBan, probability: 0.5 }]), { seed: 3 });
    const res = runMonteCarloInline(net, plan, N);
    const S = deterministic(
      runShocks(plan, 0).length ? runShocks(plan, 0) : runShocks(plan, 1),
    ).summaries.find((s) => s.market === 'USA')!.shortfall;
    let fired = 0;
    for (let r = 0; r < N; r++) fired += runShocks(plan, r).length;
    expect(fired).toBeGreaterThan(70);
    expect(fired).toBeLessThan(130);
    const us = res.markets.find((m) => m.market === 'USA')!;
    // each run's shortfall is 0 or S: mean = fired / N × S; P50 is S when more than half fired; P95 and worst are S
    expect(us.shortfall.mean).toBeCloseTo((fired / N) * S, 9);
    expect(us.shortfall.p50).toBe(fired > N / 2 ? S : 0);
    expect(us.shortfall.p95).toBe(S);
    expect(us.shortfall.worst).toBe(S);
    expect(us.probabilityShort).toBe(fired / N);
    expect(res.hazards[0]!.firedRuns).toBe(fired / N);
    // the tail is every run at S: all of them had the ban
    expect(us.tail.runs).toBe(fired);
    expect(us.tail.drivers).toHaveLength(1);
    expect(us.tail.drivers[0]).toMatchObject({
      hazard: 0,
      tailRuns: fired,
      tailFrequency: 1,
      tailShortfallShare: 1,
    });
    expect(us.tail.drivers[0]!.lift).toBeCloseTo(N / fired, 12);
    expect(us.tail.byType).toEqual({ export_restriction: 1 });
    expect(us.tail.byPlace).toEqual({ CHN: 1 });
  });

  it('splits the tail between the hazards that fired in it, and names a hazard that touches nothing', () => {
    const N = 200;
    const idle: Hazard = {
      type: 'capacity_loss',
      country: 'DEU',
      materials: ['ga.refined'],
      probability: 0.5,
      share: { dist: 'fixed', value: 1 },
      duration_days: { dist: 'fixed', value: 30 },
    };
    const plan = planMonteCarlo(net, hazardSet([{ ...fixedBan, probability: 0.3 }, idle]), { seed: 11 });
    expect(plan.warnings.some((w) => w.startsWith('hazards/1 (capacity_loss DEU ga.refined)'))).toBe(true);
    const res = runMonteCarloInline(net, plan, N);
    let a = 0;
    let ab = 0;
    for (let r = 0; r < N; r++) {
      const types = runShocks(plan, r).map((s) => s.note);
      if (types.includes('hazard 0')) {
        a++;
        if (types.includes('hazard 1')) ab++;
      }
    }
    const us = res.markets.find((m) => m.market === 'USA')!;
    expect(us.tail.runs).toBe(a);
    const [ban, other] = us.tail.drivers;
    // every tail run has the same shortfall S; a run with both hazards gives each S / 2
    expect(ban).toMatchObject({ hazard: 0, tailRuns: a, tailFrequency: 1 });
    expect(ban!.tailShortfallShare).toBeCloseTo((a - ab / 2) / a, 12);
    expect(other).toMatchObject({ hazard: 1, tailRuns: ab });
    expect(other!.tailShortfallShare).toBeCloseTo(ab / 2 / a, 12);
    expect(other!.lift).toBeCloseTo(ab / a / res.hazards[1]!.firedRuns, 12);
  });

  it('leaves hazards on materials no recipe links to a market’s material out of its tail', () => {
    // gallium as above, plus cobalt from Congo to the US: no recipe links the two
    const b = new SimNetworkBuilder(['ga.refined', 'co.mine']);
    const chn = b.addNode(NODE_PRODUCER, 0, 'CHN', 90, 90);
    const usa = b.addNode(NODE_DEMAND, 0, 'USA', 90, 0);
    b.addEdge(b.addSlot(usa, 0), chn, 1);
    const cod = b.addNode(NODE_PRODUCER, 1, 'COD', 10, 10);
    const usaCo = b.addNode(NODE_DEMAND, 1, 'USA', 10, 0);
    b.addEdge(b.addSlot(usaCo, 1), cod, 1);
    const two = b.build({ year: 2025, dataVersion: 'test' });
    const coBan: Hazard = { ...fixedBan, exporter: 'COD', materials: ['co.mine'], probability: 0.5 };
    const plan = planMonteCarlo(
      two,
      hazardSet([{ ...fixedBan, probability: 0.3 }, coBan], { markets: ['USA'] }),
      { seed: 4 },
    );
    expect(plan.groupHazards).toEqual([[0], [1]]);
    const res = runMonteCarloInline(two, plan, 100);
    const ga = res.markets.find((m) => m.material === 'ga.refined')!;
    const co = res.markets.find((m) => m.material === 'co.mine')!;
    expect(ga.tail.drivers.map((d) => d.hazard)).toEqual([0]);
    expect(ga.tail.drivers[0]!.tailShortfallShare).toBe(1);
    expect(co.tail.drivers.map((d) => d.hazard)).toEqual([1]);
  });

  it('does not depend on how the runs are split into blocks, nor on their order', () => {
    const plan = planMonteCarlo(
      net,
      hazardSet([
        {
          ...fixedBan,
          probability: undefined,
          rate_per_year: 3,
          start_day: undefined,
          share: { dist: 'beta', alpha: 2, beta: 2 },
        },
      ]),
      { seed: 99 },
    );
    const whole = emptyRuns(plan, 30);
    runMonteCarloRange(net, plan, 0, 0, 30, whole);
    const pieces = emptyRuns(plan, 30);
    for (const [from, to] of [
      [17, 30],
      [0, 5],
      [5, 17],
    ] as const) {
      const part = emptyRuns(plan, to - from);
      runMonteCarloRange(net, plan, 0, from, to, part);
      pieces.stats.set(part.stats, from * plan.groups.length * STATS);
      pieces.fired.set(part.fired, from * plan.hazards.length);
      pieces.updates += part.updates;
    }
    expect(pieces).toEqual(whole);
  });

  it('gives the same result for the same seed and different draws for another seed', () => {
    const set = hazardSet([
      {
        ...fixedBan,
        probability: undefined,
        rate_per_year: 2,
        start_day: undefined,
        share: { dist: 'uniform', min: 0.2, max: 1 },
      },
    ]);
    const a = runMonteCarloInline(net, planMonteCarlo(net, set, { seed: 5 }), 40);
    const b = runMonteCarloInline(net, planMonteCarlo(net, set, { seed: 5 }), 40);
    const c = runMonteCarloInline(net, planMonteCarlo(net, set, { seed: 6 }), 40);
    expect(b).toEqual(a);
    expect(c.markets[0]!.shortfall.mean).not.toBe(a.markets[0]!.shortfall.mean);
  });

  it('moves P95 the way the assumption moves in the sensitivity analysis (common random numbers)', () => {
    const set = hazardSet([
      {
        ...fixedBan,
        probability: 0.3,
        start_day: undefined,
        share: { dist: 'beta', alpha: 2, beta: 2, min: 0.2, max: 0.8 },
        duration_days: { dist: 'uniform', min: 5, max: 25 },
      },
    ]);
    const res = runMonteCarloInline(net, planMonteCarlo(net, set, { seed: 2 }), 100, 60);
    const s = res.sensitivity!;
    expect(s.runs).toBe(60);
    expect(s.variants.map((v) => v.name)).toEqual([
      'rates ×0.5',
      'rates ×2',
      'severity ×0.5',
      'severity ×1.5',
      'durations ×0.5',
      'durations ×2',
    ]);
    const us = s.rows.find((r) => r.market === 'USA')!;
    const [rHalf, rTwice, sHalf, sMore, dHalf, dTwice] = us.variants.map((v) => v.p95) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    expect(us.base.p95).toBeGreaterThan(0);
    expect(rHalf).toBeLessThanOrEqual(us.base.p95);
    expect(rTwice).toBeGreaterThanOrEqual(us.base.p95);
    expect(sHalf).toBeLessThan(us.base.p95);
    expect(sMore).toBeGreaterThan(us.base.p95);
    expect(dHalf).toBeLessThan(us.base.p95);
    expect(dTwice).toBeGreaterThan(us.base.p95);
    const twice = us.variants[1]!;
    expect(twice.mean).toBeGreaterThan(us.base.mean);
    expect(s.moves.find((m) => m.name === 'severity ×1.5')).toMatchObject({ down: 0 });
  });

  it('takes percentiles by nearest rank', () => {
    const x = Float64Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRank(x, 0.5)).toBe(10);
    expect(nearestRank(x, 0.95)).toBe(19);
    expect(nearestRank(x, 0.05)).toBe(1);
    expect(nearestRank(x, 1)).toBe(20);
    expect(nearestRank(Float64Array.of(7), 0.95)).toBe(7);
  });

  it('labels the hazards illustrative and carries the network’s sources', () => {
    const plan = planMonteCarlo(net, hazardSet([fixedBan]), { seed: 1 });
    const r = runMonteCarloInline(net, plan, 2);
    expect(r.sources).toEqual(['hand-built test network']);
    expect(r.assumptions.some((a) => a.includes('ILLUSTRATIVE'))).toBe(true);
    expect(r.assumptions.some((a) => a.startsWith('random numbers: Philox4x32-10'))).toBe(true);
    expect(r.hazards[0]).toMatchObject({
      label: 'export_restriction CHN→all ga.refined',
      expectedEvents: 1,
      illustrative: true,
    });
  });
});
