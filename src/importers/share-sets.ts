/**
 * Published share sets do not sum to exactly 100 % (rounding, "<0.1 %", only shares ≥ 1 % listed).
 * trustmap accepts a set up to `SHARE_SUM_TOLERANCE` above 1, reports every residual, and never
 * renormalises (renormalising inflates HHI).
 */
export const SHARE_SUM_TOLERANCE = 0.005;

export interface ShareSetCheck {
  key: string;
  sum: number;
  /** 1 − sum: positive when shares are missing, negative when the set over-counts */
  residual: number;
  ok: boolean;
}

export function checkShareSet(
  key: string,
  shares: readonly number[],
  tolerance = SHARE_SUM_TOLERANCE,
): ShareSetCheck {
  let sum = 0;
  for (const s of shares) sum += s;
  // round away float noise so 0.1 + 0.2 style sums do not trip the tolerance
  sum = Math.round(sum * 1e9) / 1e9;
  return { key, sum, residual: Math.round((1 - sum) * 1e9) / 1e9, ok: sum <= 1 + tolerance };
}
