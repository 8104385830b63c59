import type { Unavailable } from './concentration.js';
import { MISSING_POLITICAL_INSTABILITY } from './wgi-scale.js';

/**
 * GeoPolRisk: the import-based geopolitical supply risk of Gemechu et al. (2015, J. Ind. Ecol. 20(1)
 * 154–165), with domestic production as a mitigating factor (Helbig et al. 2016) and the
 * characterisation model of Koyamparambath et al. (2024, Resour. Conserv. Recycl. 209, 107801), as
 * implemented in geopolrisk-py (akoyamp/geopolrisk-py, geopolrisk/assessment/core.py, commit 39a400da):
 *
 *   GeoPolRisk_A,c = HHI_A × Σ_i g_i · f_A,i→c / (p_A,c + F_A,c)
 *   CF_A,c         = GeoPolRisk_A,c × price_A / CF_Cu,     CF_Cu = 0.409412948 USD/kg
 *
 * HHI_A is the Herfindahl–Hirschman index of world production on the 0–1 scale, g_i the exporter's
 * normalised Political Stability score (0 stable … 1 unstable; missing 0.5; see wgi-scale.ts), f the
 * imports from i, F the total imports and p the importer's domestic production, all in one unit; the
 * second factor is what geopolrisk-py calls the import risk ("WTA"). CF_Cu is geopolrisk-py's fixed
 * copper normaliser, "average CF of copper for OECD countries for a period from 2017–2021", so the CF
 * is in kg Cu-eq per kg when the price is in USD per kg. Partners inside the importer's own region
 * count g = 0 (trade between members is internal).
 */
export const GEOPOLRISK_CF_COPPER = 0.409412948;

/**
 * HHI of production quantities on the 0–1 scale: Σ q² / T², T = Σ q unless a larger total is given
 * (an "Other countries" remainder that is not one producer); null when T is 0.
 */
export function hhiFraction(quantities: Float64Array, total?: number): number | null {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < quantities.length; i++) {
    const q = quantities[i]!;
    sum += q;
    sq += q * q;
  }
  const t = total ?? sum;
  return t > 0 ? sq / (t * t) : null;
}

/** Σ g_i f_i / (p + F) over parallel arrays; null when p + F is 0. */
export function importRiskSum(imports: Float64Array, g: Float64Array, domestic: number): number | null {
  let weighted = 0;
  let total = 0;
  for (let i = 0; i < imports.length; i++) {
    const f = imports[i]!;
    weighted += g[i]! * f;
    total += f;
  }
  const denominator = domestic + total;
  return denominator > 0 ? weighted / denominator : null;
}

export interface ImportFlow {
  partner: string;
  /** imports from the partner, in the same unit as `domestic` */
  quantity: number;
  /** normalised Political Stability of the partner (0–1); null when unknown (→ 0.5) */
  g: number | null;
}

export interface GeoPolRiskInput {
  /** HHI of world production, 0–1 */
  hhi: number;
  imports: readonly ImportFlow[];
  /** domestic production, in the unit of the imports */
  domestic: number;
  /** USD per kg of the material; null when unknown (CF unavailable) */
  price: number | null;
  /** members of the importer's region: their g counts 0 */
  region?: ReadonlySet<string>;
}

export interface PartnerTerm {
  partner: string;
  quantity: number;
  /** share of p + F */
  share: number;
  g: number;
  /** g × f / (p + F) */
  contribution: number;
  note?: string;
}

export interface GeoPolRiskResult {
  hhi: number;
  /** Σ g f / (p + F), geopolrisk-py's "WTA" */
  importRisk: number | Unavailable;
  score: number | Unavailable;
  /** characterisation factor, kg Cu-eq per kg */
  cf: number | Unavailable;
  totalImports: number;
  domestic: number;
  partners: PartnerTerm[];
  assumptions: string[];
}

export function geoPolRisk(input: GeoPolRiskInput): GeoPolRiskResult {
  const n = input.imports.length;
  const f = new Float64Array(n);
  const g = new Float64Array(n);
  const notes: (string | undefined)[] = new Array(n);
  const missing: string[] = [];
  const internal: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = input.imports[i]!;
    f[i] = row.quantity;
    if (input.region?.has(row.partner)) {
      g[i] = 0;
      notes[i] = 'partner inside the importer’s region: g = 0';
      internal.push(row.partner);
    } else if (row.g === null) {
      g[i] = MISSING_POLITICAL_INSTABILITY;
      notes[i] = `no Political Stability score: g = ${MISSING_POLITICAL_INSTABILITY}`;
      missing.push(row.partner);
    } else g[i] = row.g;
  }
  const assumptions: string[] = [];
  if (missing.length) {
    assumptions.push(
      `no WGI Political Stability for ${missing.join(', ')}: g = ${MISSING_POLITICAL_INSTABILITY} (as geopolrisk-py)`,
    );
  }
  if (internal.length)
    assumptions.push(`imports from ${internal.join(', ')} are inside the importer’s region: g = 0`);
  const ir = importRiskSum(f, g, input.domestic);
  let totalImports = 0;
  for (let i = 0; i < n; i++) totalImports += f[i]!;
  const denominator = input.domestic + totalImports;
  const partners: PartnerTerm[] = [];
  for (let i = 0; i < n; i++) {
    const share = denominator > 0 ? f[i]! / denominator : 0;
    partners.push({
      partner: input.imports[i]!.partner,
      quantity: f[i]!,
      share,
      g: g[i]!,
      contribution: share * g[i]!,
      ...(notes[i] ? { note: notes[i] } : {}),
    });
  }
  partners.sort((a, b) => b.contribution - a.contribution || a.partner.localeCompare(b.partner));
  if (ir === null) {
    const why = { unavailable: 'no imports and no domestic production (p + F = 0)' };
    return {
      hhi: input.hhi,
      importRisk: why,
      score: why,
      cf: why,
      totalImports,
      domestic: input.domestic,
      partners,
      assumptions,
    };
  }
  const score = input.hhi * ir;
  const cf: number | Unavailable =
    input.price === null
      ? { unavailable: 'no price for the material' }
      : (score * input.price) / GEOPOLRISK_CF_COPPER;
  return {
    hhi: input.hhi,
    importRisk: ir,
    score,
    cf,
    totalImports,
    domestic: input.domestic,
    partners,
    assumptions,
  };
}
