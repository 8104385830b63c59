import { type BacktestOutcome, backtestHolt } from '../engine/forecast/backtest.js';
import { fitHolt, holtForecast, minimumObservations } from '../engine/forecast/holt.js';
import { USITC_SOURCE } from '../importers/usitc-trade.js';
import type { Material } from '../model/index.js';
import { regionMembers, resolveMaterials } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { viewOf } from '../store/scoped-repository.js';
import { headingOf, quantityPreferences } from './cost-gap.js';
import { sourcingReport } from './sourcing.js';

/**
 * Demand estimation (`trustmap forecast`, docs/economics.md): Holt's linear (optionally damped)
 * trend on yearly historical series from the bundled data, forecasts with 80 % and 95 % prediction
 * intervals, and a backtest on the final held-out years with MAPE per series.
 */
export type SeriesId =
  | 'us-consumption'
  | 'us-imports'
  | 'us-import-value'
  | 'us-shortages'
  | 'india-imports'
  | 'india-exports'
  | 'india-chapter-imports'
  | 'india-chapter-imports-china';

export const SERIES: Readonly<Record<SeriesId, { region: 'USA' | 'IND'; label: string }>> = {
  'us-consumption': {
    region: 'USA',
    label: 'US apparent consumption (USGS MCS 2026: production + imports − exports)',
  },
  'us-imports': { region: 'USA', label: 'US imports for consumption, quantity, 18 partners (USITC DataWeb)' },
  'us-import-value': {
    region: 'USA',
    label: 'US imports for consumption, customs value USD nominal, 18 partners (USITC DataWeb)',
  },
  'us-shortages': { region: 'USA', label: 'openFDA drug shortage records by year first posted (snapshot)' },
  'india-imports': {
    region: 'IND',
    label: 'India imports of the HS-4 heading from all partners, USD (DGCI&S EIDB)',
  },
  'india-exports': {
    region: 'IND',
    label: 'India exports of the HS-4 heading to all destinations, USD (DGCI&S EIDB)',
  },
  'india-chapter-imports': {
    region: 'IND',
    label: 'India imports of the HS-2 chapter from the world, USD (DGCI&S EIDB)',
  },
  'india-chapter-imports-china': {
    region: 'IND',
    label: 'India imports of the HS-2 chapter from China, USD (DGCI&S EIDB)',
  },
};

export interface ForecastOptions {
  region?: string;
  series?: SeriesId[];
  horizon?: number;
  holdout?: number;
  damped?: boolean;
}

export const FORECAST_DEFAULTS = { region: 'USA', horizon: 5, holdout: 3 } as const;

export interface HistoricalSeries {
  id: SeriesId;
  label: string;
  unit: string;
  periods: string[];
  values: number[];
  sources: string[];
  notes: string[];
}

export interface SeriesForecast {
  id: SeriesId;
  label: string;
  unit: string;
  history: { period: string; value: number }[];
  fit:
    | {
        method: string;
        alpha: number;
        betaStar: number;
        phi: number;
        level0: number;
        trend0: number;
        sse: number;
        sigma2: number;
        n: number;
        parameters: number;
      }
    | { unavailable: string };
  forecast: {
    period: string;
    mean: number;
    sd: number;
    lower80: number;
    upper80: number;
    lower95: number;
    upper95: number;
  }[];
  backtest: BacktestOutcome;
  sources: string[];
  notes: string[];
}

export interface ForecastReport {
  material: Pick<Material, 'id' | 'name' | 'stage' | 'unit'>;
  region: { code: string; members: string[] };
  method: string;
  horizon: number;
  holdout: number;
  series: SeriesForecast[];
  /** series asked for (or implied by the region) that the data cannot give, with the reason */
  unavailable: { id: SeriesId; reason: string }[];
  assumptions: string[];
}

/** The period after `p`: 2025 → 2026, FY2024-25 → FY2025-26. */
export function nextPeriod(p: string, k = 1): string {
  const fy = /^FY(\d{4})-\d{2}$/.exec(p);
  if (fy) {
    const y = Number(fy[1]) + k;
    return `FY${y}-${String((y + 1) % 100).padStart(2, '0')}`;
  }
  return /^\d{4}$/.test(p) ? String(Number(p) + k) : `${p}+${k}`;
}

/** The longest run of consecutive periods ending at the last one (Holt needs an unbroken series). */
function contiguousTail(points: Map<string, number>): {
  periods: string[];
  values: number[];
  dropped: string[];
} {
  const keys = [...points.keys()].sort();
  const periods: string[] = [];
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    if (periods.length && nextPeriod(k) !== periods[0]) break;
    periods.unshift(k);
  }
  return {
    periods,
    values: periods.map((p) => points.get(p)!),
    dropped: keys.slice(0, keys.length - periods.length),
  };
}

async function usConsumptionSeries(store: StoreOrView, m: Material): Promise<HistoricalSeries | string> {
  const points = new Map<string, number>();
  const sources = new Set<string>();
  let unit = m.unit;
  let why = '';
  for (let y = 2021; y <= 2025; y++) {
    const rep = await sourcingReport(store, m, { region: 'USA', year: y });
    const us = rep.members.find((x) => x.country === 'USA');
    if (rep.year !== String(y) || !us?.unit) {
      why = `no USGS US balance for ${y}`;
      continue;
    }
    const [P, M, E] = [us.production, us.imports, us.exports];
    if (typeof P !== 'number' || typeof M !== 'number' || typeof E !== 'number') {
      const u = [P, M, E].find((x) => typeof x !== 'number') as { unavailable: string };
      why = u.unavailable;
      continue;
    }
    unit = us.unit;
    points.set(String(y), P + M - E);
    for (const s of rep.sources) sources.add(s);
  }
  if (!points.size) return `US apparent consumption unavailable: ${why || 'no USGS salient statistics'}`;
  const t = contiguousTail(points);
  return {
    id: 'us-consumption',
    label: SERIES['us-consumption'].label,
    unit,
    periods: t.periods,
    values: t.values,
    sources: [...sources],
    notes: [
      'MCS 2026 gives 2021–2025 only (2025 estimated); the MCS 2024 salient files (2019–2023) are in the shared data but not imported',
      ...(t.dropped.length ? [`years before a gap left out: ${t.dropped.join(', ')}`] : []),
    ],
  };
}

async function usTradeSeries(
  store: StoreOrView,
  m: Material,
  id: 'us-imports' | 'us-import-value',
): Promise<HistoricalSeries | string> {
  const hs = headingOf(m.id);
  if (!hs) return `no USITC heading is exactly ${m.id}`;
  const rows = await viewOf(store)
    .from('trade_flow')
    .select(['period', 'measure', 'quantity', 'value'])
    .where('reporter', '=', 'USA')
    .where('hs_code', '=', hs)
    .where('importer', '=', 'USA')
    .execute();
  const notes: string[] = ['18 partner countries only (no world total): not total US imports'];
  let measure = 'imports_for_consumption.customs_value_usd';
  let unit = 'USD';
  if (id === 'us-imports') {
    let best = -1;
    for (const p of quantityPreferences(m)) {
      const n = rows.filter(
        (r) => r.measure === `imports_for_consumption.${p.suffix}` && r.quantity !== null,
      ).length;
      if (n > best) {
        best = n;
        measure = `imports_for_consumption.${p.suffix}`;
        unit =
          p.unit === 'kg'
            ? p.suffix.includes('component')
              ? 'kg (content)'
              : 'kg'
            : p.suffix.includes('component')
              ? 't (content)'
              : 't';
      }
    }
  } else notes.push('nominal USD (not deflated)');
  const points = new Map<string, number>();
  const suppressed = new Set<string>();
  for (const r of rows) {
    if (r.measure !== measure) continue;
    const v = id === 'us-imports' ? r.quantity : r.value;
    if (v === null) suppressed.add(r.period);
    else points.set(r.period, (points.get(r.period) ?? 0) + v);
  }
  for (const p of suppressed) points.delete(p);
  if (suppressed.size)
    notes.push(`years with a suppressed partner figure left out: ${[...suppressed].sort().join(', ')}`);
  const t = contiguousTail(points);
  if (t.dropped.length) notes.push(`years before a gap left out: ${t.dropped.join(', ')}`);
  notes.push(`HTS ${hs}, measure ${measure}`);
  return {
    id,
    label: SERIES[id].label,
    unit,
    periods: t.periods,
    values: t.values,
    sources: [USITC_SOURCE.id],
    notes,
  };
}

async function indiaSeries(
  store: StoreOrView,
  m: Material,
  id: 'india-imports' | 'india-exports' | 'india-chapter-imports' | 'india-chapter-imports-china',
): Promise<HistoricalSeries | string> {
  let q = viewOf(store)
    .from('trade_flow')
    .select(['period', 'value', 'source_id', 'hs_code', 'exporter'])
    .where('reporter', '=', 'IND');
  const notes: string[] = ['Indian fiscal years (April–March); nominal USD'];
  if (id === 'india-imports' || id === 'india-exports') {
    const hs = headingOf(m.id);
    if (!hs) return `no HS-4 heading is exactly ${m.id}`;
    q = q
      .where('measure', '=', id === 'india-imports' ? 'imports' : 'exports')
      .where('hs_code', 'like', `${hs}%`);
    notes.push(
      `HS ${hs}${id === 'india-exports' ? ' (HS-8 lines summed; a value of 0 means below US$ 5,000)' : ''}`,
    );
    if (id === 'india-imports') q = q.where('hs_code', '=', hs);
  } else {
    const chapter =
      m.stage === 'api' ? '29' : m.stage === 'medicine' ? '30' : m.stage === 'chemical' ? '28' : '81';
    q = q
      .where('measure', '=', 'imports')
      .where('hs_code', '=', chapter)
      .where('exporter', '=', id === 'india-chapter-imports' ? 'WLD' : 'CHN');
    notes.push(
      `chapter ${chapter} as a whole (${{ '29': 'organic chemicals', '30': 'pharmaceutical products', '28': 'inorganic chemicals', '81': 'other base metals' }[chapter]}), not ${m.id} alone`,
    );
  }
  const rows = await q.execute();
  const points = new Map<string, number>();
  const sources = new Set<string>();
  for (const r of rows) {
    if (r.value === null) continue;
    points.set(r.period, (points.get(r.period) ?? 0) + r.value);
    sources.add(r.source_id);
  }
  if (!points.size) return `no DGCI&S ${id.replace('india-', '').replace(/-/g, ' ')} rows for ${m.id}`;
  const t = contiguousTail(points);
  if (t.dropped.length) notes.push(`periods before a gap left out: ${t.dropped.join(', ')}`);
  return {
    id,
    label: SERIES[id].label,
    unit: 'USD',
    periods: t.periods,
    values: t.values,
    sources: [...sources],
    notes,
  };
}

async function shortageSeries(store: StoreOrView, m: Material): Promise<HistoricalSeries | string> {
  const rows = await store.db
    .selectFrom('shortage')
    .select(['substance', 'initial_posting_date', 'snapshot_date', 'source_id'])
    .execute();
  if (!rows.length) return 'no openFDA shortage records';
  const names = [m.name, ...m.synonyms].map((s) => s.toUpperCase());
  const mine = rows.filter((r) => names.some((n) => (r.substance ?? '').toUpperCase().startsWith(n)));
  const pharma = m.stage === 'api' || m.stage === 'medicine';
  const use = pharma && mine.length ? mine : rows;
  const notes = [
    'counts of shortage records (package NDCs) in the openFDA snapshot by the year first posted: the snapshot keeps current and recently changed shortages, so earlier years are undercounted (survivor bias); not a history of all shortages',
  ];
  if (!(pharma && mine.length))
    notes.push(
      pharma
        ? `no shortage record names ${m.name}: all drugs counted`
        : `${m.id} is not a medicine: all drugs counted`,
    );
  const snapshot = rows[0]!.snapshot_date.slice(0, 4);
  const points = new Map<string, number>();
  for (const r of use) {
    const y = r.initial_posting_date?.slice(0, 4);
    if (!y || y >= snapshot) continue; // the snapshot's own year is partial
    points.set(y, (points.get(y) ?? 0) + 1);
  }
  if (!points.size) return 'no shortage records posted before the snapshot year';
  // zero-fill over the snapshot's whole range of posting years, so one substance's series is comparable
  const all = rows
    .map((r) => r.initial_posting_date?.slice(0, 4))
    .filter((y): y is string => !!y && y < snapshot)
    .sort();
  for (let y = Number(all[0]); y <= Number(all.at(-1)); y++)
    if (!points.has(String(y))) points.set(String(y), 0);
  notes.push(`years with no record count 0; ${snapshot} (the snapshot's year) left out as partial`);
  const t = contiguousTail(points);
  return {
    id: 'us-shortages',
    label: SERIES['us-shortages'].label,
    unit: 'records',
    periods: t.periods,
    values: t.values,
    sources: [rows[0]!.source_id],
    notes,
  };
}

/** Fits, forecasts and backtests one series. */
export function forecastSeries(
  s: HistoricalSeries,
  opts: { horizon: number; holdout: number; damped: boolean },
): SeriesForecast {
  const method = opts.damped ? "Holt's damped trend, ETS(A,Ad,N)" : "Holt's linear trend, ETS(A,A,N)";
  const base = {
    id: s.id,
    label: s.label,
    unit: s.unit,
    history: s.periods.map((period, i) => ({ period, value: s.values[i]! })),
    sources: s.sources,
    notes: [...s.notes],
  };
  const need = minimumObservations(opts.damped);
  if (s.values.length < need)
    return {
      ...base,
      fit: { unavailable: `${s.values.length} values; ${method} needs ≥ ${need}` },
      forecast: [],
      backtest: {
        unavailable: `${s.values.length} values: too few to fit, let alone hold out ${opts.holdout}`,
      },
    };
  const fit = fitHolt(s.values, { damped: opts.damped });
  const last = s.periods.at(-1)!;
  const fc = holtForecast(fit, opts.horizon, [80, 95]);
  if (s.values.every((v) => v >= 0) && fc.some((p) => p.intervals[1]!.lower < 0))
    base.notes.push(
      'some lower 95 % bounds are negative: the additive-error model does not know the series is non-negative',
    );
  return {
    ...base,
    fit: {
      method,
      alpha: fit.params.alpha,
      betaStar: fit.params.betaStar,
      phi: fit.params.phi,
      level0: fit.params.level0,
      trend0: fit.params.trend0,
      sse: fit.sse,
      sigma2: fit.sigma2,
      n: fit.n,
      parameters: fit.parameters,
    },
    forecast: fc.map((p) => ({
      period: nextPeriod(last, p.h),
      mean: p.mean,
      sd: p.sd,
      lower80: p.intervals[0]!.lower,
      upper80: p.intervals[0]!.upper,
      lower95: p.intervals[1]!.lower,
      upper95: p.intervals[1]!.upper,
    })),
    backtest: backtestHolt(s.values, opts.holdout, { damped: opts.damped }),
  };
}

export async function forecastReport(
  store: StoreOrView,
  m: Material,
  opts: ForecastOptions = {},
): Promise<ForecastReport> {
  const code = (opts.region ?? FORECAST_DEFAULTS.region).toUpperCase();
  const members = await regionMembers(store, code);
  const horizon = opts.horizon ?? FORECAST_DEFAULTS.horizon;
  const holdout = opts.holdout ?? FORECAST_DEFAULTS.holdout;
  const damped = opts.damped ?? false;
  const wanted = (opts.series ?? (Object.keys(SERIES) as SeriesId[])).filter(
    (id) => opts.series || members.has(SERIES[id].region),
  );
  const pharma = m.stage === 'api' || m.stage === 'medicine';
  const out: SeriesForecast[] = [];
  const unavailable: ForecastReport['unavailable'] = [];
  for (const id of wanted) {
    // without --series, skip series that cannot describe this kind of material
    if (!opts.series) {
      if (
        pharma &&
        ['us-consumption', 'us-imports', 'us-import-value', 'india-imports', 'india-exports'].includes(id)
      )
        continue;
      if (!pharma && id === 'us-shortages') continue;
      if (!pharma && id.startsWith('india-chapter')) continue;
    }
    let s: HistoricalSeries | string;
    if (id === 'us-consumption') s = await usConsumptionSeries(store, m);
    else if (id === 'us-imports' || id === 'us-import-value') s = await usTradeSeries(store, m, id);
    else if (id === 'us-shortages') s = await shortageSeries(store, m);
    else s = await indiaSeries(store, m, id);
    if (typeof s === 'string') unavailable.push({ id, reason: s });
    else out.push(forecastSeries(s, { horizon, holdout, damped }));
  }
  return {
    material: { id: m.id, name: m.name, stage: m.stage, unit: m.unit },
    region: { code, members: [...members].sort() },
    method: damped
      ? "Holt's damped trend (FPP3 §8.2), SSE-fitted; intervals ETS(A,Ad,N)"
      : "Holt's linear trend (FPP3 §8.2), SSE-fitted; intervals ETS(A,A,N) (FPP3 Table 8.8)",
    horizon,
    holdout,
    series: out,
    unavailable,
    assumptions: [
      'prediction intervals assume normal, uncorrelated one-step errors with constant variance σ² = SSE / (T − k)',
      'intervals do not include the uncertainty of the estimated parameters (FPP3 §8.7), so they are too narrow for short series',
      `backtest: fitted on all but the last ${holdout} periods, forecast ${holdout} ahead; MAPE = mean |actual − forecast| / |actual| × 100`,
    ],
  };
}

export async function forecastReports(
  store: StoreOrView,
  query: string,
  opts: ForecastOptions = {},
): Promise<ForecastReport[]> {
  const mats = await resolveMaterials(store, query);
  const out: ForecastReport[] = [];
  for (const m of mats) out.push(await forecastReport(store, m, opts));
  return out;
}
