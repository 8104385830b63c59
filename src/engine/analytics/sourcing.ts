import { AGGREGATE_CODES } from '../../model/index.js';
import type { Unavailable } from './concentration.js';
import { isUnavailable } from './concentration.js';
import type { Quantity } from './import-reliance.js';

/**
 * Sourcing shares of a region R for one material (DESIGN.md, "Shares and sourcing"):
 *
 *   σ_R,c = (P_R,c + M_R←c) / (P_R + M_R)
 *
 * P_R,c is production in member c, P_R = Σ members' production, M_R←c the imports of the members
 * from a country c outside R, M_R = Σ_c M_R←c. Trade between members is internal: a member's
 * imports from another member are neither imports of R nor a second count of that member's
 * production. With a member's total imports I_m and its import-source shares s_m,p:
 *
 *   M_R←c = Σ_m I_m · s_m,c  (c ∉ R),   intra-region trade = Σ_m I_m · Σ_{p∈R} s_m,p
 *
 * Bilateral shares exist in the bundle only for the US (USGS import sources; USITC by partner
 * where one HS heading is one material). For a member without them, the global-mix assumption
 * gives s_m,c = w_c / (1 − w_m) for c ≠ m, with w the world production mix (imports come from
 * abroad at the mix of everyone else's production). When some member's production or import
 * quantity is unknown (every member but the US in the bundled data), the region's own supply mix
 * cannot be weighted, and the global-mix assumption applies to the whole supply: σ_R,c = w_c — a
 * buyer buys at the world production mix of the supplying stage, its own producers included. Both
 * are listed in `assumptions`.
 *
 * Published share sets do not sum to exactly 1; they are never renormalised: Σ σ − 1 is reported
 * as `residual` (= Σ_m I_m (Σ_p s_m,p − 1) / (P_R + M_R) in the bilateral case).
 */

export interface PartnerShare {
  /** ISO3, or XOT for "Other countries" */
  partner: string;
  share: number;
}

export interface MemberSupply {
  country: string;
  production: Quantity;
  /** total imports of the member, from all partners (members included) */
  imports: Quantity;
  /** import-source shares (fractions of `imports`); null when there are none (global mix) */
  importShares: readonly PartnerShare[] | null;
}

/** World production shares of the supplying stage (null = withheld) */
export type WorldMix = readonly { country: string; share: number | null }[];

export interface SourcingShare {
  country: string;
  share: number;
  member: boolean;
  /** quantities behind the share (bilateral and mixed methods only) */
  fromProduction: number | null;
  fromImports: number | null;
}

export type SourcingMethod = 'bilateral' | 'mixed' | 'global-mix';

export interface RegionSourcing {
  region: string;
  method: SourcingMethod | null;
  /** σ_R,c, largest first */
  shares: SourcingShare[] | Unavailable;
  /** Σ σ − 1: the rounding residual of the published shares, never renormalised away */
  residual: number | null;
  /** the partner mix of imports from outside R (fractions of M_R) */
  importMix: PartnerShare[] | Unavailable;
  /** P_R */
  production: Quantity;
  /** M_R: imports from outside the region */
  externalImports: Quantity;
  /** imports of members from other members (internal) */
  internalTrade: Quantity;
  /** Σ_{c∈R} σ_R,c: the share of supply produced inside R */
  selfShare: number | Unavailable;
  /** σ_R,concern */
  concernShare: number | Unavailable;
  assumptions: string[];
}

export interface SourcingOptions {
  concern?: string;
}

const byShare = (a: { share: number; country?: string }, b: { share: number; country?: string }) =>
  b.share - a.share || (a.country ?? '').localeCompare(b.country ?? '');

/** Import-source shares of `country` under the global-mix assumption: w_c / (1 − w_country). */
export function globalMixImportShares(country: string, world: WorldMix): PartnerShare[] | Unavailable {
  let own = 0;
  let known = 0;
  for (const w of world) {
    if (w.share === null) continue;
    known += w.share;
    if (w.country === country) own = w.share;
  }
  if (known <= 0) return { unavailable: 'no world production figures for the global mix' };
  const rest = known - own;
  if (rest <= 0)
    return { unavailable: `${country} is the only producer: imports have no source in the world mix` };
  const out: PartnerShare[] = [];
  for (const w of world) {
    if (w.share === null || w.country === country || w.share === 0) continue;
    out.push({ partner: w.country, share: w.share / rest });
  }
  return out.sort((a, b) => b.share - a.share || a.partner.localeCompare(b.partner));
}

function unavailableResult(code: string, why: string, assumptions: string[]): RegionSourcing {
  const u = { unavailable: why };
  return {
    region: code,
    method: null,
    shares: u,
    residual: null,
    importMix: u,
    production: u,
    externalImports: u,
    internalTrade: u,
    selfShare: u,
    concernShare: u,
    assumptions,
  };
}

function worldMixSourcing(
  region: { code: string; members: ReadonlySet<string> },
  world: WorldMix,
  concern: string,
  why: string,
): RegionSourcing {
  const assumptions = [
    `global-mix assumption: ${why}, so the region is taken to buy at the world production mix (its own producers included)`,
  ];
  const withheld = world.filter((w) => w.share === null).map((w) => w.country);
  const shares: SourcingShare[] = [];
  let sum = 0;
  for (const w of world) {
    if (w.share === null || w.share === 0) continue;
    sum += w.share;
    shares.push({
      country: w.country,
      share: w.share,
      member: region.members.has(w.country),
      fromProduction: null,
      fromImports: null,
    });
  }
  if (shares.length === 0)
    return unavailableResult(
      region.code,
      `${why}, and there are no world production figures for a global mix`,
      [],
    );
  shares.sort(byShare);
  if (withheld.length)
    assumptions.push(`world figures withheld for ${withheld.join(', ')}: their share is unknown`);
  if (world.some((w) => w.country === AGGREGATE_CODES.other && (w.share ?? 0) > 0))
    assumptions.push('"Other countries" (XOT) is treated as outside the region');
  const memberWithheld = [...region.members].filter((m) => withheld.includes(m));
  const selfShare: number | Unavailable = memberWithheld.length
    ? { unavailable: `figures withheld for ${memberWithheld.join(', ')}` }
    : shares.filter((s) => s.member).reduce((a, s) => a + s.share, 0);
  const concernShare: number | Unavailable = withheld.includes(concern)
    ? { unavailable: `${concern}'s figure is withheld` }
    : (shares.find((s) => s.country === concern)?.share ?? 0);
  const importMix: PartnerShare[] = [];
  const outside = shares.filter((s) => !s.member);
  const outsideSum = outside.reduce((a, s) => a + s.share, 0);
  if (outsideSum > 0)
    for (const s of outside) importMix.push({ partner: s.country, share: s.share / outsideSum });
  const u = { unavailable: `${why}` };
  return {
    region: region.code,
    method: 'global-mix',
    shares,
    residual: sum - 1,
    importMix: importMix.length ? importMix : { unavailable: 'no producer outside the region' },
    production: u,
    externalImports: u,
    internalTrade: u,
    selfShare,
    concernShare,
    assumptions,
  };
}

/**
 * σ_R,c for region R. `supplies` holds one entry per member with data (members without an entry
 * have unknown quantities); `world` is the world production mix of the material (or null).
 */
export function regionSourcing(
  region: { code: string; members: ReadonlySet<string> },
  supplies: readonly MemberSupply[],
  world: WorldMix | null,
  opts: SourcingOptions = {},
): RegionSourcing {
  const concern = opts.concern ?? 'CHN';
  const byCountry = new Map(supplies.map((s) => [s.country, s]));
  const gaps: string[] = [];
  for (const m of [...region.members].sort()) {
    const s = byCountry.get(m);
    if (!s) gaps.push(`${m}: no production or import quantities`);
    else if (isUnavailable(s.production)) gaps.push(`${m} production: ${s.production.unavailable}`);
    else if (isUnavailable(s.imports)) gaps.push(`${m} imports: ${s.imports.unavailable}`);
    else if (s.importShares === null && !world) gaps.push(`${m}: no import sources and no world mix`);
  }
  if (gaps.length) {
    const why = `quantities unknown (${gaps.join('; ')})`;
    return world
      ? worldMixSourcing(region, world, concern, why)
      : unavailableResult(region.code, `${why}; no world production mix either`, []);
  }

  const assumptions: string[] = [];
  const fromProd = new Map<string, number>();
  const fromImp = new Map<string, number>();
  let pR = 0;
  let intra = 0;
  let shareSumExcess = 0;
  let usedGlobalMix = false;
  let usedBilateral = false;
  for (const m of [...region.members].sort()) {
    const s = byCountry.get(m)!;
    const p = s.production as number;
    const imp = s.imports as number;
    pR += p;
    fromProd.set(m, (fromProd.get(m) ?? 0) + p);
    let shares: readonly PartnerShare[];
    if (s.importShares) {
      shares = s.importShares;
      usedBilateral = true;
    } else {
      const g = globalMixImportShares(m, world!);
      if (isUnavailable(g)) {
        if (imp === 0) shares = [];
        else return unavailableResult(region.code, `${m} imports: ${g.unavailable}`, assumptions);
      } else shares = g;
      usedGlobalMix = true;
      assumptions.push(
        `global-mix assumption for ${m}'s import sources: imports at the world production mix of the other producers`,
      );
    }
    let sum = 0;
    for (const ps of shares) {
      sum += ps.share;
      const q = imp * ps.share;
      if (region.members.has(ps.partner)) intra += q;
      else fromImp.set(ps.partner, (fromImp.get(ps.partner) ?? 0) + q);
    }
    if (shares.length) shareSumExcess += imp * (sum - 1);
  }
  let mR = 0;
  for (const q of fromImp.values()) mR += q;
  // M_R is imports from outside; the published shares' rounding residual belongs to it
  mR -= shareSumExcess;
  const denom = pR + mR;
  if (!(denom > 0))
    return unavailableResult(
      region.code,
      'no production and no imports from outside the region',
      assumptions,
    );
  const countries = new Set([...fromProd.keys(), ...fromImp.keys()]);
  const shares: SourcingShare[] = [];
  let total = 0;
  for (const c of countries) {
    const p = fromProd.get(c) ?? 0;
    const q = fromImp.get(c) ?? 0;
    const share = (p + q) / denom;
    total += share;
    shares.push({
      country: c,
      share,
      member: region.members.has(c),
      fromProduction: region.members.has(c) ? p : null,
      fromImports: region.members.has(c) ? null : q,
    });
  }
  shares.sort(byShare);
  const importMix: PartnerShare[] =
    mR > 0
      ? [...fromImp].map(([partner, q]) => ({ partner, share: q / mR })).sort((a, b) => b.share - a.share)
      : [];
  if (fromImp.has(AGGREGATE_CODES.other))
    assumptions.push('"Other countries" (XOT) is treated as outside the region');
  if (region.members.size > 1 && intra > 0)
    assumptions.push(
      'imports of a member from another member are internal to the region (not counted as imports)',
    );
  const selfShare = shares.filter((s) => s.member).reduce((a, s) => a + s.share, 0);
  return {
    region: region.code,
    method: usedGlobalMix ? (usedBilateral ? 'mixed' : 'global-mix') : 'bilateral',
    shares,
    residual: total - 1,
    importMix: importMix.length ? importMix : { unavailable: 'no imports from outside the region' },
    production: pR,
    externalImports: mR,
    internalTrade: intra,
    selfShare,
    concernShare: shares.find((s) => s.country === concern)?.share ?? 0,
    assumptions,
  };
}
