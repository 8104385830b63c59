import { readFileSync } from 'node:fs';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { costGap, type LandedCost, type SupplierCost } from '../engine/econ/cost-gap.js';
import {
  CostInputs,
  type DutyEntry,
  dutiesFor,
  type FreightEntry,
  freightFor,
} from '../engine/econ/cost-inputs.js';
import { HTS4_MATERIAL, USITC_SOURCE } from '../importers/usitc-trade.js';
import { type Issue, type Material, ValidationError } from '../model/index.js';
import { regionMembers, resolveMaterials } from '../store/queries.js';
import type { StoreOrView } from '../store/read-view.js';
import { viewOf } from '../store/scoped-repository.js';
import { sourcingReport, unitFactor } from './sourcing.js';

/**
 * Cost gap of trusted suppliers in the US market (`trustmap costgap`, docs/economics.md): unit
 * values from USITC DataWeb (US imports for consumption by partner: customs value / quantity; the
 * US itself: domestic exports FAS value / quantity), freight and duties from a cost-inputs file,
 * the demand level from USGS US apparent consumption or, failing that, the USITC imports.
 */
export type Unavailable = { unavailable: string };

export interface CostGapOptions {
  /** trusted region (default TRUST) */
  region?: string;
  /** data year (default: the newest with trade values for the heading) */
  year?: number;
  /** demand level: US apparent consumption (default, falls back to imports) or US imports */
  demand?: 'consumption' | 'imports';
  /** share of the year's import quantity below which a partner cannot be the benchmark */
  minShare?: number;
  /** cost inputs, already parsed, and the file they came from */
  inputs: CostInputs;
  inputsFile: string;
}

export interface SupplierRow extends Partial<LandedCost> {
  supplier: string;
  trusted: boolean;
  /** quantity in the year, in `quantityUnit` */
  quantity: number | null;
  /** share of the year's US import quantity from the partners broken out (null for the US itself) */
  importShare: number | null;
  basis: 'us-import-unit-value' | 'us-domestic-export-unit-value';
  unitValueUnavailable?: string;
  flags: string[];
  inputs: { freight: string; duties: string[] };
}

export interface CostGapReport {
  material: Pick<Material, 'id' | 'name' | 'stage' | 'basis' | 'unit'>;
  market: 'USA';
  currency: 'USD';
  region: { code: string; members: string[] };
  hsHeading: string | null;
  year: number | null;
  /** the unit every per-unit figure is per (the trade statistics' quantity unit) */
  quantityUnit: string | null;
  quantityMeasure: string | null;
  suppliers: SupplierRow[];
  benchmark: { supplier: string; landed: number } | Unavailable;
  cheapest: { supplier: string; landed: number; trusted: boolean } | null;
  /** per trusted supplier; lowVolume: its unit value rests on a small quantity */
  options: (ReturnType<typeof costGap>['options'][number] & { lowVolume: boolean })[];
  demand:
    | {
        basis: 'us-apparent-consumption' | 'us-imports';
        quantity: number;
        unit: string;
        year: number;
        description: string;
      }
    | Unavailable;
  unavailable?: string;
  inputs: { id: string; file: string; illustrative: string[] };
  sources: string[];
  assumptions: string[];
}

export const COST_GAP_DEFAULTS = { region: 'TRUST', minShare: 0.01 } as const;

const inputsCheck = TypeCompiler.Compile(CostInputs);

/** Parses and checks a cost-inputs object; errors name the file and field. */
export function validateCostInputs(input: unknown, file: string): CostInputs {
  const issues: Issue[] = [];
  for (const e of inputsCheck.Errors(input)) {
    issues.push({ file, column: e.path.replace(/^\//, ''), message: e.message });
    if (issues.length >= 50) break;
  }
  if (issues.length) throw new ValidationError(issues);
  const v = input as CostInputs;
  const uncited = (e: FreightEntry | DutyEntry, at: string) => {
    if (!e.illustrative && !e.source)
      issues.push({ file, column: `${at}/source`, message: 'cite a source or set "illustrative": true' });
    if ('from_year' in e && e.from_year !== undefined && e.to_year !== undefined && e.to_year < e.from_year)
      issues.push({
        file,
        column: `${at}/to_year`,
        message: `to_year ${e.to_year} is before from_year ${e.from_year}`,
      });
  };
  uncited(v.domestic_freight, 'domestic_freight');
  v.freight.forEach((e, i) => {
    uncited(e, `freight/${i}`);
  });
  v.duties.forEach((e, i) => {
    uncited(e, `duties/${i}`);
  });
  if (v.market !== 'USA')
    issues.push({
      file,
      column: 'market',
      message: `only the US market has bilateral unit values in the bundled data, got ${v.market}`,
    });
  if (v.currency !== 'USD')
    issues.push({ file, column: 'currency', message: `USITC values are in USD, got ${v.currency}` });
  if (issues.length) throw new ValidationError(issues);
  return v;
}

export function readCostInputs(file: string): CostInputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ValidationError([{ file, message: `not readable JSON: ${(e as Error).message}` }]);
  }
  return validateCostInputs(parsed, file);
}

const HEADING_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(HTS4_MATERIAL).map(([hs, id]) => [id, hs]),
);

/** The USITC heading that is exactly this material, if any. */
export function headingOf(materialId: string): string | null {
  return HEADING_OF[materialId] ?? null;
}

/** Quantity measures to try, best first: content units for content-basis materials. */
export function quantityPreferences(m: Material): { suffix: string; unit: string; group: string }[] {
  const gross = [
    { suffix: 'first_unit_quantity.kilograms', unit: 'kg', group: 'kilograms' },
    { suffix: 'first_unit_quantity.metric_tons', unit: 't', group: 'metric tons' },
  ];
  const content = [
    { suffix: 'first_unit_quantity.component_kilograms', unit: 'kg', group: 'component kilograms' },
    { suffix: 'second_unit_quantity.component_kilograms', unit: 'kg', group: 'kilograms' },
    { suffix: 'second_unit_quantity.component_tons', unit: 't', group: 'metric tons' },
  ];
  return m.basis === 'gross_weight' ? gross : [...content, ...gross];
}

interface FlowRow {
  exporter: string;
  importer: string;
  measure: string;
  quantity: number | null;
  value: number | null;
  note: string | null;
}

/** The value of unit group `group` in a DataWeb value row (summed groups are listed in `note`). */
export function valueOfGroup(
  row: { value: number | null; note: string | null },
  group: string,
  onlyGroup: boolean,
): number | null {
  const m = /sum of \d+ DataWeb unit groups: (.*?)\)?$/.exec(row.note ?? '');
  if (m) {
    for (const part of m[1]!.split('; ')) {
      const g = /^(.*) ([\d,.]+|suppressed)$/.exec(part);
      if (g && g[1] === group) return g[2] === 'suppressed' ? null : Number(g[2]!.replace(/,/g, ''));
    }
    return null;
  }
  if (/^value suppressed/.test(row.note ?? '')) return null;
  return onlyGroup ? row.value : null;
}

async function flows(store: StoreOrView, hs: string, year: number): Promise<FlowRow[]> {
  return viewOf(store)
    .from('trade_flow')
    .select(['exporter', 'importer', 'measure', 'quantity', 'value', 'note'])
    .where('reporter', '=', 'USA')
    .where('hs_code', '=', hs)
    .where('period', '=', String(year))
    .execute();
}

async function newestYear(store: StoreOrView, hs: string): Promise<number | null> {
  const r = await viewOf(store)
    .from('trade_flow')
    .select((eb) => eb.fn.max('period').as('y'))
    .where('reporter', '=', 'USA')
    .where('hs_code', '=', hs)
    .where('measure', '=', 'imports_for_consumption.customs_value_usd')
    .executeTakeFirst();
  return r?.y ? Number(r.y) : null;
}

/** Unit value per partner for one flow and quantity measure. */
function unitValues(
  rows: FlowRow[],
  flow: string,
  pref: { suffix: string; group: string },
  partnerOf: (r: FlowRow) => string,
) {
  const out = new Map<string, { quantity: number | null; value: number | null; why?: string }>();
  const qRows = rows.filter((r) => r.measure.startsWith(`${flow}.`) && r.measure.includes('_quantity.'));
  const vRows = rows.filter(
    (r) =>
      r.measure === `${flow}.${flow === 'imports_for_consumption' ? 'customs_value_usd' : 'fas_value_usd'}`,
  );
  for (const q of qRows.filter((r) => r.measure === `${flow}.${pref.suffix}`)) {
    const p = partnerOf(q);
    const v = vRows.find((r) => partnerOf(r) === p);
    const firstUnits = new Set(
      qRows
        .filter((r) => partnerOf(r) === p && r.measure.includes('.first_unit_quantity.'))
        .map((r) => r.measure),
    );
    const onlyGroup =
      firstUnits.size === 1 && [...firstUnits][0]!.endsWith(`.${pref.group.replace(/ /g, '_')}`);
    const value = v ? valueOfGroup(v, pref.group, onlyGroup) : null;
    out.set(p, {
      quantity: q.quantity,
      value,
      why:
        q.quantity === null
          ? 'quantity suppressed by DataWeb'
          : !v
            ? 'no customs value row'
            : value === null
              ? `the value of the "${pref.group}" unit group cannot be told apart from the heading's other unit groups`
              : undefined,
    });
  }
  return out;
}

function describeFreight(e: FreightEntry | null): string {
  if (!e) return 'none';
  return `${(e.ad_valorem * 100).toFixed(1)} %${e.per_unit ? ` + ${e.per_unit}/unit` : ''}${e.illustrative ? ' (illustrative)' : ''}`;
}
function describeDuty(e: DutyEntry): string {
  const src = e.source ? `${e.source.publisher}, ${e.source.year}` : 'no source';
  return `${e.kind === 'mfn' ? 'general' : 'additional'} ${(e.ad_valorem * 100).toFixed(1)} % (${e.hs}/${e.origin}; ${src}${e.illustrative ? '; illustrative' : ''})`;
}

/** US apparent consumption (P + M − E, USGS) in kg, or why not. */
async function usConsumption(
  store: StoreOrView,
  m: Material,
  year: number,
  unit: string,
): Promise<CostGapReport['demand'] & { sources?: string[] }> {
  const rep = await sourcingReport(store, m, { region: 'USA', year });
  if (rep.year !== String(year))
    return { unavailable: `no USGS salient statistics for ${year} (nearest ${rep.year})` };
  const us = rep.members.find((x) => x.country === 'USA');
  if (!us?.unit) return { unavailable: 'no USGS US balance for this material' };
  const f = unitFactor(us.unit, unit);
  if (f === null) return { unavailable: `USGS unit ${us.unit} does not convert to ${unit}` };
  const [P, M, E] = [us.production, us.imports, us.exports];
  if (typeof P !== 'number' || typeof M !== 'number' || typeof E !== 'number') {
    const why = [P, M, E].find((x) => typeof x !== 'number') as Unavailable | undefined;
    return {
      unavailable: `US apparent consumption: ${why?.unavailable ?? 'production, imports or exports missing'}`,
    };
  }
  const D = (P + M - E) * f;
  if (!(D > 0)) return { unavailable: `US apparent consumption is ${D} (net exporter)` };
  return {
    basis: 'us-apparent-consumption',
    quantity: D,
    unit,
    year,
    description: `US apparent consumption = production + imports − exports (USGS MCS, ${year}, ${us.unit} converted to ${unit})`,
    sources: rep.sources,
  };
}

export async function costGapReport(
  store: StoreOrView,
  m: Material,
  opts: CostGapOptions,
): Promise<CostGapReport> {
  const code = (opts.region ?? COST_GAP_DEFAULTS.region).toUpperCase();
  const members = await regionMembers(store, code);
  const minShare = opts.minShare ?? COST_GAP_DEFAULTS.minShare;
  const sources = new Set<string>();
  const assumptions = new Set<string>();
  const illustrative = new Set<string>();
  const lowVolume = new Set<string>();
  const used = new Set<NonNullable<FreightEntry['source']>>();
  const hs = HEADING_OF[m.id] ?? null;
  const report: CostGapReport = {
    material: { id: m.id, name: m.name, stage: m.stage, basis: m.basis, unit: m.unit },
    market: 'USA',
    currency: 'USD',
    region: { code, members: [...members].sort() },
    hsHeading: hs,
    year: null,
    quantityUnit: null,
    quantityMeasure: null,
    suppliers: [],
    benchmark: { unavailable: 'no unit values' },
    cheapest: null,
    options: [],
    demand: { unavailable: 'no unit values' },
    inputs: { id: opts.inputs.id, file: opts.inputsFile, illustrative: [] },
    sources: [],
    assumptions: [],
  };
  if (!hs) {
    report.unavailable =
      `no trade heading in the bundled data is exactly ${m.id} (USITC headings mapped one to one: ` +
      `${Object.values(HTS4_MATERIAL).join(', ')}), so no unit value per supplier exists`;
    return report;
  }
  const year = opts.year ?? (await newestYear(store, hs));
  report.year = year;
  if (year === null) {
    report.unavailable = `no US import values for HTS ${hs}`;
    return report;
  }
  const rows = await flows(store, hs, year);
  if (!rows.length) {
    report.unavailable = `no US trade rows for HTS ${hs} in ${year}`;
    return report;
  }
  sources.add(USITC_SOURCE.id);
  // quantity measure: the preferred one that most partners report
  let pick = quantityPreferences(m)[0]!;
  let best = -1;
  for (const p of quantityPreferences(m)) {
    const n = rows.filter(
      (r) => r.measure === `imports_for_consumption.${p.suffix}` && r.quantity !== null,
    ).length;
    if (n > best) {
      best = n;
      pick = p;
    }
  }
  report.quantityUnit = pick.unit;
  report.quantityMeasure = pick.suffix;
  if (m.basis !== 'gross_weight' && !pick.suffix.includes('component'))
    assumptions.add(
      `${m.id} is counted as ${m.basis.replace(/_/g, ' ')} but DataWeb gives no content quantity for HTS ${hs}: unit values are per ${pick.unit} gross weight`,
    );
  if (pick.suffix.startsWith('second_unit'))
    assumptions.add(
      `unit values divide the customs value of the "${pick.group}" unit group by its second quantity (${pick.suffix.split('.')[1]}): per ${pick.unit} of content`,
    );

  const imports = unitValues(rows, 'imports_for_consumption', pick, (r) => r.exporter);
  const exportsUs = unitValues(rows, 'domestic_exports', pick, () => 'USA');
  const totalQ = [...imports.values()].reduce((a, x) => a + (x.quantity ?? 0), 0);
  const inputs: SupplierCost[] = [];
  const addSupplier = (
    supplier: string,
    x: { quantity: number | null; value: number | null; why?: string },
    basis: SupplierRow['basis'],
  ) => {
    const trusted = members.has(supplier);
    const domestic = supplier === 'USA';
    const fr = domestic ? opts.inputs.domestic_freight : freightFor(opts.inputs, hs, supplier);
    const du = domestic ? null : dutiesFor(opts.inputs, hs, supplier, year);
    if (fr?.illustrative)
      illustrative.add(
        `freight ${domestic ? '(domestic)' : `${fr.origin}/${fr.hs}`}: ${describeFreight(fr)}`,
      );
    for (const e of [fr, ...(du ? [...(du.mfn ? [du.mfn] : []), ...du.additional] : [])]) {
      if (e?.source) used.add(e.source);
      if (e && 'kind' in e && e.illustrative) illustrative.add(`duty ${describeDuty(e as DutyEntry)}`);
    }
    const share = domestic || totalQ === 0 || x.quantity === null ? null : x.quantity / totalQ;
    // the US's own volume (domestic exports) is compared with the year's imports, as a scale check
    const scale = totalQ > 0 && x.quantity !== null ? x.quantity / totalQ : null;
    if (domestic && scale !== null && scale < minShare) lowVolume.add(supplier);
    if (!domestic && share !== null && share < minShare) lowVolume.add(supplier);
    const unitValue = x.value !== null && x.quantity ? x.value / x.quantity : null;
    const flags: string[] = [];
    if (share !== null && share < minShare)
      flags.push(
        `${(share * 100).toFixed(2)} % of the year's imports: below the ${(minShare * 100).toFixed(1)} % needed to serve as the benchmark; its unit value may not be a commercial price`,
      );
    if (domestic)
      flags.push(
        "proxy: US domestic exports' FAS unit value stands for the US producer's price (exports may differ in grade from what US buyers get)",
      );
    report.suppliers.push({
      supplier,
      trusted,
      quantity: x.quantity,
      importShare: share,
      basis,
      ...(unitValue === null ? { unitValueUnavailable: x.why ?? 'no quantity' } : {}),
      flags,
      inputs: {
        freight: describeFreight(fr),
        duties: du ? [...(du.mfn ? [du.mfn] : []), ...du.additional].map(describeDuty) : ['none (domestic)'],
      },
    });
    inputs.push({
      supplier,
      trusted,
      unitValue,
      freightAdValorem: fr?.ad_valorem ?? 0,
      freightPerUnit: fr?.per_unit ?? 0,
      dutyAdValorem: du?.adValorem ?? 0,
      dutyPerUnit: du?.perUnit ?? 0,
      eligible: domestic || (share !== null && share >= minShare),
    });
  };
  for (const [p, x] of imports) addSupplier(p, x, 'us-import-unit-value');
  const us = exportsUs.get('USA');
  if (members.has('USA')) {
    if (us) addSupplier('USA', us, 'us-domestic-export-unit-value');
    else
      report.suppliers.push({
        supplier: 'USA',
        trusted: true,
        quantity: null,
        importShare: null,
        basis: 'us-domestic-export-unit-value',
        unitValueUnavailable: `no US domestic exports of HTS ${hs} in ${year} in ${pick.group}`,
        flags: [],
        inputs: { freight: '–', duties: [] },
      });
  }

  // demand level
  let demand: CostGapReport['demand'] = { unavailable: 'not computed' };
  if ((opts.demand ?? 'consumption') === 'consumption') {
    const c = await usConsumption(store, m, year, pick.unit);
    if (!('unavailable' in c)) {
      for (const s of c.sources ?? []) sources.add(s);
      const { sources: _s, ...rest } = c;
      demand = rest as CostGapReport['demand'];
    } else {
      assumptions.add(`demand level: US imports, since ${c.unavailable}`);
    }
  }
  if ('unavailable' in demand) {
    demand =
      totalQ > 0
        ? {
            basis: 'us-imports',
            quantity: totalQ,
            unit: pick.unit,
            year,
            description: `US imports for consumption of HTS ${hs} from the 18 partners DataWeb breaks out (USITC, ${year}); not total US imports`,
          }
        : { unavailable: `no US import quantity for HTS ${hs} in ${year}` };
  }
  report.demand = demand;

  const r = costGap(inputs, 'unavailable' in demand ? null : demand.quantity);
  for (const row of report.suppliers) {
    const l = r.landed.find((x) => x.supplier === row.supplier);
    if (l)
      Object.assign(row, {
        unitValue: l.unitValue,
        freight: l.freight,
        duty: l.duty,
        landed: l.landed,
        eligible: l.eligible,
      });
  }
  report.suppliers.sort(
    (a, b) => (a.landed ?? Number.POSITIVE_INFINITY) - (b.landed ?? Number.POSITIVE_INFINITY),
  );
  report.benchmark = r.benchmark
    ? { supplier: r.benchmark.supplier, landed: r.benchmark.landed }
    : {
        unavailable: `no non-trusted partner with a unit value and ≥ ${(minShare * 100).toFixed(1)} % of US imports of HTS ${hs} in ${year}`,
      };
  report.cheapest = r.cheapest
    ? { supplier: r.cheapest.supplier, landed: r.cheapest.landed, trusted: r.cheapest.trusted }
    : null;
  report.options = r.options.map((o) => ({ ...o, lowVolume: lowVolume.has(o.supplier) }));
  if (report.options.some((o) => o.lowVolume))
    assumptions.add(
      `options marked lowVolume rest on a unit value from less than ${(minShare * 100).toFixed(1)} % of the year's import quantity: it may be a specialty or scrap price, not what a scaled-up supplier would charge`,
    );
  const trustedRows = report.suppliers.filter((s) => s.trusted);
  if (!trustedRows.length)
    assumptions.add(`no supplier of region ${code} appears in the US trade data for HTS ${hs} in ${year}`);

  assumptions.add(
    'production cost proxied by the published unit value: US customs value / quantity (imports, by partner; excludes international freight, insurance and US duty) and FAS value / quantity (US domestic exports)',
  );
  assumptions.add(
    'static, first-order: no price response of demand or supply, no capacity limit of the trusted supplier; each instrument is costed as the gap × the demand level (subsidy paid by the government, minimum price and tariff by buyers; tariff revenue not estimated)',
  );
  assumptions.add(
    `the benchmark is the cheapest non-trusted partner with ≥ ${(minShare * 100).toFixed(1)} % of the year's import quantity; DataWeb breaks out 18 partners only`,
  );
  for (const s of illustrative) assumptions.add(`illustrative input: ${s}`);
  report.inputs.illustrative = [...illustrative];
  for (const c of used) sources.add(`${c.publisher}: ${c.title} (${c.year})${c.url ? ` ${c.url}` : ''}`);
  report.sources = [...sources];
  report.assumptions = [...assumptions];
  return report;
}

/** Every material the query names (a commodity may name several; those without a heading say so). */
export async function costGapReports(
  store: StoreOrView,
  query: string,
  opts: CostGapOptions,
): Promise<CostGapReport[]> {
  const mats = await resolveMaterials(store, query);
  const withHeading = mats.filter((m) => HEADING_OF[m.id]);
  const out: CostGapReport[] = [];
  for (const m of withHeading.length ? withHeading : mats) out.push(await costGapReport(store, m, opts));
  return out;
}
