import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../../test/helpers/bundled-db.js';
import { runCommand } from '../../../test/helpers/run-command.js';
import { registerMontecarlo } from './montecarlo.js';

/** `trustmap montecarlo` on a copy of the bundled database. */
let dir: string;
let db: string;

const cli = (args: string[]) => runCommand(registerMontecarlo, db, args);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-mc-cli-'));
  db = join(dir, 'trustmap.db');
  copyBundledDb(db);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trustmap montecarlo', () => {
  it('prints the shortfall table, the hazards and the sensitivity of P95 for a bundled set', async () => {
    const r = await cli([
      'montecarlo',
      'trust-illustrative',
      '--runs',
      '8',
      '--seed',
      '5',
      '--threads',
      '1',
      '--sensitivity-runs',
      '4',
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Monte Carlo — TRUST critical minerals: illustrative hazards \(ILLUSTRATIVE/);
    expect(r.stdout).toMatch(/8 runs, seed 5, base year 2024, horizon 365 days; 1 thread,/);
    expect(r.stdout).toMatch(/Hazards:/);
    expect(r.stdout).toMatch(/Sensitivity of P95 to the assumptions \(the first 4 runs again/);
    expect(r.stdout).toMatch(/rates ×2/);
  });

  it('gives the same JSON for the same seed on 1 and 2 threads', async () => {
    const a = await cli([
      'montecarlo',
      'trust-illustrative',
      '--runs',
      '6',
      '--seed',
      '9',
      '--threads',
      '1',
      '--sensitivity-runs',
      '0',
      '--json',
    ]);
    const b = await cli([
      'montecarlo',
      'trust-illustrative',
      '--runs',
      '6',
      '--seed',
      '9',
      '--threads',
      '2',
      '--sensitivity-runs',
      '0',
      '--json',
    ]);
    expect(a.code).toBe(0);
    const strip = (s: string) => {
      const { run: _run, ...rest } = JSON.parse(s) as Record<string, unknown>;
      return rest;
    };
    expect(strip(b.stdout)).toEqual(strip(a.stdout));
    const x = JSON.parse(a.stdout);
    expect(x.run.threads).toBe(1);
    expect(x.markets.length).toBeGreaterThan(0);
    expect(x.markets[0]).toHaveProperty('shortfall.p95');
    expect(x.markets[0]).toHaveProperty('tail.drivers');
  });

  it('rejects bad arguments with a clear message and exit code 2', async () => {
    for (const [args, msg] of [
      [['--runs', '0'], '--runs must be a whole number 1 … 1,000,000, got "0"'],
      [['--runs', 'ten'], '--runs must be a whole number'],
      [['--runs', '5', '--seed', '-1'], '--seed must be a whole number 0 …'],
      [['--runs', '5', '--threads', '0'], '--threads must be a whole number 1 … 256, got "0"'],
      [['--runs', '5', '--sensitivity-runs', '1.5'], '--sensitivity-runs must be a whole number'],
    ] as const) {
      const r = await cli(['montecarlo', 'trust-illustrative', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(msg);
    }
    expect((await cli(['montecarlo', 'trust-illustrative'])).code).toBe(2); // --runs is required
  });

  it('names an unknown set and the field at fault in a bad one', async () => {
    const missing = await cli(['montecarlo', 'no-such-set', '--runs', '2']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /unknown hazard set \(file or bundled name\): no-such-set \(did you mean trust-illustrative/,
    );
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'bad',
        illustrative: true,
        year: 2024,
        hazards: [
          {
            type: 'capacity_loss',
            country: 'CHN',
            materials: ['gallium'],
            rate_per_year: 1,
            share: { dist: 'beta', alpha: 0, beta: 2 },
            duration_days: { dist: 'fixed', value: 30 },
          },
        ],
      }),
    );
    const bad = await cli(['montecarlo', file, '--runs', '2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/column hazards\/0\/share\/alpha: /);
  });
});
