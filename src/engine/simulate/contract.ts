/**
 * The contract between the simulator kernel, its callers (CLI, Monte Carlo, optimiser) and the
 * TTS/TTR analysis. The network and scenario are compiled to integer ids and typed arrays before
 * a run; a run returns curves and summaries per (material, market).
 */

/** Summary of one (material, market) over a run. Quantities in the material's unit. */
export interface MarketSummary {
  material: string;
  market: string;
  demand: number;
  delivered: number;
  shortfall: number;
  /** delivered / demand over the horizon (1 when there was no demand) */
  fillRate: number;
  peakShortfall: number;
  daysShort: number;
  /** first day with a shortfall (observed time to survive); null if never short */
  observedTTS: number | null;
  /** days from the first shortfall until supply meets demand again; null if never short, Infinity if not recovered */
  observedTTR: number | null;
}

/** Curves per (material, market), one value per step. */
export interface MarketCurves {
  material: string;
  market: string;
  supply: Float64Array;
  demand: Float64Array;
  shortfall: Float64Array;
  inventory: Float64Array;
}

export interface SimulationResult {
  steps: number;
  stepDays: number;
  summaries: MarketSummary[];
  /** present unless the caller asked for summaries only (Monte Carlo) */
  curves?: MarketCurves[];
  /** node visits + edge visits over all steps (the performance unit) */
  updates: number;
  sources: string[];
  assumptions: string[];
}
