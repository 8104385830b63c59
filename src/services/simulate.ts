import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { type BilateralDemand, calibrateNetwork, simulatedMaterials } from '../engine/simulate/calibrate.js';
import { approvalDays, compileScenario } from '../engine/simulate/compile-scenario.js';
import type { MarketCurves, MarketSummary } from '../engine/simulate/contract.js';
import { runSimulation, type SimulationRun } from '../engine/simulate/kernel.js';
import type { MaterialCalibration, SimNetwork } from '../engine/simulate/sim-network.js';
import {
  CapacityLoss,
  DemandSurge,
  ExportRestriction,
  type Material,
  NotFoundError,
  Scenario,
  StockpileRelease,
  ValidationError,
} from '../model/index.js';
import { listMaterials } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { findRunIds, getRunRow, insertRun, listRunRows } from '../store/runs.js';
import { orgRepository, viewOf } from '../store/scoped-repository.js';
import { loadSnapshot } from '../store/snapshot-loader.js';
import type { Store } from '../store/store.js';
import { decodeRunRow, encodeRunRow, newRunId, runMetaOf } from './run-codec.js';
import { sourcingReport, unitFactor } from './sourcing.js';
import { dedupe, issue, TaggedArray } from './validation.js';

/**
 * `trustmap simulate` and friends: validate a scenario (errors name the field), resolve its
 * materials and countries against the store, build (and cache) the calibrated simulation network
 * of its base year, run the flow kernel, and save the run with its scenario, seed, code version
 * and data version so it can be listed, reproduced and compared. See docs/simulator.md.
 */

export interface SimulateOptions {
  /** save the run in the store (default true) */
  save?: boolean;
  /** keep per-step curves (default true; always saved when kept) */
  curves?: boolean;
}

export interface RunMeta {
  id: string | null;
  createdAt: string;
  name: string;
  scenarioHash: string;
  seed: number | null;
  codeVersion: string;
  dataVersion: string;
  year: number;
  horizonDays: number;
  stepDays: number;
}

export interface SimulationReport {
  run: RunMeta;
  /** the scenario as given, with schema defaults filled in */
  scenario: Scenario;
  summaries: MarketSummary[];
  curves?: MarketCurves[];
  calibration: MaterialCalibration[];
  network: { nodes: number; edges: number; materials: number };
  updates: number;
  seconds: number;
  sources: string[];
  assumptions: string[];
  warnings: string[];
}

// ── validation ────────────────────────────────────────────────────────────────────────────────

const scenarioCheck = TypeCompiler.Compile(Scenario);
const SHOCKS = new TaggedArray(
  'shocks',
  'type',
  {
    export_restriction: ExportRestriction,
    capacity_loss: CapacityLoss,
    demand_surge: DemandSurge,
    stockpile_release: StockpileRelease,
  },
  true,
);

/**
 * Checks a scenario against the schema (src/model/scenario.ts) and the rules the schema cannot
 * state; fills in defaults. Errors name the field (`shocks/2/share`). A shock's fields are checked
 * against the schema its `type` names, so the message points into the shock.
 */
export function validateScenario(input: unknown, file?: string): Scenario {
  const value = Value.Default(Scenario, Value.Clone(input)) as Record<string, unknown>;
  const issues = SHOCKS.issues(scenarioCheck, value, file);
  if (issues.length) throw new ValidationError(dedupe(issues));
  const sc = value as unknown as Scenario;
  sc.shocks.forEach((s, i) => {
    if (s.type === 'capacity_loss' && !s.country)
      issues.push(
        issue(
          `shocks/${i}/country`,
          s.facility
            ? 'facility-level capacity is not in the simulation network yet: give the country'
            : 'a capacity loss needs a country',
          file,
        ),
      );
    if (s.type === 'stockpile_release' && s.quantity === undefined && s.days_of_cover === undefined)
      issues.push(issue(`shocks/${i}/quantity`, 'give quantity or days_of_cover', file));
    if ('start_day' in s && s.start_day >= sc.horizon_days)
      issues.push(issue(`shocks/${i}/start_day`, `starts after the horizon (${sc.horizon_days} days)`, file));
    if (s.type === 'export_restriction' && s.importers !== 'all' && s.importers.includes(s.exporter))
      issues.push(issue(`shocks/${i}/importers`, 'an exporter cannot restrict exports to itself', file));
  });
  if (sc.step_days > sc.horizon_days) issues.push(issue('step_days', 'longer than the horizon', file));
  (sc.levers?.ramp_ups ?? []).forEach((r, i) => {
    const at = `levers/ramp_ups/${i}`;
    if (r.extra_share === undefined && r.extra_per_year === undefined)
      issues.push(issue(`${at}/extra_share`, 'give extra_share or extra_per_year', file));
    try {
      approvalDays(r.approval);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      for (const x of e.issues) issues.push(issue(`${at}/approval/${x.column}`, x.message, file));
    }
  });
  (sc.levers?.agreements ?? []).forEach((a, i) => {
    if (a.buyer === a.supplier)
      issues.push(issue(`levers/agreements/${i}/supplier`, 'buyer and supplier are the same country', file));
  });
  if (issues.length) throw new ValidationError(dedupe(issues));
  return sc;
}

// ── resolution of names against the store ────────────────────────────────────────────────────

function norm(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Resolves material names (id, commodity, name, synonym) and country / region codes, naming the field at fault. */
export interface Resolver {
  materials: Material[];
  material(name: string, path: string): string[];
  country(code: string, path: string, regions?: boolean): void;
  regions: Record<string, string[]>;
}

export async function resolver(store: StoreOrView): Promise<Resolver> {
  const [materials, countries, members] = await Promise.all([
    listMaterials(store),
    store.db.selectFrom('country').select(['iso3', 'name']).execute(),
    store.db.selectFrom('region_member').select(['region', 'iso3']).execute(),
  ]);
  const regions: Record<string, string[]> = {};
  for (const m of members) (regions[m.region] ??= []).push(m.iso3);
  for (const r of Object.values(regions)) r.sort();
  const codes = new Set(countries.map((c) => c.iso3));
  return {
    materials,
    regions,
    material(name, path) {
      const q = norm(name);
      const exact = materials.filter((m) => m.id === name.toLowerCase());
      if (exact.length) return exact.map((m) => m.id);
      const byCommodity = materials.filter((m) => norm(m.commodity) === q);
      if (byCommodity.length) return byCommodity.map((m) => m.id);
      const byName = materials.filter((m) => norm(m.name) === q || m.synonyms.some((s) => norm(s) === q));
      if (byName.length) return byName.map((m) => m.id);
      const near = materials.filter((m) => norm(m.id).includes(q) || norm(m.name).includes(q));
      const err = new NotFoundError(
        'material',
        name,
        (near.length ? near : materials.filter((m) => m.id.startsWith(q.slice(0, 3)))).map((m) => m.id),
      );
      err.message = `${path}: ${err.message}`;
      throw err;
    },
    country(code, path, allowRegions = false) {
      if (codes.has(code) || (allowRegions && regions[code])) return;
      const pool = [...codes, ...(allowRegions ? Object.keys(regions) : [])];
      const near = pool.filter((c) => c.startsWith(code.slice(0, 2)));
      const byName = countries.filter((c) => norm(c.name).startsWith(norm(code))).map((c) => c.iso3);
      const err = new NotFoundError(
        allowRegions ? 'country or region' : 'country',
        code,
        [...new Set([...byName, ...near])].sort(),
      );
      err.message = `${path}: ${err.message}`;
      throw err;
    },
  };
}

/** The scenario with every material name replaced by material ids; countries checked. */
function normalise(sc: Scenario, r: Resolver): Scenario {
  const out = structuredClone(sc);
  const ids = (names: string[], path: string) => [
    ...new Set(names.flatMap((n, i) => r.material(n, `${path}/${i}`))),
  ];
  const one = (name: string, path: string): string => {
    const list = r.material(name, path);
    if (list.length > 1)
      throw new ValidationError([
        {
          column: path,
          message: `${JSON.stringify(name)} names ${list.length} materials (${list.join(', ')}): name one`,
        },
      ]);
    return list[0]!;
  };
  if (out.materials) out.materials = ids(out.materials, 'materials');
  (out.markets ?? []).forEach((c, i) => {
    r.country(c, `markets/${i}`, true);
  });
  out.shocks.forEach((s, i) => {
    s.materials = ids(s.materials, `shocks/${i}/materials`);
    if (s.type === 'export_restriction') {
      r.country(s.exporter, `shocks/${i}/exporter`);
      if (s.importers !== 'all')
        s.importers.forEach((c, k) => {
          r.country(c, `shocks/${i}/importers/${k}`);
        });
      (s.except ?? []).forEach((c, k) => {
        r.country(c, `shocks/${i}/except/${k}`);
      });
    } else if (s.type === 'capacity_loss') {
      if (s.country) r.country(s.country, `shocks/${i}/country`);
    } else if (s.type === 'demand_surge') r.country(s.market, `shocks/${i}/market`, true);
    else r.country(s.holder, `shocks/${i}/holder`);
  });
  const lv = out.levers;
  lv?.agreements?.forEach((a, i) => {
    a.material = one(a.material, `levers/agreements/${i}/material`);
    r.country(a.buyer, `levers/agreements/${i}/buyer`);
    r.country(a.supplier, `levers/agreements/${i}/supplier`);
  });
  lv?.ramp_ups?.forEach((a, i) => {
    a.material = one(a.material, `levers/ramp_ups/${i}/material`);
    r.country(a.supplier, `levers/ramp_ups/${i}/supplier`);
  });
  lv?.stocks?.forEach((a, i) => {
    const list = r.material(a.material, `levers/stocks/${i}/material`);
    if (list.length === 1) a.material = list[0]!;
    r.country(a.holder, `levers/stocks/${i}/holder`);
  });
  return out;
}

// ── data: US bilateral demand and the network cache ───────────────────────────────────────────

const bilateralCache = new Map<string, Promise<Map<string, BilateralDemand | null>>>();

/**
 * US apparent consumption and its sources from the USGS salient statistics (through the sourcing
 * service's row mapping): D = production + imports − exports where all three are published, else
 * the one published consumption row; domestic share (production − exports) / D, imports by the
 * USGS import-source shares, the rest of unknown origin.
 */
async function usDemand(store: StoreOrView, m: Material, year: number): Promise<BilateralDemand | null> {
  const rep = await sourcingReport(store, m, { region: 'USA', year });
  const us = rep.members.find((x) => x.country === 'USA');
  if (!us || !us.unit) return null;
  const f = unitFactor(us.unit, m.unit);
  if (f === null) return null;
  const num = (q: unknown) => (typeof q === 'number' ? q * f : null);
  const P = num(us.production);
  const M = num(us.imports);
  const E = num(us.exports);
  const notes: string[] = [];
  let D: number | null = null;
  if (P !== null && M !== null && E !== null) {
    D = P + M - E;
    notes.push(
      `US demand for ${m.id}: apparent consumption, production + imports − exports (USGS, ${rep.year})`,
    );
  } else if (M !== null) {
    const rows = await store.db
      .selectFrom('statistic')
      .select(['detail', 'value', 'unit', 'source_id'])
      .where('commodity', '=', m.commodity)
      .where('country', '=', 'USA')
      .where('period', '=', rep.year)
      .where('statistic', '=', 'consumption')
      .execute();
    const usable = rows.filter((r) => r.value !== null);
    const pick =
      usable.length === 1 ? usable[0] : usable.filter((r) => /apparent/i.test(r.detail ?? '')).at(0);
    const g = pick ? unitFactor(pick.unit, m.unit) : null;
    if (
      pick &&
      g !== null &&
      (usable.length === 1 || usable.filter((r) => /apparent/i.test(r.detail ?? '')).length === 1)
    ) {
      D = pick.value! * g;
      notes.push(
        `US demand for ${m.id}: "${pick.detail}" (USGS, ${rep.year}); production, imports and exports do not close`,
      );
    }
  }
  if (D === null || !(D > 0)) return null;
  const dom = P !== null ? Math.max(0, Math.min(D, P - (E ?? 0))) / D : 0;
  const imp = M !== null ? Math.max(0, Math.min(M, D - dom * D)) / D : 0;
  if (1 - dom - imp > 0.005)
    notes.push(
      `${((1 - dom - imp) * 100).toFixed(0)} % of US ${m.id} demand is neither domestic production nor reported imports (stocks, secondary, other forms): bought at the world mix`,
    );
  return {
    material: m.id,
    country: 'USA',
    demand: D,
    domesticShare: dom,
    importShare: imp,
    partners: us.importSources.shares.map((s) => ({ partner: s.partner, share: s.share })),
    sources: rep.sources,
    notes: [...notes, ...rep.assumptions.filter((x) => /import sources/i.test(x))],
  };
}

async function bilateralFor(store: StoreOrView, dv: string, year: number, materials: Material[]) {
  const key = `${viewOf(store).store.location}|${dv}|${year}`;
  let cached = bilateralCache.get(key);
  if (!cached) {
    cached = Promise.resolve(new Map());
    bilateralCache.set(key, cached);
  }
  const map = await cached;
  const out: BilateralDemand[] = [];
  for (const m of materials) {
    if (!['mine', 'refined', 'chemical'].includes(m.stage)) continue;
    if (!map.has(m.id)) {
      try {
        map.set(m.id, await usDemand(store, m, year));
      } catch {
        map.set(m.id, null);
      }
    }
    const d = map.get(m.id);
    if (d) out.push(d);
  }
  return out;
}

const networkCache = new Map<string, Promise<SimNetwork>>();
const NETWORK_CACHE_SIZE = 4;

/** The calibrated network for a scenario's base year, scope and calibration levers (cached). */
export async function simulationNetwork(
  store: StoreOrView,
  sc: Scenario,
  materials: Material[],
): Promise<SimNetwork> {
  const view = viewOf(store);
  // the view's cache key: public data version, or the organisation's id and data version
  const dv = await view.cacheKey();
  const scope = new Set<string>(sc.materials ?? []);
  if (scope.size) {
    for (const s of sc.shocks) for (const m of s.materials) scope.add(m);
    for (const a of sc.levers?.agreements ?? []) scope.add(a.material);
    for (const a of sc.levers?.ramp_ups ?? []) scope.add(a.material);
  }
  const agreements = (sc.levers?.agreements ?? []).map((a) => ({
    buyer: a.buyer,
    supplier: a.supplier,
    material: a.material,
    volumePerYear: a.volume_per_year,
    illustrative: a.illustrative ?? true,
  }));
  const extraProducers = (sc.levers?.ramp_ups ?? []).map((r) => ({
    material: r.material,
    country: r.supplier,
  }));
  const key = JSON.stringify([
    view.store.location,
    dv,
    sc.year,
    [...scope].sort(),
    agreements,
    extraProducers,
  ]);
  let p = networkCache.get(key);
  if (!p) {
    p = (async () => {
      const snapshot = await loadSnapshot(view, sc.year);
      const options = scope.size ? { scope: [...scope] } : {};
      const simulated = new Set(simulatedMaterials({ snapshot, materials, options }));
      const bilateral = await bilateralFor(
        store,
        dv,
        sc.year,
        materials.filter((m) => simulated.has(m.id)),
      );
      return calibrateNetwork({ snapshot, materials, bilateral, agreements, extraProducers, options });
    })();
    networkCache.set(key, p);
    p.catch(() => networkCache.delete(key));
    while (networkCache.size > NETWORK_CACHE_SIZE) networkCache.delete(networkCache.keys().next().value!);
  }
  return p;
}

// ── stock and agreement records of the view as levers ───────────────────────────────────────

export interface DataLevers {
  levers: NonNullable<Scenario['levers']>;
  /** what was added, for the report's assumptions */
  notes: string[];
  sources: string[];
}

/**
 * The view's stock and agreement records (an organisation's own, in its view; public ones, if the
 * public data hold any) as scenario levers, beside the scenario's own: a stock record with a days
 * of cover becomes a stock lever of its holder country unless the scenario sets one for the same
 * holder and material (the scenario wins); an agreement in force in the base year
 * (start_year ≤ year ≤ end_year) becomes an agreement lever, its volume converted to the
 * material's unit (an agreement in a unit that cannot be converted is left out and said so).
 */
export async function dataLevers(
  source: StoreOrView,
  levers: Scenario['levers'],
  year: number,
  materials: readonly Material[],
): Promise<DataLevers> {
  const view = viewOf(source);
  const byId = new Map(materials.map((m) => [m.id, m]));
  const [stocks, agreements] = await Promise.all([
    view.from('stock').selectAll().where('days_of_cover', 'is not', null).orderBy('row_id').execute(),
    view
      .from('agreement')
      .selectAll()
      .where('start_year', '<=', year)
      .where('end_year', '>=', year)
      .orderBy('id')
      .execute(),
  ]);
  const out: NonNullable<Scenario['levers']> = structuredClone(levers ?? {});
  const notes: string[] = [];
  const sources = new Set<string>();
  const given = new Set((out.stocks ?? []).map((st) => `${st.holder}|${st.material}`));
  // the newest period of each (holder, material)
  const newest = new Map<string, (typeof stocks)[number]>();
  for (const r of stocks) {
    const k = `${r.holder_country}|${r.material_id}`;
    const cur = newest.get(k);
    if (!cur || r.period > cur.period) newest.set(k, r);
  }
  for (const [k, r] of newest) {
    if (given.has(k) || !byId.has(r.material_id)) continue;
    (out.stocks ??= []).push({
      holder: r.holder_country,
      material: r.material_id,
      days_of_cover: Number(r.days_of_cover),
      illustrative: Boolean(r.illustrative),
    });
    sources.add(r.source_id);
    notes.push(
      `stock record: ${r.holder_country} holds ${Number(r.days_of_cover)} days of cover of ${r.material_id} (${r.kind}, ${r.period}${r.illustrative ? ', illustrative' : ''})`,
    );
  }
  for (const r of agreements) {
    const m = byId.get(r.material_id);
    if (!m) continue;
    const f = unitFactor(r.unit, m.unit);
    if (f === null) {
      notes.push(`agreement ${r.id} left out: its unit ${r.unit} does not convert to ${m.unit}`);
      continue;
    }
    (out.agreements ??= []).push({
      buyer: r.buyer,
      supplier: r.supplier,
      material: r.material_id,
      volume_per_year: Number(r.volume_per_year) * f,
      illustrative: Boolean(r.illustrative),
    });
    sources.add(r.source_id);
    notes.push(
      `agreement record ${r.id}: ${r.supplier} → ${r.buyer}, ${Number(r.volume_per_year) * f} ${m.unit}/year of ${r.material_id} (${r.kind}, ${r.start_year}–${r.end_year}${r.illustrative ? ', illustrative' : ''})`,
    );
  }
  return { levers: out, notes, sources: [...sources].sort() };
}

// ── running and saving ────────────────────────────────────────────────────────────────────────

let codeVersionValue: string | undefined;
/** The version in trustmap's package.json (found from src/ or dist/src/). */
export function codeVersion(): string {
  if (codeVersionValue) return codeVersionValue;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'trustmap' && pkg.version) return (codeVersionValue = pkg.version);
    }
    dir = dirname(dir);
  }
  return (codeVersionValue = 'unknown');
}

/** sha256 of the scenario's canonical JSON (keys sorted). */
export function scenarioHash(sc: Scenario): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canon(sc)))
    .digest('hex');
}

/** JSON with ±Infinity kept (the run codec's, src/services/run-codec.ts). */
export { toJson } from './run-codec.js';

/**
 * Validates and runs a scenario on the store's data; saves the run unless `save: false`.
 * Throws ValidationError (fields named) or NotFoundError (with suggestions) for a bad scenario.
 */
export async function simulate(
  store: StoreOrView,
  input: unknown,
  opts: SimulateOptions & { file?: string } = {},
): Promise<SimulationReport> {
  const t0 = performance.now();
  const given = validateScenario(input, opts.file);
  const r = await resolver(store);
  const normalised = normalise(given, r);
  const data = await dataLevers(store, normalised.levers, normalised.year, r.materials);
  const sc: Scenario = data.notes.length ? { ...normalised, levers: data.levers } : normalised;
  const net = await simulationNetwork(store, sc, r.materials);
  const cs = compileScenario(net, sc, { regions: r.regions });
  const keepCurves = opts.curves !== false;
  const result: SimulationRun = runSimulation(net, cs, { curves: keepCurves });
  const reported = new Set(cs.groups.map((g) => net.materialIds[g.material]!));
  const calibration = net.calibration.filter((c) => reported.has(c.material));
  const assumptions = [...result.assumptions, ...data.notes];
  for (const c of calibration) for (const nt of c.notes) assumptions.push(nt);
  const createdAt = new Date().toISOString();
  const report: SimulationReport = {
    run: {
      id: null,
      createdAt,
      name: given.name,
      scenarioHash: scenarioHash(given),
      seed: given.seed ?? null,
      codeVersion: codeVersion(),
      dataVersion: net.dataVersion,
      year: given.year,
      horizonDays: given.horizon_days,
      stepDays: given.step_days,
    },
    scenario: given,
    summaries: result.summaries,
    ...(result.curves ? { curves: result.curves } : {}),
    calibration,
    network: { nodes: net.nodeCount, edges: net.edgeCount, materials: net.calibration.length },
    updates: result.updates,
    seconds: (performance.now() - t0) / 1000,
    sources: [...new Set([...result.sources, ...data.sources])],
    assumptions: [...new Set(assumptions)],
    warnings: result.warnings,
  };
  if (opts.save !== false) {
    const id = newRunId(createdAt);
    report.run.id = id;
    const view = viewOf(store);
    // an organisation's run (`simulate --org`) is saved among its runs, through its repository
    if (view.orgId !== null) await orgRepository(view.store, view.orgId).runs.save(encodeRunRow(report, id));
    else await insertRun(view.store, { ...encodeRunRow(report, id), org_id: null });
  }
  return report;
}

// ── runs: list, show, compare, reproduce ──────────────────────────────────────────────────────

export interface RunListEntry extends RunMeta {}

export async function listRuns(store: Store, opts: { limit?: number } = {}): Promise<RunListEntry[]> {
  const rows = await listRunRows(store, opts);
  return rows.map(runMetaOf);
}

/** A saved run, by id or by a prefix that names one run. */
export async function getRun(store: Store, idOrPrefix: string): Promise<SimulationReport> {
  let row = await getRunRow(store, idOrPrefix);
  if (!row) {
    const ids = await findRunIds(store, idOrPrefix);
    if (ids.length === 1) row = await getRunRow(store, ids[0]!);
    else throw new NotFoundError('run', idOrPrefix, ids);
  }
  return decodeRunRow(row!);
}

export interface RunComparisonRow {
  material: string;
  market: string;
  a: MarketSummary | null;
  b: MarketSummary | null;
  /** b − a */
  shortfallChange: number | null;
  fillRateChange: number | null;
  daysShortChange: number | null;
}

export interface RunComparison {
  a: RunMeta;
  b: RunMeta;
  sameScenario: boolean;
  sameData: boolean;
  sameCode: boolean;
  rows: RunComparisonRow[];
  notes: string[];
}

export function compareReports(a: SimulationReport, b: SimulationReport): RunComparison {
  const key = (s: MarketSummary) => `${s.material}|${s.market}`;
  const am = new Map(a.summaries.map((s) => [key(s), s]));
  const bm = new Map(b.summaries.map((s) => [key(s), s]));
  const keys = [...new Set([...am.keys(), ...bm.keys()])].sort();
  const rows = keys.map((k): RunComparisonRow => {
    const x = am.get(k) ?? null;
    const y = bm.get(k) ?? null;
    const [material, market] = k.split('|') as [string, string];
    return {
      material,
      market,
      a: x,
      b: y,
      shortfallChange: x && y ? y.shortfall - x.shortfall : null,
      fillRateChange: x && y ? y.fillRate - x.fillRate : null,
      daysShortChange: x && y ? y.daysShort - x.daysShort : null,
    };
  });
  const notes: string[] = [];
  if (a.run.dataVersion !== b.run.dataVersion) notes.push('the runs used different data versions');
  if (a.run.codeVersion !== b.run.codeVersion) notes.push('the runs used different code versions');
  if (a.run.scenarioHash !== b.run.scenarioHash) notes.push('the scenarios differ');
  return {
    a: a.run,
    b: b.run,
    sameScenario: a.run.scenarioHash === b.run.scenarioHash,
    sameData: a.run.dataVersion === b.run.dataVersion,
    sameCode: a.run.codeVersion === b.run.codeVersion,
    rows,
    notes,
  };
}

export async function compareRuns(store: Store, a: string, b: string): Promise<RunComparison> {
  return compareReports(await getRun(store, a), await getRun(store, b));
}

export interface Reproduction {
  original: RunMeta;
  rerun: SimulationReport;
  /** every summary equal (to 1e-9 relative) to the saved one */
  identical: boolean;
  maxRelativeDifference: number;
  notes: string[];
}

/** Runs a saved run's scenario again (not saved) and checks the summaries match. */
export async function reproduceRun(store: Store, id: string): Promise<Reproduction> {
  return reproduceReport(store, await getRun(store, id));
}

/** Runs a saved report's scenario again on `store` (a view over the API) and compares. */
export async function reproduceReport(store: StoreOrView, saved: SimulationReport): Promise<Reproduction> {
  const rerun = await simulate(store, saved.scenario, { save: false });
  const cmp = compareReports(saved, rerun);
  let worst = 0;
  const rel = (x: number, y: number) =>
    x === y
      ? 0
      : !Number.isFinite(x) || !Number.isFinite(y)
        ? 1
        : Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y));
  for (const r of cmp.rows) {
    if (!r.a || !r.b) {
      worst = 1;
      continue;
    }
    for (const f of ['demand', 'delivered', 'shortfall', 'peakShortfall', 'daysShort'] as const)
      worst = Math.max(worst, rel(r.a[f], r.b[f]));
    if (r.a.observedTTS !== r.b.observedTTS || r.a.observedTTR !== r.b.observedTTR)
      worst = Math.max(worst, 1);
  }
  return {
    original: saved.run,
    rerun,
    identical: worst <= 1e-9,
    maxRelativeDifference: worst,
    notes: cmp.notes.filter((n) => n !== 'the scenarios differ'),
  };
}
