import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  AGGREGATE_CODES,
  type Basis,
  normalisePeriod,
  type Source,
  type Stage,
  ValidationError,
} from '../model/index.js';
import { BatchBuilder, type ImportBatch, issueAt, type RowLocation } from './batch.js';
import { CitedSources } from './cited-sources.js';
import { resolveCountryName } from './country-names.js';
import { type CsvTable, parseNumber, readCsv } from './csv.js';
import type { Importer, ReadOptions } from './importer.js';
import {
  FDA_SUBSTANCE_NAMES,
  foldName,
  INPUT_CANON,
  MINERAL_MATERIAL,
  NOT_AN_INPUT,
  ROUTE_LINKS,
  ROUTE_SPECIFIC,
  SUBSTITUTE_GROUPS,
  USGS_DEFINED_CHEMICALS,
  withoutParenthetical,
} from './pharma-links-materials.js';
import {
  CONTENT_RULES,
  contentQuantity,
  molarMass,
  sig3,
  UNQUANTIFIED,
} from './pharma-links-stoichiometry.js';
import { slugify } from './slug.js';

/**
 * The pharma-links folder (data/pharma-links/PROVENANCE.md): a hand-compiled, cited table of
 * essential-medicine APIs and their KSMs / intermediates / mineral inputs, published sourcing
 * figures, and India's PLI list of critical KSMs / drug intermediates / APIs.
 */

export const PHARMA_LINKS_FILES = {
  apiInputs: 'api_inputs.csv',
  sourcingFacts: 'sourcing_facts.csv',
  pli: 'india_pli_ksm_list.csv',
} as const;

const LICENCE = 'facts with citations (each row cites its page; the cited pages keep their own copyright)';

/** The compilation itself: the source of every material this importer defines. */
export const PHARMA_LINKS_SOURCE: Source = {
  id: 'pharma-links-2026',
  publisher: 'trustmap project (hand-compiled from cited public pages)',
  title:
    'Essential-medicine APIs → KSMs / intermediates / critical minerals, published sourcing figures and ' +
    "India's PLI list of critical KSMs / drug intermediates / APIs (pharma-links)",
  year: 2026,
  url: null,
  file: `pharma-links/${PHARMA_LINKS_FILES.apiInputs}; pharma-links/${PHARMA_LINKS_FILES.pli}`,
  licence: LICENCE,
  note:
    'Every row cites a stored public page that was read; no row was written from memory. Routes are ' +
    'representative published routes, not proof of the route each plant uses. Materials: APIs (stage api), ' +
    'KSMs / intermediates / biological inputs (stage chemical), minerals not covered by USGS MCS (see ' +
    'MINERAL_MATERIAL). The tag essential-generic reflects the compilation scope (essential-medicine APIs), ' +
    'not a check against the WHO Model List.',
};

const INPUT_KINDS = new Set(['ksm', 'intermediate', 'mineral', 'biological', 'excipient']);
const CONFIDENCE = new Set(['high', 'medium']);

/**
 * Quantities a cited source states, by `<api>|<input>` (published cells). `cite` must appear in the
 * row's route note, so a changed row cannot silently keep an old figure.
 */
const PUBLISHED_QUANTITY: Readonly<Record<string, { quantity: number; cite: string; note: string }>> = {
  'metformin|dicyandiamide (DCDA; dicyanodiamide; 2-cyanoguanidine)': {
    quantity: 0.567,
    cite: '0.567 kg dicyanodiamide',
    note:
      'India DGFT SION A-290 input norm: 0.567 kg dicyandiamide per kg metformin HCl exported (an allowance ' +
      `including process losses; stoichiometry alone gives ${sig3(molarMass('C2H4N4') / molarMass('C4H12ClN5'))})`,
  },
};

const REQUIRED = {
  apiInputs: [
    'api',
    'api_synonyms',
    'input',
    'input_kind',
    'route_note',
    'source_title',
    'source_url',
    'confidence',
  ],
  sourcingFacts: [
    'item',
    'scope',
    'country',
    'share_percent_or_value',
    'unit',
    'year',
    'source_title',
    'source_url',
    'verbatim_quote',
  ],
  pli: [
    's_no',
    'product',
    'target_segment',
    'production_process',
    'min_annual_capacity_MT_per_applicant',
    'available_capacity_MT_reinvited_round',
    'approved_beneficiaries_seen',
    'source_title',
    'source_url',
    'note',
  ],
} as const;

type FileKind = keyof typeof REQUIRED;

interface MaterialDraft {
  id: string;
  name: string;
  stage: Stage;
  basis: Basis;
  unit: string;
  tags: Set<string>;
  synonyms: Set<string>;
  notes: string[];
  loc: RowLocation;
}

interface RecipeDraft {
  output_id: string;
  input_id: string;
  quantity: number | null;
  essential: boolean;
  substitute_group: string | null;
  source_id: string;
  illustrative: boolean;
  notes: string[];
  loc: RowLocation;
}

/** A published share or value cell → number where it is one number (plain, with a bracketed remark, or "about N"). */
export function parsePublishedValue(text: string): { value: number | null; approximate: boolean } {
  const num = '(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)';
  const exact = new RegExp(`^${num}(?:\\s*\\([^()]*\\))?$`).exec(text);
  if (exact) return { value: Number(exact[1]!.replace(/,/g, '')), approximate: false };
  const approx = new RegExp(
    `^(?:about|around|nearly|almost|close to|some|approx\\.?|approximately)\\s+${num}(?:\\s*\\([^()]*\\))?$`,
    'i',
  ).exec(text);
  if (approx) return { value: Number(approx[1]!.replace(/,/g, '')), approximate: true };
  // bounds ("more than 90"), ranges ("75-77"), lists and qualitative statements stay text only
  return { value: null, approximate: false };
}

/** Percent → fraction (the model never stores percent); other units as published. */
function inModelUnits(value: number | null, unit: string): { value: number | null; unit: string } {
  if (unit.startsWith('%')) {
    return {
      value: value === null ? null : Number((value / 100).toPrecision(12)),
      unit: `fraction${unit.slice(1)}`,
    };
  }
  return { value, unit };
}

function splitSynonyms(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(';')
    .map((s) => withoutParenthetical(s.trim()))
    .filter((s) => s.length > 0);
}

class Reader {
  readonly cited = new CitedSources({
    prefix: 'pharma-links',
    licence: LICENCE,
    fallbackYear: PHARMA_LINKS_SOURCE.year,
    yearFromTitle: true,
    note: 'Cited by the hand-compiled pharma-links table (data/pharma-links/PROVENANCE.md)',
  });
  readonly materials = new Map<string, MaterialDraft>();
  readonly recipes = new Map<string, RecipeDraft>();
  /** API name (folded) → api material id; primary names only, so penicillin G stays a KSM */
  readonly apiByName = new Map<string, string>();
  readonly mineralIds = new Set<string>();
  merged = 0;
  skipped = 0;
  facts = 0;

  constructor(readonly b: BatchBuilder) {}

  private material(
    id: string,
    init: Omit<MaterialDraft, 'id' | 'tags' | 'synonyms' | 'notes'> & {
      tags?: string[];
      synonyms?: string[];
      notes?: string[];
    },
  ): MaterialDraft {
    let m = this.materials.get(id);
    if (!m) {
      m = {
        ...init,
        id,
        tags: new Set(init.tags),
        synonyms: new Set(init.synonyms),
        notes: [...(init.notes ?? [])],
      };
      this.materials.set(id, m);
    } else {
      for (const t of init.tags ?? []) m.tags.add(t);
      for (const s of init.synonyms ?? []) m.synonyms.add(s);
      for (const n of init.notes ?? []) if (!m.notes.includes(n)) m.notes.push(n);
    }
    return m;
  }

  private source(loc: RowLocation, r: Record<string, string>, file: string): Source | undefined {
    const s = this.cited.get({ url: r.source_url!, title: r.source_title!, file: `pharma-links/${file}` });
    if (!s)
      this.b.issues.add(
        issueAt(loc, 'source_url', `not an http(s) address: ${JSON.stringify(r.source_url)}`),
      );
    return s;
  }

  /** A chemical (KSM / intermediate / biological) or, if the name is an API of the table, that API. */
  private nonMineral(published: string, kind: string, loc: RowLocation): string {
    const canon = INPUT_CANON[published] ?? { name: published };
    const api = this.apiByName.get(foldName(canon.name));
    if (api) return api;
    const id = `${slugify(canon.name)}.chemical`;
    if (USGS_DEFINED_CHEMICALS.has(id)) {
      // defined by the USGS importer (import-source tables): refer to it, never define it twice
      this.mineralIds.add(id);
      return id;
    }
    this.material(id, {
      name: canon.name,
      stage: 'chemical',
      basis: kind === 'biological' && /mucosa|intestine/i.test(canon.name) ? 'gross_weight' : 'compound',
      unit: 'kg',
      tags: ['pharma-links', kind],
      synonyms: [...(canon.synonyms ?? []), ...(published !== canon.name ? [published] : [])],
      loc,
    });
    return id;
  }

  readApiInputs(table: CsvTable): void {
    const file = PHARMA_LINKS_FILES.apiInputs;
    // first pass: the APIs, so inputs that are themselves APIs of the table (heparin) resolve to them
    for (const { line, record: r } of table.rows) {
      const api = r.api!.trim();
      if (!api) continue;
      const id = `${slugify(withoutParenthetical(api))}.api`;
      this.material(id, {
        name: api,
        stage: 'api',
        basis: 'compound',
        unit: 'kg',
        tags: ['pharma-links', 'essential-generic', ...(/\(class\)/.test(api) ? ['class'] : [])],
        synonyms: [
          ...splitSynonyms(r.api_synonyms),
          ...(FDA_SUBSTANCE_NAMES[withoutParenthetical(api).toLowerCase()] ?? []),
        ],
        loc: { file: table.file, row: line },
      });
      this.apiByName.set(foldName(api), id);
      this.apiByName.set(foldName(withoutParenthetical(api)), id);
    }

    const seen = new Map<string, number>();
    for (const { line, record: r } of table.rows) {
      const loc = { file: table.file, row: line };
      const api = r.api!.trim();
      const input = r.input!.trim();
      const kind = r.input_kind!.trim();
      const confidence = r.confidence!.trim();
      let bad = false;
      if (!api) {
        this.b.issues.add(issueAt(loc, 'api', 'empty API name'));
        bad = true;
      }
      if (!input) {
        this.b.issues.add(issueAt(loc, 'input', 'empty input name'));
        bad = true;
      }
      if (!INPUT_KINDS.has(kind)) {
        this.b.issues.add(
          issueAt(
            loc,
            'input_kind',
            `expected one of ${[...INPUT_KINDS].join(', ')}, got ${JSON.stringify(kind)}`,
          ),
        );
        bad = true;
      }
      if (!CONFIDENCE.has(confidence)) {
        this.b.issues.add(
          issueAt(loc, 'confidence', `expected high or medium, got ${JSON.stringify(confidence)}`),
        );
        bad = true;
      }
      const source = this.source(loc, r, file);
      if (bad || !source) continue;

      const dupKey = `${api}|${input}|${r.source_url!.trim()}`;
      const first = seen.get(dupKey);
      if (first !== undefined) {
        this.b.issues.add(
          issueAt(
            loc,
            'input',
            `duplicate row: ${api} ← ${input} from the same source is already at row ${first}`,
          ),
        );
        continue;
      }
      seen.set(dupKey, line);

      if (NOT_AN_INPUT[input]) {
        this.b.warn(`${table.file} row ${line}: skipped ${api} ← "${input}": ${NOT_AN_INPUT[input]}`);
        this.skipped++;
        continue;
      }

      const apiId = this.apiByName.get(foldName(api))!;
      const key = `${api}|${input}`;
      const notes: string[] = [`input kind: ${kind}`];
      let inputId: string;
      let mineralNote: string | undefined;
      if (kind === 'mineral') {
        const m = MINERAL_MATERIAL[withoutParenthetical(input).toLowerCase()];
        if (!m) {
          this.b.issues.add(
            issueAt(
              loc,
              'input',
              `mineral input ${JSON.stringify(input)} has no material id: add it to MINERAL_MATERIAL`,
            ),
          );
          continue;
        }
        inputId = m.id;
        this.mineralIds.add(m.id);
        if (m.define) {
          this.material(m.id, {
            ...m.define,
            tags: ['pharma-links', 'mineral'],
            notes: [m.define.note],
            loc,
          });
        }
        mineralNote = m.note;
        if (input.toLowerCase() !== m.id.split('.')[0]) notes.push(`input as published: ${input}`);
      } else {
        inputId = this.nonMineral(input, kind, loc);
      }

      // the output: the API, one tier up where the route note says so, or the medicine for an excipient
      const route = ROUTE_LINKS[key];
      let outputId = apiId;
      if (route) {
        outputId = this.nonMineral(route.feeds, 'intermediate', loc);
        notes.push(`modelled as ${route.feeds} ← input (one tier below ${api}): ${route.because}`);
      } else if (kind === 'excipient') {
        outputId = this.medicine(apiId, api, source.id, loc);
      }
      if (outputId === inputId) {
        this.b.issues.add(
          issueAt(
            loc,
            'input',
            `${input} is the output itself (${outputId}): a recipe cannot use its own output`,
          ),
        );
        continue;
      }

      if (confidence === 'medium')
        notes.push('link implied by the source, not stated outright (confidence medium)');
      if (r.route_note?.trim()) notes.push(`route: ${r.route_note.trim()}`);
      // the mineral's own remark, unless the route note already says the same
      if (mineralNote && !(r.route_note ?? '').includes('not incorporated')) notes.push(mineralNote);

      // quantity: published, else stoichiometric content, else unknown (null); all but published are illustrative
      let quantity: number | null = null;
      let illustrative = true;
      const published = PUBLISHED_QUANTITY[key];
      const rule = CONTENT_RULES[`${outputId}|${inputId}`];
      if (published && r.route_note?.includes(published.cite)) {
        quantity = published.quantity;
        illustrative = false;
        notes.push(published.note);
      } else if (rule) {
        const c = contentQuantity(rule);
        quantity = c.quantity;
        notes.push(c.note);
      } else {
        if (published)
          this.b.warn(
            `${table.file} row ${line}: the route note no longer states "${published.cite}"; quantity left null`,
          );
        const why = UNQUANTIFIED[`${outputId}|${inputId}`];
        notes.push(why ? `quantity not modelled: ${why}` : 'quantity not published');
      }

      let essential = true;
      let group: string | null = null;
      if (route?.group) {
        essential = false;
        group = route.group;
      } else if (SUBSTITUTE_GROUPS[key]) {
        essential = false;
        group = SUBSTITUTE_GROUPS[key]!;
      } else if (ROUTE_SPECIFIC[key]) {
        essential = false;
        notes.push(`not essential: ${ROUTE_SPECIFIC[key]}`);
      }

      const recipeKey = `${outputId}|${inputId}`;
      const existing = this.recipes.get(recipeKey);
      if (existing) {
        // the same link from a second row (another source, or another API's route): one recipe, both cited
        existing.notes.push(`also cited (row ${line}): ${source.title} <${source.url}>`);
        this.merged++;
        continue;
      }
      this.recipes.set(recipeKey, {
        output_id: outputId,
        input_id: inputId,
        quantity,
        essential,
        substitute_group: group,
        source_id: source.id,
        illustrative,
        notes,
        loc,
      });
      const apiDraft = this.materials.get(apiId);
      if (kind === 'mineral' && apiDraft) apiDraft.tags.add('mineral-input');
      if (kind === 'biological' && apiDraft) apiDraft.tags.add('biological-input');
    }
  }

  /** The finished medicine of an API whose formulation the table describes (an excipient row). */
  private medicine(apiId: string, api: string, sourceId: string, loc: RowLocation): string {
    const id = apiId.replace(/\.api$/, '.medicine');
    if (!this.materials.has(id)) {
      this.material(id, {
        name: `${api} (finished medicine)`,
        stage: 'medicine',
        basis: 'compound',
        unit: 'kg',
        tags: ['pharma-links'],
        notes: ['defined because the table names an excipient of its formulation'],
        loc,
      });
      this.recipes.set(`${id}|${apiId}`, {
        output_id: id,
        input_id: apiId,
        quantity: null,
        essential: true,
        substitute_group: null,
        source_id: sourceId,
        illustrative: true,
        notes: ['a medicine contains its API (definitional); quantity not published'],
        loc,
      });
    }
    return id;
  }

  /** India's PLI list: tags the matching materials, defines the others (stage chemical), and cites each row. */
  readPli(table: CsvTable): void {
    const file = PHARMA_LINKS_FILES.pli;
    const index = (stage: Stage) => {
      const m = new Map<string, string>();
      for (const d of this.materials.values()) {
        if (d.stage !== stage) continue;
        for (const n of [d.name, withoutParenthetical(d.name), ...d.synonyms]) {
          if (!m.has(foldName(n))) m.set(foldName(n), d.id);
        }
      }
      return m;
    };
    // KSMs first: "Penicillin G" is the fermentation KSM, not the benzylpenicillin API
    const chemicals = index('chemical');
    const apis = index('api');
    let matched = 0;
    let created = 0;
    for (const { line, record: r } of table.rows) {
      const loc = { file: table.file, row: line };
      const product = r.product!.trim();
      if (!product) {
        this.b.issues.add(issueAt(loc, 'product', 'empty product name'));
        continue;
      }
      const capacities: [string, string, number | null][] = [];
      let bad = false;
      for (const [column, metric] of [
        ['min_annual_capacity_MT_per_applicant', 'min_annual_capacity_per_applicant'],
        ['available_capacity_MT_reinvited_round', 'available_capacity_reinvited_round'],
      ] as const) {
        const n = parseNumber(r[column]);
        if (n !== null && (Number.isNaN(n) || n < 0)) {
          this.b.issues.add(issueAt(loc, column, `not a capacity in tonnes: ${JSON.stringify(r[column])}`));
          bad = true;
        }
        capacities.push([column, metric, n]);
      }
      const source = this.source(loc, r, file);
      if (bad || !source) continue;

      const abbr = /^(.*?)\s+\(([^()\s]+)\)$/.exec(product);
      const name = abbr ? abbr[1]! : product;
      const segment = r.target_segment!.trim();
      const roman = /^(IV|III|II|I)\b/.exec(segment)?.[1];
      const tags = ['india-pli-ksm', ...(roman ? [`india-pli-segment-${roman.toLowerCase()}`] : [])];
      const id =
        chemicals.get(foldName(name)) ??
        (abbr ? chemicals.get(foldName(abbr[2]!)) : undefined) ??
        apis.get(foldName(name));
      if (id) {
        const m = this.materials.get(id)!;
        for (const t of tags) m.tags.add(t);
        m.notes.push(`India PLI scheme eligible product "${product}" (${segment})`);
        matched++;
      } else {
        this.material(`${slugify(name)}.chemical`, {
          name,
          stage: 'chemical',
          basis: 'compound',
          unit: 'kg',
          tags: ['pharma-links', ...tags],
          synonyms: abbr ? [abbr[2]!] : [],
          notes: [
            `India PLI scheme eligible product (${segment}); stage chemical because the list mixes KSMs, ` +
              'drug intermediates and APIs; no route in api_inputs.csv',
          ],
          loc,
        });
        created++;
      }

      const base = {
        topic: 'india-pli-ksm',
        item: product,
        scope: segment,
        country: 'IND',
        partner: null,
        period: null,
        quote: null,
        source_id: source.id,
        illustrative: false,
      };
      const note = [
        r.approved_beneficiaries_seen?.trim()
          ? `approved beneficiaries seen (not a current register): ${r.approved_beneficiaries_seen.trim()}`
          : null,
        r.note?.trim() || null,
      ]
        .filter(Boolean)
        .join('; ');
      if (
        this.b.add(
          'published_fact',
          {
            ...base,
            metric: 'pli_eligible_product',
            value: null,
            value_text: `${segment}; ${r.production_process!.trim()}`,
            unit: null,
            note: note || null,
          },
          loc,
        )
      )
        this.facts++;
      for (const [, metric, n] of capacities) {
        if (n === null) continue;
        if (
          this.b.add(
            'published_fact',
            { ...base, metric, value: n, value_text: `${n} MT`, unit: 't per year', note: null },
            loc,
          )
        )
          this.facts++;
      }
    }
    this.b.metric('pli_products', table.rows.length);
    this.b.metric('pli_matched_existing_materials', matched);
    this.b.metric('pli_created_materials', created);
  }

  /** Published sourcing figures → published facts (percent as fractions; hedged numbers kept as text). */
  readSourcingFacts(table: CsvTable): void {
    const file = PHARMA_LINKS_FILES.sourcingFacts;
    for (const { line, record: r } of table.rows) {
      const loc = { file: table.file, row: line };
      const item = r.item!.trim();
      if (!item) {
        this.b.issues.add(issueAt(loc, 'item', 'empty item'));
        continue;
      }
      const source = this.source(loc, r, file);
      if (!source) continue;
      const text = r.share_percent_or_value!.trim();
      const unitRaw = r.unit!.trim();
      const parsed = parsePublishedValue(text);
      const { value, unit } = inModelUnits(parsed.value, unitRaw);
      const countryText = r.country!.trim();
      const iso =
        countryText.toLowerCase() === 'world'
          ? AGGREGATE_CODES.world
          : resolveCountryName(withoutParenthetical(countryText));
      const yearRaw = r.year!.trim();
      const period = normalisePeriod(yearRaw) ?? yearRaw ?? null;
      const notes = [
        iso && countryText !== withoutParenthetical(countryText)
          ? `country as published: ${countryText}`
          : null,
        parsed.approximate ? 'approximate figure as published' : null,
        parsed.value === null && unitRaw !== 'qualitative'
          ? 'not one number (bound, range or list): see value_text'
          : null,
        unitRaw.startsWith('%') && value !== null ? 'published as percent; stored as a fraction' : null,
      ].filter(Boolean);
      if (
        this.b.add(
          'published_fact',
          {
            topic: 'pharma-sourcing',
            item,
            scope: r.scope!.trim() || null,
            country: iso ?? null,
            // a region or list of countries ("Chile; Japan; United States") is kept as published
            partner: iso ? null : countryText || null,
            period: period || null,
            metric: unitRaw.startsWith('%') ? 'share' : unitRaw === 'qualitative' ? 'qualitative' : 'value',
            value,
            value_text: text,
            unit,
            quote: r.verbatim_quote!.trim() || null,
            source_id: source.id,
            illustrative: false,
            note: notes.length ? notes.join('; ') : null,
          },
          loc,
        )
      )
        this.facts++;
    }
  }

  /** Adds the collected materials and recipes to the batch. */
  flush(): void {
    for (const m of this.materials.values()) {
      this.b.add(
        'material',
        {
          id: m.id,
          name: m.name,
          commodity: m.id.slice(0, m.id.lastIndexOf('.')),
          stage: m.stage,
          basis: m.basis,
          unit: m.unit,
          hs_codes: [],
          tags: [...m.tags],
          synonyms: [...m.synonyms].filter((s) => s !== m.name),
          unii: null,
          source_id: PHARMA_LINKS_SOURCE.id,
          illustrative: false,
          note: m.notes.length ? m.notes.join('; ') : null,
        },
        m.loc,
      );
    }
    for (const r of this.recipes.values()) {
      const { notes, loc, ...row } = r;
      this.b.add('recipe', { ...row, cost_share: null, note: notes.join('; ') }, loc);
    }
  }
}

function firstLine(path: string): string[] {
  const head = readFileSync(path)
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return (head.split(/\r?\n/)[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
}

function kindOfHeader(header: readonly string[]): FileKind | undefined {
  if (header.includes('input_kind')) return 'apiInputs';
  if (header.includes('share_percent_or_value')) return 'sourcingFacts';
  if (header.includes('target_segment')) return 'pli';
  return undefined;
}

function inputFiles(path: string): Partial<Record<FileKind, string>> {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  if (!statSync(path).isDirectory()) {
    const kind = kindOfHeader(firstLine(path));
    if (!kind) {
      throw new ValidationError([
        {
          file: basename(path),
          row: 1,
          message: `not a pharma-links table: the header matches none of ${Object.values(PHARMA_LINKS_FILES).join(', ')}`,
        },
      ]);
    }
    return { [kind]: path };
  }
  const out: Partial<Record<FileKind, string>> = {};
  for (const [kind, name] of Object.entries(PHARMA_LINKS_FILES) as [FileKind, string][]) {
    if (existsSync(join(path, name))) out[kind] = join(path, name);
  }
  if (Object.keys(out).length === 0) {
    throw new ValidationError([
      { file: path, message: `the folder has none of ${Object.values(PHARMA_LINKS_FILES).join(', ')}` },
    ]);
  }
  return out;
}

/**
 * Reads the pharma-links folder (or api_inputs.csv / sourcing_facts.csv alone) into materials
 * (APIs, KSMs / intermediates, minerals USGS does not cover), recipes (output ← input, quantity in
 * the input's basis per kg of output), and published facts. Mineral inputs refer to USGS material
 * ids (`MINERAL_MATERIAL`), which must be in the store when the batch is applied.
 */
export function readPharmaLinks(path: string, opts: ReadOptions = {}): ImportBatch {
  const files = inputFiles(path);
  if (files.pli && !files.apiInputs) {
    throw new ValidationError([
      {
        file: basename(files.pli),
        message: `${PHARMA_LINKS_FILES.pli} tags the materials of ${PHARMA_LINKS_FILES.apiInputs}: read the pharma-links folder`,
      },
    ]);
  }
  const b = new BatchBuilder('pharma-links', path, opts.cap);
  const reader = new Reader(b);
  const tables: Partial<Record<FileKind, CsvTable>> = {};
  for (const kind of ['apiInputs', 'pli', 'sourcingFacts'] as const) {
    const f = files[kind];
    if (f) tables[kind] = readCsv(f, { required: REQUIRED[kind] });
  }
  if (tables.apiInputs) reader.readApiInputs(tables.apiInputs);
  if (tables.pli) reader.readPli(tables.pli);
  if (tables.sourcingFacts) reader.readSourcingFacts(tables.sourcingFacts);
  reader.flush();

  if (tables.apiInputs) b.source({ ...PHARMA_LINKS_SOURCE });
  for (const s of reader.cited.all()) b.source(s);

  const usgs = [...reader.mineralIds].filter(
    (id) =>
      USGS_DEFINED_CHEMICALS.has(id) || Object.values(MINERAL_MATERIAL).some((m) => m.id === id && m.usgs),
  );
  if (usgs.length) {
    b.warn(
      `recipes refer to materials defined by the USGS importer (import it first): ${usgs.sort().join(', ')}`,
    );
  }
  if (reader.merged) {
    b.warn(
      `${reader.merged} rows repeat a link already read (another source or another API's route): cited in the note`,
    );
  }
  b.metric('api_input_rows', tables.apiInputs?.rows.length ?? 0);
  b.metric('recipes', reader.recipes.size);
  b.metric('recipe_rows_merged', reader.merged);
  b.metric('rows_skipped_not_an_input', reader.skipped);
  b.metric('recipes_with_quantity', [...reader.recipes.values()].filter((r) => r.quantity !== null).length);
  b.metric('published_facts', reader.facts);
  return b.build();
}

export const pharmaLinksImporter: Importer = {
  format: 'pharma-links',
  description:
    'Cited API ← KSM / intermediate / mineral links, published sourcing figures and India’s PLI KSM list ' +
    '(pharma-links folder): materials, recipes and published facts',
  detect(path) {
    if (!existsSync(path)) return false;
    if (statSync(path).isDirectory()) return existsSync(join(path, PHARMA_LINKS_FILES.apiInputs));
    return (Object.values(PHARMA_LINKS_FILES) as string[]).includes(basename(path));
  },
  read: async (path, opts) => readPharmaLinks(path, opts),
};
