import type { Unavailable } from './concentration.js';
import { isUnavailable } from './concentration.js';

/**
 * Import reliance of a country or a region.
 *
 * [Reference]: U.S. Geological Survey, Mineral Commodity Summaries, "net import reliance"
 * (imports − exports ± stock changes, as a percentage of apparent consumption); European
 * Commission (2017), Methodology for establishing the EU list of critical raw materials, §3.2.4
 * (IR = (import − export) / (domestic production + import − export)).
 *
 *   IR = (imports − exports) / (production + imports − exports)
 *
 * The denominator is apparent consumption without stock changes. IR is NOT clamped: a net
 * exporter has IR < 0 and is flagged "E", as USGS prints it. Whenever production ≥ 0 and apparent
 * consumption > 0, IR ≤ 1 (the numerator is the denominator minus production).
 *
 * A region's IR sums its members' balances. Trade between members is internal, but it cancels out
 * of net imports exactly: US imports from India are India's exports to the US, so
 * Σ (imports_m − exports_m) = imports from outside − exports to outside (the mirror identity,
 * assuming both sides record the flow alike). The region's IR therefore needs every member's
 * totals, not the bilateral split.
 */

/** A quantity in one unit, or why it is not known. */
export type Quantity = number | Unavailable;

export interface TradeBalance {
  production: Quantity;
  imports: Quantity;
  exports: Quantity;
}

export type ImportRelianceMethod = 'balance' | 'zero-production' | 'apparent-consumption';

export interface ImportReliance {
  /** fraction; negative for a net exporter; never clamped */
  value: number | Unavailable;
  /** 'E' (net exporter) as USGS prints it, otherwise null */
  flag: 'E' | null;
  netImports: Quantity;
  apparentConsumption: Quantity;
  method: ImportRelianceMethod | null;
  assumptions: string[];
}

function num(q: Quantity): number | null {
  return isUnavailable(q) ? null : q;
}

/** "production, imports: why; exports: why else" — one clause per distinct reason. */
function reasons(items: readonly [string, Quantity][]): string | null {
  const by = new Map<string, string[]>();
  for (const [label, q] of items) {
    if (!isUnavailable(q)) continue;
    const l = by.get(q.unavailable);
    if (l) l.push(label);
    else by.set(q.unavailable, [label]);
  }
  if (by.size === 0) return null;
  return [...by].map(([why, labels]) => `${labels.join(', ')}: ${why}`).join('; ');
}

function fromNet(net: number, consumption: number, method: ImportRelianceMethod, assumptions: string[]) {
  if (!(consumption > 0))
    return {
      value: {
        unavailable: `apparent consumption (production + imports − exports) is ${consumption}, not positive: stocks must have been drawn down`,
      },
      flag: null,
      netImports: net,
      apparentConsumption: consumption,
      method,
      assumptions,
    } satisfies ImportReliance;
  const value = net / consumption;
  return {
    value,
    flag: value < 0 ? 'E' : null,
    netImports: net,
    apparentConsumption: consumption,
    method,
    assumptions,
  } satisfies ImportReliance;
}

/** IR of one country (or of a region whose balance has been summed already). */
export function importReliance(b: TradeBalance): ImportReliance {
  const p = num(b.production);
  const i = num(b.imports);
  const e = num(b.exports);
  if (p !== null && i !== null && e !== null) return fromNet(i - e, p + i - e, 'balance', []);
  // With no production at all, IR = (I − E) / (I − E) = 1 for any exports below imports.
  if (p === 0 && i !== null && i > 0 && e === null)
    return {
      value: 1,
      flag: null,
      netImports: { unavailable: reasons([['exports', b.exports]]) ?? 'exports unknown' },
      apparentConsumption: { unavailable: 'exports unknown' },
      method: 'zero-production',
      assumptions: [
        `exports are not available (${(b.exports as Unavailable).unavailable}); production is zero, so IR = (I − E) / (I − E) = 1 for any exports below imports (${i}) — assumed`,
      ],
    };
  const missing =
    reasons([
      ['production', b.production],
      ['imports', b.imports],
      ['exports', b.exports],
    ]) ?? 'incomplete balance';
  return {
    value: { unavailable: missing },
    flag: null,
    netImports: i !== null && e !== null ? i - e : { unavailable: 'imports or exports unknown' },
    apparentConsumption: { unavailable: missing },
    method: null,
    assumptions: [],
  };
}

/**
 * IR from a published apparent consumption C defined as production + imports − exports (no stock
 * changes): net imports = C − P, so IR = (C − P) / C. For publications that give C and P but split
 * imports and exports into rows that cannot be assigned to one material.
 */
export function importRelianceFromConsumption(
  production: Quantity,
  apparentConsumption: Quantity,
): ImportReliance {
  const p = num(production);
  const c = num(apparentConsumption);
  if (p === null || c === null) {
    const missing =
      reasons([
        ['production', production],
        ['apparent consumption', apparentConsumption],
      ]) ?? 'incomplete balance';
    return {
      value: { unavailable: missing },
      flag: null,
      netImports: { unavailable: missing },
      apparentConsumption: c ?? { unavailable: missing },
      method: null,
      assumptions: [],
    };
  }
  return fromNet(c - p, c, 'apparent-consumption', [
    'net imports taken as published apparent consumption minus production (C − P), since the import and export rows cannot be assigned to this material one to one',
  ]);
}

export interface MemberBalance extends TradeBalance {
  country: string;
}

export interface RegionImportReliance extends ImportReliance {
  members: (MemberBalance & { importReliance: number | Unavailable })[];
}

/**
 * IR of a region: Σ_m (I_m − E_m) / Σ_m (P_m + I_m − E_m). Intra-region trade cancels (see the
 * file header). Unavailable, naming the members, when any member's balance is incomplete.
 */
export function regionImportReliance(members: readonly MemberBalance[]): RegionImportReliance {
  if (members.length === 0)
    return {
      value: { unavailable: 'the region has no members' },
      flag: null,
      netImports: { unavailable: 'no members' },
      apparentConsumption: { unavailable: 'no members' },
      method: null,
      assumptions: [],
      members: [],
    };
  let p = 0;
  let i = 0;
  let e = 0;
  const missing: string[] = [];
  const rows = members.map((m) => {
    const own = importReliance(m);
    const mp = num(m.production);
    const mi = num(m.imports);
    const me = num(m.exports);
    if (mp === null || mi === null || me === null) {
      const why = reasons([
        ['production', m.production],
        ['imports', m.imports],
        ['exports', m.exports],
      ]);
      missing.push(`${m.country} (${why})`);
    } else {
      p += mp;
      i += mi;
      e += me;
    }
    return { ...m, importReliance: own.value };
  });
  if (members.length === 1) {
    const only = importReliance(members[0]!);
    return { ...only, members: rows };
  }
  if (missing.length)
    return {
      value: { unavailable: `incomplete balance for ${missing.join(', ')}` },
      flag: null,
      netImports: { unavailable: 'incomplete member balances' },
      apparentConsumption: { unavailable: 'incomplete member balances' },
      method: null,
      assumptions: [],
      members: rows,
    };
  const r = fromNet(i - e, p + i - e, 'balance', [
    'trade between members is internal: it cancels out of the region’s net imports (mirror identity)',
  ]);
  return { ...r, members: rows };
}
