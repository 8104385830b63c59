import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { planMonteCarlo } from '../engine/simulate/montecarlo.js';
import { SimNetworkBuilder } from '../engine/simulate/network-builder.js';
import { LOCATION_POOL, NODE_DEMAND, NODE_POOL, NODE_PRODUCER } from '../engine/simulate/sim-network.js';
import type { HazardSet } from '../model/hazard-set.js';
import { NotFoundError, ValidationError } from '../model/index.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import {
  bundledHazardSets,
  bundledSetsDir,
  loadHazardSet,
  monteCarloReport,
  runMonteCarlo,
  validateHazardSet,
} from './montecarlo.js';

/** Gallium from China (90 t/day) and Australia (10, with 10 spare) to the US (10) and Japan (90). */
function galliumNetwork() {
  const b = new SimNetworkBuilder(['ga.refined']);
  const chn = b.addNode(NODE_PRODUCER, 0, 'CHN', 90, 90);
  const aus = b.addNode(NODE_PRODUCER, 0, 'AUS', 10, 20);
  const usa = b.addNode(NODE_DEMAND, 0, 'USA', 10, 0);
  const jpn = b.addNode(NODE_DEMAND, 0, 'JPN', 90, 0);
  const pool = b.addNode(NODE_POOL, 0, LOCATION_POOL, 0, Number.POSITIVE_INFINITY);
  b.addEdge(b.addSlot(usa, 0, { coverDays: 5 }), chn, 1);
  const js = b.addSlot(jpn, 0, { coverDays: 5 });
  b.addEdge(js, chn, 80 / 90);
  b.addEdge(js, aus, 10 / 90);
  const ps = b.addSlot(pool, 0);
  b.addEdge(ps, chn, 0);
  b.addEdge(ps, aus, 0);
  return b.build({ year: 2025, dataVersion: 'test' });
}

const randomSet: HazardSet = {
  name: 'random bans and losses',
  illustrative: true,
  year: 2025,
  horizon_days: 90,
  step_days: 1,
  markets: ['USA', 'JPN'],
  hazards: [
    {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: ['USA'],
      materials: ['ga.refined'],
      rate_per_year: 2,
      share: { dist: 'beta', alpha: 2, beta: 2 },
      duration_days: { dist: 'lognormal', median: 20, sigma: 0.6, max: 80 },
    },
    {
      type: 'capacity_loss',
      country: 'AUS',
      materials: ['ga.refined'],
      probability: 0.4,
      share: { dist: 'triangular', min: 0.1, mode: 0.5, max: 1 },
      duration_days: { dist: 'uniform', min: 5, max: 40 },
      recovery: 'linear',
      recovery_days: { dist: 'fixed', value: 10 },
    },
  ],
};

describe('Monte Carlo over worker threads', () => {
  it('gives identical results with 1 and 2 threads, and inline, for the same seed', async () => {
    const net = galliumNetwork();
    const plan = planMonteCarlo(net, randomSet, { seed: 2024 });
    const progress: number[] = [];
    const one = await runMonteCarlo(net, plan, {
      runs: 48,
      sensitivityRuns: 12,
      threads: 1,
      onProgress: (d) => progress.push(d),
    });
    const two = await runMonteCarlo(net, plan, { runs: 48, sensitivityRuns: 12, threads: 2 });
    const inline = await runMonteCarlo(net, plan, { runs: 48, sensitivityRuns: 12, inline: true });
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    const { threads: _a, ...r1 } = one;
    const { threads: _b, ...r2 } = two;
    const { threads: _c, ...r0 } = inline;
    expect(r2).toEqual(r1);
    expect(r0).toEqual(r1);
    // something happened, so equality is not trivial
    expect(r1.markets.find((m) => m.market === 'USA')!.shortfall.worst).toBeGreaterThan(0);
    expect(r1.sensitivity?.rows).toHaveLength(r1.markets.length);
    // progress counts every run once, up to base + 6 variants × 12
    expect(progress.at(-1)).toBe(48 + 6 * 12);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('rejects a run count that is not a whole number ≥ 1', async () => {
    const net = galliumNetwork();
    const plan = planMonteCarlo(net, randomSet, { seed: 1 });
    await expect(runMonteCarlo(net, plan, { runs: 0, inline: true })).rejects.toThrow(ValidationError);
    await expect(runMonteCarlo(net, plan, { runs: 2.5, inline: true })).rejects.toThrow(/whole number/);
  });
});

describe('hazard sets', () => {
  const valid = () =>
    structuredClone(randomSet) as unknown as Record<string, unknown> & { hazards: Record<string, unknown>[] };

  it('fills in defaults and accepts a sound set', () => {
    const raw = valid();
    delete raw.horizon_days;
    delete raw.step_days;
    const set = validateHazardSet(raw);
    expect(set.horizon_days).toBe(365);
    expect(set.step_days).toBe(1);
  });

  it('names the field at fault, inside hazards and their distributions', () => {
    const errors = (mutate: (x: ReturnType<typeof valid>) => void): string[] => {
      const x = valid();
      mutate(x);
      try {
        validateHazardSet(x, 'set.json');
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        return e.issues.map((i) => `${i.column}: ${i.message}`);
      }
      return [];
    };
    expect(errors((x) => ((x.hazards[0]!.share as Record<string, unknown>).alpha = -1))[0]).toMatch(
      /^hazards\/0\/share\/alpha: /,
    );
    expect(errors((x) => (x.hazards[1]!.type = 'earthquake'))).toEqual([
      'hazards/1/type: expected one of export_restriction, capacity_loss, demand_surge, got "earthquake"',
    ]);
    expect(errors((x) => (x.hazards[0]!.duration_days = { dist: 'weibull', k: 2 }))[0]).toMatch(
      /^hazards\/0\/duration_days\/dist: expected one of fixed, uniform/,
    );
    expect(errors((x) => (x.hazards[1]!.rate_per_year = 1))).toEqual([
      'hazards/1/rate_per_year: give rate_per_year (events per year) or probability (one event in the horizon), not both',
    ]);
    expect(errors((x) => (x.hazards[1]!.share = { dist: 'uniform', min: 0.5, max: 1.5 }))).toEqual([
      'hazards/1/share/max: a share must be ≤ 1, the distribution reaches 1.5',
    ]);
    expect(errors((x) => (x.hazards[0]!.exporter = 'china'))[0]).toMatch(/^hazards\/0\/exporter: /);
    expect(errors((x) => delete x.illustrative)[0]).toMatch(/^illustrative: /);
    expect(errors((x) => (x.hazards = []))[0]).toMatch(/^hazards: /);
  });

  it('ships bundled sets that validate, are labelled illustrative and explain every hazard', () => {
    expect(bundledSetsDir()).not.toBeNull();
    const names = bundledHazardSets();
    expect(names).toContain('trust-illustrative');
    for (const name of names) {
      const { set } = loadHazardSet(name);
      expect(set.illustrative).toBe(true);
      expect(set.description).toMatch(/ILLUSTRATIVE/);
      for (const h of set.hazards) expect(h.basis?.length).toBeGreaterThan(10);
    }
    // the files are the sets as written (no defaults hidden in code)
    const dir = bundledSetsDir()!;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')))
      expect(() => validateHazardSet(JSON.parse(readFileSync(join(dir, f), 'utf8')))).not.toThrow();
  });

  it('reports an unknown set with the bundled names', () => {
    expect(() => loadHazardSet('no-such-set')).toThrow(NotFoundError);
    expect(() => loadHazardSet('no-such-set')).toThrow(/trust-illustrative/);
  });
});

/** On the real bundled data, built once for the file. */
describe('Monte Carlo on the bundled network', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustmap-mc-'));
    const db = join(dir, 'trustmap.db');
    copyBundledDb(db);
    store = await openStore(db);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the bundled set and reports shortfall statistics per material and market with sources and assumptions', async () => {
    const { set, file } = loadHazardSet('trust-illustrative');
    const r = await monteCarloReport(store, set, { runs: 6, seed: 3, threads: 1, sensitivityRuns: 0, file });
    expect(r.runs).toBe(6);
    expect(r.run.threads).toBe(1);
    expect(r.run.network.nodes).toBeGreaterThan(1000);
    expect(r.sensitivity).toBeNull();
    const ga = r.markets.find((m) => m.material === 'gallium.refined' && m.market === 'USA');
    expect(ga?.unit).toBe('kg');
    expect(r.markets.some((m) => m.market === 'TRUST')).toBe(true);
    for (const m of r.markets) {
      expect(m.shortfall.p50).toBeLessThanOrEqual(m.shortfall.p95);
      expect(m.shortfall.p95).toBeLessThanOrEqual(m.shortfall.worst);
      expect(m.fillRate.worst).toBeLessThanOrEqual(m.fillRate.p5);
    }
    expect(r.hazards[0]!.label).toBe('export_restriction CHN→all gallium+germanium');
    expect(r.sources.length).toBeGreaterThan(0);
    expect(r.assumptions.some((a) => a.includes('ILLUSTRATIVE'))).toBe(true);
  });

  it('names the hazard field of a material or country the store does not know', async () => {
    const { set } = loadHazardSet('trust-illustrative');
    const bad = structuredClone(set);
    bad.hazards[2]!.materials = ['unobtainium'];
    await expect(monteCarloReport(store, bad, { runs: 1, inline: true })).rejects.toThrow(
      /^hazards\/2\/materials\/0: unknown material: unobtainium/,
    );
    const bad2 = structuredClone(set);
    const h = bad2.hazards[7]!;
    if (h.type !== 'capacity_loss') throw new Error('expected a capacity loss');
    h.country = 'XXY';
    await expect(monteCarloReport(store, bad2, { runs: 1, inline: true })).rejects.toThrow(
      /^hazards\/7\/country: unknown country: XXY/,
    );
    await expect(monteCarloReport(store, set, { runs: 1, seed: -4, inline: true })).rejects.toThrow(/seed/);
  });
});
