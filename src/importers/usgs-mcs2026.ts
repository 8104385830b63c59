import { AGGREGATE_CODES, type Measure, normalisePeriod, parsePeriod } from '../model/index.js';
import { type BatchBuilder, issueAt, type RowLocation } from './batch.js';
import { checkShareSet } from './share-sets.js';
import { materialId } from './slug.js';
import {
  addProduction,
  type ProductionCounters,
  truncate,
  type UsgsMaterials,
  usgsCountry,
} from './usgs-common.js';
import {
  type ChapterRule,
  chapterRule,
  chapterSpecs,
  classify,
  commoditySlug,
  correctedUnit,
  importMaterial,
  type ProductSpec,
  stageFromDetail,
} from './usgs-materials.js';
import { parseUsgsValue } from './usgs-values.js';

/** The columns of the MCS 2026 data release (`MCS2026_Commodities_Data.csv`) this importer reads. */
export const MCS2026_COLUMNS = [
  'MCS chapter',
  'Section',
  'Commodity',
  'Country',
  'Statistics',
  'Statistics_detail',
  'Unit',
  'Year',
  'Value',
  'Notes',
  'Is critical mineral 2025',
] as const;

const MEASURES: Readonly<Record<string, Measure>> = {
  production: 'production',
  capacity: 'capacity',
  reserves: 'reserves',
};

/** USGS `Statistics` names of the salient-statistics table → trustmap statistic names (snake_case). */
const STATISTIC_NAMES: Readonly<Record<string, string>> = {
  import: 'imports',
  export: 'exports',
  stock: 'stocks',
  shipment: 'shipments',
  'net import reliance': 'net_import_reliance',
};

export function statisticName(published: string): string {
  const k = published.trim().toLowerCase();
  return STATISTIC_NAMES[k] ?? k.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

export interface Mcs2026Counters extends ProductionCounters {
  skippedRows: Map<string, number>;
  multiCountry: number;
  importSetsSkipped: Map<string, number>;
  importSets: Map<string, { shares: number[]; detail: string; loc: RowLocation }>;
  statisticDuplicates: number;
  genericChapters: Set<string>;
}

export function newMcs2026Counters(): Mcs2026Counters {
  return {
    duplicates: 0,
    notApplicable: 0,
    skippedRows: new Map(),
    multiCountry: 0,
    importSetsSkipped: new Map(),
    importSets: new Map(),
    statisticDuplicates: 0,
    genericChapters: new Set(),
  };
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

const clean = (s: string | undefined): string =>
  (s ?? '')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** MCS 2026: the current-year column (2025) is estimated throughout ("2025e" in the tables). */
const ESTIMATED_YEAR = 2025;

/**
 * The spec of a row of a chapter missing from the mapping table: commodity slug and stage from
 * the published names, gross weight (a warning names the chapter so the table can be extended).
 */
function genericSpec(commodity: string, detail: string): ProductSpec {
  const stage = stageFromDetail(detail);
  return {
    id: materialId(commoditySlug(commodity), stage),
    name: `${commodity} (${stage === 'mine' ? 'mine production' : 'refined'})`,
    basis: 'gross_weight',
  };
}

export interface Mcs2026Context {
  b: BatchBuilder;
  mats: UsgsMaterials;
  counters: Mcs2026Counters;
  sourceId: string;
}

/** Reads the world production/capacity/reserves rows (sections "World …"). */
export function readWorldRow(
  ctx: Mcs2026Context,
  r: Record<string, string>,
  loc: RowLocation,
  rule: ChapterRule | undefined,
): void {
  const { b, mats, counters } = ctx;
  const chapter = rule?.chapter ?? clean(r['MCS chapter']);
  const commodity = clean(r.Commodity);
  const detail = clean(r.Statistics_detail);
  const measure = MEASURES[clean(r.Statistics).toLowerCase()];
  if (!measure) {
    b.issues.add(
      issueAt(
        loc,
        'Statistics',
        `expected Production, Capacity or Reserves, found ${JSON.stringify(r.Statistics)}`,
      ),
    );
    return;
  }
  let spec: ProductSpec;
  if (rule) {
    const c = classify(rule, `${measure} | ${commodity} | ${detail}`);
    if ('skip' in c) {
      bump(counters.skippedRows, `${chapter}: ${c.skip}`);
      return;
    }
    if ('unmatched' in c) {
      bump(counters.skippedRows, `${chapter}: no product matches "${detail}"`);
      return;
    }
    spec = c.product;
  } else {
    counters.genericChapters.add(chapter);
    spec = genericSpec(commodity, detail);
  }
  // reserves are in-ground content: a refinery table's reserves column is not the refined product's
  if (measure === 'reserves' && !spec.id.endsWith('.mine')) {
    bump(counters.skippedRows, `${chapter}: reserves published beside a refined product`);
    return;
  }
  const country = usgsCountry(r.Country ?? '');
  if (!country) {
    b.issues.add(issueAt(loc, 'Country', `unknown country ${JSON.stringify(r.Country)}`));
    return;
  }
  if ('multi' in country) {
    counters.multiCountry++;
    b.warn(`${loc.file} row ${loc.row}: "${clean(r.Country)}" is several countries in one figure; skipped`);
    return;
  }
  const period = normalisePeriod(r.Year ?? '');
  if (!period) {
    b.issues.add(issueAt(loc, 'Year', `not a year: ${JSON.stringify(r.Year)}`));
    return;
  }
  const value = parseUsgsValue(r.Value ?? '');
  if (!value) {
    b.issues.add(
      issueAt(
        loc,
        'Value',
        `${JSON.stringify(r.Value)} is neither a number nor a USGS symbol (W, NA, —, >x, <x)`,
      ),
    );
    return;
  }
  const notes = clean(r.Notes);
  const estimated =
    /\bEstimated\b/.test(notes) || (measure !== 'reserves' && parsePeriod(period)?.from === ESTIMATED_YEAR);
  const unit = correctedUnit(rule, 2026, measure, r.Unit ?? '');
  addProduction(
    b,
    mats,
    {
      spec,
      chapter,
      country: country.iso3,
      period,
      measure,
      value,
      unit: unit.unit,
      estimated,
      note: [detail, unit.why, notes].filter(Boolean).join(' — '),
      sourceId: ctx.sourceId,
      loc,
      columns: { value: 'Value', unit: 'Unit' },
    },
    counters,
  );
  if (mats.has(spec.id)) mats.markCritical(spec.id, r['Is critical mineral 2025'] ?? '');
}

/** Reads one row of the "Import Sources" section into a US `sourcing_share` (fraction of imports). */
export function readImportRow(
  ctx: Mcs2026Context,
  r: Record<string, string>,
  loc: RowLocation,
  rule: ChapterRule | undefined,
): void {
  const { b, mats, counters } = ctx;
  const chapter = rule?.chapter ?? clean(r['MCS chapter']);
  const detail = clean(r.Statistics_detail);
  const id = rule ? importMaterial(rule, detail) : undefined;
  if (id === undefined || id === null) {
    const why = id === null ? 'not one material (see the mapping table)' : 'no entry in the mapping table';
    bump(counters.importSetsSkipped, `${chapter} / ${detail}: ${why}`);
    return;
  }
  const spec = chapterSpecs(rule!).get(id);
  if (!spec) {
    b.issues.add(issueAt(loc, 'Statistics_detail', `mapping table refers to undefined material ${id}`));
    return;
  }
  if (clean(r.Unit).toLowerCase() !== 'percent') {
    b.issues.add(issueAt(loc, 'Unit', `import sources must be in percent, found ${JSON.stringify(r.Unit)}`));
    return;
  }
  const partner = usgsCountry(r.Country ?? '');
  if (!partner) {
    b.issues.add(issueAt(loc, 'Country', `unknown country ${JSON.stringify(r.Country)}`));
    return;
  }
  if ('multi' in partner) {
    counters.multiCountry++;
    b.warn(`${loc.file} row ${loc.row}: "${clean(r.Country)}" is several countries in one share; skipped`);
    return;
  }
  if (partner.iso3 === AGGREGATE_CODES.world) {
    b.issues.add(issueAt(loc, 'Country', 'a world total is not an import partner'));
    return;
  }
  const period = normalisePeriod(r.Year ?? '');
  if (!period) {
    b.issues.add(issueAt(loc, 'Year', `not a period: ${JSON.stringify(r.Year)}`));
    return;
  }
  const v = parseUsgsValue(r.Value ?? '');
  if (!v || v.value === null || v.flag === 'zero' || v.value < 0 || v.value > 100) {
    b.issues.add(issueAt(loc, 'Value', `${JSON.stringify(r.Value)} is not a percentage between 0 and 100`));
    return;
  }
  const key = { material_id: id, importer: 'USA', partner: partner.iso3, period, source_id: ctx.sourceId };
  if (b.has('sourcing_share', key)) {
    counters.duplicates++;
    b.warn(`${loc.file} row ${loc.row}: second share for ${id} from ${partner.iso3}; skipped`);
    return;
  }
  const commodity = clean(r.Commodity);
  mats.use(spec, chapter, null, loc, 'Statistics_detail');
  mats.markCritical(id, r['Is critical mineral 2025'] ?? '');
  const share = v.value / 100;
  const note = [
    `US import sources ${clean(r.Year)}, ${commodity}: ${detail}`,
    v.published ? `published as "${v.published} %"` : '',
    clean(r.Notes),
  ];
  b.add(
    'sourcing_share',
    {
      ...key,
      share,
      detail,
      illustrative: false,
      note: truncate(note.filter(Boolean).join(' — '), 1000),
    },
    loc,
  );
  const setKey = `${id} (${detail})`;
  let set = counters.importSets.get(setKey);
  if (!set) {
    set = { shares: [], detail, loc };
    counters.importSets.set(setKey, set);
  }
  set.shares.push(share);
}

/** Reads one row of "Salient Statistics—United States" into a `statistic`. */
export function readSalientRow(ctx: Mcs2026Context, r: Record<string, string>, loc: RowLocation): void {
  const { b, counters } = ctx;
  const statistic = statisticName(r.Statistics ?? '');
  if (!statistic) {
    b.issues.add(issueAt(loc, 'Statistics', 'empty statistic name'));
    return;
  }
  const commodity = commoditySlug(clean(r.Commodity) || clean(r['MCS chapter']));
  if (!commodity) {
    b.issues.add(issueAt(loc, 'Commodity', 'empty commodity'));
    return;
  }
  const country = usgsCountry(r.Country ?? '');
  if (!country || 'multi' in country || country.aggregate) {
    b.issues.add(issueAt(loc, 'Country', `unknown country ${JSON.stringify(r.Country)}`));
    return;
  }
  const period = normalisePeriod(r.Year ?? '');
  if (!period) {
    b.issues.add(issueAt(loc, 'Year', `not a year: ${JSON.stringify(r.Year)}`));
    return;
  }
  const v = parseUsgsValue(r.Value ?? '');
  if (!v) {
    b.issues.add(
      issueAt(
        loc,
        'Value',
        `${JSON.stringify(r.Value)} is neither a number nor a USGS symbol (W, NA, E, —, >x, <x)`,
      ),
    );
    return;
  }
  if (v.flag === 'unparseable') {
    b.warn(
      `${loc.file} row ${loc.row}: value "${v.published}" lost a character in the source encoding; kept as null`,
    );
  }
  const notes = clean(r.Notes);
  const flag = v.flag ?? (/\bEstimated\b/.test(notes) ? 'est' : null);
  let detail = clean(r.Statistics_detail) || null;
  const key = { commodity, country: country.iso3, period, statistic, detail, source_id: ctx.sourceId };
  // the same detail twice in one chapter (e.g. the mica scrap-and-flake and sheet tables): number it
  for (let n = 2; b.has('statistic', key); n++) {
    key.detail = `${detail ?? statistic} (#${n})`;
  }
  if (key.detail !== detail) {
    counters.statisticDuplicates++;
    detail = key.detail;
  }
  b.add(
    'statistic',
    {
      material_id: null,
      ...key,
      value: v.value,
      unit: clean(r.Unit),
      flag,
      illustrative: false,
      note:
        truncate(
          [v.published ? `published as "${v.published}"` : '', notes].filter(Boolean).join(' — '),
          1000,
        ) || null,
    },
    loc,
  );
}

/** Dispatches every row of the MCS 2026 table by section, then reports share-set residuals. */
export function readMcs2026Rows(
  ctx: Mcs2026Context,
  rows: readonly { line: number; record: Record<string, string> }[],
  file: string,
  onProgress?: (done: number, total: number) => void,
): void {
  const otherSections = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const { line, record: r } = rows[i]!;
    if (onProgress && i % 2000 === 0) onProgress(i, rows.length);
    const loc = { file, row: line };
    const chapter = clean(r['MCS chapter']);
    if (!chapter) {
      ctx.b.issues.add(issueAt(loc, 'MCS chapter', 'empty chapter'));
      continue;
    }
    const critical = clean(r['Is critical mineral 2025']);
    if (critical === 'Yes') ctx.mats.chapterCritical.set(chapterKey(chapter), true);
    else if (!ctx.mats.chapterCritical.has(chapterKey(chapter)))
      ctx.mats.chapterCritical.set(chapterKey(chapter), false);
    const rule = chapterRule(chapter);
    const section = clean(r.Section);
    if (/^world\b/i.test(section)) readWorldRow(ctx, r, loc, rule);
    else if (/^import sources/i.test(section)) readImportRow(ctx, r, loc, rule);
    else if (/^salient statistics/i.test(section)) readSalientRow(ctx, r, loc);
    else otherSections.set(section, (otherSections.get(section) ?? 0) + 1);
  }
  for (const [s, n] of otherSections) ctx.b.warn(`${file}: ${n} rows of section "${s}" not read`);
  let off = 0;
  for (const [key, set] of ctx.counters.importSets) {
    const check = checkShareSet(key, set.shares);
    if (!check.ok || Math.abs(check.residual) > 0.02) {
      off++;
      ctx.b.warn(
        `${file} row ${set.loc.row}: US import shares of ${key} sum to ${(check.sum * 100).toFixed(1)} % (residual ${(check.residual * 100).toFixed(1)} points; not renormalised)`,
      );
    }
  }
  ctx.b.metric('usgs_import_share_sets', ctx.counters.importSets.size);
  ctx.b.metric('usgs_import_share_sets_off_100', off);
}

/** The key the chapter-level critical flag is stored under (the mapping table's chapter name). */
export function chapterKey(chapter: string): string {
  return chapterRule(chapter)?.chapter ?? chapter;
}
