import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { runCommand } from '../../test/helpers/run-command.js';
import { validationError } from '../../test/helpers/validation-error.js';
import { defaultCostInputsFile, registerCostgap } from '../cli/commands/costgap.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import {
  type CostGapReport,
  costGapReports,
  readCostInputs,
  validateCostInputs,
  valueOfGroup,
} from './cost-gap.js';

/** Cost gap on the real bundled data (USITC 2025 unit values, USGS consumption). */
let dir: string;
let db: string;
let store: Store;
const inputsFile = defaultCostInputsFile();
const inputs = readCostInputs(inputsFile);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-costgap-'));
  db = join(dir, 'full.db');
  copyBundledDb(db);
  store = await openStore(db);
}, 300_000);

afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function one(
  q: string,
  opts: Partial<Parameters<typeof costGapReports>[2]> = {},
): Promise<CostGapReport> {
  const [r] = await costGapReports(store, q, { inputs, inputsFile, ...opts });
  return r!;
}

async function usitc(hs: string, exporter: string, year: string, measure: string) {
  const r = await store.db
    .selectFrom('trade_flow')
    .select(['quantity', 'value'])
    .where('hs_code', '=', hs)
    .where('exporter', '=', exporter)
    .where('period', '=', year)
    .where('measure', '=', measure)
    .executeTakeFirstOrThrow();
  return r;
}

describe('cost gap on the bundled data', () => {
  it('recomputes landed costs and options for refined cobalt from the USITC rows', async () => {
    const r = await one('cobalt.refined');
    expect([r.hsHeading, r.year, r.quantityUnit]).toEqual(['8105', 2025, 'kg']);
    // unit value = customs value / kg; landed = v + 5 % freight (illustrative) + 0 duty
    const q = await usitc('8105', 'IND', '2025', 'imports_for_consumption.first_unit_quantity.kilograms');
    const v = await usitc('8105', 'IND', '2025', 'imports_for_consumption.customs_value_usd');
    const ind = r.suppliers.find((s) => s.supplier === 'IND')!;
    expect(ind.unitValue).toBeCloseTo(v.value! / q.quantity!, 9);
    expect(ind.landed).toBeCloseTo(1.05 * ind.unitValue!, 9);
    const bench = r.benchmark as { supplier: string; landed: number };
    const b = r.suppliers.find((s) => s.supplier === bench.supplier)!;
    expect(b.trusted).toBe(false);
    expect(b.importShare!).toBeGreaterThanOrEqual(0.01);
    // no eligible non-trusted supplier is cheaper than the benchmark
    for (const s of r.suppliers)
      if (!s.trusted && (s.importShare ?? 0) >= 0.01 && s.landed !== undefined)
        expect(s.landed).toBeGreaterThanOrEqual(bench.landed);
    const o = r.options.find((x) => x.supplier === 'IND')!;
    expect(o.gap).toBeCloseTo(ind.landed! - bench.landed, 9);
    expect(o.tariffOnCheapest.rate).toBeCloseTo(Math.max(0, o.gap) / b.unitValue!, 9);
    if ('unavailable' in r.demand) throw new Error(r.demand.unavailable);
    expect(r.demand.basis).toBe('us-apparent-consumption');
    expect(o.yearly!.subsidy).toBeCloseTo(Math.max(0, o.gap) * r.demand.quantity, 3);
    expect(r.sources).toContain('usitc-dataweb-2026');
    expect(r.assumptions.join(' ')).toMatch(/gross weight/);
    expect(r.inputs.illustrative.length).toBeGreaterThan(0);
  });

  it('adds the cited Section 301 duty to Chinese manganese ore in 2025 only', async () => {
    const r = await one('manganese.mine');
    const chn = r.suppliers.find((s) => s.supplier === 'CHN')!;
    // 25 % of the customs value, on top of a general rate of 0
    expect(chn.duty).toBeCloseTo(0.25 * chn.unitValue!, 9);
    expect(r.quantityMeasure).toBe('second_unit_quantity.component_kilograms');
    const r24 = await one('manganese.mine', { year: 2024 });
    expect(r24.suppliers.find((s) => s.supplier === 'CHN')?.duty ?? 0).toBe(0);
  });

  it('falls back to US imports as the demand level when asked, and says so', async () => {
    const r = await one('graphite.mine', { demand: 'imports' });
    if ('unavailable' in r.demand) throw new Error(r.demand.unavailable);
    expect(r.demand.basis).toBe('us-imports');
    const total = r.suppliers.filter((s) => s.supplier !== 'USA').reduce((a, s) => a + (s.quantity ?? 0), 0);
    expect(r.demand.quantity).toBeCloseTo(total, 6);
  });

  it('is unavailable, with the reason, for a material no heading matches', async () => {
    const r = await one('paracetamol');
    expect(r.unavailable).toMatch(/no trade heading in the bundled data is exactly paracetamol\.api/);
    expect(r.options).toEqual([]);
  });
});

describe('DataWeb unit groups', () => {
  it('reads one group out of a summed value row', () => {
    const row = {
      value: 10,
      note: 'sum of 2 DataWeb unit groups: kilograms 8,003,429; component grams 2,700,849',
    };
    expect(valueOfGroup(row, 'kilograms', false)).toBe(8003429);
    expect(valueOfGroup(row, 'component grams', false)).toBe(2700849);
    expect(valueOfGroup(row, 'number', false)).toBeNull();
    expect(valueOfGroup({ value: 5, note: null }, 'kilograms', true)).toBe(5);
    expect(valueOfGroup({ value: 5, note: null }, 'kilograms', false)).toBeNull();
  });
});

describe('cost inputs', () => {
  const good = JSON.parse(JSON.stringify(inputs));
  it('names the entry that neither cites nor says illustrative', async () => {
    const bad = { ...good, freight: [{ origin: '*', hs: '*', ad_valorem: 0.05, illustrative: false }] };
    const e = await validationError(() => validateCostInputs(bad, 'in.json'));
    expect(e.issues[0]).toMatchObject({ file: 'in.json', column: 'freight/0/source' });
  });
  it('names a field of the wrong type', async () => {
    const bad = { ...good, duties: [{ ...good.duties[0], ad_valorem: '5%' }] };
    const e = await validationError(() => validateCostInputs(bad, 'in.json'));
    expect(e.issues.some((i) => i.column === 'duties/0/ad_valorem')).toBe(true);
  });
  it('is overridable with --inputs', async () => {
    const f = join(dir, 'zero-freight.json');
    writeFileSync(
      f,
      JSON.stringify({
        ...good,
        freight: [{ origin: '*', hs: '*', ad_valorem: 0, illustrative: true }],
        domestic_freight: { origin: '*', hs: '*', ad_valorem: 0, illustrative: true },
      }),
    );
    const res = await runCommand(registerCostgap, db, ['costgap', 'cobalt.refined', '--inputs', f, '--json']);
    expect(res.code).toBe(0);
    const r = JSON.parse(res.stdout) as CostGapReport;
    // freight 0 and duty 0: landed = unit value
    for (const s of r.suppliers) if (s.landed !== undefined) expect(s.landed).toBeCloseTo(s.unitValue!, 9);
    expect(r.inputs.file).toBe(f);
  });
});

describe('trustmap costgap', () => {
  it('prints the supplier table, the options and the sources', async () => {
    const res = await runCommand(registerCostgap, db, ['costgap', 'graphite.mine']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Benchmark \(cheapest non-trusted/);
    expect(res.stdout).toMatch(/subsidy\/unit/);
    expect(res.stdout).toMatch(/illustrative input: freight/);
  });
  it('rejects a bad --demand', async () => {
    const res = await runCommand(registerCostgap, db, ['costgap', 'graphite.mine', '--demand', 'exports']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/--demand must be consumption or imports/);
  });
});
