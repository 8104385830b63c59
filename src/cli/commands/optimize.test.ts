import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../../test/helpers/bundled-db.js';
import { runCommand } from '../../../test/helpers/run-command.js';
import { registerOptimize } from './optimize.js';

/** `trustmap optimize` on a copy of the bundled database. */
const PLANS = resolve(import.meta.dirname, '../../../plans');
let dir: string;
let db: string;

const cli = (args: string[]) => runCommand(registerOptimize, db, args);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-opt-cli-'));
  db = join(dir, 'trustmap.db');
  copyBundledDb(db);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trustmap optimize', () => {
  it('prints the portfolio, the unmet demand before and after, the curve and the priorities', async () => {
    const r = await cli(['optimize', join(PLANS, 'trust-pilot-apis.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Intervention portfolio — TRUST pilot: paracetamol API/);
    expect(r.stdout).toMatch(
      /budget INR 500\.0 M \(USD 6\.0 M\), exchange rate 83 INR\/USD \(ILLUSTRATIVE\)/,
    );
    expect(r.stdout).toMatch(
      /solver: optimal within a 1\.00 % gap; model \d+ rows × \d+ columns, \d+ nonzeros, 4 integers/,
    );
    expect(r.stdout).toMatch(/granules-expansion \*.*FEI 3001319869 Granules India Limited/);
    expect(r.stdout).toMatch(/paracetamol\.api †.*n\/a \(not simulated\)/);
    expect(r.stdout).toMatch(/Budget–resilience curve/);
    expect(r.stdout).toMatch(/150 %/);
    expect(r.stdout).toMatch(/1\. paracetamol\.api \(USA\)/);
  });

  it('prints the service report with --json and honours --budget', async () => {
    const r = await cli(['optimize', join(PLANS, 'trust-pilot-apis.json'), '--json', '--budget', '0']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.status).toBe('optimal');
    expect(rep.plan.budget).toEqual({ amount: 0, currency: 'INR', usd: 0 });
    expect(rep.chosen).toEqual([]);
    expect(rep.solve.size).toMatchObject({ integers: 4 });
  });

  it('reports an infeasible plan as a result, and a bad plan as an error naming the field', async () => {
    const plan = JSON.parse(readFileSync(join(PLANS, 'trust-pilot-apis.json'), 'utf8'));
    plan.scenarios.files = plan.scenarios.files.map((f: string) => resolve(PLANS, f));
    plan.candidates[2].required = true;
    const infeasible = join(dir, 'infeasible.json');
    writeFileSync(infeasible, JSON.stringify(plan));
    const r = await cli(['optimize', infeasible]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/solver: infeasible: budget/);
    expect(r.stdout).toMatch(/conflicting rows: budget \(upper bound\)/);
    plan.candidates[0].lead_days = 'soon';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(plan));
    const e = await cli(['optimize', bad]);
    expect(e.code).not.toBe(0);
    expect(e.stderr).toMatch(/candidates\/0\/lead_days/);
    const u = await cli(['optimize', bad, '--time-limit', '0']);
    expect(u.code).not.toBe(0);
    expect(u.stderr).toMatch(/--time-limit/);
  });
});
