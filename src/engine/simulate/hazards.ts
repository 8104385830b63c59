import type { Distribution, Hazard, HazardSet } from '../../model/hazard-set.js';
import type { Issue, Shock } from '../../model/index.js';
import type { RunRandom } from './prng.js';

/**
 * Hazards → random shocks. Every draw is by inverse transform from a uniform of the run's
 * counter-based stream (prng.ts), at a fixed place in that stream:
 *   stream = the hazard's index in the set;
 *   block 0, word 0: the event count — Poisson(μ) with μ = rate × horizon / 365, or a Bernoulli
 *                    draw (one event with the given probability);
 *   block 1 + k:     event k's start day, severity, duration and recovery time.
 * Because every quantity is an inverse CDF of a fixed uniform, scaling a rate, a severity or a
 * duration moves each draw monotonically and keeps the others: the sensitivity variants are run
 * with common random numbers, so their differences are the assumption's effect, not noise.
 *
 * Inverse CDFs: Poisson by sequential search in log space (exact up to rounding); Beta by bisection
 * on the regularised incomplete beta function (continued fraction, Numerical Recipes §6.4, with a
 * Lanczos log-gamma); lognormal through Acklam's rational approximation of the normal quantile
 * (relative error below 1.15 × 10⁻⁹); triangular and uniform in closed form.
 */

/** How a sensitivity variant scales the set's assumptions (1 = as given). */
export interface HazardScale {
  rate: number;
  severity: number;
  duration: number;
}

export const UNIT_SCALE: HazardScale = { rate: 1, severity: 1, duration: 1 };

/** Events one hazard may fire in one run: a cap far above any rate the schema allows (μ ≤ 1000). */
export const MAX_EVENTS_PER_HAZARD = 5000;

// ── special functions ─────────────────────────────────────────────────────────────────────────

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 10⁻¹⁵). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b), the Beta(a, b) CDF at x. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  // the continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Beta(a, b) quantile: the x in [0, 1] with I_x(a, b) = u, by bisection (to 2⁻⁶⁰). */
export function betaQuantile(u: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (betaCdf(mid, a, b) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Standard normal quantile Φ⁻¹(u), u in (0, 1) (Acklam's rational approximation). */
export function normalQuantile(u: number): number {
  if (u <= 0) return Number.NEGATIVE_INFINITY;
  if (u >= 1) return Number.POSITIVE_INFINITY;
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = ACKLAM_B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = ACKLAM_D as [number, number, number, number];
  const low = 0.02425;
  if (u < low) {
    const q = Math.sqrt(-2 * Math.log(u));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (u > 1 - low) {
    const q = Math.sqrt(-2 * Math.log1p(-u));
    return (
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = u - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** Poisson(μ) quantile: the smallest k with P(N ≤ k) ≥ u (sequential search, pmf in log space). */
export function poissonQuantile(u: number, mean: number): number {
  if (!(mean > 0)) return 0;
  const logMean = Math.log(mean);
  let logP = -mean;
  let cdf = Math.exp(logP);
  let k = 0;
  while (cdf < u && k < MAX_EVENTS_PER_HAZARD) {
    k++;
    logP += logMean - Math.log(k);
    const p = Math.exp(logP);
    // past the mode, once the terms no longer change the sum, u sits in rounding error: stop
    if (k > mean && cdf + p === cdf) break;
    cdf += p;
  }
  return k;
}

// ── distributions ─────────────────────────────────────────────────────────────────────────────

/** The value of a distribution at probability u ∈ (0, 1) (its inverse CDF). */
export function quantile(d: Distribution, u: number): number {
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + u * (d.max - d.min);
    case 'triangular': {
      const w = d.max - d.min;
      if (!(w > 0)) return d.min;
      const fc = (d.mode - d.min) / w;
      return u < fc
        ? d.min + Math.sqrt(u * w * (d.mode - d.min))
        : d.max - Math.sqrt((1 - u) * w * (d.max - d.mode));
    }
    case 'beta': {
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      return lo + (hi - lo) * betaQuantile(u, d.alpha, d.beta);
    }
    case 'lognormal': {
      const x = d.median * Math.exp(d.sigma * normalQuantile(u));
      return d.max !== undefined && x > d.max ? d.max : x;
    }
  }
}

/** The smallest and largest value a distribution can take. */
export function support(d: Distribution): [number, number] {
  switch (d.dist) {
    case 'fixed':
      return [d.value, d.value];
    case 'uniform':
    case 'triangular':
      return [d.min, d.max];
    case 'beta':
      return [d.min ?? 0, d.max ?? 1];
    case 'lognormal':
      return [0, d.max ?? Number.POSITIVE_INFINITY];
  }
}

/** The mean of a distribution (lognormal capped at max: by numerical integration over u). */
export function distributionMean(d: Distribution): number {
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'triangular':
      return (d.min + d.mode + d.max) / 3;
    case 'beta': {
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      return lo + ((hi - lo) * d.alpha) / (d.alpha + d.beta);
    }
    case 'lognormal': {
      if (d.max === undefined) return d.median * Math.exp((d.sigma * d.sigma) / 2);
      let s = 0;
      const n = 2000;
      for (let i = 0; i < n; i++) s += quantile(d, (i + 0.5) / n);
      return s / n;
    }
  }
}

/**
 * Problems with a distribution's parameters, and with its support against [lo, hi] (a share must
 * lie in [0, 1], a duration be ≥ 0, a demand factor > 0). `path` names the field (`hazards/2/share`).
 */
export function checkDistribution(
  d: Distribution,
  path: string,
  bounds: { lo: number; hi: number; loOpen?: boolean; what: string },
): Issue[] {
  const out: Issue[] = [];
  const bad = (field: string, message: string) => out.push({ column: `${path}/${field}`, message });
  if (d.dist === 'uniform' && d.min > d.max) bad('max', `max ${d.max} is below min ${d.min}`);
  if (d.dist === 'triangular') {
    if (d.min > d.max) bad('max', `max ${d.max} is below min ${d.min}`);
    else if (d.mode < d.min || d.mode > d.max)
      bad('mode', `mode ${d.mode} lies outside [${d.min}, ${d.max}]`);
  }
  if (d.dist === 'beta' && (d.min ?? 0) >= (d.max ?? 1))
    bad('max', `max ${d.max ?? 1} must be above min ${d.min ?? 0}`);
  if (out.length) return out;
  const [lo, hi] = support(d);
  const field = d.dist === 'fixed' ? 'value' : d.dist === 'lognormal' ? 'max' : 'max';
  if (hi > bounds.hi)
    bad(
      field,
      d.dist === 'lognormal' && d.max === undefined
        ? `a lognormal ${bounds.what} needs max ≤ ${bounds.hi} (it is unbounded above)`
        : `${bounds.what} must be ≤ ${bounds.hi}, the distribution reaches ${hi}`,
    );
  if (lo < bounds.lo || (bounds.loOpen && lo <= bounds.lo))
    bad(
      d.dist === 'fixed' ? 'value' : 'min',
      `${bounds.what} must be ${bounds.loOpen ? '>' : '≥'} ${bounds.lo}, the distribution reaches ${lo}`,
    );
  return out;
}

// ── hazards ───────────────────────────────────────────────────────────────────────────────────

/** Expected events of a hazard over the horizon (before any sensitivity scaling). */
export function expectedEvents(h: Hazard, horizonDays: number): number {
  if (h.probability !== undefined) return h.probability;
  return ((h.rate_per_year ?? 0) * horizonDays) / 365;
}

/** A short label: type, where, materials (`export_restriction CHN→all gallium`). */
export function hazardLabel(h: Hazard): string {
  if (h.id) return h.id;
  const mats = h.materials.join('+');
  if (h.type === 'export_restriction') {
    const to = h.importers === 'all' ? 'all' : h.importers.join(',');
    return `export_restriction ${h.exporter}→${to}${h.except?.length ? ` except ${h.except.join(',')}` : ''} ${mats}`;
  }
  if (h.type === 'capacity_loss') return `capacity_loss ${h.country} ${mats}`;
  return `demand_surge ${h.market} ${mats}`;
}

/** The country (or market) a hazard strikes. */
export function hazardPlace(h: Hazard): string {
  return h.type === 'export_restriction' ? h.exporter : h.type === 'capacity_loss' ? h.country : h.market;
}

/** Problems the schema cannot state: one frequency, sound distributions, expected events ≤ 1000. */
export function checkHazards(set: HazardSet): Issue[] {
  const out: Issue[] = [];
  const H = set.horizon_days ?? 365;
  set.hazards.forEach((h, i) => {
    const at = `hazards/${i}`;
    if ((h.rate_per_year === undefined) === (h.probability === undefined))
      out.push({
        column: `${at}/rate_per_year`,
        message: 'give rate_per_year (events per year) or probability (one event in the horizon), not both',
      });
    if (h.rate_per_year !== undefined && (h.rate_per_year * H) / 365 > 1000)
      out.push({
        column: `${at}/rate_per_year`,
        message: `more than 1000 expected events in the horizon (${h.rate_per_year} per year)`,
      });
    if (h.type === 'export_restriction') {
      out.push(...checkDistribution(h.share, `${at}/share`, { lo: 0, hi: 1, what: 'a share' }));
      if (h.importers !== 'all' && h.importers.includes(h.exporter))
        out.push({ column: `${at}/importers`, message: 'an exporter cannot restrict exports to itself' });
    } else if (h.type === 'capacity_loss') {
      out.push(...checkDistribution(h.share, `${at}/share`, { lo: 0, hi: 1, what: 'a share' }));
      if (h.recovery_days)
        out.push(
          ...checkDistribution(h.recovery_days, `${at}/recovery_days`, {
            lo: 0,
            hi: 36_500,
            what: 'a recovery time',
          }),
        );
    } else {
      out.push(
        ...checkDistribution(h.factor, `${at}/factor`, {
          lo: 0,
          hi: 100,
          loOpen: true,
          what: 'a demand factor',
        }),
      );
    }
    out.push(
      ...checkDistribution(h.duration_days, `${at}/duration_days`, { lo: 0, hi: 36_500, what: 'a duration' }),
    );
    if (h.start_day)
      out.push(
        ...checkDistribution(h.start_day, `${at}/start_day`, {
          lo: 0,
          hi: H - 1,
          what: `a start day (inside the ${H}-day horizon)`,
        }),
      );
  });
  return out;
}

const u4 = new Float64Array(4);

/**
 * The shocks hazard `index` fires in one run, appended to `out` (scenario shocks, materials as
 * given); returns the number of events. Pure in (seed, run, index, scale).
 */
export function sampleHazard(
  h: Hazard,
  index: number,
  rr: RunRandom,
  horizonDays: number,
  scale: HazardScale,
  out: Shock[],
): number {
  rr.block(index, 0, u4);
  let n: number;
  if (h.probability !== undefined) n = u4[0]! < Math.min(1, h.probability * scale.rate) ? 1 : 0;
  else n = poissonQuantile(u4[0]!, ((h.rate_per_year ?? 0) * scale.rate * horizonDays) / 365);
  for (let k = 0; k < n; k++) {
    rr.block(index, 1 + k, u4);
    const start = Math.min(
      horizonDays - 1,
      Math.max(0, Math.floor(h.start_day ? quantile(h.start_day, u4[0]!) : u4[0]! * horizonDays)),
    );
    const days = (d: Distribution, u: number, min: number) =>
      Math.min(36_500, Math.max(min, Math.round(quantile(d, u) * scale.duration)));
    const duration = days(h.duration_days, u4[2]!, 1);
    const base = {
      materials: [...h.materials],
      start_day: start,
      duration_days: duration,
      note: `hazard ${index}`,
    };
    if (h.type === 'export_restriction') {
      const share = Math.min(1, Math.max(0, quantile(h.share, u4[1]!) * scale.severity));
      out.push({
        type: 'export_restriction',
        exporter: h.exporter,
        importers: h.importers === 'all' ? 'all' : [...h.importers],
        ...(h.except ? { except: [...h.except] } : {}),
        share,
        ...base,
      });
    } else if (h.type === 'capacity_loss') {
      const share = Math.min(1, Math.max(0, quantile(h.share, u4[1]!) * scale.severity));
      const recovery = h.recovery ?? 'step';
      out.push({
        type: 'capacity_loss',
        country: h.country,
        share,
        recovery,
        ...(recovery === 'linear' && h.recovery_days
          ? { recovery_days: days(h.recovery_days, u4[3]!, 0) }
          : {}),
        ...base,
      });
    } else {
      const f = quantile(h.factor, u4[1]!);
      const factor = Math.min(100, Math.max(1e-6, 1 + (f - 1) * scale.severity));
      out.push({ type: 'demand_surge', market: h.market, factor, ...base });
    }
  }
  return n;
}

/**
 * Every shock of one run: hazards in set order, each hazard's events in draw order. `fired[h]`
 * receives hazard h's event count.
 */
export function sampleRun(
  hazards: readonly Hazard[],
  rr: RunRandom,
  horizonDays: number,
  scale: HazardScale,
  fired?: Uint16Array,
): Shock[] {
  const shocks: Shock[] = [];
  hazards.forEach((h, i) => {
    const n = sampleHazard(h, i, rr, horizonDays, scale, shocks);
    if (fired) fired[i] = Math.min(n, 0xffff);
  });
  return shocks;
}
