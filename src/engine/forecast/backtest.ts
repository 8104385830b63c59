import { fitHolt, holtForecast, minimumObservations } from './holt.js';

/**
 * Out-of-sample accuracy on held-out final periods (FPP3 §5.8): fit on y(1…T−H), forecast
 * H steps, compare with y(T−H+1…T).
 *   MAPE = (100 / H) · Σ |y − ŷ| / |y|   (undefined when an actual is 0: FPP3 §5.8 notes it)
 *   MAE  = (1 / H) · Σ |y − ŷ|
 */
export interface BacktestResult {
  holdout: number;
  trainingSize: number;
  actual: number[];
  forecast: number[];
  /** absolute percentage error per held-out period; null where the actual is 0 */
  ape: (number | null)[];
  mape: number | null;
  /** why MAPE is null */
  mapeUnavailable: string | null;
  mae: number;
}

export type BacktestOutcome = BacktestResult | { unavailable: string };

export function backtestHolt(
  y: readonly number[],
  holdout: number,
  opts: { damped?: boolean } = {},
): BacktestOutcome {
  if (!Number.isInteger(holdout) || holdout < 1)
    return { unavailable: `holdout must be ≥ 1, got ${holdout}` };
  const train = y.slice(0, y.length - holdout);
  const need = minimumObservations(opts.damped ?? false);
  if (train.length < need)
    return {
      unavailable: `${y.length} values leave ${Math.max(0, train.length)} for fitting after holding out ${holdout}; Holt's method needs ≥ ${need}`,
    };
  const fit = fitHolt(train, opts);
  const fc = holtForecast(fit, holdout, []);
  const actual = y.slice(y.length - holdout);
  const forecast = fc.map((p) => p.mean);
  const ape = actual.map((a, i) => (a === 0 ? null : Math.abs(a - forecast[i]!) / Math.abs(a)));
  const zeros = ape.flatMap((v, i) => (v === null ? [i] : []));
  const mae = actual.reduce((s, a, i) => s + Math.abs(a - forecast[i]!), 0) / holdout;
  return {
    holdout,
    trainingSize: train.length,
    actual,
    forecast,
    ape,
    mape: zeros.length ? null : (100 * ape.reduce<number>((s, v) => s + v!, 0)) / holdout,
    mapeUnavailable: zeros.length
      ? `MAPE is undefined: the actual is 0 in held-out period${zeros.length > 1 ? 's' : ''} ${zeros.map((i) => y.length - holdout + i + 1).join(', ')}`
      : null,
    mae,
  };
}
