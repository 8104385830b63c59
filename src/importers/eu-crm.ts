import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Source, ValidationError } from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt, type RowLocation } from './batch.js';
import { resolveCountryName } from './country-names.js';
import { type CsvTable, parseNumber, readCsv } from './csv.js';
import type { Importer, ReadOptions } from './importer.js';
import { checkShareSet, SHARE_SUM_TOLERANCE } from './share-sets.js';

/**
 * EU Critical Raw Materials assessment 2023 (EC 2017 supply-risk method): per-material inputs and the
 * published global and EU supply shares with their trade variable t. See data/eu-crm-2023/PROVENANCE.md.
 */
export const EU_CRM_FILES = {
  inputs: 'critmat_eureport_inputs_2023.csv',
  global: 'fact_GlobalSupplyShares_and_t.csv',
  eu: 'fact_EUSupplyShares_and_t.csv',
  tradeParameters: 'critmat_eureport_tradeparameters_2023.csv',
} as const;

export const EU_CRM_SOURCE: Source = {
  id: 'eu-crm-2023',
  publisher: 'European Commission, DG GROW',
  title:
    'Study on the Critical Raw Materials for the EU 2023 – Final Report: supply-risk inputs ' +
    '(supply shares and t, Appendix 7; per-material stage, supply mix, SI, IR and EOL-RIR)',
  year: 2023,
  url: 'https://single-market-economy.ec.europa.eu/publications/study-critical-raw-materials-eu-2023-final-report_en',
  file: Object.values(EU_CRM_FILES)
    .map((f) => `eu-crm-2023/${f}`)
    .join('; '),
  licence:
    'Commission study: reuse authorised, CC BY 4.0 (Decision 2011/833/EU). Transcriptions: ' +
    'erikemilsson/EU-Critical-Raw-Materials-CRM-Reports-Datasets (CC BY 4.0), meyerdata/CritMAT (MIT)',
  note:
    'DOI 10.2873/725585. Third-party transcriptions of the report PDF, not official tables: supply shares ' +
    'from erikemilsson/EU-Critical-Raw-Materials-CRM-Reports-Datasets commit 59383504 (converted to UTF-8); ' +
    'per-material inputs and trade parameters from meyerdata/CritMAT commit 0bd89778 (SR/EI result ' +
    'columns removed). Material names are kept as each table writes them.',
};

/**
 * Country spellings of the EU CRM transcriptions that the shared name table does not cover, or
 * covers differently (keys folded: lower case, no accents). Built from the bundled files.
 */
export const EU_CRM_COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  // the tables list "Congo" next to "Congo, D.R." in the same share set (e.g. Sapele wood, Copper P),
  // so "Congo" is the Republic of the Congo; the shared table would read it as DR Congo
  congo: 'COG',
  'congo, d.r.': 'COD', // the transcriber's rewrite of the report's "DRC"
  'dr congo': 'COD', // CritMAT trade parameters
  brasil: 'BRA',
  brasilia: 'BRA', // global Roundwood E: the capital's name written for the country
  libanon: 'LBN',
  surinam: 'SUR',
  turkyie: 'TUR', // typo of Türkiye (global Roundwood E)
};

/**
 * Material spellings that differ between the tables (keys folded to lower case) → the name used in
 * the per-material inputs file. Used only to cross-reference the tables (the trade-parameter check
 * and the coverage warnings); every record keeps the name its own table writes.
 */
export const EU_CRM_MATERIAL_VARIANTS: Readonly<Record<string, string>> = {
  barytes: 'Baryte',
  borate: 'Boron',
  'heavy rare earths elements': 'HREE',
  limestone: 'Lime', // CritMAT writes "Lime" for the study's limestone (extraction, EU-only supply mix)
  phosphorous: 'Phosphorus',
  sulphur: 'Sulfur',
  talc: 'Talc, Steatite & Pyrophyllite',
  'titanium ores': 'Titanium', // the EU sourcing table's name for titanium at extraction
};

/** The inputs file's name for a material written in any of the tables (variants matched case-insensitively). */
export function euCrmCanonicalName(name: string): string {
  return EU_CRM_MATERIAL_VARIANTS[name.trim().toLowerCase()] ?? name.trim();
}

/** Case-insensitive key of a material across the tables ("Natural Graphite" = "Natural graphite"). */
const materialKey = (name: string) => euCrmCanonicalName(name).toLowerCase();

const SUPPLY_MIX = new Set(['GS+EU', 'GSonly', 'EUonly']);
const STAGES = new Set(['E', 'P', 'E+P']);

/** Share sets whose residual exceeds this are named in a warning (the EU table lists only shares ≥ 1 %). */
const LARGE_RESIDUAL = 0.05;

type Scope = 'global' | 'eu';
type Stage = 'E' | 'P';

interface ShareSet {
  file: string;
  firstLine: number;
  material: string;
  scope: Scope;
  stage: Stage;
  shares: number[];
  /** worst-case rounding error of the listed shares (fraction) */
  rounding: number;
  lessThan: number;
}

interface TradeParameter {
  loc: RowLocation;
  material: string;
  country: string;
  iso3: string;
  scope: Scope;
  stage: Stage;
  t: number;
}

/** Percent text or number → fraction, without binary noise (89 → 0.89, 94.01 → 0.9401). */
function percentToFraction(n: number): number {
  return Number((n / 100).toPrecision(12));
}

function kindOf(table: CsvTable): 'inputs' | 'shares' | 'tradeParameters' | undefined {
  const h = new Set(table.header);
  if (h.has('material_name') && h.has('eu_used_stage')) return 'inputs';
  if (h.has('material_name') && h.has('parameter')) return 'tradeParameters';
  if (h.has('Material') && h.has('Share')) return 'shares';
  return undefined;
}

function scopeOf(file: string): Scope | undefined {
  const f = basename(file).toLowerCase();
  if (f.includes('global')) return 'global';
  if (/(^|[^a-z])eu/.test(f)) return 'eu';
  return undefined;
}

/** Reads the per-material inputs (one eu_crm_material per material); returns the names loaded. */
function readInputs(b: BatchBuilder, table: CsvTable): Set<string> {
  const label = table.file;
  const names = new Set<string>();
  const seen = new Map<string, { line: number; text: string }>();
  let shifted = 0;
  for (const { line, record: r } of table.rows) {
    const loc = { file: label, row: line };
    const name = r.material_name!.trim();
    const text = JSON.stringify(r);
    const prev = seen.get(name);
    if (prev && prev.text === text) {
      // "Tungsten" appears twice with identical values in the transcription
      b.warn(`${label} row ${line}: ${name} repeats row ${prev.line} with identical values; kept once`);
      continue;
    }
    seen.set(name, { line, text });

    let ok = true;
    const usedText = r.eu_used_stage!.trim();
    const used = usedText === 'Extraction' ? 'extraction' : usedText === 'Processing' ? 'processing' : null;
    if (!used) {
      b.issues.add(
        issueAt(loc, 'eu_used_stage', `expected Extraction or Processing, got ${JSON.stringify(usedText)}`),
      );
      ok = false;
    }
    const stages = r.eu_stages!.trim();
    if (!STAGES.has(stages)) {
      b.issues.add(issueAt(loc, 'eu_stages', `expected E, P or E+P, got ${JSON.stringify(stages)}`));
      ok = false;
    } else if (used && !stages.includes(used === 'extraction' ? 'E' : 'P')) {
      b.issues.add(issueAt(loc, 'eu_used_stage', `${usedText} is not among the assessed stages ${stages}`));
      ok = false;
    }

    // The supply-mix flag of the stage the SR formula uses must be valid; a bad flag on the other
    // stage is a known transcription defect (rows shifted by one column, "EU" for Molybdenum) and
    // is dropped with a warning, since the published SR never reads it.
    const mix = (column: string, stageOfColumn: 'extraction' | 'processing'): string | null => {
      const v = r[column]!.trim();
      if (SUPPLY_MIX.has(v)) return v;
      const usedHere = used === stageOfColumn;
      if (v === '' && !usedHere) return null;
      const message =
        v === ''
          ? `${name}: no supply mix for the stage used (${usedText})`
          : `${name}: ${JSON.stringify(v)} is not a supply-mix flag (GS+EU, GSonly, EUonly)`;
      if (usedHere) {
        b.issues.add(issueAt(loc, column, message));
        ok = false;
      } else {
        shifted++;
        b.warn(
          `${label} row ${line} column ${column}: ${message}; set to null (transcription defect noted in ` +
            `PROVENANCE.md; the SR uses the ${usedText.toLowerCase()} stage, so this flag is not read)`,
        );
      }
      return null;
    };
    const supplyPrimary = mix('eu_used_supply_primary', 'extraction');
    const supplyRefined = mix('eu_used_supply_refined', 'processing');

    const num = (column: string, max: number, percent: boolean): number | null => {
      const raw = r[column]!.trim();
      const n = parseNumber(raw);
      if (n === null) return null;
      if (Number.isNaN(n)) {
        b.issues.add(issueAt(loc, column, `not a number: ${JSON.stringify(raw)}`));
        ok = false;
        return null;
      }
      if (n < 0 || n > max) {
        b.issues.add(issueAt(loc, column, `${n} is outside 0–${max}${percent ? ' %' : ''}`));
        ok = false;
        return null;
      }
      return percent ? percentToFraction(n) : n;
    };
    const row = {
      material_name: name,
      material_id: null, // mapping to trustmap materials is a separate step
      used_stage: used,
      stages,
      supply_mix_primary: supplyPrimary,
      supply_mix_refined: supplyRefined,
      si_ei: num('si_ei', 1, false),
      si_sr: num('si_sr', 1, false),
      import_reliance_primary: num('import_reliance_primary', 100, true),
      import_reliance_refined: num('import_reliance_refined', 100, true),
      eol_rir: num('end_of_life', 100, true),
      source_id: EU_CRM_SOURCE.id,
    };
    if (ok && b.add('eu_crm_material', row, loc)) names.add(name);
  }
  b.metric('materials_with_dropped_supply_flag', shifted);
  return names;
}

/** Reads CritMAT's trade parameters (t ≠ 1 only) for the cross-check against the share tables. */
function readTradeParameters(b: BatchBuilder, table: CsvTable): TradeParameter[] {
  const out: TradeParameter[] = [];
  for (const { line, record: r } of table.rows) {
    const loc = { file: table.file, row: line };
    const country = r.country_name!.trim();
    const iso3 = resolveCountryName(country, EU_CRM_COUNTRY_ALIASES);
    const category = r.category!.trim();
    const stage = category === 'primary' ? 'E' : category === 'refined' ? 'P' : undefined;
    const scopeText = r.scope!.trim();
    const scope = scopeText === 'world' ? 'global' : scopeText === 'eu' ? 'eu' : undefined;
    const t = parseNumber(r.parameter);
    let ok = true;
    if (!iso3) {
      b.issues.add(issueAt(loc, 'country_name', `unknown country ${JSON.stringify(country)}`));
      ok = false;
    }
    if (!stage) {
      b.issues.add(issueAt(loc, 'category', `expected primary or refined, got ${JSON.stringify(category)}`));
      ok = false;
    }
    if (!scope) {
      b.issues.add(issueAt(loc, 'scope', `expected world or eu, got ${JSON.stringify(scopeText)}`));
      ok = false;
    }
    if (t === null || Number.isNaN(t) || t < 0) {
      b.issues.add(
        issueAt(loc, 'parameter', `expected a non-negative number, got ${JSON.stringify(r.parameter)}`),
      );
      ok = false;
    }
    if (ok) {
      out.push({
        loc,
        material: r.material_name!.trim(),
        country,
        iso3: iso3!,
        scope: scope!,
        stage: stage!,
        t: t!,
      });
    }
  }
  return out;
}

const tradeKey = (scope: Scope, stage: Stage, material: string, iso3: string) =>
  `${scope}|${stage}|${materialKey(material)}|${iso3}`;

/** Reads one supply-share table; fills `sets` for the sum check and `tByKey` for the cross-check. */
function readShares(
  b: BatchBuilder,
  table: CsvTable,
  scope: Scope,
  sets: Map<string, ShareSet>,
  tByKey: Map<string, { t: number | null; loc: RowLocation }>,
  tradeParams: ReadonlyMap<string, TradeParameter>,
): void {
  const label = table.file;
  let lessThan = 0;
  let folded = 0;
  for (const { line, record: r } of table.rows) {
    const loc = { file: label, row: line };
    const material = r.Material!.trim();
    const stage = r.Stage!.trim();
    const countryName = r.Country!.trim();
    const shareText = r.Share!.trim();
    let ok = true;
    if (stage !== 'E' && stage !== 'P') {
      b.issues.add(issueAt(loc, 'Stage', `expected E or P, got ${JSON.stringify(stage)}`));
      ok = false;
    }
    const iso3 = resolveCountryName(countryName, EU_CRM_COUNTRY_ALIASES);
    if (!iso3) {
      b.issues.add(
        issueAt(
          loc,
          'Country',
          `unknown country ${JSON.stringify(countryName)}; add it to EU_CRM_COUNTRY_ALIASES`,
        ),
      );
      ok = false;
    }

    // "63%" → 0.63; "<0.1%" → null (share_text keeps what was published)
    let share: number | null = null;
    let rounding = 0;
    if (shareText === '<0.1%') {
      lessThan++;
    } else {
      const m = /^(\d+(?:\.(\d+))?)\s*(%?)$/.exec(shareText);
      if (m && m[3] === '') {
        // one EU row (Silicon metal, P, Germany) lost its "%"; the column is in percent throughout
        b.warn(
          `${label} row ${line} column Share: ${JSON.stringify(shareText)} has no % sign; read as percent`,
        );
      }
      const n = m ? Number(m[1]) : Number.NaN;
      if (!m || n > 100) {
        b.issues.add(
          issueAt(loc, 'Share', `expected a percentage 0–100 % or "<0.1%", got ${JSON.stringify(shareText)}`),
        );
        ok = false;
      } else {
        share = percentToFraction(n);
        // a share rounded to d decimals of a percent may be off by half a unit of its last digit
        rounding = (0.5 * 10 ** -(m[2]?.length ?? 0)) / 100;
      }
    }

    let t = parseNumber(r.t);
    if (t !== null && (Number.isNaN(t) || t < 0)) {
      b.issues.add(issueAt(loc, 't', `expected a non-negative number, got ${JSON.stringify(r.t)}`));
      ok = false;
    }
    if (!ok) continue;
    const key = tradeKey(scope, stage as Stage, material, iso3!);
    if (t === null) {
      // fold CritMAT's t where the annex transcription left it blank (never the case in the bundled files)
      const p = tradeParams.get(key);
      if (p) {
        t = p.t;
        folded++;
      }
    }
    const added = b.add(
      'eu_crm_supply_share',
      {
        material_name: material,
        scope,
        stage,
        country: iso3,
        country_name: countryName,
        share,
        share_text: shareText,
        t,
        source_id: EU_CRM_SOURCE.id,
      },
      loc,
    );
    if (!added) continue;
    tByKey.set(key, { t, loc });
    const setKey = `${scope}|${stage}|${material}`;
    let set = sets.get(setKey);
    if (!set) {
      set = {
        file: label,
        firstLine: line,
        material,
        scope,
        stage: stage as Stage,
        shares: [],
        rounding: 0,
        lessThan: 0,
      };
      sets.set(setKey, set);
    }
    if (share === null) set.lessThan++;
    else {
      set.shares.push(share);
      set.rounding += rounding;
    }
  }
  b.metric(`${scope}_shares_below_0_1_percent`, lessThan);
  if (folded) b.metric(`${scope}_t_folded_from_trade_parameters`, folded);
}

/**
 * Checks each (material, scope, stage) share set. A set may exceed 100 % by the worst-case rounding
 * of its listed shares (half a unit of each share's last published digit; at least
 * `SHARE_SUM_TOLERANCE`): the EU table gives whole percents, so six rare-earth shares can sum to
 * 101.1 %. Above that the published figures cannot be right, and the import fails. Sets are never
 * renormalised; every sum and residual is reported.
 */
function checkSets(b: BatchBuilder, sets: ReadonlyMap<string, ShareSet>): void {
  let over = 0;
  let maxSum = 0;
  for (const s of sets.values()) {
    const tolerance = Math.max(SHARE_SUM_TOLERANCE, s.rounding);
    const c = checkShareSet(`${s.scope}.${s.stage}.${s.material}`, s.shares, tolerance);
    const pct = (x: number) => `${Number((x * 100).toFixed(2))}%`;
    b.metric(`share_sum.${c.key}`, c.sum);
    b.metric(`share_residual.${c.key}`, c.residual);
    if (c.sum > maxSum) maxSum = c.sum;
    const what = `${s.scope === 'eu' ? 'EU sourcing' : 'global supply'} shares of ${s.material}, stage ${s.stage}`;
    const lt = s.lessThan ? ` plus ${s.lessThan} "<0.1%"` : '';
    if (!c.ok) {
      b.issues.add({
        file: s.file,
        row: s.firstLine,
        column: 'Share',
        message:
          `${what}: the listed shares sum to ${pct(c.sum)}${lt}, above 100 % by more than their rounding ` +
          `allows (${pct(tolerance)}); the set is not renormalised`,
      });
      continue;
    }
    if (c.sum > 1 + SHARE_SUM_TOLERANCE) {
      over++;
      b.warn(
        `${s.file}: ${what} sum to ${pct(c.sum)} (residual ${pct(c.residual)}), within the rounding of ` +
          `${s.shares.length} published shares (±${pct(tolerance)}); kept as published`,
      );
    } else if (c.residual > LARGE_RESIDUAL) {
      b.warn(
        `${s.file}: ${what} sum to ${pct(c.sum)}${lt} (residual ${pct(c.residual)}` +
          (s.scope === 'eu' ? ': the EU table lists only shares ≥ 1 %)' : ')'),
      );
    }
  }
  b.metric('share_sets', sets.size);
  b.metric('share_sets_over_100_within_rounding', over);
  b.metric('share_sum_max', maxSum);
}

/** Compares CritMAT's t values with the annex tables' row-level t (the tables win; see below). */
function crossCheckTradeParameters(
  b: BatchBuilder,
  params: readonly TradeParameter[],
  tByKey: ReadonlyMap<string, { t: number | null; loc: RowLocation }>,
): void {
  let agree = 0;
  let disagree = 0;
  let unmatched = 0;
  for (const p of params) {
    const hit = tByKey.get(tradeKey(p.scope, p.stage, p.material, p.iso3));
    const what = `${p.material} / ${p.country} / ${p.scope} / ${p.stage}`;
    if (!hit) {
      unmatched++;
      b.warn(
        `${p.loc.file} row ${p.loc.row}: t = ${p.t} for ${what} has no row in the ${p.scope} share table; not used`,
      );
    } else if (hit.t === p.t) agree++;
    else {
      disagree++;
      b.warn(
        `${p.loc.file} row ${p.loc.row}: t = ${p.t} for ${what}, but ${hit.loc.file} row ${hit.loc.row} ` +
          `gives t = ${hit.t}; the share table's value is kept`,
      );
    }
  }
  b.metric('trade_parameters', params.length);
  b.metric('trade_parameters_agree', agree);
  b.metric('trade_parameters_disagree', disagree);
  b.metric('trade_parameters_unmatched', unmatched);
}

/** Materials of the inputs file without a share set, and share sets without an inputs row. */
function reportCoverage(
  b: BatchBuilder,
  inputs: ReadonlySet<string>,
  sets: ReadonlyMap<string, ShareSet>,
): void {
  if (inputs.size === 0 || sets.size === 0) return;
  const withSets = new Set<string>();
  for (const s of sets.values()) withSets.add(materialKey(s.material));
  const folded = new Set([...inputs].map((n) => n.toLowerCase()));
  const noShares = [...inputs].filter((n) => !withSets.has(n.toLowerCase()));
  const noInputs = [...new Set([...sets.values()].map((s) => s.material))].filter(
    (m) => !folded.has(materialKey(m)),
  );
  b.metric('materials_with_share_sets', inputs.size - noShares.length);
  if (noShares.length) b.warn(`materials of the inputs file with no share set: ${noShares.join(', ')}`);
  if (noInputs.length) b.warn(`share sets with no material in the inputs file: ${noInputs.join(', ')}`);
}

function folderFiles(path: string): string[] {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  if (!statSync(path).isDirectory()) return [path];
  const files = Object.values(EU_CRM_FILES).map((f) => join(path, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    throw new ValidationError(
      missing.map((f) => ({ file: path, message: `the folder has no ${basename(f)}` })),
    );
  }
  return files;
}

/**
 * Reads the EU CRM 2023 inputs: `eu_crm_material` rows (fractions, not percent) from the inputs file
 * and `eu_crm_supply_share` rows from the global and EU share tables. CritMAT's trade-parameter file
 * is a second transcription of t: the annex tables already give t on every share row, so it is used
 * only to fill a blank t and otherwise cross-checked, each disagreement named in a warning.
 */
export function readEuCrm(path: string, opts: ReadOptions = {}): ImportBatch {
  const files = folderFiles(path);
  const b = new BatchBuilder('eu-crm', path, opts.cap);
  b.source({ ...EU_CRM_SOURCE });
  const tables = files.map((f) => readCsv(f));
  const byKind = { inputs: [] as CsvTable[], shares: [] as CsvTable[], tradeParameters: [] as CsvTable[] };
  for (const t of tables) {
    const kind = kindOf(t);
    if (!kind) {
      throw new ValidationError([
        { file: t.file, row: 1, message: 'not an EU CRM table (unrecognised header)' },
      ]);
    }
    byKind[kind].push(t);
  }
  if (files.length === 1) {
    b.warn(
      `only ${basename(files[0]!)} was read: applying this batch replaces every ${EU_CRM_SOURCE.id} record, ` +
        'so the other EU CRM tables leave the store; import the folder to keep them',
    );
  }

  const params = byKind.tradeParameters.flatMap((t) => readTradeParameters(b, t));
  const paramsByKey = new Map(params.map((p) => [tradeKey(p.scope, p.stage, p.material, p.iso3), p]));
  const inputNames = new Set<string>();
  for (const t of byKind.inputs) for (const n of readInputs(b, t)) inputNames.add(n);

  const sets = new Map<string, ShareSet>();
  const tByKey = new Map<string, { t: number | null; loc: RowLocation }>();
  for (const t of byKind.shares) {
    const scope = scopeOf(t.file);
    if (!scope) {
      throw new ValidationError([
        {
          file: t.file,
          message: 'cannot tell global from EU shares: the file name must contain "Global" or "EU"',
        },
      ]);
    }
    readShares(b, t, scope, sets, tByKey, paramsByKey);
  }
  checkSets(b, sets);
  if (params.length && byKind.shares.length) crossCheckTradeParameters(b, params, tByKey);
  reportCoverage(b, inputNames, sets);
  return b.build();
}

export const euCrmImporter: Importer = {
  format: 'eu-crm',
  description:
    'EU Critical Raw Materials assessment 2023: per-material SR inputs and global / EU supply shares with t',
  detect(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) return existsSync(join(path, EU_CRM_FILES.inputs));
    if (!path.toLowerCase().endsWith('.csv')) return false;
    const head = readFileSync(path)
      .subarray(0, 200)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return (
      head.startsWith('material_name,eu_used_stage') ||
      head.startsWith('material_name,country_name,parameter') ||
      (head.startsWith('Material,Stage,Country,Share,t') && scopeOf(path) !== undefined)
    );
  },
  read: async (path, opts) => readEuCrm(path, opts),
};
