import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MarketCurves } from '../engine/simulate/contract.js';
import type { Scenario } from '../model/index.js';
import type { RunListRow, SimulationRunRow } from '../store/runs.js';
import type { RunMeta, SimulationReport } from './simulate.js';

/**
 * The one codec between a simulation report and its stored row (`simulation_run`), used for the
 * command line's public runs (services/simulate.ts) and an organisation's runs (server/org-runs.ts)
 * alike: scenario and summary as JSON with ±Infinity as strings (TTR is Infinity when supply never
 * recovers), curves as gzip + base64 JSON (`curves_encoding` "gzip-base64-json"; plain JSON read
 * too).
 */

/** JSON with ±Infinity kept as the strings "Infinity" / "-Infinity". */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
}

export function fromJson<T>(s: string): T {
  return JSON.parse(s, (_, x) =>
    x === 'Infinity' ? Number.POSITIVE_INFINITY : x === '-Infinity' ? Number.NEGATIVE_INFINITY : x,
  ) as T;
}

const CURVE_FIELDS = ['supply', 'demand', 'shortfall', 'inventory'] as const;

export function encodeCurves(curves: readonly MarketCurves[]): string {
  const plain = curves.map((c) => ({
    material: c.material,
    market: c.market,
    supply: Array.from(c.supply),
    demand: Array.from(c.demand),
    shortfall: Array.from(c.shortfall),
    inventory: Array.from(c.inventory),
  }));
  return gzipSync(JSON.stringify(plain)).toString('base64');
}

export function decodeCurves(text: string, encoding: string | null): MarketCurves[] {
  const json =
    encoding === 'gzip-base64-json' ? gunzipSync(Buffer.from(text, 'base64')).toString('utf8') : text;
  return (
    JSON.parse(json) as (Pick<MarketCurves, 'material' | 'market'> &
      Record<(typeof CURVE_FIELDS)[number], number[]>)[]
  ).map((c) => ({
    material: c.material,
    market: c.market,
    supply: Float64Array.from(c.supply),
    demand: Float64Array.from(c.demand),
    shortfall: Float64Array.from(c.shortfall),
    inventory: Float64Array.from(c.inventory),
  }));
}

/** `run-YYYYMMDD-HHMMSS-xxxxxx` from the run's creation time and 3 random bytes. */
export function newRunId(createdAt: string): string {
  const stamp = createdAt
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** A report as its stored row (without `org_id`: the caller, or the scoped repository, sets it). */
export function encodeRunRow(report: SimulationReport, id: string): Omit<SimulationRunRow, 'org_id'> {
  return {
    id,
    created_at: report.run.createdAt,
    name: report.run.name,
    scenario: toJson(report.scenario),
    scenario_hash: report.run.scenarioHash,
    seed: report.run.seed,
    code_version: report.run.codeVersion,
    data_version: report.run.dataVersion,
    year: report.run.year,
    horizon_days: report.run.horizonDays,
    step_days: report.run.stepDays,
    summary: toJson({
      summaries: report.summaries,
      calibration: report.calibration,
      network: report.network,
      updates: report.updates,
      seconds: report.seconds,
      sources: report.sources,
      assumptions: report.assumptions,
      warnings: report.warnings,
    }),
    curves: report.curves ? encodeCurves(report.curves) : null,
    curves_encoding: report.curves ? 'gzip-base64-json' : null,
  };
}

/** A stored row's run metadata (as `runs --json` lists it). */
export function runMetaOf(row: RunListRow): RunMeta {
  return {
    id: row.id,
    createdAt: row.created_at,
    name: row.name,
    scenarioHash: row.scenario_hash,
    seed: row.seed,
    codeVersion: row.code_version,
    dataVersion: row.data_version,
    year: row.year,
    horizonDays: row.horizon_days,
    stepDays: row.step_days,
  };
}

/** A stored row as the report it was saved from. */
export function decodeRunRow(row: SimulationRunRow): SimulationReport {
  const s = fromJson<Omit<SimulationReport, 'run' | 'scenario' | 'curves'>>(row.summary);
  return {
    run: runMetaOf(row),
    scenario: fromJson<Scenario>(row.scenario),
    ...s,
    ...(row.curves ? { curves: decodeCurves(row.curves, row.curves_encoding) } : {}),
  };
}
