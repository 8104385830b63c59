/**
 * Resolves the free-text SUBJECT of an FDA Drug Master File to one canonical substance, or says
 * why it is not one active pharmaceutical ingredient (DESIGN.md, "Medicine vulnerability").
 *
 * The canonical name is upper-case USAN-style, salts kept where they define the substance
 * (METFORMIN HYDROCHLORIDE, CLINDAMYCIN PHOSPHATE), so that it matches openFDA's
 * `substance_name`. The same function canonicalises openFDA names (`canonicalSubstanceName`), so
 * a DMF subject and a shortage record name one substance with one string.
 *
 * Rules, applied in this order (each is tested one by one in fda-substance.test.ts):
 *  1. Fold: ™ ® © removed, Unicode NFKD, accents removed, upper case, whitespace collapsed;
 *     "PH. EUR." / "PH.EUR." → PHEUR; potency units after a slash ("100 IU/MG") removed; the
 *     locant or stereodescriptor of a salt or ester removed ("MOMETASONE 17-FUROATE",
 *     "CABOZANTINIB (S)-MALATE"). A parenthetical that only names an antioxidant stabiliser,
 *     "(WITH 2% BHT)", is dropped: the stabilised API is the monograph substance (everolimus).
 *  2. Exclusions, first match wins, on the whole folded text (parentheses included):
 *     - `non-drug`: process materials, not a substance given to patients — filters, membranes,
 *       cartridges, chromatography / affinity media, cell-culture media, feeds and supplements,
 *       buffers, cell lines and banks, plasmids, vectors, containers, tubing, bags, excipients
 *       declared as such, reagents, diluents, microcarriers, kits, equipment, devices.
 *     - `granules`: GRANULE(S), GRANULATE(D), GRANULATION, PELLETS, MICROGRANULES, MICROPELLETS,
 *       MICROSPHERES, BEADLETS, ENTERIC-COATED (a formulated intermediate, not the API). Tested
 *       before finished forms: "DELAYED-RELEASE PELLETS" are pellets.
 *     - `finished-dosage-form`: TABLET(S), CAPSULE(S), SOFTGEL, CAPLET, INJECTION (also "FOR
 *       INJECTION STERILE BULK"), ORAL SOLUTION / SUSPENSION, SUSPENSION, SYRUP, ELIXIR, TINCTURE,
 *       CREAM, OINTMENT, LOTION, PATCH, TRANSDERMAL, SUPPOSITORY, extended / delayed / controlled /
 *       sustained / modified release, a dose strength ("1000 MG", "22.5MG"), VIAL, AMPOULE,
 *       PREFILLED, SYRINGE, INHALER, SPRAY (not SPRAY DRIED), DROPS, DRUG PRODUCT, DOSAGE FORM,
 *       PLACEBO.
 *     - `blend`: BLEND(ED), PREMIX, MIXTURE, MIX, TRITURATE / TRITURATION, DISPERSION, ADSORBATE,
 *       BUFFERED, DILUTED / DILUTION, DC / DC90 / DIRECT COMPRESSION / COMPRESSIBLE, LUBRICATED,
 *       "X IN <vehicle>" (oil, glycol, polymer, adhesive, alcohol…), and any percentage below 95 %
 *       unless the subject is a SOLUTION / CONCENTRATE of the substance (chlorhexidine gluconate 20 %
 *       solution is the monograph substance); percentages of 95 % or more are an assay and ignored.
 *     - `intermediate`: INTERMEDIATE, CRUDE, STARTING MATERIAL, KSM, STAGE-n, PRECURSOR,
 *       PHOSPHORAMIDITE (oligonucleotide building block).
 *  3. The core name: bracketed and parenthesised text is removed (grades, forms, codes,
 *     "[ROUTE CODE ...]"), as is everything after the first top-level comma (grades, sites,
 *     packaging notes: "ACETAMINOPHEN, USP"), except MONO- / DI- / TRIBASIC, which name the salt.
 *  4. Grade, quality and process words are removed: pharmacopoeias (USP, NF, EP, BP, BPC, JP, IP,
 *     CP, PH. EUR., FCC, ACS), MICRONIZED / NON-MICRONIZED / MICRO / MILLED / FINE / COARSE /
 *     POWDER / LIGHT / HEAVY, STERILE / NON-STERILE / PYROGEN-FREE / LOW ENDOTOXIN, PROCESS (+ its
 *     number), (ALPHA / BETA …) FORM / POLYMORPH (+ its letter or number), AMORPHOUS, CRYSTALLINE,
 *     (MACRO)CRYSTALS, GRADE, GMP, QUALITY, VETERINARY, RACEMIC, BULK, DRUG SUBSTANCE (and the
 *     listed typo SUBTANCE), DRUG, API, ACTIVE (PHARMACEUTICAL) INGREDIENT, PHARMACEUTICAL, PHARMA,
 *     SOLUTION / CONCENTRATE / LIQUID, BASE / FREE BASE / FREE ACID, SALT, DRIED / EXSICCATED and
 *     percentages.
 *  5. Spelling: HCL / HCI / HCl → HYDROCHLORIDE (2HCL, DIHCL → DIHYDROCHLORIDE), HBR →
 *     HYDROBROMIDE, INN -silate → USAN -sylate (MESILATE → MESYLATE, BESILATE, TOSILATE, ESILATE,
 *     CAMSILATE, EDISILATE, NAPSILATE), ISETIONATE → ISETHIONATE, SULPH → SULF, "L-" dropped
 *     before a standard amino acid starting a word (openFDA writes TYROSINE, not L-TYROSINE), and
 *     the INN / BAN → USAN synonyms of `SYNONYMS` (PARACETAMOL → ACETAMINOPHEN, SALBUTAMOL →
 *     ALBUTEROL, 5-AMINOSALICYLIC ACID → MESALAMINE, …).
 *  6. Water of crystallisation is not part of the substance: ANHYDROUS, MONOHYDRATE … DECAHYDRATE,
 *     HEMIHYDRATE, (HEMI-)PENTAHYDRATE, SESQUIHYDRATE, "2.5 HYDRATE", HYDRATE are removed
 *     (AZITHROMYCIN DIHYDRATE and AZITHROMYCIN MONOHYDRATE are one API), except in CHLORAL
 *     HYDRATE and TERPIN HYDRATE.
 *  7. Combinations: the core is split on AND, &, +, /, WITH, PLUS. Pieces left empty by rule 4
 *     ("EP/USP") vanish, and so do pieces without a word of three letters when another piece has
 *     one ("PACLITAXEL/S"). Pieces naming a common excipient (magnesium stearate, cellulose,
 *     silicon dioxide, lactose, starch, povidone, sodium carbonate, arginine…) make the subject a
 *     `blend`; pieces that all start with the same word are several forms of one substance
 *     ("PHENYTOIN/PHENYTOIN SODIUM": `unresolved`, never guessed); two or more other distinct
 *     substances make it a `combination`; pieces that canonicalise to one name are one substance.
 *  8. Resolution: the canonical name is resolved when it equals a canonicalised openFDA substance
 *     name (rule `openfda`), or when a parenthetical of the subject does and the core does not
 *     (rule `openfda-parenthetical`: "PERKADOX API (BENZOYL PEROXIDE)"); otherwise it is resolved
 *     by normalisation alone (rule `normalised`) if it looks like one substance name: at most
 *     five words, letters / digits / hyphens only, not a development code ("CB 5339",
 *     "ADCT-701"), not a systematic chemical name (locants "1,3-", brackets "[2,3-B]",
 *     stereodescriptors "(S)-"), with a word of at least four letters. A development code whose
 *     parentheses name a substance that another subject of the same list resolves to takes that
 *     substance (rule `parenthetical`: "KMD-3213 (SILODOSIN)"; `resolveSubjects` runs the two
 *     passes). Anything else is `unresolved` (never guessed).
 */

export type SubjectExclusion =
  | 'non-drug'
  | 'finished-dosage-form'
  | 'granules'
  | 'blend'
  | 'intermediate'
  | 'combination'
  | 'unresolved';

/** Every exclusion reason, in the order the rules test them. */
export const SUBJECT_EXCLUSIONS: readonly SubjectExclusion[] = [
  'non-drug',
  'granules',
  'finished-dosage-form',
  'blend',
  'intermediate',
  'combination',
  'unresolved',
];

export interface SubjectResolution {
  /** canonical substance name, or null */
  substance: string | null;
  /** why there is no substance, or null */
  exclusion: SubjectExclusion | null;
  /** the rule that decided: `openfda`, `openfda-parenthetical`, `normalised`, or what excluded it */
  rule: string;
}

/** INN / BAN names → the USAN names openFDA uses (whole words, applied after folding). */
export const SYNONYMS: Readonly<Record<string, string>> = {
  PARACETAMOL: 'ACETAMINOPHEN',
  SALBUTAMOL: 'ALBUTEROL',
  LEVOSALBUTAMOL: 'LEVALBUTEROL',
  ADRENALINE: 'EPINEPHRINE',
  NORADRENALINE: 'NOREPINEPHRINE',
  LIGNOCAINE: 'LIDOCAINE',
  FRUSEMIDE: 'FUROSEMIDE',
  RIFAMPICIN: 'RIFAMPIN',
  PETHIDINE: 'MEPERIDINE',
  'GLYCERYL TRINITRATE': 'NITROGLYCERIN',
  'GLYCEROL TRINITRATE': 'NITROGLYCERIN',
  'GLYCERIN TRINITRATE': 'NITROGLYCERIN',
  NITROGLYCERINE: 'NITROGLYCERIN',
  CICLOSPORIN: 'CYCLOSPORINE',
  GLIBENCLAMIDE: 'GLYBURIDE',
  MESALAZINE: 'MESALAMINE',
  '5-AMINOSALICYLIC ACID': 'MESALAMINE',
  ISOPRENALINE: 'ISOPROTERENOL',
  THIAMAZOLE: 'METHIMAZOLE',
  HYOSCINE: 'SCOPOLAMINE',
  COLECALCIFEROL: 'CHOLECALCIFEROL',
  CLOMIFENE: 'CLOMIPHENE',
  'URSODEOXYCHOLIC ACID': 'URSODIOL',
  DEXAMFETAMINE: 'DEXTROAMPHETAMINE',
  AMFETAMINE: 'AMPHETAMINE',
  ACICLOVIR: 'ACYCLOVIR',
  VALACICLOVIR: 'VALACYCLOVIR',
  CEFALEXIN: 'CEPHALEXIN',
  AMOXYCILLIN: 'AMOXICILLIN',
  'SODIUM VALPROATE': 'VALPROATE SODIUM',
  'SODIUM CROMOGLICATE': 'CROMOLYN SODIUM',
  'SODIUM CROMOGLYCATE': 'CROMOLYN SODIUM',
  BECLOMETASONE: 'BECLOMETHASONE',
  PHENOBARBITONE: 'PHENOBARBITAL',
  ORCIPRENALINE: 'METAPROTERENOL',
  ETHINYLESTRADIOL: 'ETHINYL ESTRADIOL',
  OESTRADIOL: 'ESTRADIOL',
  NORETHISTERONE: 'NORETHINDRONE',
  CHLORPHENAMINE: 'CHLORPHENIRAMINE',
  DICYCLOVERINE: 'DICYCLOMINE',
  'GLYCOPYRRONIUM BROMIDE': 'GLYCOPYRROLATE',
  BENZYLPENICILLIN: 'PENICILLIN G',
  PHENOXYMETHYLPENICILLIN: 'PENICILLIN V',
  'ACETYLSALICYLIC ACID': 'ASPIRIN',
  'CALCIUM FOLINATE': 'LEUCOVORIN CALCIUM',
  DEXTROPROPOXYPHENE: 'PROPOXYPHENE',
  TRIMEPRAZINE: 'ALIMEMAZINE',
};

/** Common excipients: a DMF subject "API + one of these" is a blend, not a combination. */
const EXCIPIENTS: readonly string[] = [
  'MAGNESIUM STEARATE',
  'MICROCRYSTALLINE CELLULOSE',
  'CELLULOSE',
  'LACTOSE',
  'STARCH',
  'MAIZE STARCH',
  'PREGELATINIZED STARCH',
  'POVIDONE',
  'PVP',
  'COPOVIDONE',
  'CROSPOVIDONE',
  'GELATIN',
  'SILICA',
  'SILICON DIOXIDE',
  'COLLOIDAL SILICON DIOXIDE',
  'HPMC',
  'HYPROMELLOSE',
  'HPC',
  'HYDROXYPROPYL CELLULOSE',
  'MANNITOL',
  'SORBITOL',
  'SUCROSE',
  'TALC',
  'MALTODEXTRIN',
  'DEXTRIN',
  'BHT',
  'BHA',
  'SODIUM CARBONATE',
  'SODIUM BICARBONATE',
  'ARGININE',
  'PROPYLENE GLYCOL',
  'POLYETHYLENE GLYCOL',
  'PEG',
  'CYCLODEXTRIN',
  'BETADEX',
  'WATER',
];

/** The 20 standard amino acids (+ a few common ones) that openFDA names without the "L-" prefix. */
const AMINO_ACIDS =
  'ALANINE|ARGININE|ASPARAGINE|ASPARTIC ACID|CYSTEINE|CYSTINE|GLUTAMINE|GLUTAMIC ACID|GLYCINE|HISTIDINE|ISOLEUCINE|LEUCINE|LYSINE|METHIONINE|PHENYLALANINE|PROLINE|SERINE|THREONINE|TRYPTOPHAN|TYROSINE|VALINE|CARNITINE|ORNITHINE|CITRULLINE';

const PHARMACOPOEIA = '(?:USP-NF|USP|NF|EP|BPC|BP|JP|IP|CP|FCC|ACS|PHEUR|EURPH)';

/** Exclusion rules (rule 2): reason and pattern on the folded text; the matched words name the rule. */
const EXCLUSION_RULES: readonly [SubjectExclusion, RegExp][] = [
  [
    'non-drug',
    /\b(?:FILTERS?|FILTRATION|MEMBRANES?|CARTRIDGES?|CASSETTES?|CHROMATOGRAPH\w*|AFFINITY|PURIFIER|CLARIFIER|HOSES?|TUBING|TUBES|BAGS?|BOTTLES?|CONTAINERS?|CLOSURES?|STOPPERS?|BIOREACTORS?|SINGLE-USE|BUFFERS?|BUFFERED SALINE|MEDIUM(?! (?:GRADES?|CHAIN|VISCOSITY|MOLECULAR))|MEDIA|CULTURE|SERUM-FREE|SERUM FREE|FEED|FEEDS|CELL LINES?|CELL BANKS?|HOST CELLS?|PLASMIDS?|VECTORS?|EXCIPIENT|REAGENTS?|DILUENT|MICROCARRIERS?|KITS?|CRYOPRESERVATION|TRANSFECTION|SUPPLEMENTS?|EQUIPMENT|DEVICE)\b/,
  ],
  [
    'granules',
    /\b(?:GRANULES?|GRANULATED?|GRANULATION|PELLETS?|MICROGRANULES|MICROPELLETS|MICROSPHERES|BEADLETS|ENTERIC[- ]COATED)\b/,
  ],
  [
    'finished-dosage-form',
    /\b(?:TABLETS?|CAPSULES?|SOFTGELS?|CAPLETS?|INJECTION|ORAL SOLUTION|ORAL SUSPENSION|SUSPENSION|SYRUP|ELIXIR|TINCTURE|CREAM|OINTMENT|LOTION|PATCH(?:ES)?|TRANSDERMAL|SUPPOSITOR(?:Y|IES)|(?:EXTENDED|DELAYED|CONTROLLED|SUSTAINED|MODIFIED)[- ]RELEASE|\d+(?:\.\d+)? ?(?:MG|MCG)|VIALS?|AMPOULES?|PREFILLED|SYRINGES?|INHALERS?|SPRAY(?![- ]DRIED)|DROPS|DRUG PRODUCTS?|DOSAGE FORMS?|PLACEBO)\b/,
  ],
  [
    'blend',
    /\b(?:BLEND|BLENDED|BLENDS|PREMIX|MIXTURES?|MIX|TRITURATES?|TRITURATION|DISPERSION|ADSORBATE|BUFFERED|DILUTED|DILUTION|DC|DIRECT COMPRESSION|COMPRESSIBLE|LUBRICATED)\b|\bDC(?=\d)|\bIN (?:[A-Z0-9-]+ ){0,3}(?:OIL|GLYCOL|POLYMER|ADHESIVE|ALCOHOL|ETHANOL|LACTOSE|MANNITOL|SOLVENTS?|POVIDONE|HPMC|TRIGLYCERIDES?|SUCROSE|STARCH|CELLULOSE|GELATIN)\b/,
  ],
  [
    'intermediate',
    /\b(?:INTERMEDIATES?|CRUDE|STARTING MATERIALS?|KSM|STAGE[- ]?[IVX\d]+|PRECURSORS?|PHOSPHORAMIDITES?)\b/,
  ],
];

/** Grade, quality and process words removed from the core name (rule 4). */
const GRADE_WORDS: readonly RegExp[] = [
  new RegExp(String.raw`\b${PHARMACOPOEIA}\b`, 'g'),
  /\b(?:NON[- ]?)?MICRONI[SZ](?:ED|ATION)\b/g,
  /\b(?:NON[- ]?)?MICRO\b/g,
  /\b(?:UN)?MILLED\b|\bEXTRA FINE\b|\bFINE\b|\bCOARSE\b|\bPOWDER(?:ED)?\b|\bLIGHT\b|\bHEAVY\b/g,
  /\b(?:NON[- ]{0,2})?STERILE\b|\bASEPTIC\b|\bPYROGEN[- ]FREE\b|\bAPYROGENIC\b|\bLOW ENDOTOXIN\b|\bENDOTOXIN[- ]FREE\b/g,
  /\bPROCESS\b(?:\s*-?\s*#?\s*(?:[IVX]+|\d+|[A-Z])\b)?/g,
  /\b(?:ALPHA|BETA|GAMMA|DELTA) FORM\b/g,
  /\bFORM\b(?:\s*-?\s*(?:[IVX]+|\d+|[A-Z]{1,2})\b)?/g,
  /\bPOLYMORPH(?:IC)?\b(?:\s*-?\s*(?:[IVX]+|\d+|[A-Z]{1,2})\b)?/g,
  /\bAMORPHOUS\b|\bCRYSTALLINE\b|\b(?:MACRO|MICRO)?CRYSTALS?\b/g,
  /\bGRADES?\b|\bC?GMP\b|\bQUALITY\b|\bVETERINARY\b|\bRACEMIC\b/g,
  /\bBULK\b|\bDRUG SUBS?TANCES?\b|\bDRUG\b|\bAPI\b|\bACTIVE (?:PHARMACEUTICAL )?INGREDIENTS?\b|\bACTIVE SUBSTANCE\b|\bPHARMACEUTICAL\b|\bPHARMA\b/g,
  /\bSOLUTION\b|\bCONCENTRATE\b|\bLIQUID\b/g,
  /\bFREE BASE\b|\bFREE ACID\b|\bBASE\b|\bSALTS?\b/g,
  /\bDRIED\b|\bEXSICCATED\b/g,
  /\b\d+(?:\.\d+)? ?%/g,
];

/** Water of crystallisation (rule 6). */
const HYDRATE_WORDS =
  /\b(?:ANHYDROUS|ANHYDRATE|(?:MONO|DI|TRI|TETRA|PENTA|HEXA|HEPTA|OCTA|NONA|DECA|HEMI|SESQUI|HEMI-?PENTA)-?HYDRATE|\d+(?:\.\d+)?[- ]?HYDRATE|HYDRATED?)\b/g;

/** Folds a subject: accents and trademark signs removed, upper case, whitespace collapsed (rule 1). */
export function foldSubject(text: string): string {
  return (
    text
      .replace(/[™®©]|\((?:TM|R)\)/gi, ' ')
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\u2018\u2019\u02bc`]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      .replace(/[\u2010-\u2015]/g, '-')
      .toUpperCase()
      .replace(/\bPH\.? ?EUR\.?(?=\s|$|[,;/)])/g, 'PHEUR')
      .replace(/\bEUR\.? ?PH\.?(?=\s|$|[,;/)])/g, 'EURPH')
      // potency units ("100 IU/MG") are not a second substance after a slash
      .replace(/\b(?:M?IU|MG|UNITS?)\/(?:M?G|ML)\b/g, ' ')
      // locants and stereodescriptors of a salt or ester are not part of the USAN name:
      // "MOMETASONE 17-FUROATE", "CABOZANTINIB (S)-MALATE"
      .replace(/(?<=[A-Z] )(?:\d+(?:,\d+)?-|\((?:[RS]|[+-]|[RS],[RS])\)-)(?=[A-Z]{3,}ATE\b)/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Removes a parenthetical that only names an antioxidant stabiliser (rule 1). */
function dropStabiliser(text: string): string {
  return text.replace(/\((?:WITH )?(?:[\d.]+ ?% ?)?(?:BHT|BHA)\)/g, ' ').replace(/\s+/g, ' ');
}

/** Text outside brackets and parentheses, and the parenthesised pieces (rule 3). */
function splitParentheses(text: string): { core: string; inner: string[] } {
  let core = '';
  const inner: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') {
      if (depth === 0) cur = '';
      else cur += ch;
      depth++;
      core += ' ';
    } else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) {
      depth--;
      if (depth === 0) inner.push(cur.trim());
      else cur += ch;
    } else if (depth > 0) cur += ch;
    else core += ch;
  }
  return { core: core.replace(/\s+/g, ' ').trim(), inner };
}

/** Percentages below 95 % mean a diluted or formulated material, unless it is a solution of the substance. */
function percentBlend(text: string): boolean {
  if (/\b(?:SOLUTION|CONCENTRATE)\b/.test(text)) return false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s?%/g)) if (Number(m[1]) < 95) return true;
  return false;
}

/** First top-level comma ends the name, except a following MONO-/DI-/TRIBASIC (rule 3). */
function cutAtComma(core: string): string {
  const i = core.indexOf(',');
  if (i < 0) return core;
  const head = core.slice(0, i);
  const basic = /^\s*((?:MONO|DI|TRI)BASIC)\b/.exec(core.slice(i + 1));
  return basic ? `${head} ${basic[1]}` : head;
}

const SYNONYM_PATTERNS: readonly [RegExp, string][] = Object.entries(SYNONYMS).map(([from, to]) => [
  new RegExp(`(?<![A-Z0-9-])${from.replace(/-/g, '\\-')}(?![A-Z0-9-])`, 'g'),
  to,
]);

/** Spelling rules (rule 5). */
function respell(text: string): string {
  let s = text
    .replace(/\b(?:2|DI) ?HC[LI]\b/g, 'DIHYDROCHLORIDE')
    .replace(/\bHC[LI]\b/g, 'HYDROCHLORIDE')
    .replace(/\bHBR\b/g, 'HYDROBROMIDE')
    .replace(/\b(ME|BE|TO|E|CAM|EDI|NAP)S?ILATE\b/g, (_m, p: string) =>
      p === 'E' ? 'ESYLATE' : `${p}SYLATE`,
    )
    .replace(/ISETIONATE/g, 'ISETHIONATE')
    .replace(/SULPH/g, 'SULF')
    .replace(/\bDI-SODIUM\b/g, 'DISODIUM')
    .replace(new RegExp(`(?<![A-Z0-9-])L-(${AMINO_ACIDS})\\b`, 'g'), '$1');
  for (const [re, to] of SYNONYM_PATTERNS) s = s.replace(re, to);
  return s;
}

/** Removes water of crystallisation words, keeping CHLORAL HYDRATE and TERPIN HYDRATE (rule 6). */
function stripHydrates(text: string): string {
  if (/\b(?:CHLORAL|TERPIN) HYDRATE\b/.test(text)) return text;
  return text.replace(HYDRATE_WORDS, ' ');
}

/** Trims separators left at the ends and collapses spaces and stray punctuation. */
function tidy(text: string): string {
  return text
    .replace(/\s*-\s+|\s+-\s*/g, ' ')
    .replace(/[;:,."'#*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s\-/&+]+|[\s\-/&+]+$/g, '')
    .trim();
}

/** Rules 4–6 on a name without parentheses: the canonical form of one substance name. */
function canonicalPart(text: string): string {
  let s = text;
  for (const re of GRADE_WORDS) s = s.replace(re, ' ');
  s = respell(tidy(s));
  s = stripHydrates(s);
  return tidy(s);
}

/**
 * The canonical form of a substance name as openFDA writes it (or any clean substance name):
 * folded, respelled and without water of crystallisation ("AZITHROMYCIN DIHYDRATE" →
 * "AZITHROMYCIN", "DEXTROSE, UNSPECIFIED FORM" → "DEXTROSE").
 */
export function canonicalSubstanceName(name: string): string {
  return canonicalPart(cutAtComma(splitParentheses(foldSubject(name)).core));
}

const COMBINATION_SPLIT = /\s+AND\s+|\s*&\s*|\s*\+\s*|\s*\/\s*|\s+WITH\s+|\s+PLUS\s+/;

/** A set of canonical substance names to resolve against (the openFDA substance names). */
export class SubstanceVocabulary {
  private readonly names = new Set<string>();
  constructor(names: Iterable<string> = []) {
    for (const n of names) this.add(n);
  }
  /** Adds a name (canonicalised; `"A; B"` lists are split). */
  add(name: string): void {
    for (const part of name.split(';')) {
      const c = canonicalSubstanceName(part);
      if (c) this.names.add(c);
    }
  }
  has(canonical: string): boolean {
    return this.names.has(canonical);
  }
  get size(): number {
    return this.names.size;
  }
}

/** Locants ("1,3-"), stereodescriptors ("(S)-", "(+)-", "(2R,3S)-"), N,N- or brackets: a systematic name. */
const SYSTEMATIC_NAME =
  /\d\s?,\s?\d+[A-Z]?-|\[\d|\((?:[RSEZ+±-]|\d+[RSEZ]?(?:,\d+[RSEZ]?)*|[RS],[RS])\)-|\b[NO],[NO]'?-/;

/** Whether a part names a common excipient ("SILICON DIOXIDE IN THE RATIO 1 1" does). */
function isExcipient(name: string): boolean {
  return EXCIPIENTS.some((e) => name === e || name.startsWith(`${e} `));
}

/** Why a canonical name is not accepted as one substance, or null if it is (rule 8). */
function implausible(canonical: string, text: string): string | null {
  if (canonical === '') return 'empty after normalisation';
  if (/[^A-Z0-9 -]/.test(canonical)) return 'unexpected characters';
  if (SYSTEMATIC_NAME.test(text)) return 'systematic chemical name';
  if (canonical.split(' ').length > 5) return 'more than five words';
  if (/^[A-Z]{1,6}[- ]?\d{2,}[A-Z0-9-]*(?: \S+)?$/.test(canonical)) return 'development code';
  if (!/[A-Z]{4,}/.test(canonical)) return 'no word of four letters';
  return null;
}

const excluded = (exclusion: SubjectExclusion, rule: string): SubjectResolution => ({
  substance: null,
  exclusion,
  rule,
});

/**
 * Resolves one DMF subject (see the rules at the top of this file). `known` holds substances
 * resolved from other subjects of the same list: a development code is resolved to the substance
 * in its parentheses only if that substance is known there or to openFDA ("KMD-3213 (SILODOSIN)"
 * yes, "FMDF-10 (KIRIN)" no).
 */
export function resolveSubject(
  subject: string,
  vocabulary: SubstanceVocabulary,
  known: ReadonlySet<string> = new Set(),
): SubjectResolution {
  const text = dropStabiliser(foldSubject(subject));
  if (text === '') return excluded('unresolved', 'empty subject');
  for (const [reason, re] of EXCLUSION_RULES) {
    const m = re.exec(text);
    if (m) return excluded(reason, m[0].trim());
  }
  if (percentBlend(text)) return excluded('blend', 'percentage below 95 %');

  const { core: rawCore, inner } = splitParentheses(text);
  const core = cutAtComma(rawCore);
  if (/^\s*$/.test(core)) return excluded('unresolved', 'only parenthesised text');

  // rules 4–7: grade words go before the split, so "MICRONIZED AND NON-MICRONIZED" leaves nothing;
  // a piece without a word of three letters ("PACLITAXEL/S", "KP-103/B") is a suffix, not a substance
  const pieces = core
    .split(COMBINATION_SPLIT)
    .map(canonicalPart)
    .filter((p) => p !== '');
  const worded = pieces.filter((p) => /[A-Z]{3,}/.test(p));
  const parts = [...new Set(pieces.length > 1 && worded.length > 0 ? worded : pieces.slice(0, 1))];
  if (parts.length > 1) {
    const actives = parts.filter((p) => !isExcipient(p));
    if (actives.length < parts.length) return excluded('blend', 'with an excipient');
    const moieties = new Set(parts.map((p) => p.split(' ')[0]));
    if (moieties.size === 1) return excluded('unresolved', 'several forms of one substance');
    return excluded('combination', `${parts.length} substances`);
  }
  const canonical = parts[0] ?? '';
  if (canonical !== '' && vocabulary.has(canonical))
    return { substance: canonical, exclusion: null, rule: 'openfda' };
  for (const piece of inner) {
    const c = canonicalSubstanceName(piece);
    if (c !== '' && vocabulary.has(c))
      return { substance: c, exclusion: null, rule: 'openfda-parenthetical' };
  }
  const why = implausible(canonical, text);
  if (why === 'development code') {
    // "KMD-3213 (SILODOSIN)": a code named by the one substance in its parentheses
    const named = inner.map(canonicalSubstanceName).filter((c) => known.has(c));
    if (named.length === 1) return { substance: named[0]!, exclusion: null, rule: 'parenthetical' };
  }
  if (why) return excluded('unresolved', why);
  return { substance: canonical, exclusion: null, rule: 'normalised' };
}

/**
 * Resolves many subjects in two passes: the second lets a development code be named by a
 * parenthesised substance that the first pass resolved from another subject (see `resolveSubject`).
 */
export function resolveSubjects(
  subjects: readonly string[],
  vocabulary: SubstanceVocabulary,
): SubjectResolution[] {
  const first = subjects.map((s) => resolveSubject(s, vocabulary));
  const known = new Set<string>();
  for (const r of first) if (r.substance && r.rule !== 'parenthetical') known.add(r.substance);
  return subjects.map((s, i) =>
    first[i]!.exclusion === 'unresolved' ? resolveSubject(s, vocabulary, known) : first[i]!,
  );
}
