import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type GovernanceIndicator, type Source, ValidationError } from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt, type RowLocation } from './batch.js';
import { isKnownIso3, PUBLISHER_CODES } from './country-names.js';
import { parseNumber, readCsv } from './csv.js';
import type { Importer, ReadOptions } from './importer.js';

/** The file name of the World Bank's WGI dataset (CSV export of `wgidataset.xlsx`). */
export const WGI_FILE = 'wgidataset.csv';

/** Provenance: data/worldbank-wgi/PROVENANCE.md. */
export const WGI_SOURCE: Source = {
  id: 'worldbank-wgi-2024',
  publisher: 'The World Bank (Worldwide Governance Indicators; Kaufmann, Kraay and Mastruzzi method)',
  title: 'Worldwide Governance Indicators, 2024 update (covers 1996–2023)',
  year: 2024,
  url: 'https://www.worldbank.org/en/publication/worldwide-governance-indicators',
  file: 'worldbank-wgi/wgidataset.csv',
  licence: 'CC BY 4.0 — cite "Worldwide Governance Indicators, www.govindicators.org"',
  note:
    'Byte-for-byte copy of wgidataset.csv from GitHub lmorgans/WGIdata, commit ' +
    '05f52f816a6c09473096edbf657aa310d5c30507 (same rows as the World Bank workbook). Raw estimates ' +
    '(about −2.5 … 2.5, higher = better); the 0–10 rescaling of the EU CRM method is done by the engine.',
};

const INDICATORS: ReadonlySet<string> = new Set<GovernanceIndicator>(['va', 'pv', 'ge', 'rq', 'rl', 'cc']);

/**
 * WGI economies that have no ISO 3166-1 code today. They are skipped with a warning, never mapped
 * to a successor: the Netherlands Antilles were dissolved in 2010 into Curaçao, Sint Maarten and the
 * Caribbean Netherlands, and no single one of them inherits the former entity's estimates.
 */
export const WGI_NO_ISO_EQUIVALENT: Readonly<Record<string, string>> = {
  ANT: 'Netherlands Antilles (former): dissolved in 2010, no single ISO 3166-1 successor',
};

/** WGI writes a missing value as `..`. */
const MISSING = '..';

const REQUIRED = ['code', 'countryname', 'year', 'indicator', 'estimate', 'stddev', 'nsource', 'pctrank'];

/** A numeric cell: null for `..`, NaN (with an issue recorded) if not a number. */
function wgiNumber(
  b: BatchBuilder,
  loc: RowLocation,
  r: Record<string, string>,
  column: string,
): number | null {
  const raw = r[column]!.trim();
  if (raw === MISSING) return null;
  const n = parseNumber(raw);
  if (n !== null && Number.isNaN(n))
    b.issues.add(issueAt(loc, column, `not a number: ${JSON.stringify(raw)}`));
  return n;
}

function wgiFile(path: string): string {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  if (!statSync(path).isDirectory()) return path;
  const f = join(path, WGI_FILE);
  if (!existsSync(f)) {
    throw new ValidationError([{ file: path, message: `the folder has no ${WGI_FILE}` }]);
  }
  return f;
}

/**
 * Reads the World Bank WGI dataset into `governance` rows: one per (economy, year, indicator) with the
 * raw estimate, its standard error, the number of sources and the percentile rank. Codes are the World
 * Bank's (mostly ISO3; ROM, ZAR, TMP, WBG, KSV, ADO are mapped by `PUBLISHER_CODES`, and the published
 * code is kept in `source_code`). Missing estimates are skipped and counted, never read as zero.
 */
export function readWgi(path: string, opts: ReadOptions = {}): ImportBatch {
  const file = wgiFile(path);
  const label = basename(file);
  const table = readCsv(file, { label, required: REQUIRED });
  const b = new BatchBuilder('wgi', path, opts.cap);
  b.source({ ...WGI_SOURCE });

  let missing = 0;
  const skipped = new Map<string, { name: string; rows: number; withEstimate: number }>();
  const economies = new Set<string>();
  const mapped = new Map<string, string>();
  let latestYear = 0;
  const total = table.rows.length;

  for (let i = 0; i < total; i++) {
    const { line, record: r } = table.rows[i]!;
    if (opts.onProgress && i % 5000 === 0) opts.onProgress(i, total);
    const loc = { file: label, row: line };
    const code = r.code!.trim();
    const estimateRaw = r.estimate!.trim();
    const hasEstimate = estimateRaw !== MISSING && estimateRaw !== '';

    if (code in WGI_NO_ISO_EQUIVALENT) {
      const s = skipped.get(code) ?? { name: r.countryname!.trim(), rows: 0, withEstimate: 0 };
      s.rows++;
      if (hasEstimate) s.withEstimate++;
      skipped.set(code, s);
      continue;
    }
    const iso3 = PUBLISHER_CODES[code] ?? code;
    if (!isKnownIso3(iso3)) {
      b.issues.add(
        issueAt(
          loc,
          'code',
          `unknown economy code ${JSON.stringify(code)} (${r.countryname}); add it to PUBLISHER_CODES or WGI_NO_ISO_EQUIVALENT`,
        ),
      );
      continue;
    }
    if (iso3 !== code) mapped.set(code, iso3);

    const indicator = r.indicator!.trim();
    if (!INDICATORS.has(indicator)) {
      b.issues.add(
        issueAt(loc, 'indicator', `unknown indicator ${JSON.stringify(indicator)} (va, pv, ge, rq, rl, cc)`),
      );
      continue;
    }
    const yearText = r.year!.trim();
    const year = /^\d{4}$/.test(yearText) ? Number(yearText) : Number.NaN;
    if (Number.isNaN(year)) {
      b.issues.add(issueAt(loc, 'year', `not a year: ${JSON.stringify(r.year)}`));
      continue;
    }
    // the key column repeats code + indicator + year; a mismatch means shifted or edited rows
    const key = r.codeindyr?.trim();
    if (key !== undefined && key !== '' && key !== `${code}${indicator}${yearText}`) {
      b.issues.add(
        issueAt(loc, 'codeindyr', `${JSON.stringify(key)} does not match code, indicator and year`),
      );
      continue;
    }
    if (!hasEstimate) {
      missing++;
      continue;
    }

    const estimate = wgiNumber(b, loc, r, 'estimate');
    const stddev = wgiNumber(b, loc, r, 'stddev');
    const nsource = wgiNumber(b, loc, r, 'nsource');
    const pctrank = wgiNumber(b, loc, r, 'pctrank');
    if ([estimate, stddev, nsource, pctrank].some((v) => v !== null && Number.isNaN(v))) continue;

    // schema checks ranges: estimate within ±5, stddev ≥ 0, nsource a non-negative integer, pctrank 0–100
    if (
      b.add(
        'governance',
        {
          iso3,
          source_code: code,
          year,
          indicator,
          estimate,
          stddev,
          nsource,
          pctrank,
          source_id: WGI_SOURCE.id,
        },
        loc,
      )
    ) {
      economies.add(iso3);
      if (year > latestYear) latestYear = year;
    }
  }
  opts.onProgress?.(total, total);

  for (const [code, s] of skipped) {
    b.warn(
      `${label}: skipped ${s.rows} rows (${s.withEstimate} with an estimate) of ${code} ${s.name} — ` +
        `no ISO 3166-1 equivalent (${WGI_NO_ISO_EQUIVALENT[code]})`,
    );
  }
  if (missing > 0)
    b.warn(`${label}: ${missing} rows have no estimate ("..") and were skipped, not read as zero`);
  if (mapped.size > 0) {
    b.warn(
      `${label}: World Bank codes mapped to ISO 3166-1: ` +
        [...mapped].map(([from, to]) => `${from}→${to}`).join(', '),
    );
  }
  b.metric('rows_read', total);
  b.metric('missing_estimates', missing);
  b.metric(
    'skipped_no_iso_rows',
    [...skipped.values()].reduce((a, s) => a + s.rows, 0),
  );
  b.metric('economies', economies.size);
  b.metric('latest_year', latestYear);
  return b.build();
}

export const wgiImporter: Importer = {
  format: 'wgi',
  description:
    'World Bank Worldwide Governance Indicators (wgidataset.csv): raw estimates per economy and year',
  detect(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) return existsSync(join(path, WGI_FILE));
    if (!path.toLowerCase().endsWith('.csv')) return false;
    const head = readFileSync(path)
      .subarray(0, 200)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return head.startsWith('codeindyr,code,countryname,year,indicator,estimate');
  },
  read: async (path, opts) => readWgi(path, opts),
};
