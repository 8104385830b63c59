import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { runCommand } from '../../test/helpers/run-command.js';
import { registerForecast } from '../cli/commands/forecast.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { type ForecastReport, forecastReports, forecastSeries, nextPeriod } from './forecast.js';

let dir: string;
let db: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-forecast-'));
  db = join(dir, 'full.db');
  copyBundledDb(db);
  store = await openStore(db);
}, 300_000);

afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('periods', () => {
  it('steps calendar and Indian fiscal years', () => {
    expect(nextPeriod('2025')).toBe('2026');
    expect(nextPeriod('2025', 3)).toBe('2028');
    expect(nextPeriod('FY2024-25')).toBe('FY2025-26');
    expect(nextPeriod('FY1999-00')).toBe('FY2000-01');
  });
});

describe('one series', () => {
  it('forecasts a synthetic linear series exactly, with its periods', () => {
    // 100, 110, …, 170 (8 years): forecasts 180, 190; backtest MAPE 0
    const r = forecastSeries(
      {
        id: 'us-imports',
        label: 'synthetic',
        unit: 't',
        periods: Array.from({ length: 8 }, (_, i) => String(2018 + i)),
        values: Array.from({ length: 8 }, (_, i) => 100 + 10 * i),
        sources: [],
        notes: [],
      },
      { horizon: 2, holdout: 3, damped: false },
    );
    expect(r.forecast.map((p) => [p.period, p.mean])).toEqual([
      ['2026', expect.closeTo(180, 6)],
      ['2027', expect.closeTo(190, 6)],
    ]);
    if ('unavailable' in r.backtest) throw new Error(r.backtest.unavailable);
    expect(r.backtest.mape).toBeCloseTo(0, 6);
  });
  it('says why a short series cannot be fitted', () => {
    const r = forecastSeries(
      {
        id: 'us-consumption',
        label: 's',
        unit: 't',
        periods: ['2024', '2025'],
        values: [1, 2],
        sources: [],
        notes: [],
      },
      { horizon: 2, holdout: 3, damped: false },
    );
    expect(r.fit).toEqual({ unavailable: expect.stringMatching(/2 values; .* needs ≥ 5/) });
    expect(r.forecast).toEqual([]);
  });
});

describe('forecasts on the bundled data', () => {
  let graphite: ForecastReport;
  beforeAll(async () => {
    [graphite] = (await forecastReports(store, 'graphite.mine', { region: 'TRUST' })) as [ForecastReport];
  });

  it('fits US imports 1993–2025 and backtests the last 3 years with MAPE', () => {
    const s = graphite.series.find((x) => x.id === 'us-imports')!;
    expect(s.history[0]!.period).toBe('1993');
    expect(s.history.at(-1)!.period).toBe('2025');
    expect(s.forecast[0]!.period).toBe('2026');
    const p = s.forecast[0]!;
    expect(p.lower95).toBeLessThan(p.lower80);
    expect(p.upper95).toBeGreaterThan(p.upper80);
    if ('unavailable' in s.backtest) throw new Error(s.backtest.unavailable);
    expect(s.backtest.actual).toEqual(s.history.slice(-3).map((h) => h.value));
    expect(s.backtest.mape).toBeGreaterThan(0);
  });

  it('cannot backtest the five years of US consumption, and says so', () => {
    const s = graphite.series.find((x) => x.id === 'us-consumption')!;
    expect(s.history.map((h) => h.period)).toEqual(['2021', '2022', '2023', '2024', '2025']);
    expect(s.backtest).toEqual({ unavailable: expect.stringMatching(/leave 2 for fitting/) });
  });

  it('includes India trade by fiscal year for TRUST', () => {
    const s = graphite.series.find((x) => x.id === 'india-imports')!;
    expect(s.history[0]!.period).toBe('FY2017-18');
    expect(s.forecast[0]!.period).toBe('FY2025-26');
    expect(s.unit).toBe('USD');
  });

  it('gives shortage counts for a medicine and says when MAPE is undefined', async () => {
    const [r] = await forecastReports(store, 'paracetamol', { region: 'USA' });
    const s = r!.series.find((x) => x.id === 'us-shortages')!;
    expect(s.notes.join(' ')).toMatch(/survivor bias/);
    if (!('unavailable' in s.backtest) && s.backtest.actual.includes(0))
      expect(s.backtest.mapeUnavailable).toMatch(/actual is 0/);
  });

  it('lists a requested series the data cannot give as unavailable', async () => {
    const [r] = await forecastReports(store, 'cobalt.refined', { region: 'IND', series: ['india-imports'] });
    expect(r!.unavailable).toEqual([
      { id: 'india-imports', reason: expect.stringMatching(/no DGCI&S imports rows/) },
    ]);
  });
});

describe('trustmap forecast', () => {
  it('prints forecasts and backtests', async () => {
    const res = await runCommand(registerForecast, db, [
      'forecast',
      'graphite.mine',
      '--region',
      'USA',
      '--series',
      'us-imports',
      '--horizon',
      '3',
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/■ us-imports/);
    expect(res.stdout).toMatch(/backtest \(3 held out, fitted on 30\): MAPE \d/);
    const json = await runCommand(registerForecast, db, [
      'forecast',
      'graphite.mine',
      '--series',
      'us-imports',
      '--damped',
      '--json',
    ]);
    const r = JSON.parse(json.stdout) as ForecastReport;
    const fit = r.series[0]!.fit as { phi: number };
    expect(fit.phi).toBeGreaterThanOrEqual(0.8);
    expect(fit.phi).toBeLessThanOrEqual(0.98);
  });
  it('rejects an unknown series', async () => {
    const res = await runCommand(registerForecast, db, ['forecast', 'graphite.mine', '--series', 'moon']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/unknown series moon/);
  });
});
