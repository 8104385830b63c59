import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulationFixture } from '../../test/fixtures/simulation-dataset.js';
import { testDialects } from '../../test/helpers/stores.js';
import { checkNetwork } from '../engine/simulate/sim-network.js';
import { referenceBatch } from '../importers/reference.js';
import { NotFoundError, ValidationError } from '../model/index.js';
import { applyBatch } from '../store/apply-batch.js';
import { listMaterials } from '../store/queries.js';
import type { Store } from '../store/store.js';
import {
  compareRuns,
  getRun,
  listRuns,
  reproduceRun,
  simulate,
  simulationNetwork,
  validateScenario,
} from './simulate.js';

const gallium = {
  name: 'gallium: China restricts exports',
  year: 2024,
  horizon_days: 120,
  materials: ['gallium'],
  shocks: [
    {
      type: 'export_restriction',
      exporter: 'CHN',
      importers: 'all',
      materials: ['ga.refined'],
      share: 0.8,
      start_day: 10,
      duration_days: 60,
    },
  ],
  levers: { diversion_days: 200, default_days_of_cover: 15 },
  seed: 3,
};

for (const dialect of testDialects()) {
  describe(`simulate service (${dialect.name})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await dialect.open();
      await applyBatch(store, referenceBatch());
      await applyBatch(store, simulationFixture());
    });
    afterEach(async () => store.close());

    it('calibrates the base year so that output is used exactly (hand arithmetic)', async () => {
      const materials = await listMaterials(store);
      const net = await simulationNetwork(
        store,
        validateScenario({ ...gallium, materials: undefined, shocks: [] }),
        materials,
      );
      expect(checkNetwork(net)).toEqual([]);
      const ga = net.calibration.find((c) => c.material === 'ga.refined')!;
      // US apparent consumption = 0 + 40 − 5 = 35 kg; the other 930 − 35 = 895 kg in proportion to output
      expect(ga.production).toBeCloseTo(930, 9);
      expect(ga.dataDemand).toBeCloseTo(35, 9);
      expect(ga.proportionalDemand).toBeCloseTo(895, 9);
      expect(ga.unallocatedSource).toBe(0);
      // refined cobalt (900 t) uses mined cobalt 1:1; the other 100 t of mine output is final demand
      const mine = net.calibration.find((c) => c.material === 'co.mine')!;
      expect(mine.intermediateUse).toBeCloseTo(900, 9);
      expect(mine.proportionalDemand).toBeCloseTo(100, 9);
      expect(net.assumptions.join(' ')).toMatch(/1:1 in content/);
      expect(ga.notes.join(' ')).toMatch(/CAN ships more ga\.refined/);
    });

    it('has no shortfall without a shock', async () => {
      const r = await simulate(store, { ...gallium, materials: undefined, shocks: [] }, { save: false });
      expect(r.summaries.length).toBeGreaterThan(0);
      for (const s of r.summaries) expect(s.shortfall).toBe(0);
    });

    it('runs short in the US when China cuts gallium exports and nothing diverts', async () => {
      const r = await simulate(store, gallium, { save: false });
      const us = r.summaries.find((s) => s.market === 'USA')!;
      expect(us.shortfall).toBeGreaterThan(0);
      // 15 days of cover: the first day short comes after the restriction starts on day 10
      expect(us.observedTTS).toBeGreaterThan(10 + 15);
      expect(r.assumptions.join(' ')).toMatch(/global-mix/);
      expect(r.sources).toContain('test-usgs');
    });

    it('carries a ban on mined cobalt through refining (the implicit stage link)', async () => {
      const r = await simulate(
        store,
        {
          name: 'DRC cobalt ban',
          year: 2024,
          horizon_days: 120,
          materials: ['co.refined'],
          markets: ['CHN'],
          shocks: [
            {
              type: 'export_restriction',
              exporter: 'COD',
              importers: 'all',
              materials: ['co.mine'],
              share: 1,
              start_day: 0,
              duration_days: 120,
            },
          ],
          levers: { diversion_days: 1000 },
          seed: null,
        },
        { save: false },
      );
      const chn = r.summaries.find((s) => s.material === 'co.refined' && s.market === 'CHN')!;
      expect(chn.shortfall).toBeGreaterThan(0);
    });

    it('names the field of a bad scenario', async () => {
      const bad = structuredClone(gallium) as typeof gallium;
      bad.shocks[0]!.share = 2;
      const e = await simulate(store, bad).catch((x) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]!.column).toBe('shocks/0/share');
      expect(() =>
        validateScenario({
          ...gallium,
          shocks: [{ type: 'capacity_loss', materials: ['x'], share: 0.1, start_day: 0, duration_days: 1 }],
        }),
      ).toThrow(/shocks\/0\/country/);
      expect(() => validateScenario({ ...gallium, shocks: [{ type: 'strike' }] })).toThrow(/shocks\/0\/type/);
    });

    it('suggests the material or country a scenario probably meant', async () => {
      const e = await simulate(store, { ...gallium, materials: ['ga.refine'] }).catch((x) => x);
      expect(e).toBeInstanceOf(NotFoundError);
      expect((e as NotFoundError).suggestions).toContain('ga.refined');
      expect((e as Error).message).toMatch(/^materials\/0: unknown material/);
      const c = structuredClone(gallium);
      c.shocks[0]!.exporter = 'CHI';
      const f = await simulate(store, c).catch((x) => x);
      expect(f).toBeInstanceOf(NotFoundError);
      expect((f as NotFoundError).suggestions).toContain('CHN');
    });

    it('saves runs so they can be listed, shown, compared and reproduced', async () => {
      const a = await simulate(store, gallium);
      const milder = structuredClone(gallium);
      milder.shocks[0]!.share = 0.4;
      const b = await simulate(store, milder);
      expect(a.run.id).toMatch(/^run-/);
      const list = await listRuns(store);
      expect(list.map((r) => r.id).sort()).toEqual([a.run.id, b.run.id].sort());
      expect(list[0]!.dataVersion).toBe(a.run.dataVersion);

      const saved = await getRun(store, a.run.id!);
      expect(saved.scenario.name).toBe(gallium.name);
      expect(saved.summaries).toEqual(a.summaries);
      expect(saved.curves!.length).toBe(a.curves!.length);
      expect(Array.from(saved.curves![0]!.shortfall)).toEqual(Array.from(a.curves![0]!.shortfall));
      // a prefix that names one run is enough
      expect((await getRun(store, a.run.id!.slice(0, -2))).run.id).toBe(a.run.id);

      const cmp = await compareRuns(store, a.run.id!, b.run.id!);
      expect(cmp.sameScenario).toBe(false);
      expect(cmp.sameData).toBe(true);
      const us = cmp.rows.find((r) => r.market === 'USA')!;
      expect(us.shortfallChange!).toBeLessThan(0);

      const rep = await reproduceRun(store, a.run.id!);
      expect(rep.identical).toBe(true);
      await expect(getRun(store, 'run-nothing')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
