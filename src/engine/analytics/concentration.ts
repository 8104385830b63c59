import { AGGREGATE_CODES } from '../../model/index.js';

/**
 * Concentration of one material's production in one period.
 *
 * Shares divide by the sum of all country rows including "Other countries", never by the rounded
 * "World total" (gallium 2025: China 900,000 of 909,000 kg = 0.990, not 900/900).
 * HHI = Σ s_c² on the 0–10,000 scale (U.S. DOJ/FTC convention). "Other countries" is many small
 * producers, so `hhi` leaves its square out (a lower bound) and `hhiUpper` counts it as one
 * producer (an upper bound); the true figure lies between.
 */
export interface ProductionFigure {
  country: string;
  quantity: number | null;
  flag?: string | null;
  source_id: string;
}

export interface CountryShare {
  country: string;
  quantity: number | null;
  /** null when the figure is withheld or not available */
  share: number | null;
  flag: string | null;
}

export type Unavailable = { unavailable: string };

export interface Concentration {
  /** sum of country rows including "Other countries" (the share denominator) */
  total: number;
  /** the published, rounded world total, for reference only */
  worldTotal: number | null;
  shares: CountryShare[];
  hhi: number | Unavailable;
  hhiUpper: number | Unavailable;
  top3: CountryShare[];
  /** countries whose figure is withheld (W) or not available (NA) */
  withheld: string[];
  /** share of a country of concern, or why it cannot be given */
  concernShare: number | Unavailable;
  /** share of a trusted region (sum of members' shares) */
  regionShare: number | Unavailable;
  sources: string[];
  assumptions: string[];
}

export interface ConcentrationOptions {
  concern?: string;
  region?: { code: string; members: ReadonlySet<string> };
}

export function concentration(
  rows: readonly ProductionFigure[],
  opts: ConcentrationOptions = {},
): Concentration {
  const concern = opts.concern ?? 'CHN';
  let total = 0;
  let worldTotal: number | null = null;
  const withheld: string[] = [];
  const sources = new Set<string>();
  const assumptions: string[] = [];
  const countryRows: ProductionFigure[] = [];
  for (const r of rows) {
    sources.add(r.source_id);
    if (r.country === AGGREGATE_CODES.world) {
      worldTotal = r.quantity;
      continue;
    }
    countryRows.push(r);
    if (r.quantity === null) withheld.push(r.country);
    else total += r.quantity;
  }
  const shares: CountryShare[] = countryRows
    .map((r) => ({
      country: r.country,
      quantity: r.quantity,
      share: r.quantity === null || total <= 0 ? null : r.quantity / total,
      flag: r.flag ?? null,
    }))
    .sort((a, b) => (b.quantity ?? -1) - (a.quantity ?? -1) || a.country.localeCompare(b.country));

  if (withheld.length) {
    assumptions.push(
      `figures withheld or not available for ${withheld.join(', ')}: shares are of the published total and overstate the others`,
    );
  }
  let hhi: number | Unavailable;
  let hhiUpper: number | Unavailable;
  if (total <= 0) {
    hhi = { unavailable: 'no production figures for this period' };
    hhiUpper = hhi;
  } else {
    let lower = 0;
    let other = 0;
    for (const s of shares) {
      if (s.share === null) continue;
      if (s.country === AGGREGATE_CODES.other) other = s.share;
      else lower += s.share * s.share;
    }
    hhi = lower * 10_000;
    hhiUpper = (lower + other * other) * 10_000;
    if (other > 0)
      assumptions.push(
        `"Other countries" (${(other * 100).toFixed(1)} %) is many producers: HHI leaves its square out (lower bound)`,
      );
  }
  const countriesOnly = shares.filter((s) => s.country !== AGGREGATE_CODES.other);
  const share = (iso: string): number | Unavailable => {
    if (total <= 0) return { unavailable: 'no production figures for this period' };
    if (withheld.includes(iso)) return { unavailable: `${iso}'s figure is withheld` };
    const s = shares.find((x) => x.country === iso);
    return s?.share ?? 0;
  };
  let regionShare: number | Unavailable = { unavailable: 'no region given' };
  if (opts.region) {
    if (total <= 0) regionShare = { unavailable: 'no production figures for this period' };
    else {
      const w = [...opts.region.members].filter((m) => withheld.includes(m));
      if (w.length) regionShare = { unavailable: `figures withheld for ${w.join(', ')}` };
      else {
        let s = 0;
        for (const x of shares) if (x.share !== null && opts.region.members.has(x.country)) s += x.share;
        regionShare = s;
      }
    }
  }
  return {
    total,
    worldTotal,
    shares,
    hhi,
    hhiUpper,
    top3: countriesOnly.filter((s) => s.share !== null).slice(0, 3),
    withheld,
    concernShare: share(concern),
    regionShare,
    sources: [...sources].sort(),
    assumptions,
  };
}

export function isUnavailable(x: unknown): x is Unavailable {
  return typeof x === 'object' && x !== null && 'unavailable' in x;
}
