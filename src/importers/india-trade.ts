import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AGGREGATE_CODES, normalisePeriod, type Source, ValidationError } from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt, type RowLocation } from './batch.js';
import { CitedSources } from './cited-sources.js';
import { isKnownIso3, resolveCountryName } from './country-names.js';
import { type CsvTable, findCsv, parseNumber, readCsv, readMaybeGzip } from './csv.js';
import type { Importer, ReadOptions } from './importer.js';

/**
 * India's trade in pharmaceutical inputs and critical minerals, from DGCI&S's Export Import Data
 * Bank (EIDB) extracts and hand-transcribed parliamentary / press figures (data/india-trade/
 * PROVENANCE.md). Every record cites DGCI&S or the page that quoted the figure.
 */

/** The published file names, as bundled under data/india-trade/. */
export const INDIA_TRADE_FILES = {
  hs8Pharma: 'eidb_exports_hs8_pharma_by_destination.csv',
  hs8Minerals: 'eidb_exports_hs8_minerals_by_destination.csv',
  hs8Descriptions: 'eidb_hs8_descriptions.csv',
  mineralsByPartner: 'eidb_minerals_trade_by_partner_hs4.csv',
  hs2ChinaWorld: 'eidb_hs2_trade_china_world_fy1996_2020.csv',
  parliament: 'parliament_press_figures_bulk_drugs_minerals.csv',
} as const;

/** The attribution PROVENANCE.md asks for on every use of the EIDB figures. */
export const DGCIS_ATTRIBUTION =
  'Source: DGCI&S, Ministry of Commerce & Industry, Export Import Data Bank (tradestat.commerce.gov.in)';

const DGCIS_PUBLISHER =
  'Directorate General of Commercial Intelligence and Statistics (DGCI&S), Department of Commerce, Government of India';

const DGCIS_LICENCE =
  `Government of India official trade statistics; attribution required: "${DGCIS_ATTRIBUTION}". ` +
  'The GitHub copies have no licence file and TradeStat reuse terms were not checked: check them before public redistribution';

/** Where India's data stop: said in every import report and in the sources' notes. */
export const INDIA_DATA_GAP =
  "India's imports of APIs / KSMs by partner at HS-4 or HS-8 are NOT in the bundled data (no public copy with clear " +
  'terms was found). Pharmaceutical imports exist only as HS-2 chapter totals from China and from the world ' +
  '(ch. 28/29/30, FY1996-97 to FY2019-20) and as aggregate "bulk drugs and drug intermediates" figures quoted ' +
  "from Parliament; bilateral views of India's API/KSM imports are therefore unavailable. The HS-8 files are exports only.";

const ROUNDED_NOTE = 'EIDB prints 0.00 US$ million: below US$ 5,000, not zero (value left null)';

export const INDIA_TRADE_SOURCES = {
  hs8Pharma: {
    id: 'dgcis-eidb-hs8-exports-pharma',
    publisher: DGCIS_PUBLISHER,
    title:
      'Export Import Data Bank: commodity-wise all-countries exports, HS-8 pharmaceutical lines ' +
      '(2922–2942, 3001–3004), FY2017-18 to FY2024-25',
    year: 2025,
    url: 'https://tradestat.commerce.gov.in/eidb/commodity_wise_all_countries_export',
    file: `india-trade/${INDIA_TRADE_FILES.hs8Pharma}; india-trade/${INDIA_TRADE_FILES.hs8Descriptions}`,
    licence: DGCIS_LICENCE,
    note:
      `${DGCIS_ATTRIBUTION}. EIDB last updated 2025-10-21; scraped 2026-01 by GitHub ` +
      'dassoumyajitsenrysa-dataminer/tradestat-ingestor (commit 33a3bd22bafcf054862b6afc626fa9c9628cebbd). ' +
      'Exports only (India → destination), re-exports included. 0.00 means below US$ 5,000 (value null here). ' +
      'HS-8 series break at the ITC-HS revisions of April 2019 and April 2022: sum to HS-4 for time series. ' +
      'Values in ₹ crore (value_inr_crore) are not imported: they are the same flows in another currency. ' +
      INDIA_DATA_GAP,
  },
  hs8Minerals: {
    id: 'dgcis-eidb-hs8-exports-minerals',
    publisher: DGCIS_PUBLISHER,
    title:
      'Export Import Data Bank: commodity-wise all-countries exports, HS-8 lines of 25 critical-mineral ' +
      'headings, FY2017-18 to FY2024-25',
    year: 2025,
    url: 'https://tradestat.commerce.gov.in/eidb/commodity_wise_all_countries_export',
    file: `india-trade/${INDIA_TRADE_FILES.hs8Minerals}; india-trade/${INDIA_TRADE_FILES.hs8Descriptions}`,
    licence: DGCIS_LICENCE,
    note:
      `${DGCIS_ATTRIBUTION}. EIDB last updated 2025-10-21; scraped 2026-01 by GitHub ` +
      'dassoumyajitsenrysa-dataminer/tradestat-ingestor (commit 33a3bd22bafcf054862b6afc626fa9c9628cebbd). ' +
      'Exports only, re-exports included (e.g. lithium carbonate to Russia). 0.00 means below US$ 5,000 ' +
      '(value null here). Values in ₹ crore are not imported.',
  },
  mineralsByPartner: {
    id: 'dgcis-eidb-minerals-trade-hs4',
    publisher: DGCIS_PUBLISHER,
    title:
      'Export Import Data Bank: commodity-wise all-countries imports and exports of HS 2504, 2603, 2825, ' +
      '2836.9, 3801, 7403, 7408, FY2017-18 to FY2024-25',
    year: 2025,
    url: 'https://tradestat.commerce.gov.in/',
    file: `india-trade/${INDIA_TRADE_FILES.mineralsByPartner}`,
    licence: DGCIS_LICENCE,
    note:
      `${DGCIS_ATTRIBUTION}. Downloaded per heading and year as EIDB xlsx reports and parsed by GitHub ` +
      'hkj13/mineral-forecasting-judges (commit 1d82fe5cb40b1bea2d17324e1092c5170fe9e285). No quantities. ' +
      'The repo labels are too narrow: 2825 is the whole heading (hydrazine, inorganic bases, metal ' +
      'oxides/hydroxides), 28369 is all of 2836.9x (lithium, strontium and other carbonates), 3801 is ' +
      'artificial graphite, 7408 copper wire. No material is attached for that reason.',
  },
  hs2ChinaWorld: {
    id: 'dgcis-eidb-hs2-china-world',
    publisher: DGCIS_PUBLISHER,
    title:
      'Export Import Data Bank (old interface): India imports and exports by HS-2 chapter, from/to China ' +
      'and the world, FY1996-97 to FY2019-20',
    year: 2020,
    url: 'https://tradestat.commerce.gov.in/',
    file: `india-trade/${INDIA_TRADE_FILES.hs2ChinaWorld}`,
    licence: DGCIS_LICENCE,
    note:
      `${DGCIS_ATTRIBUTION}. Saved EIDB report pages (dated 4/6/2020–22/7/2020) from GitHub aidatabases/ICTD ` +
      '(commit 5111f3c4b1ffbac6fb97e3cfcb0ad1e10195f83f). Chapter level only (29 all organic chemicals, 30 all ' +
      'pharmaceutical products). FY2019-20 imports are the sum of 12 monthly values (Feb–Mar 2020 provisional). ' +
      INDIA_DATA_GAP,
  },
} satisfies Record<string, Source>;

/** Cited pages of the parliamentary / press file: one Source each, id `india-trade-<host>-<title>`. */
const CITED_LICENCE =
  'facts with citations: numbers restated from a cited page (which keeps its own copyright); ' +
  'underlying figures are Government of India data given to Parliament';

/**
 * EIDB partners without a current ISO 3166-1 code. Skipped with a warning, never mapped to a
 * successor: the Netherlands Antilles were dissolved in 2010 into three territories.
 */
export const EIDB_NO_ISO: Readonly<Record<string, string>> = {
  ANT: 'Netherlands Antilles (EIDB NETHERLANDANTIL): dissolved in 2010, no single ISO 3166-1 successor',
};

/** EIDB's HS-2 report partners. */
const HS2_PARTNERS: Readonly<Record<string, string>> = {
  'CHINA P RP': 'CHN',
  WORLD: AGGREGATE_CODES.world,
};

/** EIDB quantity units → the units trustmap writes. */
const QUANTITY_UNITS: Readonly<Record<string, string>> = {
  KGS: 'kg',
  TON: 't',
  MTS: 't',
  LTR: 'l',
  NOS: 'number',
};

type FileKind = 'hs8' | 'hs8Descriptions' | 'mineralsByPartner' | 'hs2ChinaWorld' | 'parliament';

const REQUIRED: Record<FileKind, readonly string[]> = {
  hs8: [
    'hs4',
    'hs8',
    'fiscal_year',
    'partner_eidb',
    'partner_iso3',
    'quantity',
    'quantity_unit',
    'value_usd_million',
    'value_inr_crore',
  ],
  hs8Descriptions: ['hs8', 'hs4', 'group', 'description_eidb', 'quantity_unit'],
  mineralsByPartner: [
    'flow',
    'hs_code',
    'hs_digits',
    'fiscal_year',
    'partner_eidb',
    'partner_iso3',
    'value_usd_million',
  ],
  hs2ChinaWorld: ['flow', 'partner_eidb', 'hs2', 'fiscal_year', 'value_usd_million', 'value_basis'],
  parliament: [
    'topic',
    'item',
    'flow',
    'partner',
    'period',
    'metric',
    'value',
    'unit',
    'source_title',
    'source_url',
    'source_date',
    'underlying_source',
    'note',
  ],
};

/** Tells the five table layouts apart by their header (a column only that layout has). */
function kindOfHeader(header: readonly string[]): FileKind | undefined {
  const has = (c: string) => header.includes(c);
  if (has('description_eidb')) return 'hs8Descriptions';
  if (has('hs8') && has('value_inr_crore')) return 'hs8';
  if (has('hs_digits')) return 'mineralsByPartner';
  if (has('hs2')) return 'hs2ChinaWorld';
  if (has('topic') && has('source_url')) return 'parliament';
  return undefined;
}

function firstLine(path: string): string[] {
  const head = readMaybeGzip(path)
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return (head.split(/\r?\n/)[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
}

/** The files to read: a folder's known files (descriptions first, for validation), or one file. */
function inputFiles(path: string): { file: string; kind: FileKind }[] {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  if (!statSync(path).isDirectory()) {
    const kind = kindOfHeader(firstLine(path));
    if (!kind) {
      throw new ValidationError([
        {
          file: basename(path),
          row: 1,
          message: `not an india-trade table: the header matches none of ${Object.values(INDIA_TRADE_FILES).join(', ')}`,
        },
      ]);
    }
    return [{ file: path, kind }];
  }
  const order: [keyof typeof INDIA_TRADE_FILES, FileKind][] = [
    ['hs8Descriptions', 'hs8Descriptions'],
    ['hs8Pharma', 'hs8'],
    ['hs8Minerals', 'hs8'],
    ['mineralsByPartner', 'mineralsByPartner'],
    ['hs2ChinaWorld', 'hs2ChinaWorld'],
    ['parliament', 'parliament'],
  ];
  const out = order
    .map(([name, kind]) => ({ file: findCsv(join(path, INDIA_TRADE_FILES[name])), kind }))
    .filter((f): f is { file: string; kind: FileKind } => f.file !== undefined);
  if (out.length === 0) {
    throw new ValidationError([
      { file: path, message: `the folder has none of ${Object.values(INDIA_TRADE_FILES).join(', ')}` },
    ]);
  }
  return out;
}

/** Reads one numeric cell; reports non-numbers and negatives by column. NaN marks a bad cell. */
function numberCell(
  b: BatchBuilder,
  loc: RowLocation,
  column: string,
  raw: string | undefined,
): number | null {
  const n = parseNumber(raw);
  if (n === null) return null;
  if (Number.isNaN(n)) {
    b.issues.add(issueAt(loc, column, `not a number: ${JSON.stringify(raw)}`));
    return Number.NaN;
  }
  if (n < 0) {
    b.issues.add(issueAt(loc, column, `negative value ${n}: trade quantities and values are never negative`));
    return Number.NaN;
  }
  return n;
}

/** US$ million → US$, rounded to cents (EIDB prints two decimals). */
const usd = (million: number) => Math.round(million * 1e8) / 100;

class Reader {
  readonly cited = new CitedSources({
    prefix: 'india-trade',
    licence: CITED_LICENCE,
    fallbackYear: 2026,
    note: 'Figure transcribed by hand from the cited page (data/india-trade/PROVENANCE.md, file 5)',
  });
  /** label → partner name → rows skipped for want of an ISO 3166-1 code */
  readonly skipped = new Map<string, Map<string, number>>();
  readonly descriptions = new Map<string, { hs4: string; group: string; unit: string }>();
  readonly usedSources = new Set<string>();
  tradeRows = 0;
  rounded = 0;
  factRows = 0;
  unknownHs8 = new Set<string>();

  constructor(
    readonly b: BatchBuilder,
    readonly opts: ReadOptions,
  ) {}

  private skip(label: string, partner: string): void {
    let m = this.skipped.get(label);
    if (!m) this.skipped.set(label, (m = new Map()));
    m.set(partner, (m.get(partner) ?? 0) + 1);
  }

  /** ISO3 of an EIDB partner; null = skip (no ISO code, warned); undefined = bad cell (issue added). */
  private partner(label: string, loc: RowLocation, r: Record<string, string>): string | null | undefined {
    const iso = r.partner_iso3!.trim();
    const name = r.partner_eidb!.trim();
    if (iso === '' || iso in EIDB_NO_ISO) {
      this.skip(label, iso ? `${name} (${iso})` : name || '(blank)');
      return null;
    }
    if (!isKnownIso3(iso)) {
      this.b.issues.add(
        issueAt(loc, 'partner_iso3', `unknown ISO 3166-1 alpha-3 code ${JSON.stringify(iso)} for ${name}`),
      );
      return undefined;
    }
    return iso;
  }

  private fiscal(loc: RowLocation, raw: string | undefined, column = 'fiscal_year'): string | undefined {
    const p = normalisePeriod(raw ?? '', { fiscal: true });
    if (!p?.startsWith('FY')) {
      this.b.issues.add(issueAt(loc, column, `not a fiscal year (YYYY-YY): ${JSON.stringify(raw)}`));
      return undefined;
    }
    return p;
  }

  private progress(i: number, total: number): void {
    if (this.opts.onProgress && i % 10_000 === 0) this.opts.onProgress(i, total);
  }

  readDescriptions(table: CsvTable): void {
    for (const { line, record: r } of table.rows) {
      const loc = { file: table.file, row: line };
      const hs8 = r.hs8!.trim();
      if (!/^\d{8}$/.test(hs8)) {
        this.b.issues.add(issueAt(loc, 'hs8', `not an 8-digit HS code: ${JSON.stringify(r.hs8)}`));
        continue;
      }
      this.descriptions.set(hs8, {
        hs4: r.hs4!.trim(),
        group: r.group!.trim(),
        unit: r.quantity_unit!.trim(),
      });
    }
    this.b.metric('hs8_descriptions', this.descriptions.size);
  }

  /** India's exports by destination at HS-8 (files 1–2): exporter IND, importer the partner. */
  readHs8(table: CsvTable, path: string): void {
    const label = table.file;
    const group = /pharma/i.test(basename(path))
      ? 'pharma'
      : /mineral/i.test(basename(path))
        ? 'mineral'
        : /^(29|30)/.test(table.rows[0]?.record.hs4 ?? '')
          ? 'pharma'
          : 'mineral';
    const source = group === 'pharma' ? INDIA_TRADE_SOURCES.hs8Pharma : INDIA_TRADE_SOURCES.hs8Minerals;
    this.usedSources.add(source.id);
    const total = table.rows.length;
    let added = 0;
    for (let i = 0; i < total; i++) {
      this.progress(i, total);
      const { line, record: r } = table.rows[i]!;
      const loc = { file: label, row: line };
      const hs4 = r.hs4!.trim();
      const hs8 = r.hs8!.trim();
      if (!/^\d{8}$/.test(hs8)) {
        this.b.issues.add(issueAt(loc, 'hs8', `not an 8-digit HS code: ${JSON.stringify(r.hs8)}`));
        continue;
      }
      if (!hs8.startsWith(hs4)) {
        this.b.issues.add(issueAt(loc, 'hs4', `HS-8 ${hs8} is not under heading ${JSON.stringify(hs4)}`));
        continue;
      }
      if (this.descriptions.size > 0 && !this.descriptions.has(hs8)) this.unknownHs8.add(hs8);
      const period = this.fiscal(loc, r.fiscal_year);
      const partner = this.partner(label, loc, r);
      const quantity = numberCell(this.b, loc, 'quantity', r.quantity);
      const valueM = numberCell(this.b, loc, 'value_usd_million', r.value_usd_million);
      // the ₹ crore column is validated but not imported (the same flow in another currency)
      const inr = numberCell(this.b, loc, 'value_inr_crore', r.value_inr_crore);
      if (
        !period ||
        partner === undefined ||
        Number.isNaN(quantity) ||
        Number.isNaN(valueM) ||
        Number.isNaN(inr)
      )
        continue;
      if (partner === null) continue;
      const unitRaw = r.quantity_unit!.trim();
      const isRounded = valueM === 0;
      if (isRounded) this.rounded++;
      if (
        this.b.add(
          'trade_flow',
          {
            material_id: null,
            hs_code: hs8,
            exporter: 'IND',
            importer: partner,
            reporter: 'IND',
            period,
            measure: 'exports',
            quantity,
            quantity_unit: quantity === null ? null : (QUANTITY_UNITS[unitRaw] ?? (unitRaw || null)),
            value: valueM === null || isRounded ? null : usd(valueM),
            currency: valueM === null || isRounded ? null : 'USD',
            source_id: source.id,
            illustrative: false,
            note: isRounded ? ROUNDED_NOTE : null,
          },
          loc,
        )
      )
        added++;
    }
    this.tradeRows += added;
    this.b.metric(`${group}_hs8_export_rows`, added);
  }

  /** India's imports and exports by partner for seven mineral headings (file 3). */
  readMineralsByPartner(table: CsvTable): void {
    const label = table.file;
    const source = INDIA_TRADE_SOURCES.mineralsByPartner;
    this.usedSources.add(source.id);
    let imports = 0;
    let exports = 0;
    for (const { line, record: r } of table.rows) {
      const loc = { file: label, row: line };
      const flow = r.flow!.trim();
      if (flow !== 'import' && flow !== 'export') {
        this.b.issues.add(issueAt(loc, 'flow', `expected import or export, got ${JSON.stringify(r.flow)}`));
        continue;
      }
      const hs = r.hs_code!.trim();
      if (!/^\d{4,8}$/.test(hs) || String(hs.length) !== r.hs_digits!.trim()) {
        this.b.issues.add(
          issueAt(loc, 'hs_code', `HS code ${JSON.stringify(r.hs_code)} does not have ${r.hs_digits} digits`),
        );
        continue;
      }
      const period = this.fiscal(loc, r.fiscal_year);
      const partner = this.partner(label, loc, r);
      const valueM = numberCell(this.b, loc, 'value_usd_million', r.value_usd_million);
      if (!period || partner === undefined || Number.isNaN(valueM)) continue;
      if (partner === null) continue;
      const isRounded = valueM === 0;
      if (isRounded) this.rounded++;
      const ok = this.b.add(
        'trade_flow',
        {
          material_id: null,
          hs_code: hs,
          // for imports the partner is the exporter and India the importer
          exporter: flow === 'import' ? partner : 'IND',
          importer: flow === 'import' ? 'IND' : partner,
          reporter: 'IND',
          period,
          measure: flow === 'import' ? 'imports' : 'exports',
          quantity: null,
          quantity_unit: null,
          value: valueM === null || isRounded ? null : usd(valueM),
          currency: valueM === null || isRounded ? null : 'USD',
          source_id: source.id,
          illustrative: false,
          note: isRounded ? ROUNDED_NOTE : null,
        },
        loc,
      );
      if (ok && flow === 'import') imports++;
      else if (ok) exports++;
    }
    this.tradeRows += imports + exports;
    this.b.metric('minerals_hs4_import_rows', imports);
    this.b.metric('minerals_hs4_export_rows', exports);
  }

  /** India's trade by HS-2 chapter with China and with the world (file 4). */
  readHs2(table: CsvTable): void {
    const label = table.file;
    const source = INDIA_TRADE_SOURCES.hs2ChinaWorld;
    this.usedSources.add(source.id);
    let added = 0;
    for (const { line, record: r } of table.rows) {
      const loc = { file: label, row: line };
      const flow = r.flow!.trim();
      if (flow !== 'import' && flow !== 'export') {
        this.b.issues.add(issueAt(loc, 'flow', `expected import or export, got ${JSON.stringify(r.flow)}`));
        continue;
      }
      const partner = HS2_PARTNERS[r.partner_eidb!.trim()];
      if (!partner) {
        this.b.issues.add(
          issueAt(loc, 'partner_eidb', `expected CHINA P RP or WORLD, got ${JSON.stringify(r.partner_eidb)}`),
        );
        continue;
      }
      const hs2 = r.hs2!.trim();
      if (!/^\d{2}$/.test(hs2)) {
        this.b.issues.add(issueAt(loc, 'hs2', `not a 2-digit HS chapter: ${JSON.stringify(r.hs2)}`));
        continue;
      }
      const period = this.fiscal(loc, r.fiscal_year);
      const valueM = numberCell(this.b, loc, 'value_usd_million', r.value_usd_million);
      if (!period || Number.isNaN(valueM)) continue;
      const isRounded = valueM === 0;
      if (isRounded) this.rounded++;
      const basis = r.value_basis!.trim();
      const notes = [
        isRounded ? ROUNDED_NOTE : null,
        basis.startsWith('sum_of_12_months')
          ? 'sum of 12 monthly EIDB values, Apr 2019–Mar 2020 (Feb–Mar 2020 provisional)'
          : null,
      ].filter(Boolean);
      if (
        this.b.add(
          'trade_flow',
          {
            material_id: null,
            hs_code: hs2,
            exporter: flow === 'import' ? partner : 'IND',
            importer: flow === 'import' ? 'IND' : partner,
            reporter: 'IND',
            period,
            measure: flow === 'import' ? 'imports' : 'exports',
            quantity: null,
            quantity_unit: null,
            value: valueM === null || isRounded ? null : usd(valueM),
            currency: valueM === null || isRounded ? null : 'USD',
            source_id: source.id,
            illustrative: false,
            note: notes.length ? notes.join('; ') : null,
          },
          loc,
        )
      )
        added++;
    }
    this.tradeRows += added;
    this.b.metric('hs2_china_world_rows', added);
  }

  /** Parliamentary / press figures (file 5) → published facts, each citing its page. */
  readParliament(table: CsvTable): void {
    const label = table.file;
    const file = `india-trade/${INDIA_TRADE_FILES.parliament}`;
    for (const { line, record: r } of table.rows) {
      const loc = { file: label, row: line };
      const flow = r.flow!.trim();
      if (flow !== 'import' && flow !== 'export') {
        this.b.issues.add(issueAt(loc, 'flow', `expected import or export, got ${JSON.stringify(r.flow)}`));
        continue;
      }
      const source = this.cited.get({
        url: r.source_url!,
        title: r.source_title!,
        date: r.source_date,
        file,
      });
      if (!source) {
        this.b.issues.add(
          issueAt(loc, 'source_url', `not an http(s) address: ${JSON.stringify(r.source_url)}`),
        );
        continue;
      }
      const raw = r.value!.trim();
      const n = parseNumber(raw);
      if (n === null || Number.isNaN(n)) {
        this.b.issues.add(issueAt(loc, 'value', `not a number: ${JSON.stringify(r.value)}`));
        continue;
      }
      const fact = publishedFigure(n, r.unit!.trim());
      const partnerText = r.partner!.trim();
      const partner =
        partnerText.toLowerCase() === 'world' ? AGGREGATE_CODES.world : resolveCountryName(partnerText);
      const periodRaw = r.period!.trim();
      const cy = /^CY(\d{4})$/.exec(periodRaw);
      const period = /not stated/i.test(periodRaw)
        ? null
        : (normalisePeriod(periodRaw, { fiscal: true }) ?? (cy ? cy[1]! : periodRaw));
      const notes = [
        r.underlying_source?.trim() ? `underlying source: ${r.underlying_source.trim()}` : null,
        r.note?.trim() || null,
        fact.converted,
        period === null ? `period as published: ${periodRaw}` : null,
      ].filter(Boolean);
      if (
        this.b.add(
          'published_fact',
          {
            topic: r.topic!.trim(),
            item: r.item!.trim(),
            scope: `India ${flow}s`,
            country: 'IND',
            partner: partner ?? partnerText,
            period,
            metric: r.metric!.trim() || null,
            value: fact.value,
            value_text: `${raw} ${r.unit!.trim()}`.trim(),
            unit: fact.unit,
            quote: null,
            source_id: source.id,
            illustrative: false,
            note: notes.length ? notes.join('; ') : null,
          },
          loc,
        )
      )
        this.factRows++;
    }
  }
}

/**
 * A published figure in the model's units: percentages become fractions (the model never stores
 * percent) and lakh tonnes become tonnes (1 lakh = 100,000). Other units are kept as published.
 */
export function publishedFigure(
  value: number,
  unit: string,
): { value: number; unit: string; converted: string | null } {
  if (unit.startsWith('%')) {
    return {
      value: Number((value / 100).toPrecision(12)),
      unit: `fraction${unit.slice(1)}`,
      converted: `published as ${value} ${unit}; stored as a fraction`,
    };
  }
  if (/^lakh tonnes/.test(unit)) {
    return {
      value: Math.round(value * 100_000),
      unit: `tonnes${unit.slice('lakh tonnes'.length).replace(/\s*\(1 lakh = 100,000\)/, '')}`,
      converted: `published as ${value} lakh tonnes (1 lakh = 100,000)`,
    };
  }
  return { value, unit, converted: null };
}

/**
 * Reads the india-trade folder (or one of its files) into a batch: `trade_flow` rows from the EIDB
 * extracts (reporter IND; imports have the partner as exporter), and `published_fact` rows from the
 * parliamentary / press figures. Partners without an ISO 3166-1 code are skipped and reported.
 */
export function readIndiaTrade(path: string, opts: ReadOptions = {}): ImportBatch {
  const files = inputFiles(path);
  const b = new BatchBuilder('india-trade', path, opts.cap);
  const reader = new Reader(b, opts);
  b.warn(INDIA_DATA_GAP);
  for (const { file, kind } of files) {
    const table = readCsv(file, { required: REQUIRED[kind] });
    b.metric(`${basename(file).replace(/\.csv(\.gz)?$/, '')}_rows_read`, table.rows.length);
    if (kind === 'hs8Descriptions') reader.readDescriptions(table);
    else if (kind === 'hs8') reader.readHs8(table, file);
    else if (kind === 'mineralsByPartner') reader.readMineralsByPartner(table);
    else if (kind === 'hs2ChinaWorld') reader.readHs2(table);
    else reader.readParliament(table);
  }
  for (const s of Object.values(INDIA_TRADE_SOURCES)) if (reader.usedSources.has(s.id)) b.source({ ...s });
  for (const s of reader.cited.all()) b.source(s);
  if (files.every((f) => f.kind === 'hs8Descriptions')) {
    throw new ValidationError([
      {
        file: basename(path),
        message: `${INDIA_TRADE_FILES.hs8Descriptions} only describes HS-8 codes; read the folder or a data file`,
      },
    ]);
  }

  let skippedRows = 0;
  for (const [label, partners] of reader.skipped) {
    const n = [...partners.values()].reduce((a, x) => a + x, 0);
    skippedRows += n;
    b.warn(
      `${label}: skipped ${n} rows of partners without an ISO 3166-1 code (never guessed): ` +
        [...partners].map(([p, k]) => `${p} ${k}`).join(', ') +
        (partners.has('NETHERLANDANTIL (ANT)') ? ` — ${EIDB_NO_ISO.ANT}` : ''),
    );
  }
  if (reader.unknownHs8.size > 0) {
    b.warn(
      `${reader.unknownHs8.size} HS-8 codes have no line in ${INDIA_TRADE_FILES.hs8Descriptions}: ` +
        [...reader.unknownHs8].slice(0, 10).join(', '),
    );
  }
  if (reader.rounded > 0) {
    b.warn(
      `${reader.rounded} trade rows print 0.00 US$ million (below US$ 5,000): value left null, not zero`,
    );
  }
  b.metric('trade_flow_rows', reader.tradeRows);
  b.metric('published_fact_rows', reader.factRows);
  b.metric('skipped_no_iso3_rows', skippedRows);
  b.metric('value_below_rounding_rows', reader.rounded);
  const considered = reader.tradeRows + skippedRows;
  if (considered > 0) b.metric('partner_iso3_match_rate', reader.tradeRows / considered);
  return b.build();
}

export const indiaTradeImporter: Importer = {
  format: 'india-trade',
  description:
    "India's trade in pharma inputs and critical minerals: DGCI&S EIDB exports by destination (HS-8), " +
    'mineral imports/exports by partner (HS-4), HS-2 China vs world, and cited parliamentary figures',
  detect(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) {
      return Object.values(INDIA_TRADE_FILES).some((f) => existsSync(join(path, f)));
    }
    return (Object.values(INDIA_TRADE_FILES) as string[]).includes(basename(path));
  },
  read: async (path, opts) => readIndiaTrade(path, opts),
};
