import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { MarketCurves } from '../engine/simulate/contract.js';
import type { Scenario } from '../model/index.js';
import { type SimulationReport, toJson } from '../services/simulate.js';
import type { Principal } from '../store/accounts.js';
import type { SimulationRunRow } from '../store/runs.js';
import { orgRepository } from '../store/scoped-repository.js';
import type { Store } from '../store/store.js';

/**
 * An organisation's saved simulation runs, stored through the scoped repository in the same row
 * format as `trustmap simulate` saves public runs (src/services/simulate.ts: scenario and summary
 * as JSON with ±Infinity as strings, curves as gzip + base64 JSON), so the two read alike.
 */

function newRunId(createdAt: string): string {
  const stamp = createdAt
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function saveOrgRun(
  store: Store,
  principal: Principal,
  report: SimulationReport,
): Promise<string> {
  const id = newRunId(report.run.createdAt);
  const row: Omit<SimulationRunRow, 'org_id'> = {
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
  return orgRepository(store, principal).runs.save(row);
}

/** A saved run of the principal's organisation as a report (NotFoundError for any other id). */
export async function getOrgRun(
  store: Store,
  principal: Principal,
  idOrPrefix: string,
): Promise<SimulationReport> {
  const row = await orgRepository(store, principal).runs.get(idOrPrefix);
  const s = fromJson<Omit<SimulationReport, 'run' | 'scenario' | 'curves'>>(row.summary);
  return {
    run: {
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
    },
    scenario: fromJson<Scenario>(row.scenario),
    ...s,
    ...(row.curves ? { curves: decodeCurves(row.curves, row.curves_encoding) } : {}),
  };
}

export async function listOrgRuns(store: Store, principal: Principal, limit: number) {
  const rows = await orgRepository(store, principal).runs.list({ limit });
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    name: r.name,
    scenarioHash: r.scenario_hash,
    seed: r.seed,
    codeVersion: r.code_version,
    dataVersion: r.data_version,
    year: r.year,
    horizonDays: r.horizon_days,
    stepDays: r.step_days,
  }));
}

function fromJson<T>(s: string): T {
  return JSON.parse(s, (_, x) =>
    x === 'Infinity' ? Number.POSITIVE_INFINITY : x === '-Infinity' ? Number.NEGATIVE_INFINITY : x,
  ) as T;
}

function encodeCurves(curves: MarketCurves[]): string {
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

function decodeCurves(text: string, encoding: string | null): MarketCurves[] {
  const json =
    encoding === 'gzip-base64-json' ? gunzipSync(Buffer.from(text, 'base64')).toString('utf8') : text;
  return (
    JSON.parse(json) as (Omit<MarketCurves, 'supply' | 'demand' | 'shortfall' | 'inventory'> &
      Record<'supply' | 'demand' | 'shortfall' | 'inventory', number[]>)[]
  ).map((c) => ({
    material: c.material,
    market: c.market,
    supply: Float64Array.from(c.supply),
    demand: Float64Array.from(c.demand),
    shortfall: Float64Array.from(c.shortfall),
    inventory: Float64Array.from(c.inventory),
  }));
}
