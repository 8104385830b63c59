/**
 * Governance scores from the World Bank Worldwide Governance Indicators (WGI; Kaufmann & Kraay,
 * www.govindicators.org). The raw estimates run about −2.5 … +2.5 (higher = better governed); each
 * method rescales them so that higher = riskier.
 *
 * [EU CRM] European Commission (2017), "Methodology for establishing the EU list of critical raw
 * materials", as applied in the 2023 assessment (Study on the Critical Raw Materials for the EU 2023,
 * DOI 10.2873/725585): the mean of the six dimensions (VA, PV, GE, RQ, RL, CC) mapped onto 0 … 10,
 *
 *   WGI_c = 5 − 2 × mean(VA_c, PV_c, GE_c, RQ_c, RL_c, CC_c),   clipped to [0, 10]   (10 = worst)
 *
 * [GeoPolRisk] Koyamparambath et al. (2024), as geopolrisk-py builds its `Normalized` WGI table
 * (akoyamp/geopolrisk-py, tools/rawdata2db.ipynb, commit d0e8c46f): Political Stability and Absence
 * of Violence only,
 *
 *   g_c = (2.5 − PV_c) / 5,   clipped to [0, 1]   (1 = least stable; a missing score counts 0.5)
 */

export const WGI_INDICATORS = ['va', 'pv', 'ge', 'rq', 'rl', 'cc'] as const;

/** EU CRM rescaling of a mean WGI estimate: 5 − 2 × mean, clipped to [0, 10]. */
export function euWgiScore(meanEstimate: number): number {
  return Math.min(10, Math.max(0, 5 - 2 * meanEstimate));
}

/** geopolrisk-py's normalised Political Stability: (2.5 − PV) / 5, clipped to [0, 1]. */
export function politicalInstability(pv: number): number {
  return Math.min(1, Math.max(0, (2.5 - pv) / 5));
}

/** geopolrisk-py assigns 0.5 to a partner whose Political Stability score is missing. */
export const MISSING_POLITICAL_INSTABILITY = 0.5;

/** The EU CRM scale's midpoint (a mean estimate of 0); trustmap's score for a country without any WGI. */
export const MISSING_EU_WGI = 5;

/** One raw WGI estimate as the store holds it. */
export interface WgiEstimate {
  iso3: string;
  year: number;
  indicator: string;
  estimate: number;
}

export interface CountryScore {
  score: number;
  /** the WGI year the score comes from (may differ from the requested year; see `note`) */
  year: number;
  /** how many of the indicators went into it (6 for the EU scale, 1 for Political Stability) */
  indicators: number;
  /** set when the requested year could not be used as it stands */
  note?: string;
}

export interface ScoreTable {
  requestedYear: number;
  scores: Map<string, CountryScore>;
}

/** estimates grouped by country and year (indicator → estimate) */
function byCountryYear(
  rows: readonly WgiEstimate[],
  keep: (indicator: string) => boolean,
): Map<string, Map<number, Map<string, number>>> {
  const out = new Map<string, Map<number, Map<string, number>>>();
  for (const r of rows) {
    if (!keep(r.indicator)) continue;
    const estimate = Number(r.estimate);
    if (!Number.isFinite(estimate)) continue;
    let years = out.get(r.iso3);
    if (!years) out.set(r.iso3, (years = new Map()));
    let ind = years.get(Number(r.year));
    if (!ind) years.set(Number(r.year), (ind = new Map()));
    ind.set(r.indicator, estimate);
  }
  return out;
}

/** The requested year if complete, else the latest earlier complete year, else the latest partial year. */
function pick(
  years: Map<number, Map<string, number>>,
  year: number,
  needed: number,
): { year: number; values: number[]; note?: string } | undefined {
  const sorted = [...years.keys()].sort((a, b) => b - a);
  const complete = (y: number) => (years.get(y)?.size ?? 0) >= needed;
  if (years.has(year) && complete(year)) return { year, values: [...years.get(year)!.values()] };
  const earlier = sorted.find((y) => y < year && complete(y));
  if (earlier !== undefined) {
    return {
      year: earlier,
      values: [...years.get(earlier)!.values()],
      note: `no complete WGI for ${year}; ${earlier} used`,
    };
  }
  const anyYear = sorted.find((y) => y <= year) ?? sorted[sorted.length - 1];
  if (anyYear === undefined) return undefined;
  const values = [...years.get(anyYear)!.values()];
  return {
    year: anyYear,
    values,
    note: `only ${values.length} of ${needed} WGI indicators for ${anyYear}; their mean used`,
  };
}

/**
 * EU CRM governance score per country for one WGI year. A country whose six estimates are not all
 * published for that year takes its latest earlier complete year, else the mean of what exists; the
 * substitution is named in `note`.
 */
export function euWgiTable(rows: readonly WgiEstimate[], year: number): ScoreTable {
  const scores = new Map<string, CountryScore>();
  const grouped = byCountryYear(rows, (i) => (WGI_INDICATORS as readonly string[]).includes(i));
  for (const [iso3, years] of grouped) {
    const p = pick(years, year, WGI_INDICATORS.length);
    if (!p || p.values.length === 0) continue;
    const mean = p.values.reduce((a, b) => a + b, 0) / p.values.length;
    scores.set(iso3, {
      score: euWgiScore(mean),
      year: p.year,
      indicators: p.values.length,
      ...(p.note ? { note: p.note } : {}),
    });
  }
  return { requestedYear: year, scores };
}

/** geopolrisk-py's normalised Political Stability per country for one WGI year (latest earlier year if missing). */
export function politicalInstabilityTable(rows: readonly WgiEstimate[], year: number): ScoreTable {
  const scores = new Map<string, CountryScore>();
  for (const [iso3, years] of byCountryYear(rows, (i) => i === 'pv')) {
    const p = pick(years, year, 1);
    if (!p || p.values.length === 0) continue;
    scores.set(iso3, {
      score: politicalInstability(p.values[0]!),
      year: p.year,
      indicators: 1,
      ...(p.note ? { note: p.note.replace('complete WGI', 'WGI Political Stability') } : {}),
    });
  }
  return { requestedYear: year, scores };
}

/** The latest WGI year in the rows (the default for GeoPolRisk when the trade year is newer). */
export function latestWgiYear(rows: readonly WgiEstimate[]): number | undefined {
  let max: number | undefined;
  for (const r of rows) if (max === undefined || Number(r.year) > max) max = Number(r.year);
  return max;
}
