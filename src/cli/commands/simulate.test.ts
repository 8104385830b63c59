import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchBuilder } from '../../importers/batch.js';
import { referenceBatch } from '../../importers/reference.js';
import { applyBatch } from '../../store/apply-batch.js';
import { openSqliteStore } from '../../store/sqlite.js';
import { describeError } from '../errors.js';
import { registerSimulate } from './simulate.js';

/**
 * `trustmap simulate` and `trustmap runs` on a small SQLite file: gallium made in China (900 kg)
 * and Japan (30 kg), US imports 40 kg (sources CAN, JPN, CHN, other), exports 5 kg.
 */
let dir: string;
let db: string;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command().name('trustmap').option('--db <path>').exitOverride();
  registerSimulate(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  let code = 0;
  try {
    await program.parseAsync(['node', 'trustmap', '--db', db, ...args]);
  } catch (e) {
    const d = describeError(e);
    stderr += d.message;
    code = d.code;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-sim-'));
  db = join(dir, 'trustmap.db');
  const store = await openSqliteStore(db);
  await applyBatch(store, referenceBatch());
  const b = new BatchBuilder('test', 'fixture');
  b.source({
    id: 'test-usgs',
    publisher: 'tests',
    title: 'fixture',
    year: 2026,
    url: null,
    file: null,
    licence: 'CC0',
    note: null,
  });
  const loc = { file: 'fixture' };
  b.add(
    'material',
    {
      id: 'ga.refined',
      name: 'Gallium',
      commodity: 'ga',
      stage: 'refined',
      basis: 'element_content',
      unit: 'kg',
      source_id: 'test-usgs',
    },
    loc,
  );
  for (const [country, quantity] of [
    ['CHN', 900],
    ['JPN', 30],
  ] as const)
    b.add(
      'production',
      {
        material_id: 'ga.refined',
        country,
        period: '2024',
        measure: 'production',
        quantity,
        unit: 'kg',
        source_id: 'test-usgs',
      },
      loc,
    );
  for (const [partner, share] of [
    ['CAN', 0.3],
    ['JPN', 0.2],
    ['CHN', 0.2],
    ['XOT', 0.3],
  ] as const)
    b.add(
      'sourcing_share',
      {
        material_id: 'ga.refined',
        importer: 'USA',
        partner,
        period: '2021-2024',
        share,
        source_id: 'test-usgs',
      },
      loc,
    );
  for (const [statistic, detail, value] of [
    ['production', 'Production, primary', 0],
    ['imports', 'Imports for consumption', 40],
    ['exports', 'Exports', 5],
  ] as const)
    b.add(
      'statistic',
      {
        commodity: 'ga',
        country: 'USA',
        period: '2024',
        statistic,
        detail,
        value,
        unit: 'kilograms',
        source_id: 'test-usgs',
      },
      loc,
    );
  await applyBatch(store, b.build());
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
