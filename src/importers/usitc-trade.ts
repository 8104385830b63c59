import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AGGREGATE_CODES, type Source, ValidationError } from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt, type RowLocation } from './batch.js';
import { resolveCountryName } from './country-names.js';
import { parseNumber, readCsv } from './csv.js';
import type { Importer, ReadOptions } from './importer.js';

export const USITC_FILE = 'usitc_dataweb_us_trade_critical_minerals_hs4.csv';
export const USITC_DESCRIPTIONS_FILE = 'hts4_descriptions.csv';
/** Computed by the repository author from the same data, not official: never read. */
export const USITC_DERIVED_FILE = 'derived_china_share_of_us_imports.csv';

/** Provenance: data/usitc-dataweb-us-trade/PROVENANCE.md. */
export const USITC_SOURCE: Source = {
  id: 'usitc-dataweb-2026',
  publisher: 'U.S. International Trade Commission, DataWeb (underlying data: U.S. Census Bureau)',
  title:
    'U.S. imports for consumption and domestic exports of critical-mineral HS-4 headings by partner ' +
    'country, annual 1993–2025',
  year: 2026,
  url: 'https://dataweb.usitc.gov/',
  file: `usitc-dataweb-us-trade/${USITC_FILE}`,
  licence: 'U.S. government trade statistics — public domain',
  note:
    'DataWeb query downloaded 2026-07-10, copied from GitHub therealjameswilson/critical-minerals-records-stage-v3 ' +
    '(commit 2827f749f29b2fda9d4980a4ba1e37486c45829e); the CSV was generated from the annual sheets of the two ' +
    'workbooks. Only 18 partner countries are broken out and there is no world total: shares computed from ' +
    'these rows are shares of those 18 partners. Values are nominal USD.',
};

/**
 * HS-4 headings that are exactly one trustmap material (ids defined by the USGS importer,
 * `<usgs-commodity-slug>.<stage>`). Everything else keeps `material_id` null and is reachable by
 * `hs_code` only. Left out on purpose: 8112 (Be, Cr, Ge, V, Ga, Hf, In, Nb, Re, Tl together),
 * 2825 (all metal oxides and hydroxides), 2836 (all carbonates), 2805 (alkali metals, rare-earth
 * metals and mercury), 2846 (rare-earth compounds: chemicals, not the USGS mine-stage REO),
 * 2612 (uranium or thorium), 7202 (every ferroalloy), 8505 (all magnets), 2601 iron ore and 2606
 * aluminium ore (no USGS material id we can be sure of), and the unwrought-metal headings of
 * commodities whose USGS chapter has no refinery table (7502 nickel, 7901 zinc, 8001 tin,
 * 8101 tungsten, 8103 tantalum, 8110 antimony).
 */
export const HTS4_MATERIAL: Readonly<Record<string, string>> = {
  // natural graphite only (synthetic graphite is 3801); USGS "Graphite (natural)" mine production
  '2504': 'graphite.mine',
  // manganese ores and concentrates only; USGS manganese mine production
  '2602': 'manganese.mine',
  // copper ores and concentrates only; USGS copper mine production
  '2603': 'copper.mine',
  // cobalt ores and concentrates only; USGS cobalt mine production
  '2605': 'cobalt.mine',
  // tin ores and concentrates only; USGS tin mine production
  '2609': 'tin.mine',
  // chromium ores and concentrates (chromite) only; USGS chromium mine production
  '2610': 'chromium.mine',
  // tungsten ores and concentrates only; USGS tungsten mine production
  '2611': 'tungsten.mine',
  // one element past the ore stage: cobalt mattes and intermediates, unwrought cobalt, powders,
  // articles and scrap; the heading holds no other metal and no ore (ores are 2605)
  '8105': 'cobalt.refined',
  // bismuth metal, articles and scrap: one element, refinery stage (USGS bismuth refinery production)
  '8106': 'bismuth.refined',
};

/** DataWeb partner names the shared name table does not resolve (keys folded to lower case). */
export const USITC_PARTNER_ALIASES: Readonly<Record<string, string>> = {
  'myanmar (burma)': 'MMR',
  // totals, should a query include them (the bundled one does not): kept as the world aggregate
  world: AGGREGATE_CODES.world,
  'world total': AGGREGATE_CODES.world,
  total: AGGREGATE_CODES.world,
};

/** The value measure DataWeb reports for each flow. */
const VALUE_MEASURE: Readonly<Record<string, string>> = {
  imports_for_consumption: 'customs_value_usd',
  domestic_exports: 'fas_value_usd',
};
const QUANTITY_MEASURES = new Set(['first_unit_quantity', 'second_unit_quantity']);

/**
 * The trade_flow `measure` of a DataWeb row. Values: `<flow>.<value measure>`, e.g.
 * `imports_for_consumption.customs_value_usd` (one per partner, heading and year). Quantities:
 * `<flow>.<quantity measure>.<unit>`, e.g. `imports_for_consumption.first_unit_quantity.kilograms`,
 * since one heading may be counted in several units (8505: kilograms and number).
 */
export function usitcMeasure(flow: string, measure: string, unit?: string): string {
  return unit === undefined ? `${flow}.${measure}` : `${flow}.${measure}.${unit.trim().replace(/\s+/g, '_')}`;
}

const REQUIRED = ['flow', 'partner', 'hts4', 'measure', 'quantity_description', 'year', 'value'];

interface ValueSum {
  loc: RowLocation;
  flow: string;
  iso3: string;
  hts4: string;
  year: string;
  measure: string;
  parts: { group: string; value: number | null }[];
}

const fmt = (n: number) => n.toLocaleString('en-US');

function usitcFile(path: string): string {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  if (!statSync(path).isDirectory()) return path;
  const f = join(path, USITC_FILE);
  if (!existsSync(f)) throw new ValidationError([{ file: path, message: `the folder has no ${USITC_FILE}` }]);
  return f;
}

/** Heading descriptions, when the folder has them (only used to check codes and name headings). */
function readDescriptions(dir: string): Map<string, string> | undefined {
  const f = join(dir, USITC_DESCRIPTIONS_FILE);
  if (!existsSync(f)) return undefined;
  const t = readCsv(f, { required: ['hts4', 'hts_description'] });
  return new Map(t.rows.map((r) => [r.record.hts4!.trim(), r.record.hts_description!.trim()]));
}

/**
 * Reads the USITC DataWeb extract into `trade_flow` rows, reported by the USA: imports for
 * consumption run partner → USA, domestic exports USA → partner. DataWeb splits a heading's value by
 * the quantity unit of its HTS-10 lines ("Value for: kilograms", "Value for: number", …); those parts
 * are added into one value row per (flow, partner, heading, year), the parts named in `note`.
 * Quantities stay one row per unit. A suppressed quantity is null, with a note; DataWeb's
 * `<year>_Suppressed` figure on a published quantity is kept in the note.
 */
export function readUsitcTrade(path: string, opts: ReadOptions = {}): ImportBatch {
  const file = usitcFile(path);
  const dir = statSync(path).isDirectory() ? path : undefined;
  const label = basename(file);
  const table = readCsv(file, { label, required: REQUIRED });
  const descriptions = dir ? readDescriptions(dir) : undefined;
  const b = new BatchBuilder('usitc-trade', path, opts.cap);
  b.source({ ...USITC_SOURCE });

  const values = new Map<string, ValueSum>();
  const partners = new Set<string>();
  const headings = new Set<string>();
  let quantityRows = 0;
  let suppressedNull = 0;
  let suppressedNoted = 0;
  let minYear = Number.POSITIVE_INFINITY;
  let maxYear = 0;
  const total = table.rows.length;

  for (let i = 0; i < total; i++) {
    const { line, record: r } = table.rows[i]!;
    if (opts.onProgress && i % 5000 === 0) opts.onProgress(i, total);
    const loc = { file: label, row: line };
    let ok = true;
    const bad = (column: string, message: string) => {
      b.issues.add(issueAt(loc, column, message));
      ok = false;
    };

    const flow = r.flow!.trim();
    if (!(flow in VALUE_MEASURE))
      bad('flow', `expected imports_for_consumption or domestic_exports, got ${JSON.stringify(flow)}`);
    const partner = r.partner!.trim();
    const iso3 = resolveCountryName(partner, USITC_PARTNER_ALIASES);
    if (!iso3) bad('partner', `unknown partner ${JSON.stringify(partner)}; add it to USITC_PARTNER_ALIASES`);
    const published = r.partner_iso3?.trim();
    if (iso3 && published && published !== iso3) {
      bad('partner_iso3', `${JSON.stringify(published)} does not match ${partner} (${iso3})`);
    }
    const hts4 = r.hts4!.trim();
    if (!/^\d{4}$/.test(hts4)) bad('hts4', `expected a 4-digit HTS heading, got ${JSON.stringify(hts4)}`);
    else if (descriptions && !descriptions.has(hts4)) {
      bad('hts4', `heading ${hts4} is not in ${USITC_DESCRIPTIONS_FILE}`);
    }
    const year = r.year!.trim();
    if (!/^(19|20)\d{2}$/.test(year)) bad('year', `expected a year, got ${JSON.stringify(year)}`);
    const measure = r.measure!.trim();
    const isValue = measure === VALUE_MEASURE[flow];
    if (!isValue && !QUANTITY_MEASURES.has(measure)) {
      bad('measure', `${JSON.stringify(measure)} is not a measure of ${flow || 'this flow'}`);
    }
    const description = r.quantity_description!.trim();
    const group = isValue ? /^Value for: (.+)$/.exec(description)?.[1] : description;
    if (!group)
      bad(
        'quantity_description',
        `expected "Value for: <unit>" or a unit, got ${JSON.stringify(description)}`,
      );

    const rawValue = r.value!.trim();
    const value = parseNumber(rawValue);
    if (value !== null && (Number.isNaN(value) || value < 0)) {
      bad('value', `expected a non-negative number, got ${JSON.stringify(rawValue)}`);
    }
    const suppressedRaw = r.suppressed_raw?.trim() ?? '';
    const suppressed = suppressedRaw === '' ? 0 : Number(suppressedRaw);
    if (!Number.isInteger(suppressed) || suppressed < 0) {
      bad('suppressed_raw', `expected a count, got ${JSON.stringify(suppressedRaw)}`);
    }
    if (!ok) continue;

    partners.add(iso3!);
    headings.add(hts4);
    const y = Number(year);
    if (y < minYear) minYear = y;
    if (y > maxYear) maxYear = y;
    const imports = flow === 'imports_for_consumption';
    const ends = { exporter: imports ? iso3 : 'USA', importer: imports ? 'USA' : iso3 };

    if (isValue) {
      const key = `${flow}|${iso3}|${hts4}|${year}|${measure}`;
      let sum = values.get(key);
      if (!sum) {
        sum = { loc, flow, iso3: iso3!, hts4, year, measure, parts: [] };
        values.set(key, sum);
      }
      if (sum.parts.some((p) => p.group === group)) {
        bad('quantity_description', `a second "${description}" row for ${partner} ${hts4} ${year}`);
        continue;
      }
      sum.parts.push({ group: group!, value });
      continue;
    }

    // A quantity DataWeb suppressed is published as 0 (rows whose quantity is truly zero and not
    // suppressed were dropped by the extract), so 0 with a suppression count means "withheld".
    let quantity = value;
    let note: string | null = null;
    if (value === null || (value === 0 && suppressed > 0)) {
      quantity = null;
      suppressedNull++;
      note = `quantity suppressed by DataWeb (${year}_Suppressed = ${suppressedRaw || 'blank'})`;
    } else if (suppressed > 0) {
      suppressedNoted++;
      note =
        `DataWeb ${year}_Suppressed = ${suppressed} for this quantity: part of it may be withheld ` +
        '(the workbook does not define the figure)';
    }
    if (
      b.add(
        'trade_flow',
        {
          material_id: HTS4_MATERIAL[hts4] ?? null,
          hs_code: hts4,
          ...ends,
          reporter: 'USA',
          period: year,
          measure: usitcMeasure(flow, measure, group),
          quantity,
          quantity_unit: group,
          value: null,
          currency: null,
          source_id: USITC_SOURCE.id,
          illustrative: false,
          note,
        },
        loc,
      )
    ) {
      quantityRows++;
    }
  }

  let summed = 0;
  let valueRows = 0;
  for (const s of values.values()) {
    const missing = s.parts.filter((p) => p.value === null);
    const value = missing.length ? null : s.parts.reduce((a, p) => a + p.value!, 0);
    let note: string | null = null;
    if (s.parts.length > 1) {
      summed++;
      note =
        `sum of ${s.parts.length} DataWeb unit groups: ` +
        s.parts.map((p) => `${p.group} ${p.value === null ? 'suppressed' : fmt(p.value)}`).join('; ');
    }
    if (missing.length) {
      note =
        `value suppressed by DataWeb for ${missing.map((p) => p.group).join(', ')}; no total given` +
        (note ? ` (${note})` : '');
    }
    const imports = s.flow === 'imports_for_consumption';
    if (
      b.add(
        'trade_flow',
        {
          material_id: HTS4_MATERIAL[s.hts4] ?? null,
          hs_code: s.hts4,
          exporter: imports ? s.iso3 : 'USA',
          importer: imports ? 'USA' : s.iso3,
          reporter: 'USA',
          period: s.year,
          measure: usitcMeasure(s.flow, s.measure),
          quantity: null,
          quantity_unit: null,
          value,
          currency: 'USD',
          source_id: USITC_SOURCE.id,
          illustrative: false,
          note,
        },
        s.loc,
      )
    ) {
      valueRows++;
    }
  }
  opts.onProgress?.(total, total);

  const unmapped = [...headings].filter((h) => !(h in HTS4_MATERIAL)).sort();
  if (unmapped.length) {
    b.warn(
      `${unmapped.length} headings are not one material and keep material_id null (use hs_code): ` +
        unmapped
          .map((h) => (descriptions?.get(h) ? `${h} ${descriptions.get(h)!.slice(0, 40)}` : h))
          .join('; '),
    );
  }
  if (!partners.has(AGGREGATE_CODES.world)) {
    b.warn(
      `${label}: no world-total rows; the ${partners.size} partners broken out are all the data, so any share ` +
        'computed from them is a share of those partners, not of total U.S. trade',
    );
  }
  if (dir && existsSync(join(dir, USITC_DERIVED_FILE))) {
    b.warn(`${USITC_DERIVED_FILE} not read: derived by the repository author, not official`);
  }
  if (suppressedNull) b.warn(`${label}: ${suppressedNull} suppressed quantities read as null (see note)`);
  b.metric('rows_read', total);
  b.metric('value_rows', valueRows);
  b.metric('value_rows_summed_from_unit_groups', summed);
  b.metric('quantity_rows', quantityRows);
  b.metric('quantities_suppressed_null', suppressedNull);
  b.metric('quantities_with_suppression_note', suppressedNoted);
  b.metric('partners', partners.size);
  b.metric('headings', headings.size);
  b.metric('headings_mapped_to_material', headings.size - unmapped.length);
  if (maxYear) {
    b.metric('first_year', minYear);
    b.metric('last_year', maxYear);
  }
  return b.build();
}

export const usitcTradeImporter: Importer = {
  format: 'usitc-trade',
  description:
    'USITC DataWeb U.S. imports and domestic exports by partner for critical-mineral HS-4 headings',
  detect(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) return existsSync(join(path, USITC_FILE));
    if (!path.toLowerCase().endsWith('.csv')) return false;
    const head = readFileSync(path)
      .subarray(0, 200)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return head.startsWith('flow,partner,partner_iso3,hts4,measure');
  },
  read: async (path, opts) => readUsitcTrade(path, opts),
};
