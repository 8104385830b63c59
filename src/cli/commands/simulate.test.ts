import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationFixture } from '../../../test/fixtures/simulation-dataset.js';
import { runCommand } from '../../../test/helpers/run-command.js';
import { referenceBatch } from '../../importers/reference.js';
import { applyBatch } from '../../store/apply-batch.js';
import { openSqliteStore } from '../../store/sqlite.js';
import { registerSimulate } from './simulate.js';

/** `trustmap simulate` and `trustmap runs` on a small SQLite file holding the simulation fixture. */
let dir: string;
let db: string;

const cli = (args: string[]) => runCommand(registerSimulate, db, args);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-sim-'));
  db = join(dir, 'trustmap.db');
  const store = await openSqliteStore(db);
  await applyBatch(store, referenceBatch());
  await applyBatch(store, simulationFixture());
  await store.close();
  writeFileSync(
    join(dir, 'ga.json'),
    JSON.stringify({
      name: 'gallium ban',
      year: 2024,
      horizon_days: 90,
      materials: ['gallium'],
      shocks: [
        {
          type: 'export_restriction',
          exporter: 'CHN',
          importers: 'all',
          materials: ['gallium'],
          share: 1,
          start_day: 5,
          duration_days: 60,
        },
      ],
      levers: { diversion_days: 500 },
      seed: 1,
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trustmap simulate / runs', () => {
  it('prints a summary per material and market and saves the run', async () => {
    const r = await cli(['simulate', join(dir, 'ga.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gallium ban — base year 2024, 90 days in steps of 1/);
    // demand over the horizon: 35 kg/yr × 90 / 365 = 8.63 kg
    expect(r.stdout).toMatch(/ga\.refined\s+USA\s+8\.63 kg/);
    expect(r.stdout).toMatch(/saved as run-/);
    expect(r.stdout).toMatch(/assumptions \(\d+\):/);
    const list = await cli(['runs', '--json']);
    const runs = JSON.parse(list.stdout) as { id: string; name: string }[];
    expect(runs.map((x) => x.name)).toContain('gallium ban');
    const shown = await cli(['runs', 'show', runs[0]!.id, '--json']);
    const rep = JSON.parse(shown.stdout);
    const us = rep.summaries.find((s: { market: string }) => s.market === 'USA');
    expect(us.shortfall).toBeGreaterThan(0);
    expect(rep.curves[0].demand).toHaveLength(90);
    const again = await cli(['runs', 'reproduce', runs[0]!.id]);
    expect(again.stdout).toMatch(/reproduced: identical results/);
  });

  it('writes summary and curve CSV files', async () => {
    const out = join(dir, 'csv');
    const r = await cli(['simulate', join(dir, 'ga.json'), '--csv', out, '--no-save']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not saved/);
    const curves = readFileSync(join(out, 'curves.csv'), 'utf8').trim().split('\n');
    expect(curves[0]).toBe('run_id,material,market,step,day,supply,demand,shortfall,inventory');
    expect(curves.length).toBeGreaterThan(90);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toMatch(/ga\.refined,USA/);
  });

  it('names the field of a bad scenario and exits non-zero', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'bad',
        year: 2024,
        shocks: [
          {
            type: 'capacity_loss',
            country: 'CHN',
            materials: ['gallium'],
            share: 1.5,
            start_day: 0,
            duration_days: 3,
          },
        ],
      }),
    );
    const r = await cli(['simulate', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/shocks\/0\/share/);
    const unknown = join(dir, 'unknown.json');
    writeFileSync(
      unknown,
      JSON.stringify({
        name: 'bad',
        year: 2024,
        shocks: [
          {
            type: 'capacity_loss',
            country: 'CHN',
            materials: ['galium'],
            share: 0.5,
            start_day: 0,
            duration_days: 3,
          },
        ],
      }),
    );
    const u = await cli(['simulate', unknown]);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/unknown material: galium/);
  });
});
