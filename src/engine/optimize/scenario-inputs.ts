import type { Shock } from '../../model/index.js';

/**
 * Turns a scenario's shocks and simulated curves into the optimiser's per-period inputs:
 * shortfall summed over each period, and the share of a country's supply that a scenario cuts
 * off in a period (for candidates' availability and for products the simulator cannot simulate).
 */

/** Sums a per-step curve over periods [start, end) given in days. */
export function sumByPeriod(
  curve: ArrayLike<number>,
  stepDays: number,
  periodStart: Float64Array,
  periodEnd: Float64Array,
): Float64Array {
  const out = new Float64Array(periodStart.length);
  for (let k = 0; k < curve.length; k++) {
    const day = k * stepDays;
    for (let t = 0; t < periodStart.length; t++)
      if (day >= periodStart[t]! && day < periodEnd[t]!) {
        out[t] = out[t]! + curve[k]!;
        break;
      }
  }
  return out;
}

function overlap(a: number, b: number, c: number, d: number): number {
  return Math.max(0, Math.min(b, d) - Math.max(a, c));
}

/**
 * Time-averaged share of `country`'s supply of `materials` to `buyers` lost in days [start, end):
 * capacity losses in the country and export restrictions from it to any of the buyers (all
 * importers, less exceptions). Several shocks combine as 1 − Π(1 − share × time share).
 * Capacity recovery profiles are taken as a step at the end of the duration (an approximation).
 */
export function lostShare(
  shocks: readonly Shock[],
  country: string,
  materials: ReadonlySet<string>,
  buyers: readonly string[],
  start: number,
  end: number,
): number {
  let keep = 1;
  const len = end - start;
  if (!(len > 0)) return 0;
  for (const s of shocks) {
    if (!s.materials.some((m) => materials.has(m))) continue;
    let share = 0;
    if (s.type === 'capacity_loss' && s.country === country) share = s.share;
    else if (s.type === 'export_restriction' && s.exporter === country) {
      const hits =
        s.importers === 'all'
          ? buyers.some((b) => b !== country && !(s.except ?? []).includes(b))
          : buyers.some((b) => (s.importers as string[]).includes(b));
      if (hits) share = s.share;
    } else continue;
    const f = overlap(s.start_day, s.start_day + s.duration_days, start, end) / len;
    keep *= 1 - share * f;
  }
  return 1 - keep;
}

/** Extra demand (units) from demand surges on `market` in days [start, end), for a base rate per day. */
export function surgeDemand(
  shocks: readonly Shock[],
  markets: readonly string[],
  materials: ReadonlySet<string>,
  perDay: number,
  start: number,
  end: number,
): number {
  let extra = 0;
  for (const s of shocks)
    if (s.type === 'demand_surge' && markets.includes(s.market) && s.materials.some((m) => materials.has(m)))
      extra += (s.factor - 1) * perDay * overlap(s.start_day, s.start_day + s.duration_days, start, end);
  return Math.max(0, extra);
}
