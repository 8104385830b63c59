import { nelderMead } from './nelder-mead.js';

/**
 * Holt's linear trend method and its damped variant, as in Hyndman & Athanasopoulos,
 * Forecasting: Principles and Practice, 3rd ed. (FPP3), §8.2, component form:
 *
 *   forecast  ŷ(t+h|t) = ℓ(t) + (φ + φ² + … + φ^h)·b(t)            (φ = 1: ℓ(t) + h·b(t))
 *   level     ℓ(t) = α·y(t) + (1 − α)·(ℓ(t−1) + φ·b(t−1))
 *   trend     b(t) = β*·(ℓ(t) − ℓ(t−1)) + (1 − β*)·φ·b(t−1)
 *
 * with 0 < α < 1, 0 < β* < 1 and, damped, 0.8 ≤ φ ≤ 0.98 (the range FPP3 §8.2 recommends).
 * The matching state-space models are ETS(A,A,N) and ETS(A,Ad,N) with β = α·β* (FPP3 §8.5).
 *
 * Parameters are fitted by minimising the sum of squared one-step errors (SSE). For fixed α, β*
 * and φ the one-step errors are affine in the initial states (ℓ0, b0), so those two come exactly
 * from linear least squares; α, β* (and φ) come from a grid search refined by Nelder–Mead.
 *
 * Prediction intervals (FPP3 §8.7, Table 8.8): ŷ ± c·σ_h with c the normal quantile
 * (1.28 for 80 %, 1.96 for 95 %) and, for ETS(A,A,N),
 *   σ_h² = σ²·[1 + (h − 1)·{α² + α·β·h + β²·h·(2h − 1)/6}],
 * for ETS(A,Ad,N) the general additive state-space form σ_h² = σ²·[1 + Σ_{j=1}^{h−1} c_j²] with
 * c_j = α + β·(φ + … + φ^j) (Hyndman et al. 2008, ch. 6), which is Table 8.8's damped row.
 * σ² = SSE / (T − k), k the number of estimated parameters (α, β*, ℓ0, b0, and φ when damped).
 */
export interface HoltParams {
  alpha: number;
  /** β* of the component form (the ETS β is α·β*) */
  betaStar: number;
  /** damping; 1 = Holt's linear (undamped) trend */
  phi: number;
  level0: number;
  trend0: number;
}

export interface HoltRun {
  /** one-step forecasts ŷ(t|t−1), t = 1…T */
  fitted: Float64Array;
  /** y(t) − ŷ(t|t−1) */
  residuals: Float64Array;
  /** final states ℓ(T), b(T) */
  level: number;
  trend: number;
  sse: number;
}

export interface HoltFit {
  damped: boolean;
  params: HoltParams;
  /** number of observations T */
  n: number;
  /** number of estimated parameters k */
  parameters: number;
  sse: number;
  /** σ² = SSE / (T − k) */
  sigma2: number;
  fitted: number[];
  residuals: number[];
  level: number;
  trend: number;
}

export interface ForecastPoint {
  /** steps ahead, 1 = the period after the last observation */
  h: number;
  mean: number;
  /** σ_h */
  sd: number;
  intervals: { level: number; lower: number; upper: number }[];
}

export const PHI_RANGE = [0.8, 0.98] as const;
const SMOOTHING_RANGE = [1e-4, 0.9999] as const;

/** Runs the recursions from given parameters and initial states (no fitting). */
export function holtFilter(y: ArrayLike<number>, p: HoltParams): HoltRun {
  const n = y.length;
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  let level = p.level0;
  let trend = p.trend0;
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const f = level + p.phi * trend;
    const e = y[t]! - f;
    fitted[t] = f;
    residuals[t] = e;
    sse += e * e;
    const next = p.alpha * y[t]! + (1 - p.alpha) * f;
    trend = p.betaStar * (next - level) + (1 - p.betaStar) * p.phi * trend;
    level = next;
  }
  return { fitted, residuals, level, trend, sse };
}

/** Fewest observations a fit needs: one more than the number of estimated parameters. */
export function minimumObservations(damped: boolean): number {
  return (damped ? 5 : 4) + 1;
}

/**
 * The initial states minimising SSE for fixed α, β*, φ: the errors are e = e0 + ℓ0·a + b0·b
 * (e0 from zero states, a and b from the recursion run on zeros from unit states), so the normal
 * equations are [a·a a·b; a·b b·b]·[ℓ0 b0]ᵀ = −[a·e0 b·e0]ᵀ.
 */
function bestInitialStates(y: ArrayLike<number>, alpha: number, betaStar: number, phi: number) {
  const zeros = new Float64Array(y.length);
  const e0 = holtFilter(y, { alpha, betaStar, phi, level0: 0, trend0: 0 }).residuals;
  const a = holtFilter(zeros, { alpha, betaStar, phi, level0: 1, trend0: 0 }).residuals;
  const b = holtFilter(zeros, { alpha, betaStar, phi, level0: 0, trend0: 1 }).residuals;
  let aa = 0;
  let ab = 0;
  let bb = 0;
  let ae = 0;
  let be = 0;
  for (let t = 0; t < y.length; t++) {
    aa += a[t]! * a[t]!;
    ab += a[t]! * b[t]!;
    bb += b[t]! * b[t]!;
    ae += a[t]! * e0[t]!;
    be += b[t]! * e0[t]!;
  }
  const det = aa * bb - ab * ab;
  if (Math.abs(det) > 1e-12 * Math.max(1, aa * bb)) {
    return { level0: (-ae * bb + be * ab) / det, trend0: (-be * aa + ae * ab) / det };
  }
  return { level0: aa > 0 ? -ae / aa : 0, trend0: 0 };
}

function sseAt(y: ArrayLike<number>, alpha: number, betaStar: number, phi: number): number {
  const s = bestInitialStates(y, alpha, betaStar, phi);
  return holtFilter(y, { alpha, betaStar, phi, ...s }).sse;
}

/**
 * Fits Holt's method (damped when `damped`) by minimising SSE. Throws RangeError when the series
 * has fewer than `minimumObservations` values or a non-finite value.
 */
export function fitHolt(y: readonly number[], opts: { damped?: boolean } = {}): HoltFit {
  const damped = opts.damped ?? false;
  const need = minimumObservations(damped);
  if (y.length < need)
    throw new RangeError(`Holt's method${damped ? ' (damped)' : ''} needs ≥ ${need} values, got ${y.length}`);
  if (y.some((v) => !Number.isFinite(v))) throw new RangeError('the series has a non-finite value');
  const grid = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
  const phis = damped ? [0.8, 0.85, 0.9, 0.95, 0.98] : [1];
  let best = { x: [0.5, 0.5, damped ? 0.9 : 1], v: Number.POSITIVE_INFINITY };
  for (const a of grid)
    for (const b of grid)
      for (const p of phis) {
        const v = sseAt(y, a, b, p);
        if (v < best.v) best = { x: [a, b, p], v };
      }
  const lower = [SMOOTHING_RANGE[0], SMOOTHING_RANGE[0], ...(damped ? [PHI_RANGE[0]] : [])];
  const upper = [SMOOTHING_RANGE[1], SMOOTHING_RANGE[1], ...(damped ? [PHI_RANGE[1]] : [])];
  const refined = nelderMead(
    (x) => sseAt(y, x[0]!, x[1]!, damped ? x[2]! : 1),
    damped ? best.x : best.x.slice(0, 2),
    { lower, upper },
    { step: 0.05 },
  );
  const [alpha, betaStar] = refined.value <= best.v ? refined.x : best.x;
  const phi = damped ? (refined.value <= best.v ? refined.x[2]! : best.x[2]!) : 1;
  const init = bestInitialStates(y, alpha!, betaStar!, phi);
  const params: HoltParams = { alpha: alpha!, betaStar: betaStar!, phi, ...init };
  const run = holtFilter(y, params);
  const k = damped ? 5 : 4;
  return {
    damped,
    params,
    n: y.length,
    parameters: k,
    sse: run.sse,
    sigma2: run.sse / (y.length - k),
    fitted: [...run.fitted],
    residuals: [...run.residuals],
    level: run.level,
    trend: run.trend,
  };
}

/** Σ_{i=1..h} φ^i (= h when φ = 1). */
function dampSum(phi: number, h: number): number {
  if (phi === 1) return h;
  return (phi * (1 - phi ** h)) / (1 - phi);
}

/**
 * Forecast variance factor σ_h² / σ². Undamped: FPP3 Table 8.8's ETS(A,A,N) closed form.
 * Damped: 1 + Σ_{j=1}^{h−1} (α + β·Σ_{i=1..j} φ^i)², β = α·β*.
 */
export function varianceFactor(alpha: number, betaStar: number, phi: number, h: number): number {
  const beta = alpha * betaStar;
  if (phi === 1)
    return 1 + (h - 1) * (alpha * alpha + alpha * beta * h + (beta * beta * h * (2 * h - 1)) / 6);
  let s = 1;
  for (let j = 1; j < h; j++) {
    const c = alpha + beta * dampSum(phi, j);
    s += c * c;
  }
  return s;
}

/** Two-sided standard normal quantile for the usual levels (FPP3 Table 5.1). */
export const NORMAL_MULTIPLIER: Readonly<Record<number, number>> = {
  50: 0.67,
  80: 1.28,
  90: 1.64,
  95: 1.96,
  99: 2.58,
};

/** Point forecasts and prediction intervals h = 1…horizon steps after the last observation. */
export function holtForecast(
  fit: HoltFit,
  horizon: number,
  levels: readonly number[] = [80, 95],
): ForecastPoint[] {
  const { alpha, betaStar, phi } = fit.params;
  const out: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) {
    const mean = fit.level + dampSum(phi, h) * fit.trend;
    const sd = Math.sqrt(Math.max(0, fit.sigma2) * varianceFactor(alpha, betaStar, phi, h));
    out.push({
      h,
      mean,
      sd,
      intervals: levels.map((level) => {
        const c = NORMAL_MULTIPLIER[level];
        if (c === undefined) throw new RangeError(`no normal multiplier for a ${level} % interval`);
        return { level, lower: mean - c * sd, upper: mean + c * sd };
      }),
    });
  }
  return out;
}
