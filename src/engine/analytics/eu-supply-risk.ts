import { isUnavailable, type Unavailable } from './concentration.js';

/**
 * Supply risk (SR) of the EU criticality assessment: European Commission (2017), "Methodology for
 * establishing the EU list of critical raw materials" (Guidelines, DOI 10.2873/769526), as applied in
 * the 2023 assessment (Study on the Critical Raw Materials for the EU 2023 – Final Report, DOI
 * 10.2873/725585):
 *
 *   SR = [HHI_WGI,t(GS) × IR/2 + HHI_WGI,t(EU sourcing) × (1 − IR/2)] × (1 − EOL_RIR) × SI_SR
 *   HHI_WGI,t = Σ_c (s_c)² × WGI_c × t_c
 *
 * s_c is country c's supply share as a fraction (GS = global supply; EU sourcing = EU production plus
 * imports), WGI_c the 0–10 governance score (see wgi-scale.ts), t_c the trade variable (1 neutral,
 * 0.8 for a partner with an EU trade agreement, > 1 under export restrictions), IR the import reliance,
 * EOL_RIR the end-of-life recycling input rate and SI_SR the substitution index, all fractions.
 * The supply-mix flag says which mixes the assessment used: GS+EU both, GSonly or EUonly one mix for
 * both terms (then IR drops out, since the two terms are equal).
 */

export type SupplyMix = 'GS+EU' | 'GSonly' | 'EUonly';

/** Σ s² × WGI × t over parallel arrays (the hot loop; shares as fractions). */
export function hhiWgiTSum(shares: Float64Array, wgi: Float64Array, t: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < shares.length; i++) {
    const s = shares[i]!;
    sum += s * s * wgi[i]! * t[i]!;
  }
  return sum;
}

/** One published (or derived) supply share with its trade variable. */
export interface SupplyShareInput {
  country: string;
  /** fraction; null when published only as "<0.1 %" */
  share: number | null;
  /** trade variable; null when not given (taken as 1) */
  t: number | null;
}

export interface HhiContribution {
  country: string;
  share: number;
  wgi: number;
  t: number;
  /** s² × WGI × t */
  contribution: number;
}

export interface HhiWgiT {
  value: number;
  /** sum of the shares used (never renormalised) */
  shareSum: number;
  /** per-country terms, largest first */
  contributions: HhiContribution[];
  /** countries published as "<0.1 %", counted as 0 */
  belowPointOne: string[];
  /** countries without a WGI score, counted at `missingWgi` */
  missingWgi: string[];
  /** rows left out (aggregates such as "Other countries") */
  excluded: string[];
  assumptions: string[];
}

export interface HhiWgiTOptions {
  /** the 0–10 governance score of a country, undefined if unknown */
  wgi: (iso3: string) => number | undefined;
  /** score for a country without WGI (default 5, the scale's midpoint) */
  missingWgi?: number;
  /** maps the published t (default: as published, null → 1) */
  t?: (t: number | null, country: string) => number;
  /** countries that are aggregates, not producers (their squares are left out: a lower bound) */
  aggregates?: ReadonlySet<string>;
}

const AGGREGATES = new Set(['XOT', 'WLD']);

/**
 * HHI_WGI,t of one share set. "<0.1 %" shares count as 0 (their squares are below 10⁻⁶) and are
 * listed; the set is never renormalised; an aggregate "Other countries" row is left out (the sum is a
 * lower bound, as for the plain HHI).
 */
export function hhiWgiT(rows: readonly SupplyShareInput[], opts: HhiWgiTOptions): HhiWgiT {
  const missingScore = opts.missingWgi ?? 5;
  const aggregates = opts.aggregates ?? AGGREGATES;
  const belowPointOne: string[] = [];
  const missingWgi: string[] = [];
  const excluded: string[] = [];
  const kept: { country: string; share: number; wgi: number; t: number }[] = [];
  let shareSum = 0;
  for (const r of rows) {
    if (aggregates.has(r.country)) {
      if (r.share !== null && r.share > 0) excluded.push(r.country);
      if (r.share !== null) shareSum += r.share;
      continue;
    }
    if (r.share === null) {
      belowPointOne.push(r.country);
      continue;
    }
    shareSum += r.share;
    let w = opts.wgi(r.country);
    if (w === undefined) {
      missingWgi.push(r.country);
      w = missingScore;
    }
    const t = opts.t ? opts.t(r.t, r.country) : (r.t ?? 1);
    kept.push({ country: r.country, share: r.share, wgi: w, t });
  }
  const n = kept.length;
  const s = new Float64Array(n);
  const w = new Float64Array(n);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = kept[i]!.share;
    w[i] = kept[i]!.wgi;
    t[i] = kept[i]!.t;
  }
  const value = hhiWgiTSum(s, w, t);
  const contributions = kept
    .map((k) => ({ ...k, contribution: k.share * k.share * k.wgi * k.t }))
    .sort((a, b) => b.contribution - a.contribution || a.country.localeCompare(b.country));
  const assumptions: string[] = [];
  if (belowPointOne.length) {
    assumptions.push(
      `${belowPointOne.length} share(s) published as "<0.1 %" counted as 0 (${belowPointOne.join(', ')})`,
    );
  }
  if (missingWgi.length) {
    assumptions.push(
      `no WGI for ${missingWgi.join(', ')}: scored ${missingScore} (the midpoint of the 0–10 scale)`,
    );
  }
  if (excluded.length) {
    assumptions.push(
      `"Other countries" left out of HHI_WGI,t (many producers of unknown governance): a lower bound`,
    );
  }
  return { value, shareSum, contributions, belowPointOne, missingWgi, excluded, assumptions };
}

/** The SR formula on plain numbers (all fractions; no clipping). */
export function supplyRiskValue(
  hhiGlobal: number,
  hhiSourcing: number,
  importReliance: number,
  eolRir: number,
  si: number,
): number {
  return (hhiGlobal * (importReliance / 2) + hhiSourcing * (1 - importReliance / 2)) * (1 - eolRir) * si;
}

export interface SupplyRiskInput {
  hhiGlobal: number | Unavailable;
  hhiSourcing: number | Unavailable;
  mix: SupplyMix;
  importReliance: number | Unavailable;
  eolRir: number | Unavailable;
  si: number | Unavailable;
}

export interface SupplyRiskFactors {
  /** HHI_WGI,t of the global supply as computed (before the supply-mix flag) */
  hhiGlobal: number | Unavailable;
  /** HHI_WGI,t of the sourcing mix as computed (before the supply-mix flag) */
  hhiSourcing: number | Unavailable;
  /** the two terms the formula used after the supply-mix flag */
  hhiGlobalUsed: number | Unavailable;
  hhiSourcingUsed: number | Unavailable;
  mix: SupplyMix;
  /** IR as given; `importRelianceUsed` after clipping to [0, 1] (or not needed when both terms are equal) */
  importReliance: number | Unavailable;
  importRelianceUsed: number | Unavailable | 'not needed';
  eolRir: number | Unavailable;
  si: number | Unavailable;
  sr: number | Unavailable;
  assumptions: string[];
}

/**
 * SR with every factor reported. GSonly fills both terms with the global mix, EUonly with the sourcing
 * mix; then IR is not needed. IR outside [0, 1] (a net exporter, or a transcription above 100 %) is
 * clipped, since the formula weights the two terms by IR/2 and 1 − IR/2.
 */
export function supplyRisk(input: SupplyRiskInput): SupplyRiskFactors {
  const assumptions: string[] = [];
  let g = input.hhiGlobal;
  let s = input.hhiSourcing;
  if (input.mix === 'GSonly') {
    s = g;
    assumptions.push('supply mix GSonly: the global supply mix fills both terms');
  } else if (input.mix === 'EUonly') {
    g = s;
    assumptions.push('supply mix EUonly: the sourcing mix fills both terms');
  }
  const sameMix = input.mix !== 'GS+EU';
  let ir: number | Unavailable | 'not needed' = input.importReliance;
  if (sameMix) ir = 'not needed';
  else if (!isUnavailable(ir) && (ir < 0 || ir > 1)) {
    assumptions.push(`import reliance ${ir.toFixed(3)} clipped to [0, 1] for the SR weights`);
    ir = Math.min(1, Math.max(0, ir));
  }
  if (ir === 0 && isUnavailable(g) && !isUnavailable(s)) {
    // the global term carries weight IR/2 = 0: its missing shares do not matter
    assumptions.push('IR = 0: the global term has weight 0, so its missing shares do not matter');
    g = 0;
  }
  let sr: number | Unavailable;
  const missing: string[] = [];
  if (isUnavailable(g)) missing.push(`HHI_WGI,t global: ${g.unavailable}`);
  if (isUnavailable(s)) missing.push(`HHI_WGI,t sourcing: ${s.unavailable}`);
  if (isUnavailable(ir)) missing.push(`import reliance: ${ir.unavailable}`);
  if (isUnavailable(input.eolRir)) missing.push(`EOL-RIR: ${input.eolRir.unavailable}`);
  if (isUnavailable(input.si)) missing.push(`SI_SR: ${input.si.unavailable}`);
  if (missing.length) sr = { unavailable: missing.join('; ') };
  else {
    const gv = g as number;
    const sv = s as number;
    sr = supplyRiskValue(
      gv,
      sv,
      ir === 'not needed' ? 0 : (ir as number),
      input.eolRir as number,
      input.si as number,
    );
  }
  return {
    hhiGlobal: input.hhiGlobal,
    hhiSourcing: input.hhiSourcing,
    hhiGlobalUsed: g,
    hhiSourcingUsed: s,
    mix: input.mix,
    importReliance: input.importReliance,
    importRelianceUsed: ir,
    eolRir: input.eolRir,
    si: input.si,
    sr,
    assumptions,
  };
}
