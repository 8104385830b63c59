/**
 * Matches a DMF holder (a firm name as FDA writes it, no country) to FDA DECRS drug establishment
 * registrations, to learn in which countries the holder has registered sites. Exact matching on a
 * normalised name only — no fuzzy or similarity matching, so a holder is never given a country
 * by guesswork; an unmatched holder stays `unknown`.
 *
 * Name key (`firmNameKey`), the same for DMF holders, DECRS firm names and DECRS registrants:
 *  1. Unicode NFKD, accents removed, upper case.
 *  2. A "doing business as" tail ("S&B PHARMA LLC DBA NORAC PHARMA") is dropped: the legal name
 *     comes first; so is an ownership tail ("… WHOLLY OWNED SUB OF PFIZER INC", ", A SUBSIDIARY
 *     OF …", ", A PFIZER COMPANY"). Trailing parenthesised text ("(BINHAI PLANT)") is dropped.
 *  3. `&` and `+` → AND; dotted abbreviations are joined (S.P.A. → SPA, S.A. DE C.V. → SA DE CV);
 *     apostrophes are removed (DR. REDDY'S → DR REDDYS); other punctuation → space.
 *  4. Generic business words in the singular (LABS, LABORATORIES → LABORATORY; PHARMACEUTICALS,
 *     TECHNOLOGIES, CHEMICALS, INDUSTRIES, PRODUCTS, SCIENCES, … → singular): FDA's lists write
 *     one firm both ways ("NINGXIA HENGKANG TECHNOLOGIES" / "… TECHNOLOGY");
 *     leading legal forms BV, NV, PT and M/S are removed ("B.V. KATWIJK CHEMIE").
 *  5. A site qualifier after a legal suffix is cut with what follows: "… CO LTD DAYUAN FACTORY",
 *     "… LTD - POTASSIUM CHLORIDE PLANT" (words: PLANT, FACTORY, SITE, BRANCH, UNIT, DIVISION,
 *     WORKS, CAMPUS, FACILITY).
 *  6. Legal-form words at the end are removed repeatedly: LTD, LIMITED, PVT, PRIVATE, INC, CO,
 *     COMPANY, CORP, CORPORATION, GMBH, AG, KG, KGAA, SE, SPA, SRL, SAS, SA, SL, SLU, LLC, LLP, LP,
 *     PLC, BV, NV, AB, AS, ASA, APS, OY, OYJ, KK, PTE, PTY, SDN BHD, JSC, OOO, SP Z OO, KFT, ZRT,
 *     SRO, DOO, SA DE CV, S DE RL DE CV, LIMITED LIABILITY COMPANY, … and a dangling AND
 *     ("GMBH AND CO KG" → nothing).
 *
 * Matching (`HolderMatcher`), in order, first that finds a site wins:
 *  - `firm-name` / `registrant` / `firm-name+registrant`: DECRS establishments flagged
 *    API_MANUFACTURE = Y whose firm-name key, or whose registrant's key, equals the holder key.
 *    The holder's countries are those of all such sites.
 *  - fallback `…:manufacture-site`: only if no API site matched, establishments whose operations
 *    include MANUFACTURE (finished-dose or unflagged API plants: several large Indian API makers
 *    register their API plants as MANUFACTURE only). Sites that only analyse, pack, label,
 *    distribute or relabel never give a country: the holder's API could be made elsewhere.
 * One country → `single`; several → `multi` (all listed, never split); none → `unknown`.
 */

export type CountryStatus = 'single' | 'multi' | 'unknown';

export interface HolderMatch {
  country_status: CountryStatus;
  /** ISO3 codes, sorted */
  countries: string[];
  /** which rule matched, null when unknown */
  match_rule: string | null;
}

/** The part of an establishment the matcher needs. */
export interface EstablishmentSite {
  name_key: string;
  registrant_key: string | null;
  country: string;
  api_manufacture: boolean;
  /** the operations include MANUFACTURE (the plain operation, not "API MANUFACTURE" or feed) */
  manufacture: boolean;
}

const LEGAL_SUFFIXES: readonly string[] = [
  'LTD',
  'LIMITED',
  'PVT',
  'PRIVATE',
  'INC',
  'INCORPORATED',
  'CO',
  'COMPANY',
  'CORP',
  'CORPORATION',
  'GMBH',
  'MBH',
  'AG',
  'KG',
  'KGAA',
  'COKG',
  'SE',
  'SPA',
  'SRL',
  'SAS',
  'SA',
  'SL',
  'SLU',
  'SAU',
  'LLC',
  'LLP',
  'LP',
  'PLC',
  'BV',
  'NV',
  'AB',
  'AS',
  'ASA',
  'APS',
  'OY',
  'OYJ',
  'KK',
  'PTE',
  'PTY',
  'BHD',
  'SDN BHD',
  'JSC',
  'OJSC',
  'PJSC',
  'CJSC',
  'OOO',
  'ZAO',
  'SPZOO',
  'SP Z OO',
  'SP Z O O',
  'KFT',
  'ZRT',
  'RT',
  'SRO',
  'DOO',
  'DE CV',
  'SA DE CV',
  'S DE RL',
  'S DE RL DE CV',
  'S A',
  'S L',
  'S P A',
  'S R L',
  'A S',
  'B V',
  'N V',
  'LIMITED LIABILITY COMPANY',
  'AND',
];

/** Generic business words FDA's lists write both in the singular and the plural (rule 4). */
const SINGULAR: Readonly<Record<string, string>> = {
  LABS: 'LABORATORY',
  LABORATORIES: 'LABORATORY',
  PHARMACEUTICALS: 'PHARMACEUTICAL',
  TECHNOLOGIES: 'TECHNOLOGY',
  CHEMICALS: 'CHEMICAL',
  INDUSTRIES: 'INDUSTRY',
  PRODUCTS: 'PRODUCT',
  SCIENCES: 'SCIENCE',
  BIOSCIENCES: 'BIOSCIENCE',
  SOLUTIONS: 'SOLUTION',
  HOLDINGS: 'HOLDING',
  SPECIALTIES: 'SPECIALTY',
  SPECIALITIES: 'SPECIALITY',
};

const SUFFIX_SET = new Set(LEGAL_SUFFIXES);
const LEADING_FORMS = new Set(['BV', 'NV', 'PT']);
const MAX_SUFFIX_WORDS = Math.max(...LEGAL_SUFFIXES.map((s) => s.split(' ').length));
/** Single-word legal forms after which a site qualifier may follow. */
const SITE_CUT_AFTER = new Set([
  'LTD',
  'LIMITED',
  'INC',
  'GMBH',
  'SPA',
  'SRL',
  'LLC',
  'CORP',
  'AG',
  'KG',
  'SA',
]);
const SITE_WORDS = /\b(?:PLANT|FACTORY|SITE|BRANCH|UNIT|DIVISION|WORKS|CAMPUS|FACILITY)\b/;

/** The normalised name key of a firm (see the rules at the top of this file). */
export function firmNameKey(name: string): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'");
  s = s
    .replace(/(?:^|[\s,.(])(?:DBA|D\/B\/A|D\.B\.A\.?)\s.*$/, '')
    // "… LLC WHOLLY OWNED SUB OF PFIZER INC", "…, A SUBSIDIARY OF …", "…, A PFIZER COMPANY"
    .replace(/[\s,]+(?:A\s+)?(?:WHOLLY[\s-]+OWNED\s+)?SUB(?:SIDIARY|\.)?\s+OF\s.*$/, '')
    .replace(/,\s*A\s+[A-Z]+\s+COMPANY\s*$/, '');
  // trailing parenthesised groups, repeatedly: "CO LTD (BINHAI PLANT)"
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/\s*\([^()]*\)\s*$/, '');
  }
  s = s
    .replace(/[&+]/g, ' AND ')
    .replace(/\b(?:[A-Z]\.){2,}/g, (m) => m.replace(/\./g, ''))
    .replace(/'/g, '')
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
  let words = s.split(' ').filter((w) => w !== '');
  words = words.map((w) => SINGULAR[w] ?? w);
  // leading legal forms: "B.V. KATWIJK CHEMIE", Indonesian "PT KALBE FARMA", "M/S …"
  while (words.length > 1 && LEADING_FORMS.has(words[0]!)) words = words.slice(1);
  if (words.length > 2 && words[0] === 'M' && words[1] === 'S') words = words.slice(2);
  // site qualifier after a legal suffix: cut it
  for (let i = 1; i < words.length - 1; i++) {
    if (SITE_CUT_AFTER.has(words[i]!) && SITE_WORDS.test(words.slice(i + 1).join(' '))) {
      words = words.slice(0, i + 1);
      break;
    }
  }
  // legal-form words at the end, repeatedly (longest sequence first)
  let stripped = true;
  while (stripped && words.length > 1) {
    stripped = false;
    for (let k = Math.min(MAX_SUFFIX_WORDS, words.length - 1); k >= 1; k--) {
      if (SUFFIX_SET.has(words.slice(words.length - k).join(' '))) {
        words = words.slice(0, words.length - k);
        stripped = true;
        break;
      }
    }
  }
  return words.join(' ');
}

/** Matches holder keys to the countries of their registered sites (see the rules above). */
export class HolderMatcher {
  private readonly byName = new Map<string, EstablishmentSite[]>();
  private readonly byRegistrant = new Map<string, EstablishmentSite[]>();

  constructor(sites: Iterable<EstablishmentSite>) {
    for (const s of sites) {
      if (!s.api_manufacture && !s.manufacture) continue;
      push(this.byName, s.name_key, s);
      if (s.registrant_key) push(this.byRegistrant, s.registrant_key, s);
    }
  }

  match(holderKey: string): HolderMatch {
    const named = this.byName.get(holderKey) ?? [];
    const registered = this.byRegistrant.get(holderKey) ?? [];
    for (const [want, suffix] of [
      [(s: EstablishmentSite) => s.api_manufacture, ''],
      [(s: EstablishmentSite) => s.manufacture, ':manufacture-site'],
    ] as const) {
      const a = named.filter(want);
      const b = registered.filter(want);
      if (a.length === 0 && b.length === 0) continue;
      const rule = a.length && b.length ? 'firm-name+registrant' : a.length ? 'firm-name' : 'registrant';
      const countries = [...new Set([...a, ...b].map((s) => s.country))].sort();
      return {
        country_status: countries.length === 1 ? 'single' : 'multi',
        countries,
        match_rule: rule + suffix,
      };
    }
    return { country_status: 'unknown', countries: [], match_rule: null };
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
