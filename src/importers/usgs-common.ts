import { AGGREGATE_CODES, type Measure, STAGES, type Stage, type ValueFlag } from '../model/index.js';
import { type BatchBuilder, issueAt, type RowLocation } from './batch.js';
import { resolveCountryName } from './country-names.js';
import type { ProductSpec } from './usgs-materials.js';
import { baseFactor, scale, type UsgsValue, unitOf } from './usgs-values.js';

/** The tag of materials on the 2025 US critical minerals list (MCS column "Is critical mineral 2025"). */
export const CRITICAL_TAG = 'critical-mineral-us-2025';

/** USGS country spellings the shared alias list does not cover (folded: lower case, no accents). */
const USGS_ALIASES: Readonly<Record<string, string>> = {
  'korea, republic of': 'KOR',
  'congo (kinshasa)': 'COD',
  'congo (brazzaville)': 'COG',
  burma: 'MMR',
  'cote d’ivoire': 'CIV',
  'united states (includes puerto rico)': 'USA',
};

export type UsgsCountry =
  | { iso3: string; aggregate?: undefined }
  | { iso3: string; aggregate: 'world' | 'other' }
  | { multi: true };

/**
 * Resolves a USGS country cell: "World total…" → WLD (kept for reference, never a share
 * denominator), "Other countries…" → XOT, a list of several countries ("China, Germany, and
 * Russia") → multi (skipped by the caller), otherwise ISO 3166-1 alpha-3; undefined if unknown.
 */
export function usgsCountry(name: string, aggregate = ''): UsgsCountry | undefined {
  const n = name.replace(/\u00a0/g, ' ').trim();
  if (aggregate === 'world' || /^world\b/i.test(n))
    return { iso3: AGGREGATE_CODES.world, aggregate: 'world' };
  if (aggregate === 'other' || /^other countries\b/i.test(n))
    return { iso3: AGGREGATE_CODES.other, aggregate: 'other' };
  if (aggregate === 'multi') return { multi: true };
  const iso3 = resolveCountryName(n, USGS_ALIASES);
  if (iso3) return { iso3 };
  // "United States and Canada", "China, Germany, and Russia": several countries in one figure
  if (/,|\band\b/.test(n)) {
    const parts = n.split(/,\s*(?:and\s+)?|\s+and\s+/).filter((p) => p.trim() !== '');
    if (parts.length > 1 && parts.every((p) => resolveCountryName(p, USGS_ALIASES))) return { multi: true };
  }
  return undefined;
}

interface MaterialEntry {
  spec: ProductSpec;
  stage: Stage;
  commodity: string;
  unit: string;
  /** "Is critical mineral 2025" of the MCS 2026 rows that mapped here */
  critical: boolean | undefined;
  chapter: string;
  /** the first row that defined the material (for messages) */
  loc: RowLocation;
}

function stageOf(id: string): Stage | undefined {
  const stage = id.slice(id.lastIndexOf('.') + 1);
  return (STAGES as readonly string[]).includes(stage) ? (stage as Stage) : undefined;
}

/**
 * The materials an import defines, with the one unit each material's quantities are expressed in:
 * the base unit (t, kg, ct, m3, L) of the first row that used it. MCS 2026 is read first, so its
 * unit wins and older editions are converted into it.
 */
export class UsgsMaterials {
  private readonly byId = new Map<string, MaterialEntry>();
  /** materials whose unit a quantity has fixed (import-only materials have a provisional one) */
  private readonly hasQuantities = new Set<string>();
  /** chapter → whether any MCS 2026 row of the chapter is on the 2025 critical list */
  readonly chapterCritical = new Map<string, boolean>();

  constructor(private readonly b: BatchBuilder) {}

  /**
   * Registers (or finds) a material and returns the factor that converts a quantity in `base` into
   * the material's unit, or undefined when the units are incompatible (reported as an issue).
   */
  use(
    spec: ProductSpec,
    chapter: string,
    base: string | null,
    loc: RowLocation,
    column: string,
  ): { factor: number; unit: string } | undefined {
    let m = this.byId.get(spec.id);
    if (!m) {
      const stage = stageOf(spec.id);
      if (!stage) {
        this.b.issues.add(
          issueAt(loc, undefined, `mapping table gives material id ${spec.id} no valid stage`),
        );
        return undefined;
      }
      m = {
        spec,
        stage,
        commodity: spec.id.slice(0, spec.id.lastIndexOf('.')),
        unit: base ?? defaultUnit(spec),
        critical: undefined,
        chapter,
        loc,
      };
      this.byId.set(spec.id, m);
    } else if (base !== null && !this.hasQuantities.has(spec.id)) {
      // a material first seen in an import-source table takes the unit of its first quantity
      m.unit = base;
    }
    if (base === null) return { factor: 1, unit: m.unit };
    this.hasQuantities.add(spec.id);
    const factor = baseFactor(base, m.unit);
    if (factor === undefined) {
      this.b.issues.add(
        issueAt(loc, column, `unit ${base} cannot be converted to ${m.unit}, the unit of ${spec.id}`),
      );
      return undefined;
    }
    return { factor, unit: m.unit };
  }

  markCritical(id: string, value: string): void {
    const m = this.byId.get(id);
    if (!m) return;
    const v = value.trim();
    if (v === 'Yes') m.critical = true;
    else if (v === 'No' && m.critical === undefined) m.critical = false;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds one `material` row per registered material. */
  flush(sourceId: string): void {
    const ids = [...this.byId.keys()].sort();
    // a material no quantity defined (import-only) takes the unit of its chapter's produced material,
    // preferring the same commodity (palladium.refined → kg, like palladium.mine)
    const chapterUnit = new Map<string, string>();
    for (const id of ids) {
      const m = this.byId.get(id)!;
      if (!this.hasQuantities.has(id)) continue;
      if (!chapterUnit.has(m.chapter)) chapterUnit.set(m.chapter, m.unit);
      chapterUnit.set(`${m.chapter}|${m.commodity}`, m.unit);
    }
    for (const id of ids) {
      const m = this.byId.get(id)!;
      if (!this.hasQuantities.has(id) && m.unit === defaultUnit(m.spec)) {
        m.unit = chapterUnit.get(`${m.chapter}|${m.commodity}`) ?? chapterUnit.get(m.chapter) ?? m.unit;
      }
      const critical = m.critical ?? this.chapterCritical.get(m.chapter) ?? false;
      this.b.add(
        'material',
        {
          id,
          name: m.spec.name,
          commodity: m.commodity,
          stage: m.stage,
          basis: m.spec.basis,
          unit: m.unit,
          hs_codes: [],
          tags: critical ? [CRITICAL_TAG] : [],
          synonyms: [],
          unii: null,
          source_id: sourceId,
          illustrative: false,
          note: [`USGS MCS chapter: ${m.chapter}`, m.spec.note].filter(Boolean).join('. '),
        },
        m.loc,
      );
    }
  }
}

/** Unit of a material that no quantity has defined yet (import-only materials). */
function defaultUnit(spec: ProductSpec): string {
  if (spec.basis === 'carats') return 'ct';
  if (spec.basis === 'volume') return 'm3';
  return 't';
}

export interface ProductionInput {
  spec: ProductSpec;
  chapter: string;
  country: string;
  period: string;
  measure: Measure;
  value: UsgsValue;
  /** the unit text as published */
  unit: string;
  estimated: boolean;
  note: string;
  sourceId: string;
  loc: RowLocation;
  columns: { value: string; unit: string };
}

export interface ProductionCounters {
  duplicates: number;
  notApplicable: number;
}

/**
 * Validates and adds one production/capacity/reserves row. Flags follow DESIGN.md: W and NA give a
 * null quantity, a dash is 0 (`zero`), ">x"/"<x" keep x (`gt`/`lt`), estimates are `est`. XX (not
 * applicable) writes nothing. Negative quantities are bad input.
 */
export function addProduction(
  b: BatchBuilder,
  mats: UsgsMaterials,
  p: ProductionInput,
  counters: ProductionCounters,
): void {
  const v = p.value;
  if (v.flag === 'XX') {
    counters.notApplicable++;
    return;
  }
  if (v.flag === 'E' || v.flag === 'unparseable') {
    b.issues.add(issueAt(p.loc, p.columns.value, `"${v.published ?? v.flag}" is not a quantity`));
    return;
  }
  if (v.value !== null && v.value < 0) {
    b.issues.add(issueAt(p.loc, p.columns.value, `negative quantity ${v.value}`));
    return;
  }
  const unit = unitOf(p.unit);
  if (!unit) {
    b.issues.add(issueAt(p.loc, p.columns.unit, `unknown unit ${JSON.stringify(p.unit)}`));
    return;
  }
  const conv = mats.use(p.spec, p.chapter, unit.base, p.loc, p.columns.unit);
  if (!conv) return;
  let flag: ValueFlag | null = null;
  if (v.flag === 'W' || v.flag === 'NA' || v.flag === 'zero' || v.flag === 'gt' || v.flag === 'lt')
    flag = v.flag;
  // ranges and qualitative words ("Large") are no single figure: null, shown as not available
  else if (v.flag === 'range' || v.flag === 'text') flag = 'NA';
  else if (p.estimated) flag = 'est';
  const quantity = v.value === null ? null : scale(v.value, unit.factor * conv.factor);
  const row = {
    material_id: p.spec.id,
    country: p.country,
    facility_id: null,
    period: p.period,
    measure: p.measure,
    origin: 'primary',
    source_id: p.sourceId,
  };
  if (b.has('production', row)) {
    counters.duplicates++;
    b.warn(
      `${p.loc.file} row ${p.loc.row}: second ${p.measure} figure for ${p.spec.id} ${p.country} ${p.period} skipped (${p.note.slice(0, 80)})`,
    );
    return;
  }
  const notes = [p.note];
  if (v.published) notes.push(`published as "${v.published}"`);
  if (p.country === AGGREGATE_CODES.world) notes.push('world total as published (rounded; reference only)');
  b.add(
    'production',
    {
      ...row,
      quantity,
      unit: conv.unit,
      flag,
      illustrative: false,
      note: truncate(notes.filter(Boolean).join(' — '), 1000),
    },
    p.loc,
  );
}

export function truncate(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}
