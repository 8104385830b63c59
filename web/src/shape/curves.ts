import type { MarketCurves, MarketSummary } from '../lib/api-types.js';

/**
 * At most `max` points per curve for drawing: each bucket keeps its largest value, so a peak
 * shortfall or an empty stock never disappears from the chart. Returns [step, value] pairs.
 */
export function downsampleMax(values: readonly number[], max: number): [number, number][] {
  if (values.length <= max) return values.map((v, i) => [i, v]);
  const out: [number, number][] = [];
  const size = values.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(values.length, Math.floor((b + 1) * size));
    let best = from;
    for (let i = from + 1; i < to; i++) if (values[i]! > values[best]!) best = i;
    out.push([best, values[best]!]);
  }
  return out;
}

export interface MarketChart {
  market: string;
  material: string;
  /** x: day (step × step length) */
  series: { name: 'supply' | 'demand' | 'shortfall' | 'inventory'; data: [number, number][] }[];
}

/** One chart per (material, market): supply, demand, shortfall and inventory over the days. */
export function marketCharts(curves: readonly MarketCurves[], stepDays: number, max = 400): MarketChart[] {
  return curves.map((c) => ({
    market: c.market,
    material: c.material,
    series: (['supply', 'demand', 'shortfall', 'inventory'] as const).map((name) => ({
      name,
      data: downsampleMax(c[name], max).map(([i, v]) => [i * stepDays, v] as [number, number]),
    })),
  }));
}

export interface TtsTtrRow {
  material: string;
  market: string;
  tts: number | null;
  ttr: number | null;
  /** what the pair means in words */
  status: 'never short' | 'recovered' | 'not recovered within the horizon';
  shortfall: number;
  fillRate: number | null;
}

/**
 * Observed time to survive (first day short) against time to recover (days until supply meets
 * demand again) per market. The service writes an unrecovered TTR as Infinity, which JSON turns
 * into null; a null TTS means the market was never short.
 */
export function ttsTtrRows(summaries: readonly MarketSummary[]): TtsTtrRow[] {
  return summaries.map((s) => ({
    material: s.material,
    market: s.market,
    tts: s.observedTTS,
    ttr: s.observedTTS === null ? null : s.observedTTR,
    status:
      s.observedTTS === null
        ? 'never short'
        : s.observedTTR === null
          ? 'not recovered within the horizon'
          : 'recovered',
    shortfall: s.shortfall,
    fillRate: s.fillRate,
  }));
}
