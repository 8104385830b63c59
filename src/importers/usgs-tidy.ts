import type { Measure } from '../model/index.js';
import { type BatchBuilder, issueAt, type RowLocation } from './batch.js';
import { isKnownIso3 } from './country-names.js';
import { materialId } from './slug.js';
import { addProduction, type ProductionCounters, type UsgsMaterials, usgsCountry } from './usgs-common.js';
import {
  chapterByCode,
  chapterRule,
  classify,
  commoditySlug,
  correctedUnit,
  type ProductSpec,
} from './usgs-materials.js';
import { parseUsgsValue, type UsgsValue } from './usgs-values.js';

/**
 * The 2023 and 2024 MCS world files, as one tidy table per edition (one row per country, product
 * and numeric column; data/usgs-mcs/PROVENANCE.md §2 lists the columns and the unit corrections).
 */
export const TIDY_COLUMNS = [
  'edition',
  'commodity_code',
  'commodity',
  'country',
  'iso3',
  'country_qualifier',
  'aggregate',
  'type',
  'stage',
  'measure',
  'measure_detail',
  'year',
  'estimated',
  'value',
  'unit',
  'value_flag',
  'value_raw',
  'unit_note',
  'notes',
] as const;

const MEASURES: Readonly<Record<string, Measure>> = {
  production: 'production',
  capacity: 'capacity',
  reserves: 'reserves',
};

export interface TidyCounters extends ProductionCounters {
  skippedRows: Map<string, number>;
  multiCountry: number;
  genericCodes: Set<string>;
  editions: Set<number>;
}

export function newTidyCounters(): TidyCounters {
  return {
    duplicates: 0,
    notApplicable: 0,
    skippedRows: new Map(),
    multiCountry: 0,
    genericCodes: new Set(),
    editions: new Set(),
  };
}

const clean = (s: string | undefined): string =>
  (s ?? '')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The value of a tidy row. The tidy files carry the cleaned number in `value`, the published text in
 * `value_raw` and a `value_flag`; every flag is mapped, and an unknown flag or a non-numeric value is
 * bad input.
 */
function tidyValue(r: Record<string, string>): { value: UsgsValue; estimated: boolean } | { column: string } {
  const flag = clean(r.value_flag);
  const raw = clean(r.value);
  const num = raw === '' ? undefined : parseUsgsValue(raw);
  const numeric = num && num.flag === null ? num.value : undefined;
  switch (flag) {
    case '':
    case 'estimated (e prefix)':
      return numeric === undefined || numeric === null
        ? { column: 'value' }
        : {
            value: { value: numeric, flag: null },
            estimated: flag !== '',
          };
    case 'greater than':
    case 'less than':
      return numeric === undefined || numeric === null
        ? { column: 'value' }
        : {
            value: {
              value: numeric,
              flag: flag === 'greater than' ? 'gt' : 'lt',
              published: clean(r.value_raw),
            },
            estimated: false,
          };
    case 'NA':
      return { value: { value: null, flag: 'NA' }, estimated: false };
    case 'W (withheld)':
      return { value: { value: null, flag: 'W' }, estimated: false };
    case 'XX (not applicable)':
      return { value: { value: null, flag: 'XX' }, estimated: false };
    case 'included in world total':
      return { value: { value: null, flag: 'NA', published: 'included in world total' }, estimated: false };
    case 'text': {
      const t = parseUsgsValue(clean(r.value_raw));
      return t && t.flag !== null ? { value: t, estimated: false } : { column: 'value_raw' };
    }
    default:
      return { column: 'value_flag' };
  }
}

export interface TidyContext {
  b: BatchBuilder;
  mats: UsgsMaterials;
  counters: TidyCounters;
  /** editions this importer knows, year → source id */
  sources: ReadonlyMap<number, string>;
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Reads one row of a tidy 2023/2024 world file into a production/capacity/reserves record. */
export function readTidyRow(ctx: TidyContext, r: Record<string, string>, loc: RowLocation): void {
  const { b, mats, counters } = ctx;
  const edition = /^MCS(\d{4})$/i.exec(clean(r.edition));
  const sourceId = edition ? ctx.sources.get(Number(edition[1])) : undefined;
  if (!edition || !sourceId) {
    b.issues.add(
      issueAt(
        loc,
        'edition',
        `unknown edition ${JSON.stringify(r.edition)} (expected ${[...ctx.sources.keys()].map((y) => `MCS${y}`).join(' or ')})`,
      ),
    );
    return;
  }
  counters.editions.add(Number(edition[1]));
  const code = clean(r.commodity_code);
  const rule = chapterByCode(code) ?? chapterRule(clean(r.commodity));
  const type = clean(r.type);
  let measure = MEASURES[clean(r.measure).toLowerCase()];
  if (!measure) {
    b.issues.add(
      issueAt(
        loc,
        'measure',
        `expected production, capacity or reserves, found ${JSON.stringify(r.measure)}`,
      ),
    );
    return;
  }
  // the cement file files clinker capacity under production
  if (measure === 'production' && /clinker capacity/i.test(type)) measure = 'capacity';
  let spec: ProductSpec;
  const chapter = rule?.chapter ?? clean(r.commodity);
  if (rule) {
    const qualifier = clean(r.country_qualifier);
    const descriptor = `${measure} | ${type} | ${clean(r.measure_detail)}${qualifier ? ` | ${qualifier}` : ''}`;
    const c = classify(rule, descriptor);
    if ('skip' in c) {
      bump(counters.skippedRows, `${chapter}: ${c.skip}`);
      return;
    }
    if ('unmatched' in c) {
      bump(counters.skippedRows, `${chapter}: no product matches "${type}"`);
      return;
    }
    spec = c.product;
  } else {
    counters.genericCodes.add(code);
    const stage = /mine|unspecified/.test(clean(r.stage)) ? 'mine' : 'refined';
    spec = {
      id: materialId(commoditySlug(clean(r.commodity)), stage),
      name: clean(r.commodity),
      basis: 'gross_weight',
    };
  }
  if (measure === 'reserves' && !spec.id.endsWith('.mine')) {
    bump(counters.skippedRows, `${chapter}: reserves published beside a refined product`);
    return;
  }
  let country = usgsCountry(clean(r.country), clean(r.aggregate));
  const iso3 = clean(r.iso3);
  if (!country && iso3 && isKnownIso3(iso3)) country = { iso3 };
  if (!country) {
    b.issues.add(issueAt(loc, 'country', `unknown country ${JSON.stringify(r.country)}`));
    return;
  }
  if ('multi' in country) {
    counters.multiCountry++;
    b.warn(`${loc.file} row ${loc.row}: "${clean(r.country)}" is several countries in one figure; skipped`);
    return;
  }
  const year = clean(r.year);
  if (!/^\d{4}$/.test(year)) {
    b.issues.add(issueAt(loc, 'year', `not a year: ${JSON.stringify(r.year)}`));
    return;
  }
  const v = tidyValue(r);
  if ('column' in v) {
    const shown = v.column === 'value_flag' ? r.value_flag : v.column === 'value_raw' ? r.value_raw : r.value;
    b.issues.add(
      issueAt(loc, v.column, `${JSON.stringify(shown)} is neither a number nor a known USGS flag`),
    );
    return;
  }
  const qualifier = clean(r.country_qualifier);
  const estimated =
    v.estimated ||
    clean(r.estimated).toLowerCase() === 'true' ||
    /estimated/i.test(qualifier) ||
    // "Production in 2021 is also estimated." (MCS 2023 notes)
    (measure !== 'reserves' && /\bis (also )?estimated\b/i.test(clean(r.notes)));
  const unit = correctedUnit(rule, Number(edition[1]), measure, r.unit ?? '');
  const note = [
    [type, clean(r.measure_detail)].filter(Boolean).join(', '),
    unit.why ?? '',
    qualifier ? `country: ${qualifier}` : '',
    clean(r.unit_note),
    clean(r.notes),
  ];
  addProduction(
    b,
    mats,
    {
      spec,
      chapter,
      country: country.iso3,
      period: year,
      measure,
      value: v.value,
      unit: unit.unit,
      estimated,
      note: note.filter(Boolean).join(' — '),
      sourceId,
      loc,
      columns: { value: 'value', unit: 'unit' },
    },
    counters,
  );
}
