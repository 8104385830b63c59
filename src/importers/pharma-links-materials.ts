import type { Basis, Stage } from '../model/index.js';

/**
 * How the names in data/pharma-links/api_inputs.csv become trustmap materials: canonical names of
 * KSMs / intermediates, the mineral inputs' material ids (most defined by the USGS importer), and
 * the few links whose cited route note says the input feeds an intermediate rather than the API.
 */

/** A mineral input's material. `usgs` names what the USGS importer builds it from; null = defined here. */
export interface MineralMaterial {
  id: string;
  usgs: { chapter: string; commodity: string; statistic: string; basis: string } | null;
  /** for minerals USGS MCS does not cover: the material this importer defines */
  define?: { name: string; commodity: string; stage: Stage; basis: Basis; unit: string; note: string };
  /** what the mapping leaves out (a stage not modelled, a reagent not incorporated …) */
  note?: string;
}

const USGS = (chapter: string, commodity: string, statistic: string, basis: string) => ({
  chapter,
  commodity,
  statistic,
  basis,
});

/**
 * Mineral inputs by name (the `input` cell without its trailing parenthetical, lower case) → material.
 * USGS ids follow the USGS importer: `<slugified MCS 'Commodity'>.<stage>`, with "Mine production" →
 * mine and "Refinery / Smelter / Primary production" → refined, checked against the World tables of
 * data/usgs-mcs/mcs2026/mcs2026_commodities_data_normalized_utf8.csv (e.g. Lithium and Platinum have
 * mine production only; Bismuth and Selenium refinery production only; 'Rare Earths' → rare-earths).
 */
export const MINERAL_MATERIAL: Readonly<Record<string, MineralMaterial>> = {
  platinum: {
    id: 'platinum.mine',
    usgs: USGS('PLATINUM-GROUP METALS', 'Platinum', 'Mine production: Platinum', 'Pt content, kilograms'),
  },
  palladium: {
    id: 'palladium.mine',
    usgs: USGS('PLATINUM-GROUP METALS', 'Palladium', 'Mine production: Palladium', 'Pd content, kilograms'),
    note: 'catalyst, not incorporated in the API',
  },
  rhodium: {
    id: 'rhodium.mine',
    usgs: null,
    define: {
      name: 'Rhodium (platinum-group metal)',
      commodity: 'rhodium',
      stage: 'mine',
      basis: 'element_content',
      unit: 'kg',
      note:
        'Defined by pharma-links: USGS MCS 2026 gives world mine production for platinum and palladium only ' +
        '(rhodium appears in US salient statistics), so no USGS material exists for it',
    },
    note: 'catalyst, not incorporated in the API',
  },
  silver: {
    id: 'silver.mine',
    usgs: USGS('SILVER', 'Silver', 'Mine production', 'Ag content, metric tons'),
    note: 'reagent (silver nitrate removes iodide/chloride as a silver salt), not incorporated in the API',
  },
  'silver salt': {
    id: 'silver.mine',
    usgs: USGS('SILVER', 'Silver', 'Mine production', 'Ag content, metric tons'),
    note: 'reagent (a silver salt removes halide), not incorporated in the API',
  },
  tin: {
    id: 'tin.mine',
    usgs: USGS('TIN', 'Tin', 'Mine production', 'Sn content, metric tons'),
    note: 'organotin reagent, recovered; not incorporated in the API',
  },
  iodine: { id: 'iodine.mine', usgs: USGS('IODINE', 'Iodine', 'Mine production', 'I content, metric tons') },
  cobalt: { id: 'cobalt.mine', usgs: USGS('COBALT', 'Cobalt', 'Mine production', 'Co content, metric tons') },
  gadolinium: {
    id: 'rare-earths.mine',
    usgs: USGS('RARE EARTHS', 'Rare Earths', 'Mine production', 'rare-earth oxide (REO), metric tons'),
    note: 'gadolinium is one of the rare earths USGS counts together as REO',
  },
  lanthanum: {
    id: 'rare-earths.mine',
    usgs: USGS('RARE EARTHS', 'Rare Earths', 'Mine production', 'rare-earth oxide (REO), metric tons'),
    note: 'lanthanum is one of the rare earths USGS counts together as REO',
  },
  lithium: {
    id: 'lithium.mine',
    usgs: USGS('LITHIUM', 'Lithium', 'Mine production', 'Li content, metric tons'),
  },
  'zinc oxide': {
    id: 'zinc.mine',
    usgs: USGS('ZINC', 'Zinc', 'Mine production', 'Zn content, thousand metric tons'),
    note: 'high-purity zinc oxide mapped to zinc (USGS gives mine production only); the oxide stage is not modelled',
  },
  'magnesium oxide or magnesium carbonate': {
    id: 'magnesium-compounds.mine',
    usgs: USGS(
      'MAGNESIUM COMPOUNDS',
      'Magnesium Compounds',
      'Mine production',
      'gross weight of magnesite, thousand metric tons',
    ),
    note: 'USGS magnesium compounds = magnesite mine production; the oxide stage is not modelled',
  },
  'natural epsomite/kieserite': {
    id: 'epsomite-kieserite.mine',
    usgs: null,
    define: {
      name: 'Natural magnesium sulfate minerals (epsomite, kieserite)',
      commodity: 'epsomite-kieserite',
      stage: 'mine',
      basis: 'gross_weight',
      unit: 't',
      note: 'Defined by pharma-links: evaporite K-Mg salt minerals are not a USGS MCS commodity',
    },
  },
  selenium: {
    id: 'selenium.refined',
    usgs: USGS('SELENIUM', 'Selenium', 'Refinery production', 'Se content, metric tons'),
    note: 'by-product of copper refining (USGS gives refinery production only)',
  },
  bismuth: {
    id: 'bismuth.refined',
    usgs: USGS('BISMUTH', 'Bismuth', 'Refinery production', 'Bi content, metric tons'),
  },
  barite: {
    id: 'barite.mine',
    usgs: USGS('BARITE', 'Barite', 'Mine production', 'gross weight, thousand metric tons'),
  },
  potash: {
    id: 'potash.mine',
    usgs: USGS('POTASH', 'Potash', 'Mine production', 'K2O equivalent, thousand metric tons'),
  },
  'uranium targets': {
    id: 'enriched-uranium-targets.refined',
    usgs: null,
    define: {
      name: 'Enriched uranium targets (HEU, increasingly LEU) for Mo-99 production',
      commodity: 'enriched-uranium-targets',
      stage: 'refined',
      basis: 'element_content',
      unit: 'kg',
      note: 'Defined by pharma-links: USGS MCS has no uranium chapter; the targets are enriched, not mined, uranium',
    },
  },
  'enriched molybdenum-98': {
    id: 'enriched-molybdenum-98.refined',
    usgs: null,
    define: {
      name: 'Enriched molybdenum-98 (for neutron-activation Mo-99)',
      commodity: 'enriched-molybdenum-98',
      stage: 'refined',
      basis: 'element_content',
      unit: 'kg',
      note:
        'Defined by pharma-links: an isotope-enriched product of molybdenum; its link to USGS molybdenum.mine ' +
        'is not cited in the data, so it is not modelled',
    },
  },
};

/**
 * The names under which FDA lists an API whose pharma-links name or synonyms differ (the DMF
 * subjects and openFDA substance names use the salt or the full substance name), so that DMF
 * holders and shortages join. Keys: the API name as written in api_inputs.csv, lower case.
 */
export const FDA_SUBSTANCE_NAMES: Readonly<Record<string, readonly string[]>> = {
  'vitamin b1': ['THIAMINE HYDROCHLORIDE', 'THIAMINE MONONITRATE'],
  benzylpenicillin: ['PENICILLIN G POTASSIUM', 'PENICILLIN G SODIUM'],
  insulin: ['INSULIN HUMAN'],
};

/**
 * Chemical inputs that the USGS importer already defines (from its import-source tables): the
 * recipes refer to them instead of defining them a second time.
 */
export const USGS_DEFINED_CHEMICALS: ReadonlySet<string> = new Set(['sulfuric-acid.chemical']);

/** The USGS material ids pharma-links recipes refer to (they must be in the store before import). */
export const USGS_MATERIAL_IDS: readonly string[] = [
  ...new Set([
    ...Object.values(MINERAL_MATERIAL)
      .filter((m) => m.usgs)
      .map((m) => m.id),
    ...USGS_DEFINED_CHEMICALS,
  ]),
].sort();

/** A KSM / intermediate name as trustmap writes it, with the spellings it replaces. */
export interface CanonicalInput {
  name: string;
  synonyms?: string[];
}

/**
 * Canonical names of the non-mineral inputs whose published cell carries an abbreviation, a
 * description or a drawing note. Inputs not listed keep their published name. Two cells naming the
 * same substance map to one name (`potassium penicillin G` is the penicillin G industrial salt).
 */
export const INPUT_CANON: Readonly<Record<string, CanonicalInput>> = {
  'p-aminophenol (PAP)': { name: 'p-aminophenol', synonyms: ['PAP', '4-aminophenol', 'para-aminophenol'] },
  '6-APA (6-aminopenicillanic acid)': { name: '6-APA', synonyms: ['6-aminopenicillanic acid'] },
  'penicillin G': {
    name: 'penicillin G',
    synonyms: ['potassium penicillin G', 'penicillin G potassium', 'penicillin industrial salt'],
  },
  'potassium penicillin G': { name: 'penicillin G' },
  'D-phenylglycine amide / D-phenylglycine methyl ester': {
    name: 'D-phenylglycine side-chain donor',
    synonyms: ['D-phenylglycine amide', 'D-phenylglycine methyl ester', 'D-phenylglycine (PG) side chain'],
  },
  'D-phenylglycine (PG) side chain (e.g. methyl ester)': { name: 'D-phenylglycine side-chain donor' },
  '7-ADCA (7-amino-3-deacetoxycephalosporanic acid)': {
    name: '7-ADCA',
    synonyms: ['7-amino-3-deacetoxycephalosporanic acid'],
  },
  '7-ACA (7-aminocephalosporanic acid)': { name: '7-ACA', synonyms: ['7-aminocephalosporanic acid'] },
  'cephalosporin C (Acremonium chrysogenum fermentation)': { name: 'cephalosporin C' },
  'erythromycin thiocyanate': { name: 'erythromycin thiocyanate', synonyms: ['TIOC'] },
  'dicyandiamide (DCDA; dicyanodiamide; 2-cyanoguanidine)': {
    name: 'dicyandiamide',
    synonyms: ['DCDA', 'dicyanodiamide', '2-cyanoguanidine'],
  },
  'dimethylamine + hydrochloric acid': { name: 'dimethylamine' },
  '4-fluoro-alpha-[2-methyl-1-oxopropyl]-gamma-oxo-N,beta-diphenylbenzenebutanamide (diketone)': {
    name: 'atorvastatin diketone intermediate',
    synonyms: ['4-fluoro-alpha-[2-methyl-1-oxopropyl]-gamma-oxo-N,beta-diphenylbenzenebutanamide'],
  },
  'ester of (4R)-6-(2-aminoethyl)-2,2-dialkyl-1,3-dioxane-4-acetate (chiral side chain)': {
    name: 'atorvastatin chiral side-chain ester',
    synonyms: ['ester of (4R)-6-(2-aminoethyl)-2,2-dialkyl-1,3-dioxane-4-acetate'],
  },
  "substituted biphenyl benzonitrile (4'-methylbiphenyl-2-carbonitrile as drawn)": {
    name: "4'-methylbiphenyl-2-carbonitrile",
    synonyms: ['substituted biphenyl benzonitrile'],
  },
  'substituted imidazole (2-butyl-4-chloro-5-formylimidazole as drawn)': {
    name: '2-butyl-4-chloro-5-formylimidazole',
    synonyms: ['substituted imidazole'],
  },
  'N6-trifluoroacetyl-L-lysine (benzyl ester)': { name: 'N6-trifluoroacetyl-L-lysine benzyl ester' },
  'ethyl 2-chloro-4-oxo-4-phenylbutyrate (from benzene + maleic anhydride)': {
    name: 'ethyl 2-chloro-4-oxo-4-phenylbutyrate',
  },
  'reactive pyridine derivative (2-halomethyl/hydroxymethyl pyridine)': {
    name: 'omeprazole pyridine intermediate',
    synonyms: ['reactive pyridine derivative', '2-halomethyl/hydroxymethyl pyridine'],
  },
  // generic phrases are tied to their API so two APIs' unnamed reagents never merge
  'substituted benzimidazole': { name: 'omeprazole benzimidazole intermediate' },
  'multifunctional cross-linking agent': { name: 'sevelamer cross-linking agent' },
  'porcine intestinal mucosa (pig small intestine)': {
    name: 'porcine intestinal mucosa',
    synonyms: ['pig small intestine'],
  },
  'heparin (porcine intestinal mucosa, exclusively)': { name: 'heparin' },
  'recombinant E. coli or Saccharomyces cerevisiae fermentation': {
    name: 'recombinant E. coli or S. cerevisiae fermentation',
  },
  'androstenedione (AD)': { name: 'androstenedione', synonyms: ['AD'] },
  'C19/C22 steroid intermediates from sterols (e.g. AD, ADD, 9-OHAD)': {
    name: 'C19/C22 steroid intermediates from sterols',
  },
  '4-amino-5-bromomethyl-2-methylpyrimidine + thiazole moiety': {
    name: 'vitamin B1 pyrimidine and thiazole intermediates',
    synonyms: ['4-amino-5-bromomethyl-2-methylpyrimidine + thiazole moiety'],
  },
  '5-(aminomethyl)-2-methylpyrimidin-4-amine (Grewe diamine)': {
    name: 'Grewe diamine',
    synonyms: ['5-(aminomethyl)-2-methylpyrimidin-4-amine'],
  },
  'microbial fermentation (Pseudomonas denitrificans, Propionibacterium)': {
    name: 'vitamin B12 microbial fermentation',
    synonyms: ['Pseudomonas denitrificans fermentation', 'Propionibacterium fermentation'],
  },
  'D-sorbitol (from D-glucose)': { name: 'D-sorbitol' },
  '2-keto-L-gulonic acid (2-KLG)': { name: '2-keto-L-gulonic acid', synonyms: ['2-KLG'] },
  'potassium tetrachloroplatinate (K2PtCl4)': {
    name: 'potassium tetrachloroplatinate',
    synonyms: ['K2PtCl4'],
  },
  'oxalate (oxalic acid or salt)': { name: 'oxalic acid', synonyms: ['oxalate'] },
  'butrol ligand: 1,4,7-tris(carboxymethyl)-10-(1-(hydroxymethyl)-2,3-dihydroxypropyl)-1,4,7,10-tetraazacyclododecane':
    {
      name: 'butrol ligand',
      synonyms: [
        '1,4,7-tris(carboxymethyl)-10-(1-(hydroxymethyl)-2,3-dihydroxypropyl)-1,4,7,10-tetraazacyclododecane',
      ],
    },
};

/**
 * Cells that describe the API itself rather than an input: skipped with a warning (a recipe from a
 * material to itself would be a cycle).
 */
export const NOT_AN_INPUT: Readonly<Record<string, string>> = {
  'crosslinked polymeric amine (the API itself is the polymer; no mineral input)':
    'describes sevelamer itself (the API is the polymer), not an input',
};

/** A link whose cited route note says the input feeds an intermediate, not the API directly. */
export interface RouteLink {
  /** canonical name of the material the input feeds (an input of the same API in the table) */
  feeds: string;
  /** inputs that replace one another share a group (alternative routes named by the source) */
  group?: string;
  /** the words of the route note that place the link */
  because: string;
}

/**
 * Route links by `<api>|<input>` (published cells). Each moves one row's link one tier up, as the
 * row's own route note states; nothing is added that the note does not say.
 */
export const ROUTE_LINKS: Readonly<Record<string, RouteLink>> = {
  'paracetamol|p-nitrophenol': {
    feeds: 'p-aminophenol',
    group: 'p-aminophenol-feedstock',
    because: 'phenol nitrated to p-nitrophenol, reduced to p-aminophenol, then acetylated',
  },
  'paracetamol|nitrobenzene': {
    feeds: 'p-aminophenol',
    group: 'p-aminophenol-feedstock',
    because: 'single-step nitrobenzene to p-aminophenol process',
  },
  'paracetamol|phenol': {
    feeds: 'p-nitrophenol',
    because: 'nitration of phenol (the 4-hydroxyacetophenone route from phenol is not modelled)',
  },
  'amoxicillin|penicillin G': {
    feeds: '6-APA',
    because: 'penicillin G is the raw material of 6-APA, the nucleus amoxicillin is made from',
  },
  'ampicillin|penicillin G': {
    feeds: '6-APA',
    because: 'major commercial source of 6-APA is natural penicillin G',
  },
  'cephalexin|potassium penicillin G': {
    feeds: '7-ADCA',
    because: "NPPA group '6-APA and 7-ADCA from Potassium Penicillin G'",
  },
  'ceftriaxone|cephalosporin C (Acremonium chrysogenum fermentation)': {
    feeds: '7-ACA',
    because: '7-ACA obtained by enzymatic (or chemical) cleavage of cephalosporin C',
  },
  'cisplatin|potassium tetrachloroplatinate (K2PtCl4)': {
    feeds: 'cis-diamminediiodoplatinum(II)',
    because: 'K2PtCl4 -> K2PtI4 (KI) -> cis-Pt(NH3)2I2',
  },
  'heparin|porcine intestinal mucosa (pig small intestine)': {
    feeds: 'crude heparin',
    because: 'crude heparin from enzymatic hydrolysis of washed pig intestines is refined to heparin sodium',
  },
  'enoxaparin|heparin (porcine intestinal mucosa, exclusively)': {
    feeds: 'heparin benzyl ester',
    because: 'enoxaparin is obtained by depolymerisation of heparin benzyl ester of porcine heparin',
  },
  'prednisolone|phytosterols': {
    feeds: 'androstenedione',
    because: 'AD produced by microbial biotransformation of phytosterols',
  },
  'vitamin B1|2-cyanoacetamide': {
    feeds: 'Grewe diamine',
    because: '2-cyanoacetamide is the start for the key pyrimidine intermediate',
  },
  'vitamin C|D-sorbitol (from D-glucose)': {
    feeds: '2-keto-L-gulonic acid',
    because: 'D-sorbitol bio-oxidised to L-sorbose, then fermented to 2-KLG',
  },
  'metformin|dimethylamine + hydrochloric acid': {
    feeds: 'dimethylamine hydrochloride',
    because: 'salification of dimethylamine with HCl, then addition to dicyandiamide',
  },
  'technetium-99m|uranium targets (HEU; increasingly LEU)': {
    feeds: 'molybdenum-99',
    group: 'mo-99-production-route',
    because: 'most Mo-99 is made by irradiating HEU targets',
  },
  'technetium-99m|enriched molybdenum-98 (activation route)': {
    feeds: 'molybdenum-99',
    group: 'mo-99-production-route',
    because: 'alternative activation route to Mo-99',
  },
};

/**
 * Inputs that are alternatives to each other for one API without a restructured link: each pair's
 * route notes name two ways of making the API.
 */
export const SUBSTITUTE_GROUPS: Readonly<Record<string, string>> = {
  // route 1: hydrogenation over rhodium; route 2: via methacycline (both from oxytetracycline)
  'doxycycline|rhodium (catalyst)': 'doxycycline-route',
  'doxycycline|methacycline': 'doxycycline-route',
  // MgSO4 from MgO / MgCO3 + sulfuric acid, or from natural evaporite minerals
  'magnesium sulfate|magnesium oxide or magnesium carbonate': 'magnesium-sulfate-source',
  'magnesium sulfate|natural epsomite/kieserite (evaporite K-Mg salt deposits)': 'magnesium-sulfate-source',
};

/**
 * Inputs needed by one published route only, with no cited alternative input to group them with:
 * not essential (the Boots ibuprofen process needs no palladium).
 */
export const ROUTE_SPECIFIC: Readonly<Record<string, string>> = {
  'ibuprofen|palladium (catalyst)':
    'used by the BHC (Hoechst Celanese) route only; the Boots route needs no palladium',
};

/** Removes a trailing parenthetical: `platinum (as chloroplatinic acid)` → `platinum`. */
export function withoutParenthetical(s: string): string {
  // a space before the bracket: `cis-diamminediiodoplatinum(II)` keeps its oxidation state
  return s.replace(/\s+\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$/, '').trim();
}

/** Folds a name for matching: lower case, letters and digits only (`Para amino phenol` = `para-aminophenol`). */
export function foldName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}
