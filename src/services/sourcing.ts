import { concentration, isUnavailable, type Unavailable } from '../engine/analytics/concentration.js';
import {
  importRelianceFromConsumption,
  type Quantity,
  type RegionImportReliance,
  regionImportReliance,
} from '../engine/analytics/import-reliance.js';
import {
  type MemberSupply,
  type PartnerShare,
  type RegionSourcing,
  regionSourcing,
  type WorldMix,
} from '../engine/analytics/sourcing.js';
import type { Material } from '../model/index.js';
import { listMaterials, productionOf, regionMembers, resolveMaterials } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { viewOf } from '../store/scoped-repository.js';

/**
 * Sourcing shares and import reliance of a region for one material (`trustmap sourcing`, the
 * HTTP API, the EU CRM supply-risk service). The US balance comes from the USGS salient
 * statistics (MCS 2026) under the row mapping below; India's imports by quantity are not in the
 * bundled data; other regions fall back to the global-mix assumption. See
 * docs/methods/sourcing-and-medicines.md.
 */

/** detail rows to sum, a reason none apply, or 'generic' (one row, or the one "Total" row) */
type RowPick = readonly string[] | Unavailable | 'generic';

/**
 * Which USGS salient-statistics rows make up one material's balance, where the commodity's rows
 * are not one per statistic or the commodity has several materials. Details are matched exactly
 * and summed. A commodity without an entry uses the generic rule (see `genericSpec`).
 */
export interface UsgsBalanceSpec {
  material: string;
  production: RowPick;
  imports: RowPick;
  exports: RowPick;
  /** apparent consumption defined as production + imports − exports: IR = (C − P) / C */
  consumption?: string;
  /** the published net-import-reliance row to compare with (null: none describes this material) */
  nir?: string | null;
  why: string;
}

export const USGS_BALANCE: Readonly<Record<string, readonly UsgsBalanceSpec[]>> = {
  gallium: [
    {
      material: 'gallium.refined',
      production: ['Production, primary'],
      imports: ['Imports for consumption: Metal'],
      exports: ['Exports'],
      nir: 'Net import reliance as a percentage of reported consumption',
      why: 'gallium arsenide wafers (gross weight, not gallium content) are left out of imports, as USGS leaves them out of net import reliance',
    },
  ],
  cobalt: [
    {
      material: 'cobalt.refined',
      production: ['Production: Secondary'],
      imports: ['Imports for consumption'],
      exports: ['Exports'],
      nir: 'Net import reliance as a percentage of apparent consumption',
      why: 'the salient statistics describe refined cobalt (metal, oxide, salts; cobalt content): domestic supply is secondary (scrap) production; US mine production is cobalt in concentrate, a different material (cobalt.mine), and USGS leaves it out of apparent consumption too',
    },
  ],
  lithium: [
    {
      material: 'lithium.chemical',
      production: ['Production'],
      imports: ['Imports for consumption'],
      exports: ['Exports'],
      nir: 'Net import reliance as a percentage of apparent consumption',
      why: 'the salient statistics are lithium content of compounds (US production is brine-derived carbonate), i.e. the chemical stage',
    },
  ],
  copper: [
    {
      material: 'copper.refined',
      production: [
        'Production, Refinery: Primary (from ore)',
        'Production, Refinery: Secondary (from scrap)',
      ],
      imports: ['Imports for consumption: Refined'],
      exports: ['Exports: Refined'],
      nir: 'Net import reliance as a percentage of apparent consumption',
      why: 'refined copper: primary and secondary refinery production, refined imports and exports (USGS also counts copper recovered from old scrap outside refineries)',
    },
    {
      material: 'copper.mine',
      production: ['Production: Mine, recoverable'],
      imports: ['Imports for consumption: Ore and concentrate'],
      exports: ['Exports: Ore and concentrate'],
      nir: null,
      why: 'copper in ore and concentrate; USGS publishes net import reliance for refined copper only',
    },
  ],
  lead: [
    {
      material: 'lead.refined',
      production: ['Production: Primary refinery', 'Production: Secondary refinery, old scrap'],
      imports: ['Imports for consumption: Refined metal, unwrought'],
      exports: ['Exports: Refined metal, unwrought (gross weight)'],
      nir: 'Net import reliance as a percentage of apparent consumption, refined metal',
      why: 'refined lead: primary and secondary (old scrap) refinery production, unwrought refined metal traded',
    },
  ],
  silver: [
    {
      material: 'silver.refined',
      production: ['Production: Refinery: Primary', 'Production: Refinery: Secondary (new and old scrap)'],
      imports: ['Imports for consumption'],
      exports: ['Exports'],
      nir: 'Net import reliance as a percentage of apparent consumption',
      why: 'refined silver: primary and secondary refinery production (mine production feeds the primary refineries and is not counted twice)',
    },
  ],
  tin: [
    {
      material: 'tin.refined',
      production: ['Production, secondary: Old scrap'],
      imports: ['Imports for consumption: Refined'],
      exports: ['Exports: Refined'],
      nir: 'Net import reliance as a percentage of apparent consumption, refined tin',
      why: 'refined tin: the US has no primary smelter; secondary tin from old scrap is domestic supply (new scrap recirculates inside industry and is left out, as USGS does); alloys and scrap traded in gross weight are left out',
    },
  ],
  zinc: [
    {
      material: 'zinc.refined',
      production: ['Production: Refined zinc,'],
      imports: ['Imports for consumption: Refined zinc'],
      exports: ['Exports: Refined zinc'],
      nir: 'Net import reliance as a percentage of apparent consumption: Refined zinc',
      why: 'refined zinc rows',
    },
    {
      material: 'zinc.mine',
      production: ['Production: Mine, zinc in concentrates'],
      imports: ['Imports for consumption: Ores and concentrates'],
      exports: ['Exports: Ores and concentrates'],
      nir: 'Net import reliance as a percentage of apparent consumption: Ores and concentrates',
      why: 'zinc in ores and concentrates',
    },
  ],
  'rare-earths': [
    {
      material: 'rare-earths.refined',
      production: ['Production: Compounds and metals'],
      imports: ['Imports: Compounds', 'Imports: Metals: Rare-earth metals and alloys'],
      exports: {
        unavailable: 'exports of compounds are published together with ores ("Exports: Ores and compounds")',
      },
      consumption: 'Consumption, apparent, compounds and metals',
      nir: 'Net import reliance as a percentage of apparent consumption: Compounds and metals',
      why: 'compounds and metals: net imports from the published apparent consumption (defined by USGS as production + imports − exports) minus production; imports (for the sourcing shares) are compounds plus rare-earth metals and alloys, ferrocerium alloys left out',
    },
    {
      material: 'rare-earths.mine',
      production: ['Production: Mineral concentrates'],
      imports: { unavailable: 'USGS publishes no import row for rare-earth mineral concentrates' },
      exports: {
        unavailable:
          'concentrate exports are published together with compounds ("Exports: Ores and compounds")',
      },
      nir: 'Net import reliance as a percentage of apparent consumption: Mineral concentrates',
      why: 'mineral concentrates: the import and export rows do not separate concentrates from compounds',
    },
  ],
};

export interface StatisticRow {
  statistic: string;
  detail: string | null;
  value: number | null;
  unit: string;
  flag: string | null;
  note: string | null;
  source_id: string;
}

export interface MemberBalanceReport {
  country: string;
  /** unit of production, imports and exports */
  unit: string | null;
  production: Quantity;
  imports: Quantity;
  exports: Quantity;
  /** the published rows the balance was taken from */
  rows: StatisticRow[];
  importSources: {
    method: 'usgs-import-sources' | 'usitc-partner-quantities' | 'trade-partner-quantities' | 'none';
    period: string | null;
    shares: PartnerShare[];
  };
  notes: string[];
}

export interface PublishedReliance {
  /** fraction; null when USGS prints E, NA or withholds it */
  value: number | null;
  flag: string | null;
  /** as printed: "74 %", ">50 %", "E" */
  published: string;
  detail: string | null;
  note: string | null;
  period: string;
  source_id: string;
}

export interface RelianceComparison {
  trustmap: number | Unavailable;
  usgs: PublishedReliance;
  /** trustmap − USGS in percentage points, where both are numbers */
  differencePoints: number | null;
  explanation: string[];
}

export interface SourcingReport {
  material: Pick<Material, 'id' | 'name' | 'stage' | 'commodity' | 'unit'>;
  region: { code: string; members: string[] };
  year: string;
  members: MemberBalanceReport[];
  importReliance: RegionImportReliance;
  /** USGS's published net import reliance rows for the commodity and year (US only) */
  usgs: PublishedReliance[];
  comparison: RelianceComparison | null;
  sourcing: RegionSourcing;
  /** world production mix used for the global-mix assumption (year and source) */
  worldMix: { period: string; source_id: string } | null;
  sources: string[];
  assumptions: string[];
}

export interface SourcingOptions {
  region?: string;
  year?: number;
  concern?: string;
}

const MASS_KG: Record<string, number> = {
  kg: 1,
  kilograms: 1,
  t: 1000,
  'metric tons': 1000,
  kt: 1e6,
  'thousand metric tons': 1e6,
  Mt: 1e9,
  'million metric tons': 1e9,
};

/** Factor converting `from` into `to` when both are mass units, else null. */
export function unitFactor(from: string, to: string): number | null {
  if (from === to) return 1;
  const a = MASS_KG[from];
  const b = MASS_KG[to];
  return a !== undefined && b !== undefined ? a / b : null;
}

function isEstimated(r: { flag: string | null; note: string | null }): boolean {
  return r.flag === 'est' || /\bEstimated\b/.test(r.note ?? '');
}

function published(r: StatisticRow, period: string): PublishedReliance {
  const pct = r.value;
  let text: string;
  if (r.flag === 'E') text = 'E';
  else if (pct === null) text = r.flag ?? 'NA';
  else text = `${r.flag === 'gt' ? '>' : r.flag === 'lt' ? '<' : ''}${pct} %`;
  return {
    value: r.flag === 'E' || pct === null ? null : pct / 100,
    flag: r.flag,
    published: text,
    detail: r.detail,
    note: r.note,
    period,
    source_id: r.source_id,
  };
}

type Pick1 = { value: Quantity; unit: string | null; rows: StatisticRow[]; notes: string[] };

/** Sums the named rows; unavailable with the reason when one is withheld, missing or ambiguous. */
function pickRows(rows: readonly StatisticRow[], statistic: string, pick: RowPick): Pick1 {
  const all = rows.filter((r) => r.statistic === statistic);
  if (pick !== 'generic' && isUnavailable(pick)) return { value: pick, unit: null, rows: [], notes: [] };
  let chosen: StatisticRow[];
  if (pick === 'generic') {
    if (all.length === 0)
      return { value: { unavailable: `no ${statistic} row published` }, unit: null, rows: [], notes: [] };
    if (all.length === 1) chosen = all;
    else {
      const totals = all.filter((r) => /\btotal\b/i.test(r.detail ?? ''));
      if (totals.length !== 1)
        return {
          value: {
            unavailable: `${all.length} ${statistic} rows (${all.map((r) => `"${r.detail}"`).join(', ')}) and no mapping of which belong to this material`,
          },
          unit: null,
          rows: all,
          notes: [],
        };
      chosen = totals;
    }
  } else {
    chosen = [];
    for (const d of pick) {
      const r = all.find((x) => x.detail === d);
      if (!r)
        return {
          value: { unavailable: `row "${d}" not published for this year` },
          unit: null,
          rows: [],
          notes: [],
        };
      chosen.push(r);
    }
  }
  const unit = chosen[0]!.unit;
  if (chosen.some((r) => r.unit !== unit))
    return {
      value: { unavailable: `${statistic} rows in different units` },
      unit: null,
      rows: chosen,
      notes: [],
    };
  let sum = 0;
  const notes: string[] = [];
  for (const r of chosen) {
    if (r.value === null) {
      const why =
        r.flag === 'W'
          ? 'withheld (W)'
          : r.flag === 'NA'
            ? 'not available (NA)'
            : `not published (${r.flag})`;
      return { value: { unavailable: `"${r.detail}" ${why}` }, unit, rows: chosen, notes };
    }
    if (r.flag === 'lt' || r.flag === 'gt')
      return {
        value: {
          unavailable: `"${r.detail}" is published only as a bound (${r.flag === 'lt' ? '<' : '>'}${r.value})`,
        },
        unit,
        rows: chosen,
        notes,
      };
    if (isEstimated(r)) notes.push(`"${r.detail}" is a USGS estimate`);
    sum += r.value;
  }
  return { value: sum, unit, rows: chosen, notes };
}

async function commodityMaterials(store: StoreOrView, commodity: string): Promise<string[]> {
  const rows = await viewOf(store).from('material').select('id').where('commodity', '=', commodity).execute();
  return rows.map((r) => r.id).sort();
}

/** The spec for a material: an explicit entry, or the generic rule when the commodity has one material. */
async function specFor(store: StoreOrView, m: Material): Promise<UsgsBalanceSpec | Unavailable> {
  const explicit = USGS_BALANCE[m.commodity];
  if (explicit) {
    const s = explicit.find((x) => x.material === m.id);
    return (
      s ?? {
        unavailable: `the USGS salient statistics for ${m.commodity} are mapped to ${explicit.map((x) => x.material).join(', ')}, not to ${m.id}`,
      }
    );
  }
  const mats = await commodityMaterials(store, m.commodity);
  if (mats.length > 1)
    return {
      unavailable: `the USGS salient statistics for ${m.commodity} cover several materials (${mats.join(', ')}) and are not mapped to one of them`,
    };
  return {
    material: m.id,
    production: 'generic',
    imports: 'generic',
    exports: 'generic',
    why: 'generic rule: one row per statistic (or the one "Total" row) for a commodity with one material',
  };
}

/** The default year: the newest whose net-import-reliance (else imports) rows are not estimates. */
function defaultYear(rows: readonly (StatisticRow & { period: string })[]): string | null {
  const years = [...new Set(rows.map((r) => r.period))].sort().reverse();
  const key = rows.some((r) => r.statistic === 'net_import_reliance') ? 'net_import_reliance' : 'imports';
  for (const y of years) {
    const k = rows.filter((r) => r.period === y && r.statistic === key);
    if (k.length && k.some((r) => !isEstimated(r))) return y;
  }
  return years[0] ?? null;
}

async function usBalance(
  store: StoreOrView,
  m: Material,
  year: number | undefined,
): Promise<{
  member: MemberBalanceReport;
  year: string | null;
  spec: UsgsBalanceSpec | null;
  nir: PublishedReliance[];
  consumption: StatisticRow | null;
  /** the published apparent consumption, to check the balance against */
  apparent: StatisticRow | null;
}> {
  const all = (
    await store.db
      .selectFrom('statistic')
      .select(['statistic', 'detail', 'value', 'unit', 'flag', 'note', 'source_id', 'period'])
      .where('commodity', '=', m.commodity)
      .where('country', '=', 'USA')
      .execute()
  ).filter((r) => /^\d{4}$/.test(r.period));
  const y = year !== undefined ? String(year) : defaultYear(all);
  const member: MemberBalanceReport = {
    country: 'USA',
    unit: null,
    production: { unavailable: 'no USGS salient statistics' },
    imports: { unavailable: 'no USGS salient statistics' },
    exports: { unavailable: 'no USGS salient statistics' },
    rows: [],
    importSources: { method: 'none', period: null, shares: [] },
    notes: [],
  };
  if (!y || all.length === 0)
    return { member, year: y, spec: null, nir: [], consumption: null, apparent: null };
  const rows: StatisticRow[] = all.filter((r) => r.period === y).map(({ period: _p, ...r }) => r);
  const nirRows = rows.filter((r) => r.statistic === 'net_import_reliance');
  if (rows.length === 0) {
    const why = { unavailable: `no USGS salient statistics for ${y}` };
    return {
      member: { ...member, production: why, imports: why, exports: why },
      year: y,
      spec: null,
      nir: [],
      consumption: null,
      apparent: null,
    };
  }
  const spec = await specFor(store, m);
  if (isUnavailable(spec)) {
    return {
      member: { ...member, production: spec, imports: spec, exports: spec },
      year: y,
      spec: null,
      // the published rows describe another material, or several: no comparison
      nir: [],
      consumption: null,
      apparent: null,
    };
  }
  const p = pickRows(rows, 'production', spec.production);
  const i = pickRows(rows, 'imports', spec.imports);
  const e = pickRows(rows, 'exports', spec.exports);
  const units = [p.unit, i.unit, e.unit].filter((u): u is string => u !== null);
  const unit = units[0] ?? null;
  const sameUnit = units.every((u) => u === unit);
  const mismatch = {
    unavailable: `production, imports and exports are published in different units (${[...new Set(units)].join(', ')})`,
  };
  const consumption = spec.consumption
    ? (rows.find((r) => r.detail === spec.consumption && r.statistic === 'consumption') ?? null)
    : null;
  const nir = spec.nir === undefined ? nirRows : nirRows.filter((r) => r.detail === spec.nir);
  const apparentRows = rows.filter((r) => r.statistic === 'consumption' && /apparent/i.test(r.detail ?? ''));
  const apparent = consumption ?? (apparentRows.length === 1 ? apparentRows[0]! : null);
  return {
    member: {
      ...member,
      unit: unit ?? consumption?.unit ?? null,
      production: sameUnit ? p.value : mismatch,
      imports: sameUnit ? i.value : mismatch,
      exports: sameUnit ? e.value : mismatch,
      rows: [...p.rows, ...i.rows, ...e.rows, ...(consumption ? [consumption] : [])],
      notes: [spec.why, ...p.notes, ...i.notes, ...e.notes],
    },
    year: y,
    spec,
    nir: nir.map((r) => published(r, y)),
    consumption,
    apparent,
  };
}

/** USGS import-source shares of the US, else USITC partner quantities where one heading is the material. */
async function usImportSources(
  store: StoreOrView,
  m: Material,
  year: string,
): Promise<MemberBalanceReport['importSources'] & { source_id: string | null; note: string | null }> {
  const shares = await viewOf(store)
    .from('sourcing_share')
    .select(['partner', 'share', 'period', 'detail', 'source_id'])
    .where('material_id', '=', m.id)
    .where('importer', '=', 'USA')
    .execute();
  if (shares.length) {
    const period = shares
      .map((s) => s.period)
      .sort()
      .at(-1)!;
    const pick = shares.filter((s) => s.period === period);
    return {
      method: 'usgs-import-sources',
      period,
      shares: pick.map((s) => ({ partner: s.partner, share: s.share })).sort((a, b) => b.share - a.share),
      source_id: pick[0]!.source_id,
      note: pick[0]!.detail ? `USGS import sources: ${pick[0]!.detail}` : null,
    };
  }
  const flows = await viewOf(store)
    .from('trade_flow')
    .select(['exporter', 'measure', 'quantity', 'quantity_unit', 'hs_code', 'source_id'])
    .where('material_id', '=', m.id)
    .where('importer', '=', 'USA')
    .where('period', '=', year)
    .where('quantity', 'is not', null)
    .where('measure', 'like', 'imports_for_consumption.first_unit_quantity.%')
    .execute();
  if (flows.length === 0) return { method: 'none', period: null, shares: [], source_id: null, note: null };
  const byMeasure = new Map<string, typeof flows>();
  for (const f of flows) byMeasure.set(f.measure, [...(byMeasure.get(f.measure) ?? []), f]);
  const [measure, rows] = [...byMeasure].sort((a, b) => b[1].length - a[1].length)[0]!;
  let total = 0;
  const q = new Map<string, number>();
  for (const r of rows) {
    total += r.quantity!;
    q.set(r.exporter, (q.get(r.exporter) ?? 0) + r.quantity!);
  }
  if (!(total > 0)) return { method: 'none', period: null, shares: [], source_id: null, note: null };
  return {
    method: 'usitc-partner-quantities',
    period: year,
    shares: [...q].map(([partner, v]) => ({ partner, share: v / total })).sort((a, b) => b.share - a.share),
    source_id: rows[0]!.source_id,
    note: `USITC DataWeb HS ${rows[0]!.hs_code}, ${measure.replace('imports_for_consumption.first_unit_quantity.', '')} (gross quantity of the heading)`,
  };
}

/**
 * A non-US member's imports and exports of the material by quantity, from trade rows whose heading
 * is the material one to one (`trade_flow.material_id`), for the calendar year or the fiscal year
 * starting in it. None exist in the bundled data; the path serves user-imported trade data.
 */
async function tradeBalance(store: StoreOrView, m: Material, country: string, year: number) {
  const fy = `FY${year}-${String((year + 1) % 100).padStart(2, '0')}`;
  const rows = await viewOf(store)
    .from('trade_flow')
    .select([
      'exporter',
      'importer',
      'measure',
      'quantity',
      'quantity_unit',
      'period',
      'hs_code',
      'source_id',
    ])
    .where('material_id', '=', m.id)
    .where('reporter', '=', country)
    .where('period', 'in', [String(year), fy])
    .where('quantity', 'is not', null)
    .where('quantity_unit', 'is not', null)
    .execute();
  const imp = rows.filter((r) => r.importer === country && /import/.test(r.measure));
  if (imp.length === 0) return null;
  const unit = imp[0]!.quantity_unit!;
  const measure = imp[0]!.measure;
  const sameImp = imp.filter((r) => r.measure === measure && r.quantity_unit === unit);
  let total = 0;
  const by = new Map<string, number>();
  for (const r of sameImp) {
    total += r.quantity!;
    by.set(r.exporter, (by.get(r.exporter) ?? 0) + r.quantity!);
  }
  if (!(total > 0)) return null;
  const exp = rows.filter(
    (r) => r.exporter === country && /export/.test(r.measure) && r.quantity_unit === unit,
  );
  return {
    unit,
    period: sameImp[0]!.period,
    hs: sameImp[0]!.hs_code,
    source_id: sameImp[0]!.source_id,
    imports: total,
    exports: exp.length ? exp.reduce((a, r) => a + r.quantity!, 0) : null,
    shares: [...by].map(([partner, q]) => ({ partner, share: q / total })).sort((a, b) => b.share - a.share),
  };
}

/** The newest year ≤ `year` with production by country, newest (public) edition within it. */
export async function worldProduction(store: StoreOrView, materialId: string, year: number) {
  const rows = (await productionOf(store, materialId)).filter(
    (r) =>
      r.measure === 'production' && !r.facility_id && /^\d{4}$/.test(r.period) && Number(r.period) <= year,
  );
  if (rows.length === 0) return null;
  const period = rows.reduce((a, r) => (r.period > a ? r.period : a), '0000');
  const inYear = rows.filter((r) => r.period === period);
  // the newest public edition; an organisation's own rows of the year beside it (read-view.ts)
  const pub = inYear.filter((r) => !r.own);
  const edition = Math.max(...pub.map((r) => r.source_year));
  const pick = [...pub.filter((r) => r.source_year === edition), ...inYear.filter((r) => r.own)];
  return { period, source_id: pick[0]!.source_id, rows: pick, unit: pick[0]!.unit };
}

function explain(
  trustmap: number | Unavailable,
  usgs: PublishedReliance,
  spec: UsgsBalanceSpec | null,
  balance: { apparentConsumption: Quantity; apparent: StatisticRow | null; rows: readonly StatisticRow[] },
): string[] {
  const out: string[] = [];
  const note = usgs.note ?? '';
  const detail = usgs.detail ?? '';
  if (/stock/i.test(note))
    out.push(
      'USGS adjusts net imports for stock changes (± government and industry stocks); trustmap’s balance has no stock term',
    );
  if (/reported consumption/i.test(detail))
    out.push(
      'USGS divides by reported consumption; trustmap by apparent consumption (production + imports − exports)',
    );
  else if (/estimated consumption/i.test(detail))
    out.push(
      'USGS divides by estimated consumption; trustmap by apparent consumption (production + imports − exports)',
    );
  const excl = note.match(/Excludes[^.]*\./);
  if (excl) out.push(`USGS: ${excl[0]}`);
  if (usgs.flag === 'gt' || usgs.flag === 'lt')
    out.push(`USGS publishes a bound (${usgs.published}), not a value; the difference is to the bound`);
  if (usgs.flag === 'E')
    out.push(
      isUnavailable(trustmap)
        ? 'USGS shows a net exporter (E); trustmap cannot compute the figure from the published rows (see why)'
        : trustmap < 0
          ? 'both show a net exporter'
          : 'USGS shows a net exporter (E) where trustmap does not: see the rows used',
    );
  if (usgs.value !== null) out.push('USGS rounds net import reliance to whole percent');
  if (spec?.consumption)
    out.push('trustmap takes net imports as published apparent consumption minus production');
  if (/Estimated/.test(note)) out.push('the USGS figure is an estimate');
  for (const r of balance.rows)
    if (/rounded/i.test(r.note ?? '')) out.push(`"${r.detail}" is published rounded (${r.value} ${r.unit})`);
  const c = balance.apparent;
  const own = balance.apparentConsumption;
  if (
    c &&
    c.value !== null &&
    !isUnavailable(own) &&
    !spec?.consumption &&
    Math.abs(own - c.value) > 0.005 * c.value
  )
    out.push(
      `USGS's published apparent consumption (${c.value} ${c.unit}, "${c.detail}") differs from production + imports − exports (${Number(own.toPrecision(6))}): USGS counts production on another basis or includes stock changes`,
    );
  return out;
}

/**
 * Sourcing shares σ_R,c and import reliance of `region` (default USA) for each material the query
 * names, for one year (default: the newest year USGS does not mark as estimated).
 */
export async function sourcingReports(
  store: StoreOrView,
  query: string,
  opts: SourcingOptions = {},
): Promise<SourcingReport[]> {
  const materials = await resolveMaterials(store, query);
  const out: SourcingReport[] = [];
  for (const m of materials) out.push(await sourcingReport(store, m, opts));
  return out;
}

export async function sourcingReport(
  store: StoreOrView,
  m: Material,
  opts: SourcingOptions = {},
): Promise<SourcingReport> {
  const code = (opts.region ?? 'USA').toUpperCase();
  const members = await regionMembers(store, code);
  const sources = new Set<string>();
  const assumptions = new Set<string>();
  if (m.illustrative) assumptions.add(`${m.id} is an illustrative record`);

  const us = members.has('USA') ? await usBalance(store, m, opts.year) : null;
  const year =
    us?.year ?? (opts.year !== undefined ? String(opts.year) : null) ?? String(new Date().getFullYear() - 1);
  const world = await worldProduction(store, m.id, Number(year));
  const worldMix: WorldMix | null = world ? concentration(world.rows).shares : null;
  if (world) sources.add(world.source_id);

  const balances: MemberBalanceReport[] = [];
  const supplies: MemberSupply[] = [];
  for (const c of [...members].sort()) {
    if (c === 'USA' && us) {
      const b = us.member;
      for (const r of b.rows) sources.add(r.source_id);
      if (us.year && !isUnavailable(b.imports)) {
        const src = await usImportSources(store, m, us.year);
        b.importSources = { method: src.method, period: src.period, shares: src.shares };
        if (src.source_id) sources.add(src.source_id);
        if (src.note) b.notes.push(src.note);
        if (src.method === 'usgs-import-sources' && src.period !== us.year)
          assumptions.add(
            `US import sources are ${src.period} averages (USGS), applied to ${us.year} imports`,
          );
      }
      balances.push(b);
      supplies.push({
        country: 'USA',
        production: b.production,
        imports: b.imports,
        importShares: b.importSources.method === 'none' ? null : b.importSources.shares,
      });
      continue;
    }
    // any other member: production from the world table; imports by quantity where a trade heading is the material
    const prod = world?.rows.find((r) => r.country === c);
    const production: Quantity = prod
      ? prod.quantity === null
        ? { unavailable: `${c}'s production is withheld (${prod.flag ?? 'W'})` }
        : prod.quantity
      : world
        ? {
            unavailable: `${c} is not listed among producers in ${world.period} (part of "Other countries" or none)`,
          }
        : { unavailable: 'no world production figures for this material' };
    const trade = await tradeBalance(store, m, c, Number(year));
    const why =
      c === 'IND'
        ? `India's imports and exports of ${m.id} by quantity are not in the bundled data (DGCI&S trade is by HS heading, imports in value only; no heading maps one to one to this material)`
        : `${c}'s imports and exports of ${m.id} by quantity are not in the bundled data`;
    const unit = world?.unit ?? trade?.unit ?? null;
    const f = trade && unit ? unitFactor(trade.unit, unit) : null;
    const b: MemberBalanceReport = {
      country: c,
      unit,
      production,
      imports:
        trade && f !== null
          ? trade.imports * f
          : { unavailable: trade ? `cannot convert ${trade.unit} to ${unit}` : why },
      exports:
        trade && f !== null && trade.exports !== null
          ? trade.exports * f
          : { unavailable: trade ? `exports of ${m.id} by quantity not in the bundled data` : why },
      rows: [],
      importSources: trade
        ? { method: 'usitc-partner-quantities', period: trade.period, shares: trade.shares }
        : { method: 'none', period: null, shares: [] },
      notes: [
        ...(prod ? [`production: ${world!.source_id}, ${world!.period}`] : []),
        ...(trade ? [`imports by partner: ${trade.source_id}, ${trade.period}, HS ${trade.hs}`] : []),
      ],
    };
    if (trade) {
      sources.add(trade.source_id);
      b.importSources.method = 'trade-partner-quantities';
    }
    balances.push(b);
    supplies.push({
      country: c,
      production: b.production,
      imports: b.imports,
      importShares: trade?.shares ?? null,
    });
  }

  // the region's balance in one unit (the material's unit where the member units differ)
  const target = balances.every((b) => b.unit === balances[0]?.unit) ? (balances[0]?.unit ?? m.unit) : m.unit;
  const converted = balances.map((b) => {
    const f = b.unit ? unitFactor(b.unit, target) : null;
    const conv = (q: Quantity): Quantity =>
      isUnavailable(q) ? q : f === null ? { unavailable: `cannot convert ${b.unit} to ${target}` } : q * f;
    return {
      country: b.country,
      production: conv(b.production),
      imports: conv(b.imports),
      exports: conv(b.exports),
    };
  });
  let ir: RegionImportReliance;
  if (members.size === 1 && us?.spec?.consumption) {
    const b = us.member;
    const c = us.consumption;
    const cons: Quantity =
      c && c.value !== null ? c.value : { unavailable: `"${us.spec.consumption}" not published` };
    ir = { ...importRelianceFromConsumption(b.production, cons), members: [] };
    if (c) for (const n of isEstimated(c) ? [`"${c.detail}" is a USGS estimate`] : []) b.notes.push(n);
  } else ir = regionImportReliance(converted);
  for (const a of ir.assumptions) assumptions.add(a);

  const supplyConv = supplies.map((s) => {
    const c = converted.find((x) => x.country === s.country)!;
    return { ...s, production: c.production, imports: c.imports };
  });
  const sourcing = regionSourcing({ code, members }, supplyConv, worldMix, {
    concern: opts.concern ?? 'CHN',
  });
  for (const a of sourcing.assumptions) assumptions.add(a);
  if (sourcing.method === 'global-mix' && world)
    assumptions.add(`world production mix: ${m.id}, ${world.period} (${world.source_id})`);
  for (const b of balances)
    for (const n of b.notes) if (/estimate|bound/.test(n)) assumptions.add(`${b.country}: ${n}`);

  const usgs = us?.nir ?? [];
  for (const r of us?.member.rows ?? []) sources.add(r.source_id);
  for (const r of usgs) sources.add(r.source_id);
  const comparable = members.size === 1 && us && usgs.length === 1 ? usgs[0]! : null;
  const comparison: RelianceComparison | null = comparable
    ? {
        trustmap: ir.value,
        usgs: comparable,
        differencePoints:
          !isUnavailable(ir.value) && comparable.value !== null ? (ir.value - comparable.value) * 100 : null,
        explanation: explain(ir.value, comparable, us?.spec ?? null, {
          apparentConsumption: ir.apparentConsumption,
          apparent: us?.apparent ?? null,
          rows: us?.member.rows ?? [],
        }),
      }
    : null;
  return {
    material: { id: m.id, name: m.name, stage: m.stage, commodity: m.commodity, unit: m.unit },
    region: { code, members: [...members].sort() },
    year,
    members: balances,
    importReliance: ir,
    usgs,
    comparison,
    sourcing,
    worldMix: world ? { period: world.period, source_id: world.source_id } : null,
    sources: [...sources].sort(),
    assumptions: [...assumptions],
  };
}

/** All materials with a USGS balance for the US, for ranking or checks. */
export async function usBalanceMaterials(store: StoreOrView): Promise<string[]> {
  const mats = await listMaterials(store);
  const commodities = new Set(
    (await store.db.selectFrom('statistic').select('commodity').distinct().execute()).map((r) => r.commodity),
  );
  return mats.filter((m) => commodities.has(m.commodity)).map((m) => m.id);
}
