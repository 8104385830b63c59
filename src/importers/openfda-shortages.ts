import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Shortage, type Source, ValidationError } from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt } from './batch.js';
import { readCsv } from './csv.js';
import { dataRelative, findFdaFile, isIsoDate, requireFdaFile } from './fda-files.js';
import { canonicalSubstanceName, foldSubject } from './fda-substance.js';
import type { Importer, ReadOptions } from './importer.js';

/**
 * openFDA drug shortages (`drug_shortages_flat.csv`, flattened from openFDA's `drug/shortages`
 * bulk JSON) → `shortage` rows.
 *
 * - It is a snapshot of the shortages FDA lists on one day, not a history: a shortage resolved
 *   before that day is absent. `snapshot_date` is the data date: PROVENANCE.md's
 *   "`meta.last_updated` = YYYY-MM-DD" (or "snapshot of YYYY-MM-DD"), else `meta.last_updated` of
 *   the bulk JSON beside the CSV; without either the import fails rather than guess.
 * - `substance`: the openFDA substance names (`openfda_substance_name`, "; "-separated for
 *   combination products), each canonicalised as DMF subjects are (fda-substance.ts), so the two
 *   join; when openFDA gives none, the generic name cut before its dosage form ("Quinapril
 *   Hydrochloride Tablet" → QUINAPRIL HYDROCHLORIDE), split on ";", ",", "/" and " and ".
 *   Several substances are joined with "; " in the order given.
 * - One row per (package NDC, generic name, company), the entity's key. openFDA repeats some
 *   packages (a presentation listed twice, or a package both "Current" and "To Be Discontinued"):
 *   the row kept is the first by status (Current, To Be Discontinued, Resolved, other), then the
 *   latest update; the others are counted in the report.
 *
 * Input: the folder holding the CSV (and PROVENANCE.md), the CSV itself, or the parent `data/`.
 */

const REQUIRED = [
  'package_ndc',
  'generic_name',
  'company_name',
  'status',
  'availability',
  'shortage_reason',
  'therapeutic_category',
  'dosage_form',
  'initial_posting_date',
  'update_date',
  'openfda_substance_name',
] as const;

const STATUS_RANK: Readonly<Record<string, number>> = { Current: 0, 'To Be Discontinued': 1, Resolved: 2 };

/** Words from which a generic name describes the dosage form, not the substance. */
const DOSAGE_FORM =
  /\b(?:INJECTION|INJECTABLE|FOR INJECTION|TABLETS?|CAPSULES?|ORAL|SOLUTION|SUSPENSION|CONCENTRATE|POWDER|OINTMENT|OPHTHALMIC|SPRAY|KIT|IRRIGANT|CREAM|GEL|PATCH|LOTION|SYRUP|ELIXIR|INHALATION|AEROSOL|SUPPOSITORY|FILM|GRANULES|EXTENDED|DELAYED|FOR)\b.*$/;

/** The substances named by a generic name, canonicalised (see the file header). */
export function genericNameSubstances(generic: string): string[] {
  const head = foldSubject(generic)
    .replace(/\b\d+(?:\.\d+)? ?%/g, ' ')
    .replace(/\bSTERILE\b/g, ' ')
    .replace(DOSAGE_FORM, '');
  return distinct(head.split(/\s*[;,/]\s*|\s+AND\s+/).map(canonicalSubstanceName));
}

function distinct(names: string[]): string[] {
  return [...new Set(names.filter((n) => n !== ''))];
}

/** The snapshot date of an openFDA folder (see the file header), or undefined. */
export function snapshotDate(folder: string): string | undefined {
  const prov = join(folder, 'PROVENANCE.md');
  if (existsSync(prov)) {
    const text = readFileSync(prov, 'utf8');
    const m =
      /last_updated`?\s*=\s*(\d{4}-\d{2}-\d{2})/.exec(text) ?? /snapshot of (\d{4}-\d{2}-\d{2})/i.exec(text);
    if (m && isIsoDate(m[1]!)) return m[1];
  }
  for (const f of readdirSync(folder).filter((n) => /^drug-shortages.*\.json$/i.test(n))) {
    try {
      const meta = (
        JSON.parse(readFileSync(join(folder, f), 'utf8')) as { meta?: { last_updated?: unknown } }
      ).meta;
      const d = typeof meta?.last_updated === 'string' ? meta.last_updated : '';
      if (isIsoDate(d)) return d;
    } catch {
      // not JSON: fall through to "no date"
    }
  }
  return undefined;
}

export function shortageSource(file: string, date: string): Source {
  return {
    id: `openfda-drug-shortages-${date}`,
    publisher: 'U.S. Food and Drug Administration (openFDA drug/shortages)',
    title: `openFDA drug shortages, snapshot of ${date}`,
    year: Number(date.slice(0, 4)),
    url: 'https://open.fda.gov/apis/drug/drugshortages/',
    file: dataRelative(file),
    licence: 'openFDA: public domain / CC0 (https://open.fda.gov/license/)',
    note:
      `A snapshot of the shortages FDA listed on ${date} (meta.last_updated), not a history: shortages ` +
      'resolved earlier are absent. One record per package NDC. substance = openFDA substance names ' +
      '(else the generic name without its dosage form), canonicalised as DMF subjects are ' +
      '(src/importers/fda-substance.ts). openFDA: "Do not rely on openFDA to make decisions regarding ' +
      'medical care."',
  };
}

const orNull = (s: string | undefined): string | null => {
  const t = s?.trim() ?? '';
  return t === '' ? null : t;
};

function read(path: string, opts: ReadOptions = {}): ImportBatch {
  const file = requireFdaFile(path, 'shortages', 'openFDA shortage file (drug_shortages_flat.csv)');
  const label = dataRelative(file);
  const date = snapshotDate(dirname(file));
  if (!date) {
    throw new ValidationError([
      {
        file: label,
        message:
          'no snapshot date: PROVENANCE.md beside the file must state "`meta.last_updated` = YYYY-MM-DD" (or the bulk JSON must be there)',
      },
    ]);
  }
  const b = new BatchBuilder('openfda-shortages', path, opts.cap);
  const source = shortageSource(file, date);
  b.source(source);
  const table = readCsv(file, { label, required: REQUIRED });

  const kept = new Map<string, { row: Shortage; line: number }>();
  let repeated = 0;
  let fromOpenFda = 0;
  let fromGeneric = 0;
  const statuses = new Map<string, number>();
  for (const { line, record: rec } of table.rows) {
    const loc = { file: label, row: line };
    const generic = rec.generic_name!.trim();
    const status = rec.status!.trim();
    let ok = true;
    if (generic === '') {
      b.issues.add(issueAt(loc, 'generic_name', 'generic name is empty'));
      ok = false;
    }
    if (status === '') {
      b.issues.add(issueAt(loc, 'status', 'status is empty'));
      ok = false;
    }
    for (const col of ['initial_posting_date', 'update_date'] as const) {
      const d = rec[col]!.trim();
      if (d !== '' && !isIsoDate(d)) {
        b.issues.add(issueAt(loc, col, `not a date (YYYY-MM-DD): ${JSON.stringify(d)}`));
        ok = false;
      }
    }
    if (!ok) continue;
    const named = distinct((rec.openfda_substance_name ?? '').split(';').map(canonicalSubstanceName));
    const substances = named.length ? named : genericNameSubstances(generic);
    if (named.length) fromOpenFda++;
    else if (substances.length) fromGeneric++;
    const row: Shortage = {
      package_ndc: orNull(rec.package_ndc),
      generic_name: generic,
      substance: substances.length ? substances.join('; ') : null,
      company: orNull(rec.company_name),
      status,
      availability: orNull(rec.availability),
      reason: orNull(rec.shortage_reason),
      therapeutic_category: orNull(rec.therapeutic_category),
      dosage_form: orNull(rec.dosage_form),
      initial_posting_date: orNull(rec.initial_posting_date),
      update_date: orNull(rec.update_date),
      snapshot_date: date,
      source_id: source.id,
    };
    const key = JSON.stringify([row.package_ndc, row.generic_name, row.company]);
    const prev = kept.get(key);
    if (prev) {
      repeated++;
      if (before(row, prev.row)) kept.set(key, { row, line });
      continue;
    }
    kept.set(key, { row, line });
  }
  for (const { row, line } of kept.values()) {
    if (b.add('shortage', row, { file: label, row: line }))
      statuses.set(row.status, (statuses.get(row.status) ?? 0) + 1);
  }
  if (repeated > 0)
    b.warn(
      `${label}: ${repeated} record(s) repeat a (package NDC, generic name, company) already listed; one kept per package (Current first, then latest update)`,
    );
  const substances = new Set<string>();
  for (const { row } of kept.values()) for (const s of row.substance?.split('; ') ?? []) substances.add(s);
  b.metric('shortage_records', table.rows.length);
  b.metric('shortage_rows', kept.size);
  b.metric('shortage_repeated_records', repeated);
  b.metric('shortage_substance_from_openfda', fromOpenFda);
  b.metric('shortage_substance_from_generic_name', fromGeneric);
  b.metric('shortage_substances', substances.size);
  for (const [status, n] of statuses)
    b.metric(`shortage_status_${status.toLowerCase().replace(/\s+/g, '_')}`, n);
  return b.build();
}

/** Whether row a is kept before row b (status rank, then the later update). */
function before(a: Shortage, b: Shortage): boolean {
  const ra = STATUS_RANK[a.status] ?? 3;
  const rb = STATUS_RANK[b.status] ?? 3;
  if (ra !== rb) return ra < rb;
  return (a.update_date ?? '') > (b.update_date ?? '');
}

export const openFdaShortagesImporter: Importer = {
  format: 'openfda-shortages',
  description: 'openFDA drug shortages snapshot (flat CSV): shortage records with canonical substances',
  /** The flat CSV, or a folder directly holding it. */
  detect(path: string): boolean {
    try {
      const f = findFdaFile(path, 'shortages');
      return f !== null && (resolve(f) === resolve(path) || resolve(dirname(f)) === resolve(path));
    } catch {
      return false;
    }
  },
  async read(path: string, opts?: ReadOptions): Promise<ImportBatch> {
    return read(path, opts);
  },
};
