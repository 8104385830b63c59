import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import { BatchBuilder, type ImportBatch } from './batch.js';
import { PHARMA_LINKS_FILES, pharmaLinksImporter, readPharmaLinks } from './pharma-links.js';
import { MINERAL_MATERIAL, USGS_MATERIAL_IDS } from './pharma-links-materials.js';
import { contentQuantity, molarMass } from './pharma-links-stoichiometry.js';
import { referenceBatch } from './reference.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/pharma-links');
const DATA = join(import.meta.dirname, '../../data/pharma-links');

const API_HEADER = 'api,api_synonyms,input,input_kind,route_note,source_title,source_url,confidence';
/** Real rows of api_inputs.csv, used to build the bad inputs. */
const LITHIUM_ROW =
  'lithium carbonate,Lithobid; Li2CO3,lithium (spodumene mining or brine evaporation),mineral,' +
  '"Lithium extracted by mining lithium pegmatites (spodumene: Australia, Canada, Africa) or brine evaporation",' +
  'Bulk Pharmaceutical API Sources for LITHOBID (DrugPatentWatch),https://www.drugpatentwatch.com/p/bulk-api/LITHOBID,high';
const ENOXAPARIN_ROWS = [
  'enoxaparin,enoxaparin sodium; Clexane; Lovenox,"heparin (porcine intestinal mucosa, exclusively)",intermediate,' +
    'USP: starting heparin obtained exclusively from porcine intestinal mucosa,Enoxaparin Sodium - USP-NF monograph preview (Definition),https://doi.usp.org/USPNF/USPNF_M29290_04_01.html,high',
  'enoxaparin,enoxaparin sodium; Clexane; Lovenox,heparin benzyl ester,intermediate,' +
    'USP: obtained by alkaline depolymerization of heparin benzyl ester,Enoxaparin Sodium - USP-NF monograph preview (Definition),https://doi.usp.org/USPNF/USPNF_M29290_04_01.html,high',
  'heparin,heparin sodium; unfractionated heparin,crude heparin,intermediate,' +
    'Crude heparin (enzymatic hydrolysis of washed pig intestines) is refined to heparin sodium,Heparin raw material: crude heparin from pig intestinal mucosa (qjbchina.com),http://en.qjbchina.com/html/View_3790.html,high',
];

const recipes = (b: ImportBatch) => (b.rows.recipe ?? []).map((r) => r.row);
const materials = (b: ImportBatch) => (b.rows.material ?? []).map((r) => r.row);
const facts = (b: ImportBatch) => (b.rows.published_fact ?? []).map((r) => r.row);
const recipe = (b: ImportBatch, output: string, input: string) =>
  recipes(b).find((r) => r.output_id === output && r.input_id === input);
const material = (b: ImportBatch, id: string) => materials(b).find((r) => r.id === id);

function tempFolder(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pharma-links-'));
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return dir;
}

/** Stand-ins for the mineral materials the USGS importer defines (only their ids matter here). */
function usgsStub(ids: readonly string[]) {
  const b = new BatchBuilder('usgs-stub', 'usgs-stub');
  b.source({
    id: 'usgs-stub',
    publisher: 'test',
    title: 'USGS material stand-ins',
    year: 2026,
    url: null,
    file: null,
    licence: 'test',
    note: null,
  });
  for (const id of ids) {
    const [commodity, stage] = id.split('.');
    b.add(
      'material',
      { id, name: id, commodity, stage, basis: 'element_content', unit: 't', source_id: 'usgs-stub' },
      { file: 'usgs-stub' },
    );
  }
  return b.build();
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('stoichiometry', () => {
  it('computes element content from IUPAC atomic weights', () => {
    expect(molarMass('Cl2H6N2Pt')).toBeCloseTo(300.046, 3);
    expect(molarMass('CLi2O3')).toBeCloseTo(73.888, 3);
    expect(() => molarMass('Pt(NH3)2')).toThrow(/flat formula/);
  });
});

describe('pharma-links importer on a real excerpt', () => {
  const batch = readPharmaLinks(FIXTURES);

  it('defines APIs with canonical names and synonyms, and KSMs / intermediates as chemicals', () => {
    expect(material(batch, 'paracetamol.api')).toMatchObject({
      name: 'paracetamol',
      stage: 'api',
      basis: 'compound',
      unit: 'kg',
      synonyms: ['acetaminophen', 'APAP', 'N-acetyl-p-aminophenol'],
      source_id: 'pharma-links-2026',
    });
    expect(material(batch, 'paracetamol.api')?.tags).toContain('essential-generic');
    expect(material(batch, 'p-aminophenol.chemical')).toMatchObject({
      name: 'p-aminophenol',
      stage: 'chemical',
    });
    expect(material(batch, 'p-aminophenol.chemical')?.synonyms).toContain('PAP');
    expect(material(batch, '6-apa.chemical')?.synonyms).toContain('6-aminopenicillanic acid');
    // 11 APIs, 1 medicine (gadobutrol: an excipient row), 20 chemicals, 4 PLI products not in the routes
    expect(materials(batch).filter((m) => m.stage === 'api')).toHaveLength(11);
    expect(
      materials(batch)
        .filter((m) => m.stage === 'medicine')
        .map((m) => m.id),
    ).toEqual(['gadobutrol.medicine']);
    expect(batch.report.counts.material).toBe(36);
  });

  it('links paracetamol to p-aminophenol, and p-aminophenol to its two alternative feedstocks', () => {
    expect(recipe(batch, 'paracetamol.api', 'p-aminophenol.chemical')).toMatchObject({
      essential: true,
      quantity: null,
    });
    for (const input of ['p-nitrophenol.chemical', 'nitrobenzene.chemical']) {
      expect(recipe(batch, 'p-aminophenol.chemical', input)).toMatchObject({
        essential: false,
        substitute_group: 'p-aminophenol-feedstock',
      });
    }
    expect(recipe(batch, 'p-nitrophenol.chemical', 'phenol.chemical')).toBeDefined();
    // the two p-aminophenol rows (PharmWeb, IIT Gandhinagar) make one recipe citing both
    const pap = recipe(batch, 'paracetamol.api', 'p-aminophenol.chemical')!;
    expect(pap.source_id).toBe('pharma-links-pharmweb-net-paracetamol-first-synthesis-commercial');
    expect(pap.note).toContain(
      'also cited (row 7): Process Design and Economics of Production of p-Aminophenol',
    );
  });

  it('chains amoxicillin ← 6-APA ← penicillin G and ceftriaxone ← 7-ACA ← cephalosporin C', () => {
    expect(recipe(batch, 'amoxicillin.api', '6-apa.chemical')).toBeDefined();
    expect(recipe(batch, '6-apa.chemical', 'penicillin-g.chemical')).toBeDefined();
    expect(recipe(batch, 'amoxicillin.api', 'penicillin-g.chemical')).toBeUndefined();
    expect(recipe(batch, 'ceftriaxone.api', '7-aca.chemical')).toBeDefined();
    expect(recipe(batch, '7-aca.chemical', 'cephalosporin-c.chemical')).toBeDefined();
    expect(batch.report.metrics.recipe_rows_merged).toBe(2);
  });

  it('gives platinum drugs and lithium carbonate their element content, marked illustrative', () => {
    const cis = recipe(batch, 'cisplatin.api', 'platinum.mine')!;
    expect(cis.quantity).toBe(0.65); // 195.084 / 300.046
    expect(cis.illustrative).toBe(true);
    expect(cis.note).toContain('stoichiometric, yield not modelled');
    expect(recipe(batch, 'carboplatin.api', 'platinum.mine')?.quantity).toBe(0.525); // 195.084 / 371.26
    expect(recipe(batch, 'lithium-carbonate.api', 'lithium.mine')?.quantity).toBe(0.188); // 2 × 6.94 / 73.888
    // the silver reagent is needed but not incorporated: no quantity
    expect(recipe(batch, 'cisplatin.api', 'silver.mine')).toMatchObject({ quantity: null, essential: true });
  });

  it('takes the metformin ← dicyandiamide norm from its cited source, not illustrative', () => {
    expect(recipe(batch, 'metformin.api', 'dicyandiamide.chemical')).toMatchObject({
      quantity: 0.567,
      illustrative: false,
    });
    expect(recipe(batch, 'dimethylamine-hydrochloride.chemical', 'dimethylamine.chemical')).toBeDefined();
  });

  it('links gadolinium agents to rare earths without a quantity, and gadobutrol’s excipient to its medicine', () => {
    expect(recipe(batch, 'gadobutrol.api', 'rare-earths.mine')?.quantity).toBeNull();
    expect(recipe(batch, 'gadobutrol.api', 'rare-earths.mine')?.note).toMatch(/0\.26 kg Gd per kg/);
    expect(recipe(batch, 'gadolinium-based-contrast-agents.api', 'rare-earths.mine')).toBeDefined();
    expect(recipe(batch, 'gadobutrol.medicine', 'gadobutrol.api')).toBeDefined();
    expect(
      recipe(batch, 'gadobutrol.medicine', 'calcium-complex-of-the-butrol-ligand.chemical'),
    ).toBeDefined();
  });

  it('skips the row that describes sevelamer itself and counts 28 recipes', () => {
    expect(batch.report.metrics.rows_skipped_not_an_input).toBe(1);
    expect(recipes(batch).filter((r) => r.output_id === 'sevelamer.api')).toHaveLength(2);
    expect(batch.report.counts.recipe).toBe(28);
  });

  it('tags PLI products on the matching KSMs and defines the others as chemicals', () => {
    for (const id of [
      'penicillin-g.chemical',
      '7-aca.chemical',
      'dicyandiamide.chemical',
      'p-aminophenol.chemical',
    ]) {
      expect(material(batch, id)?.tags).toContain('india-pli-ksm');
    }
    expect(material(batch, 'penicillin-g.chemical')?.tags).toContain('india-pli-segment-i');
    expect(material(batch, 'erythromycin-thiocyanate.chemical')).toMatchObject({ synonyms: ['TIOC'] });
    expect(material(batch, 'levodopa.chemical')?.tags).toEqual([
      'pharma-links',
      'india-pli-ksm',
      'india-pli-segment-iv',
    ]);
    expect(batch.report.metrics).toMatchObject({
      pli_matched_existing_materials: 4,
      pli_created_materials: 4,
    });
    const tioc = facts(batch).filter(
      (f) => f.topic === 'india-pli-ksm' && f.item === 'Erythromycin Thiocyanate (TIOC)',
    );
    expect(tioc.map((f) => [f.metric, f.value])).toEqual([
      ['pli_eligible_product', null],
      ['min_annual_capacity_per_applicant', 800],
      ['available_capacity_reinvited_round', 1600],
    ]);
  });

  it('reads sourcing facts with fractions, countries as ISO3, and hedged figures as text only', () => {
    const sf = facts(batch).filter((f) => f.topic === 'pharma-sourcing');
    expect(sf).toHaveLength(7);
    expect(sf.find((f) => f.period === 'FY2023-24')).toMatchObject({
      country: 'CHN',
      value: 0.72,
      unit: 'fraction of import value',
      quote: 'India’s pharma industry imported 72% of the bulk drugs and intermediates from China in FY24',
    });
    // "about 75" is approximate but one number; "75-77" is a range; "25 (2009); 18 (2008)" is a list
    expect(sf.find((f) => f.item === 'APIs used in NLEM formulations')).toMatchObject({ value: 0.75 });
    expect(sf.find((f) => f.value_text === '75-77')).toMatchObject({ value: null });
    expect(sf.find((f) => f.item === 'erythromycin thiocyanate')).toMatchObject({ value: null });
    expect(sf.find((f) => f.item === 'iodine')).toMatchObject({
      country: null,
      partner: 'Chile; Japan; United States',
    });
    expect(sf.find((f) => f.item === 'platinum')).toMatchObject({ country: 'ZAF', value: 0.7 });
  });

  it('applies to a store holding the reference data and the USGS minerals it refers to', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    await applyBatch(store, usgsStub(['platinum.mine', 'silver.mine', 'rare-earths.mine', 'lithium.mine']));
    const res = await applyBatch(store, batch);
    expect(res.inserted).toMatchObject({ material: 36, recipe: 28, published_fact: 20 });
  });

  it('is rejected by the store when a USGS mineral it refers to is not there', async () => {
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    await applyBatch(store, usgsStub(['silver.mine', 'rare-earths.mine', 'lithium.mine']));
    const e = await validationError(() => applyBatch(store!, batch));
    expect(e.issues).toHaveLength(2); // cisplatin and carboplatin ← platinum
    expect(e.issues[0]).toMatchObject({ column: 'input_id', message: 'unknown material "platinum.mine"' });
  });
});

describe('pharma-links importer on bad input', () => {
  it('rejects a malformed CSV naming the file and line', async () => {
    const dir = tempFolder({
      [PHARMA_LINKS_FILES.apiInputs]: [API_HEADER, LITHIUM_ROW, 'paracetamol,"APAP,phenol,ksm'],
    });
    const e = await validationError(() => readPharmaLinks(dir));
    expect(e.message).toMatch(/api_inputs\.csv.*malformed CSV/);
  });

  it('rejects a mineral input with no material id, a bad kind or confidence, and a duplicate row', async () => {
    const dir = tempFolder({
      [PHARMA_LINKS_FILES.apiInputs]: [
        API_HEADER,
        LITHIUM_ROW,
        LITHIUM_ROW,
        LITHIUM_ROW.replace('lithium (spodumene', 'unobtainium (spodumene'),
        LITHIUM_ROW.replace(',mineral,', ',metal,'),
        LITHIUM_ROW.replace(/,high$/, ',certain'),
      ],
    });
    const e = await validationError(() => readPharmaLinks(dir));
    expect(e.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'input'],
      [4, 'input'],
      [5, 'input_kind'],
      [6, 'confidence'],
    ]);
    expect(e.issues[0]?.message).toMatch(/duplicate row.*already at row 2/);
    expect(e.issues[1]?.message).toMatch(
      /"unobtainium \(spodumene mining or brine evaporation\)" has no material id/,
    );
  });

  it('rejects a PLI capacity that is not a number', async () => {
    const pli = readFileSync(join(FIXTURES, PHARMA_LINKS_FILES.pli), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    pli[3] = pli[3]!.replace(',800,1600,', ',800,lots,');
    const dir = tempFolder({
      [PHARMA_LINKS_FILES.apiInputs]: [API_HEADER, LITHIUM_ROW],
      [PHARMA_LINKS_FILES.pli]: pli,
    });
    const e = await validationError(() => readPharmaLinks(dir));
    expect(e.issues).toEqual([
      expect.objectContaining({ row: 4, column: 'available_capacity_MT_reinvited_round' }),
    ]);
  });

  it('refuses the PLI list without the routes it tags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pharma-links-'));
    copyFileSync(join(FIXTURES, PHARMA_LINKS_FILES.pli), join(dir, PHARMA_LINKS_FILES.pli));
    expect((await validationError(() => readPharmaLinks(dir))).message).toMatch(
      /read the pharma-links folder/,
    );
  });

  it('lets the store reject a cycle: heparin ← enoxaparin ← heparin benzyl ester ← heparin', async () => {
    const cycle =
      'heparin,heparin sodium,enoxaparin,intermediate,(made-up row closing a cycle),Test,https://example.org/cycle,high';
    const dir = tempFolder({ [PHARMA_LINKS_FILES.apiInputs]: [API_HEADER, ...ENOXAPARIN_ROWS, cycle] });
    const batch = readPharmaLinks(dir);
    expect(recipe(batch, 'heparin-benzyl-ester.chemical', 'heparin.api')).toBeDefined();
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const e = await validationError(() => applyBatch(store!, batch));
    expect(e.message).toMatch(/recipe cycle: .*heparin\.api.*enoxaparin\.api/);
    // without the made-up row the same links apply
    await applyBatch(
      store,
      readPharmaLinks(tempFolder({ [PHARMA_LINKS_FILES.apiInputs]: [API_HEADER, ...ENOXAPARIN_ROWS] })),
    );
  });
});

describe('pharma-links importer on the bundled folder', () => {
  const batch = readPharmaLinks(DATA);

  it('meets the acceptance links', () => {
    expect(recipe(batch, 'paracetamol.api', 'p-aminophenol.chemical')).toBeDefined();
    expect(recipe(batch, 'amoxicillin.api', '6-apa.chemical')).toBeDefined();
    expect(recipe(batch, '6-apa.chemical', 'penicillin-g.chemical')).toBeDefined();
    expect(recipe(batch, 'ceftriaxone.api', '7-aca.chemical')).toBeDefined();
    expect(recipe(batch, 'cisplatin.api', 'platinum.mine')?.quantity).toBe(0.65);
    expect(recipe(batch, 'carboplatin.api', 'platinum.mine')?.quantity).toBe(0.525);
    expect(recipe(batch, 'lithium-carbonate.api', 'lithium.mine')?.quantity).toBe(0.188);
    expect(recipe(batch, 'gadobutrol.api', 'rare-earths.mine')).toBeDefined();
    expect(recipe(batch, 'gadolinium-based-contrast-agents.api', 'rare-earths.mine')).toBeDefined();
    expect(recipe(batch, 'potassium-chloride.api', 'potash.mine')?.quantity).toBe(0.632); // ½ K2O per KCl
  });

  it('counts 42 APIs, 95 recipes, 160 facts and tags all 41 PLI products', () => {
    expect(materials(batch).filter((m) => m.stage === 'api')).toHaveLength(42);
    // 141 names, less sulfuric acid, which the USGS importer defines (USGS_DEFINED_CHEMICALS)
    expect(batch.report.counts).toEqual({ material: 140, recipe: 95, published_fact: 160 });
    expect(materials(batch).filter((m) => (m.tags as string[]).includes('india-pli-ksm'))).toHaveLength(41);
    expect(batch.report.warnings.join('\n')).toContain(USGS_MATERIAL_IDS.join(', '));
  });

  it('documents every mineral input and applies acyclically next to the USGS minerals', async () => {
    for (const m of Object.values(MINERAL_MATERIAL))
      expect(m.usgs !== null || m.define !== undefined).toBe(true);
    expect(
      contentQuantity({ formula: 'CLi2O3', label: 'Li2CO3', species: 'Li', per: 2, basis: 'Li' }).quantity,
    ).toBe(0.188);
    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    await applyBatch(store, usgsStub(USGS_MATERIAL_IDS));
    const res = await applyBatch(store, batch);
    expect(res.inserted.recipe).toBe(95);
    expect(pharmaLinksImporter.detect(DATA)).toBe(true);
  });
});
