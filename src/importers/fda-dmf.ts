import { dirname, resolve } from 'node:path';
import type { DmfHolder, DrugMasterFile, Source } from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt } from './batch.js';
import { readCsv } from './csv.js';
import { readEstablishments } from './fda-establishments.js';
import { dataRelative, findFdaFile, isIsoDate, requireFdaFile } from './fda-files.js';
import { firmNameKey, HolderMatcher } from './fda-holder-match.js';
import { resolveSubjects, SUBJECT_EXCLUSIONS, SubstanceVocabulary } from './fda-substance.js';
import type { Importer, ReadOptions } from './importer.js';

export { apiHoldersBySubstance, type SubstanceHolder } from './fda-api-holders.js';

/**
 * FDA Drug Master File list + FDA DECRS establishment registrations → one batch:
 *  - `establishment`: every DECRS registration (see fda-establishments.ts);
 *  - `dmf`: every DMF of the list (all statuses and types). Active Type II DMFs get `substance`, the
 *    canonical substance resolved from SUBJECT, or null with `exclusion` saying why
 *    (fda-substance.ts, resolved against the openFDA substance names of the shortage file when it is
 *    found, else by normalisation alone, with a warning). Other DMFs have both null: not assessed;
 *  - `dmf_holder`: each distinct holder of active Type II DMFs, matched to the countries of its
 *    registered API sites (fda-holder-match.ts): single, multi (never split) or unknown.
 *
 * Input: the `data/` folder, `data/fda-dmf/` or `data/fda-decrs/` (siblings are found), a folder
 * holding the CSVs side by side, or the DMF list file itself (see fda-files.ts). Sources: the DMF
 * list edition (`fda-dmf-2025q2`, from the file name `fda_dmf_list_2025q2.csv`) for `dmf` rows, the
 * DECRS registrations (`fda-decrs-2025`) for `establishment` rows and for the `dmf_holder` rows, whose
 * content (countries) comes from DECRS.
 */

const DMF_REQUIRED = ['DMF_NUMBER', 'STATUS', 'TYPE', 'SUBMIT_DATE', 'HOLDER', 'SUBJECT'] as const;
const DMF_TYPES = new Set(['I', 'II', 'III', 'IV', 'V']);

/** Source of the DMF list, from its file name (`fda_dmf_list_2025q2.csv` → `fda-dmf-2025q2`). */
export function dmfSource(file: string, shortagesFile: string | null): Source {
  const m = /fda_dmf_list_(\d{4})q([1-4])/i.exec(file);
  const year = m ? Number(m[1]) : 2025;
  const edition = m ? `${m[1]}q${m[2]}` : null;
  return {
    id: edition ? `fda-dmf-${edition}` : 'fda-dmf',
    publisher: 'U.S. Food and Drug Administration (CDER)',
    title: `List of Drug Master Files (DMFs)${edition ? `, ${edition.replace('q', ' Q')} edition` : ''}`,
    year,
    url: 'https://www.fda.gov/drugs/drug-master-files-dmfs/list-drug-master-files-dmfs',
    file: dataRelative(file),
    licence: 'U.S. federal government work — public domain',
    note:
      'Every DMF as listed. For active Type II DMFs only, SUBJECT is resolved to a canonical substance ' +
      'or excluded (blend, granules, finished dosage form, combination, intermediate, non-drug, ' +
      `unresolved) by the documented rules of src/importers/fda-substance.ts` +
      (shortagesFile ? `, against the openFDA substance names of ${dataRelative(shortagesFile)}` : '') +
      '. holder_key is the normalised HOLDER (src/importers/fda-holder-match.ts). DMF counts are not ' +
      'capacity; the list has no country column.',
  };
}

/** Source of the DECRS registrations (`fda_decrs_establishments_2025.csv` → `fda-decrs-2025`). */
export function decrsSource(file: string): Source {
  const m = /(\d{4})/.exec(file.split('/').pop() ?? '');
  const year = m ? Number(m[1]) : 2025;
  return {
    id: m ? `fda-decrs-${m[1]}` : 'fda-decrs',
    publisher: 'U.S. Food and Drug Administration',
    title: `Drug Establishments Current Registration Site (DECRS), registrations expiring ${year}`,
    year,
    url: 'https://www.fda.gov/drugs/drug-approvals-and-databases/drug-establishments-current-registration-site',
    file: dataRelative(file),
    licence: 'U.S. federal government work — public domain',
    note:
      'Establishment rows, and dmf_holder rows: DMF holders matched to the countries of their ' +
      'registered API-manufacture sites by exact normalised name or registrant (rules in ' +
      'src/importers/fda-holder-match.ts; no fuzzy matching; unmatched holders are unknown). ' +
      'Registration is not approval and says nothing about volume.',
  };
}

/** The openFDA substance names of the shortage file (`openfda_substance_name`, "; "-separated). */
function readVocabulary(file: string): SubstanceVocabulary {
  const table = readCsv(file, { required: ['openfda_substance_name'] });
  const v = new SubstanceVocabulary();
  for (const { record } of table.rows)
    if (record.openfda_substance_name) v.add(record.openfda_substance_name);
  return v;
}

function read(path: string, opts: ReadOptions = {}): ImportBatch {
  const dmfFile = requireFdaFile(path, 'dmf', 'FDA DMF list (fda_dmf_list_*.csv)');
  const decrsFile = requireFdaFile(path, 'decrs', 'FDA DECRS establishment file (fda_decrs_*.csv)');
  const shortagesFile = findFdaFile(path, 'shortages');
  const b = new BatchBuilder('fda-dmf', path, opts.cap);
  const dmfSrc = dmfSource(dmfFile, shortagesFile);
  const decrsSrc = decrsSource(decrsFile);
  b.source(dmfSrc);
  b.source(decrsSrc);

  // establishments first: the holder matcher needs them
  const decrsLabel = dataRelative(decrsFile);
  const decrs = readEstablishments(decrsFile, decrsLabel, b, decrsSrc.id);
  if (decrs.merged > 0)
    b.warn(
      `${decrsLabel}: ${decrs.merged} registration(s) share (FEI, firm name, country) with another and were merged into it (DUNS joined, operations united)`,
    );

  let vocabulary = new SubstanceVocabulary();
  if (shortagesFile) vocabulary = readVocabulary(shortagesFile);
  else
    b.warn(
      'openFDA shortage file (drug_shortages_flat.csv) not found: DMF subjects resolved by normalisation only',
    );

  const dmfLabel = dataRelative(dmfFile);
  const table = readCsv(dmfFile, { label: dmfLabel, required: DMF_REQUIRED });
  const parsed: { row: DrugMasterFile; line: number }[] = [];
  for (const { line, record: rec } of table.rows) {
    const loc = { file: dmfLabel, row: line };
    const num = rec.DMF_NUMBER!.trim();
    const status = rec.STATUS!.trim();
    const type = rec.TYPE!.trim();
    const date = rec.SUBMIT_DATE!.trim();
    const holder = rec.HOLDER!.trim();
    let ok = true;
    const bad = (column: string, message: string) => {
      b.issues.add(issueAt(loc, column, message));
      ok = false;
    };
    if (!/^\d+$/.test(num)) bad('DMF_NUMBER', `not a DMF number: ${JSON.stringify(num)}`);
    if (status !== 'A' && status !== 'I') bad('STATUS', `expected A or I, got ${JSON.stringify(status)}`);
    if (!DMF_TYPES.has(type)) bad('TYPE', `expected I, II, III, IV or V, got ${JSON.stringify(type)}`);
    if (date !== '' && !isIsoDate(date))
      bad('SUBMIT_DATE', `not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
    if (holder === '') bad('HOLDER', 'holder is empty');
    if (!ok) continue;
    parsed.push({
      line,
      row: {
        dmf_number: Number(num),
        status,
        type,
        submit_date: date === '' ? null : date,
        holder,
        holder_key: firmNameKey(holder),
        subject: rec.SUBJECT!.trim(),
        substance: null,
        exclusion: null,
        source_id: dmfSrc.id,
      },
    });
  }

  // substances of active Type II DMFs (two passes, see resolveSubjects)
  const active = parsed.filter((p) => p.row.status === 'A' && p.row.type === 'II');
  const resolutions = resolveSubjects(
    active.map((p) => p.row.subject),
    vocabulary,
  );
  const byRule = new Map<string, number>();
  active.forEach((p, i) => {
    const r = resolutions[i]!;
    p.row.substance = r.substance;
    p.row.exclusion = r.exclusion;
    const k = r.exclusion ?? r.rule;
    byRule.set(k, (byRule.get(k) ?? 0) + 1);
  });
  for (const p of parsed) b.add('dmf', p.row, { file: dmfLabel, row: p.line });

  // holders of active Type II DMFs → countries
  const matcher = new HolderMatcher(decrs.sites);
  const spellings = new Map<string, Map<string, number>>();
  const dmfsPerHolder = new Map<string, number>();
  for (const { row } of active) {
    const m = spellings.get(row.holder_key) ?? new Map<string, number>();
    m.set(row.holder, (m.get(row.holder) ?? 0) + 1);
    spellings.set(row.holder_key, m);
    dmfsPerHolder.set(row.holder_key, (dmfsPerHolder.get(row.holder_key) ?? 0) + 1);
  }
  let matched = 0;
  let matchedDmfs = 0;
  let fallback = 0;
  let multi = 0;
  for (const [key, names] of spellings) {
    // the spelling used most often (first seen on a tie)
    let holder = '';
    let best = 0;
    for (const [name, n] of names)
      if (n > best) {
        holder = name;
        best = n;
      }
    const m = matcher.match(key);
    const row: DmfHolder = { holder_key: key, holder, ...m, source_id: decrsSrc.id };
    b.add('dmf_holder', row, { file: dmfLabel });
    if (m.country_status !== 'unknown') {
      matched++;
      matchedDmfs += dmfsPerHolder.get(key) ?? 0;
      if (m.match_rule?.endsWith(':manufacture-site')) fallback++;
      if (m.country_status === 'multi') multi++;
    }
  }

  const resolved = (byRule.get('openfda') ?? 0) + (byRule.get('openfda-parenthetical') ?? 0);
  const normalised = (byRule.get('normalised') ?? 0) + (byRule.get('parenthetical') ?? 0);
  const substances = new Set(active.map((p) => p.row.substance).filter((s) => s !== null));
  b.metric('dmf_rows', parsed.length);
  b.metric('dmf_active_type2', active.length);
  b.metric('dmf_active_type2_resolved', resolved + normalised);
  b.metric('dmf_active_type2_resolved_openfda', resolved);
  b.metric('dmf_active_type2_resolved_normalised', normalised);
  for (const reason of SUBJECT_EXCLUSIONS) {
    const name = reason === 'unresolved' ? 'unresolved' : `excluded_${reason.replace(/-/g, '_')}`;
    b.metric(`dmf_active_type2_${name}`, byRule.get(reason) ?? 0);
  }
  b.metric('dmf_substances', substances.size);
  b.metric('openfda_substance_names', vocabulary.size);
  b.metric('dmf_holders', spellings.size);
  b.metric('dmf_holders_matched', matched);
  b.metric('dmf_holders_matched_fallback', fallback);
  b.metric('dmf_holders_multi_country', multi);
  b.metric('dmf_holder_match_rate', spellings.size ? matched / spellings.size : 0);
  b.metric('dmf_active_type2_holder_matched_share', active.length ? matchedDmfs / active.length : 0);
  b.metric('establishments', decrs.sites.length);
  b.metric('establishments_api', decrs.sites.filter((s) => s.api_manufacture).length);
  b.metric('establishments_merged', decrs.merged);
  return b.build();
}

export const fdaDmfImporter: Importer = {
  format: 'fda-dmf',
  description:
    'FDA Drug Master File list + DECRS establishment registrations (+ openFDA shortage substance names): DMFs with canonical substances, establishments, DMF holders with countries',
  /** A DMF list or DECRS file, or a folder directly holding one, whose companion file is found. */
  detect(path: string): boolean {
    try {
      const dmf = findFdaFile(path, 'dmf');
      const decrs = findFdaFile(path, 'decrs');
      if (!dmf || !decrs) return false;
      const own = resolve(path);
      return [dmf, decrs].some((f) => resolve(f) === own || resolve(dirname(f)) === own);
    } catch {
      return false;
    }
  },
  async read(path: string, opts?: ReadOptions): Promise<ImportBatch> {
    return read(path, opts);
  },
};
