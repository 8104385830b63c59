/**
 * Element content of mineral-based APIs from their formulas: the recipe quantity "kg of input (in
 * the input's basis) per kg of API" where chemistry alone fixes it. Yield and losses are not
 * modelled, so these quantities are illustrative (DESIGN.md: cisplatin holds 0.650 kg Pt per kg,
 * lithium carbonate 0.188 kg Li per kg).
 */

/** Standard atomic weights (IUPAC 2021, abridged / conventional values). */
export const ATOMIC_WEIGHT: Readonly<Record<string, number>> = {
  H: 1.008,
  Li: 6.94,
  C: 12.011,
  N: 14.007,
  O: 15.999,
  Na: 22.99,
  Mg: 24.305,
  P: 30.974,
  S: 32.06,
  Cl: 35.45,
  K: 39.098,
  Co: 58.933,
  Zn: 65.38,
  Se: 78.971,
  I: 126.904,
  Ba: 137.327,
  La: 138.905,
  Gd: 157.25,
  Pt: 195.084,
  Bi: 208.98,
};

/** Molar mass (g/mol) of a flat formula such as `Cl2H6N2Pt` (no brackets, no hydrates). */
export function molarMass(formula: string): number {
  let total = 0;
  let seen = '';
  for (const m of formula.matchAll(/([A-Z][a-z]?)(\d*)/g)) {
    const w = ATOMIC_WEIGHT[m[1]!];
    if (w === undefined) throw new Error(`no atomic weight for ${m[1]} in ${formula}`);
    total += w * (m[2] ? Number(m[2]) : 1);
    seen += m[0];
  }
  if (seen !== formula) throw new Error(`not a flat formula: ${formula}`);
  return total;
}

/** Rounds to three significant figures (the precision the atomic weights and purpose warrant). */
export const sig3 = (x: number) => Number(x.toPrecision(3));

export interface ContentRule {
  /** the API's formula (flat) and how it is usually written */
  formula: string;
  label: string;
  /** what the input's basis counts: an element (`Pt`) or an oxide equivalent (`K2O`) */
  species: string;
  /** units of `species` per formula unit of the API (2 Li per Li2CO3; ½ K2O per KCl) */
  per: number;
  /** the basis in words, for the note */
  basis: string;
  /** anything the cited source says that differs from the formula */
  remark?: string;
}

/**
 * Content rules by `<api id>|<mineral material id>`. Only APIs with one unambiguous formula (no
 * salt or hydrate choice) and an input basis that counts the same species are listed; the others
 * get a null quantity with the reason in `UNQUANTIFIED`.
 */
export const CONTENT_RULES: Readonly<Record<string, ContentRule>> = {
  'cisplatin.api|platinum.mine': {
    formula: 'Cl2H6N2Pt',
    label: 'cis-[Pt(NH3)2Cl2]',
    species: 'Pt',
    per: 1,
    basis: 'platinum content',
  },
  'carboplatin.api|platinum.mine': {
    formula: 'C6H12N2O4Pt',
    label: 'carboplatin C6H12N2O4Pt',
    species: 'Pt',
    per: 1,
    basis: 'platinum content',
  },
  'oxaliplatin.api|platinum.mine': {
    formula: 'C8H14N2O4Pt',
    label: 'oxaliplatin C8H14N2O4Pt',
    species: 'Pt',
    per: 1,
    basis: 'platinum content',
  },
  'lithium-carbonate.api|lithium.mine': {
    formula: 'CLi2O3',
    label: 'Li2CO3',
    species: 'Li',
    per: 2,
    basis: 'lithium content (USGS lithium basis)',
  },
  'bismuth-subsalicylate.api|bismuth.refined': {
    formula: 'C7H5BiO4',
    label: 'bismuth subsalicylate C7H5BiO4',
    species: 'Bi',
    per: 1,
    basis: 'bismuth content',
  },
  'potassium-chloride.api|potash.mine': {
    formula: 'ClK',
    label: 'KCl',
    species: 'K2O',
    per: 0.5,
    basis: 'K2O equivalent (USGS potash basis)',
  },
  'selenium-sulfide.api|selenium.refined': {
    formula: 'S2Se',
    label: 'selenium sulfide SeS2',
    species: 'Se',
    per: 1,
    basis: 'selenium content',
  },
  'iohexol.api|iodine.mine': {
    formula: 'C19H26I3N3O9',
    label: 'iohexol C19H26I3N3O9',
    species: 'I',
    per: 3,
    basis: 'iodine content',
    remark:
      'the cited Martindale excerpt says "about 49%" iodine, which is the content of iopamidol ' +
      `(C17H22I3N3O8: ${((3 * molarMass('I')) / molarMass('C17H22I3N3O8')).toFixed(3)}), not of iohexol; the formula is used`,
  },
  'vitamin-b12.api|cobalt.mine': {
    formula: 'C63H88CoN14O14P',
    label: 'cyanocobalamin C63H88CoN14O14P',
    species: 'Co',
    per: 1,
    basis: 'cobalt content',
  },
};

/** The content quantity of a rule, rounded to 3 significant figures, and the note that says how. */
export function contentQuantity(rule: ContentRule): { quantity: number; note: string } {
  const mApi = molarMass(rule.formula);
  const mSpecies = molarMass(rule.species);
  const quantity = sig3((rule.per * mSpecies) / mApi);
  const per = rule.per === 1 ? '' : `${rule.per} × `;
  return {
    quantity,
    note:
      `stoichiometric, yield not modelled: ${per}${rule.species} ${mSpecies.toFixed(3)} / ${rule.label} ` +
      `${mApi.toFixed(2)} g/mol = ${quantity.toPrecision(3)} kg ${rule.basis} per kg (IUPAC 2021 standard atomic weights)` +
      (rule.remark ? `; ${rule.remark}` : ''),
  };
}

const pct = (x: number) => `${sig3(x)}`;

/**
 * Why some mineral inputs carry no quantity: the API's salt or hydrate form is not stated, or the
 * input's basis (e.g. total rare-earth oxide mined) is not the element the API contains.
 */
export const UNQUANTIFIED: Readonly<Record<string, string>> = {
  'gadobutrol.api|rare-earths.mine':
    `gadobutrol C18H31GdN4O9 holds ${pct(molarMass('Gd') / molarMass('C18H31GdN4O9'))} kg Gd per kg, but USGS ` +
    'rare-earth mine production is total rare-earth oxide (REO) and the gadolinium share of mined REO depends on ' +
    'the deposit: quantity not modelled',
  'gadolinium-based-contrast-agents.api|rare-earths.mine':
    'a class of chelates with different gadolinium contents; USGS basis is total REO: quantity not modelled',
  'lanthanum-carbonate.api|rare-earths.mine':
    'lanthanum carbonate is sold as a hydrate (water content not stated) and USGS basis is total REO, not ' +
    'lanthanum: quantity not modelled',
  'zinc-sulfate.api|zinc.mine':
    `the hydrate form is not stated (anhydrous ZnSO4 holds ${pct(molarMass('Zn') / molarMass('O4SZn'))} kg Zn per kg, ` +
    `the heptahydrate ${pct(molarMass('Zn') / molarMass('H14O11SZn'))}): quantity not modelled`,
  'magnesium-sulfate.api|magnesium-compounds.mine':
    'the hydrate form is not stated and USGS basis is gross weight of magnesite: quantity not modelled',
  'levothyroxine.api|iodine.mine':
    `the salt and hydrate form is not stated (levothyroxine C15H11I4NO4 holds ` +
    `${pct((4 * molarMass('I')) / molarMass('C15H11I4NO4'))} kg I per kg, the sodium salt pentahydrate ` +
    `${pct((4 * molarMass('I')) / molarMass('C15H20I4NNaO9'))}): quantity not modelled`,
  'barium-sulfate.api|barite.mine':
    'USGS barite is gross weight of ore of varying purity: quantity not modelled',
};
