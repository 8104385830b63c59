import { createRequire } from 'node:module';
import { AGGREGATE_CODES } from '../model/index.js';

const require = createRequire(import.meta.url);
const iso = require('i18n-iso-countries') as {
  getAlpha3Codes(): Record<string, string>;
  getNames(lang: string, opts?: { select: 'official' | 'alias' | 'all' }): Record<string, string | string[]>;
  alpha2ToAlpha3(a2: string): string | undefined;
  registerLocale(data: unknown): void;
};
iso.registerLocale(require('i18n-iso-countries/langs/en.json'));

/** Kosovo: not in ISO 3166-1; XKX is the code the EU, IMF and the World Bank's own lists use. */
export const KOSOVO = 'XKX';

/** Non-ISO codes used by publishers (the World Bank's WGI among them) → ISO 3166-1 alpha-3. */
export const PUBLISHER_CODES: Readonly<Record<string, string>> = {
  ADO: 'AND',
  ANT: 'ANT',
  KSV: KOSOVO,
  ROM: 'ROU',
  TMP: 'TLS',
  WBG: 'PSE',
  ZAR: 'COD',
  XKX: KOSOVO,
};

/** Spellings that publishers use and the ISO names do not cover. Lookup is case- and accent-insensitive. */
const COMMON_ALIASES: Readonly<Record<string, string>> = {
  burma: 'MMR',
  myanmar: 'MMR',
  'congo (kinshasa)': 'COD',
  'congo, dem. rep.': 'COD',
  'congo, democratic republic': 'COD',
  'congo, democratic republic of the': 'COD',
  'democratic republic of the congo': 'COD',
  drc: 'COD',
  'congo (brazzaville)': 'COG',
  'congo, rep.': 'COG',
  'republic of the congo': 'COG',
  'korea, north': 'PRK',
  'north korea': 'PRK',
  'korea, south': 'KOR',
  'korea, republic of': 'KOR',
  'republic of korea': 'KOR',
  'south korea': 'KOR',
  'korea, rep.': 'KOR',
  russia: 'RUS',
  'russian federation': 'RUS',
  turkey: 'TUR',
  turkiye: 'TUR',
  'united states': 'USA',
  usa: 'USA',
  us: 'USA',
  'united kingdom': 'GBR',
  uk: 'GBR',
  iran: 'IRN',
  laos: 'LAO',
  syria: 'SYR',
  vietnam: 'VNM',
  'viet nam': 'VNM',
  'the bahamas': 'BHS',
  'bahamas, the': 'BHS',
  "cote d'ivoire": 'CIV',
  'cote divoire': 'CIV',
  'ivory coast': 'CIV',
  kyrgyzstan: 'KGZ',
  'kyrgyz republic': 'KGZ',
  slovakia: 'SVK',
  'slovak republic': 'SVK',
  czechia: 'CZE',
  'czech republic': 'CZE',
  bolivia: 'BOL',
  venezuela: 'VEN',
  tanzania: 'TZA',
  taiwan: 'TWN',
  moldova: 'MDA',
  macedonia: 'MKD',
  'north macedonia': 'MKD',
  eswatini: 'SWZ',
  swaziland: 'SWZ',
  kosovo: KOSOVO,
  'hong kong': 'HKG',
  macau: 'MAC',
  macao: 'MAC',
  brunei: 'BRN',
  'cabo verde': 'CPV',
  'cape verde': 'CPV',
  micronesia: 'FSM',
  palestine: 'PSE',
  'west bank and gaza': 'PSE',
  'gambia, the': 'GMB',
  'the gambia': 'GMB',
  'egypt, arab rep.': 'EGY',
  'yemen, rep.': 'YEM',
  china: 'CHN',
  "china, people's republic of": 'CHN',
  india: 'IND',
};

function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

let byName: Map<string, string> | undefined;
function names(): Map<string, string> {
  if (byName) return byName;
  byName = new Map();
  for (const [a2, n] of Object.entries(iso.getNames('en', { select: 'all' }))) {
    const a3 = iso.alpha2ToAlpha3(a2);
    if (!a3) continue;
    for (const x of Array.isArray(n) ? n : [n]) byName.set(fold(x), a3);
  }
  for (const [k, v] of Object.entries(COMMON_ALIASES)) byName.set(fold(k), v);
  return byName;
}

/**
 * Resolves a published country name to ISO 3166-1 alpha-3, or undefined. `extra` holds a format's
 * own spellings (folded: lower case, accents removed).
 */
export function resolveCountryName(
  name: string,
  extra: Readonly<Record<string, string>> = {},
): string | undefined {
  const f = fold(name);
  const own = extra[f];
  if (own) return own;
  return names().get(f);
}

/** Whether a code is a known ISO 3166-1 alpha-3 code (or one of the aggregate / Kosovo codes). */
export function isKnownIso3(code: string): boolean {
  return isoCodes().has(code);
}

let codes: Set<string> | undefined;
function isoCodes(): Set<string> {
  if (!codes) {
    codes = new Set(Object.values(iso.getAlpha3Codes()).length ? Object.keys(iso.getAlpha3Codes()) : []);
    codes.add(KOSOVO);
    codes.add(AGGREGATE_CODES.other);
    codes.add(AGGREGATE_CODES.world);
  }
  return codes;
}

/** Every ISO 3166-1 country with its common English name. */
export function isoCountries(): { iso3: string; name: string }[] {
  const out: { iso3: string; name: string }[] = [];
  const alias = iso.getNames('en', { select: 'alias' });
  for (const [a2, n] of Object.entries(alias)) {
    const a3 = iso.alpha2ToAlpha3(a2);
    if (a3) out.push({ iso3: a3, name: Array.isArray(n) ? n[0]! : n });
  }
  return out.sort((a, b) => a.iso3.localeCompare(b.iso3));
}
