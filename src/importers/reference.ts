import { AGGREGATE_CODES } from '../model/index.js';
import { BatchBuilder } from './batch.js';
import { isoCountries, KOSOVO } from './country-names.js';
import type { Importer } from './importer.js';

/**
 * The reference data every other import refers to: ISO 3166-1 countries (plus the aggregate rows
 * "Other countries" and "World total", and Kosovo) and the named regions of DESIGN.md.
 */
export const REFERENCE_SOURCES = {
  countries: {
    id: 'iso-3166-1',
    publisher: 'International Organization for Standardization (via the i18n-iso-countries npm package)',
    title: 'ISO 3166-1 alpha-3 country codes and English short names',
    year: 2024,
    url: 'https://www.iso.org/iso-3166-country-codes.html',
    file: null,
    licence: 'codes: ISO 3166 (free to use); names: i18n-iso-countries, MIT',
    note: 'XOT (Other countries), WLD (World total) and XKX (Kosovo) are user-assigned codes added by trustmap',
  },
  trust: {
    id: 'trust-initiative-2025',
    publisher: 'The White House / Government of India',
    title: 'United States–India Joint Leaders’ Statement (TRUST initiative), 13 February 2025',
    year: 2025,
    url: 'https://www.whitehouse.gov/briefings-statements/2025/02/united-states-india-joint-leaders-statement/',
    file: null,
    licence: 'public statement',
    note: 'TRUST = Transforming the Relationship Utilizing Strategic Technology; members USA and IND',
  },
  quad: {
    id: 'quad-members',
    publisher: 'U.S. Department of State',
    title: 'The Quad (Australia, India, Japan, United States)',
    year: 2024,
    url: 'https://www.state.gov/the-quad/',
    file: null,
    licence: 'public domain (U.S. government work)',
    note: null,
  },
  eu27: {
    id: 'eu27-members',
    publisher: 'European Union',
    title: 'EU member countries (27 since 1 February 2020)',
    year: 2020,
    url: 'https://european-union.europa.eu/principles-countries-history/eu-countries_en',
    file: null,
    licence: 'CC BY 4.0 (EU reuse policy)',
    note: null,
  },
  msp: {
    id: 'msp-partners',
    publisher: 'U.S. Department of State',
    title: 'Minerals Security Partnership partners',
    year: 2024,
    url: 'https://www.state.gov/minerals-security-partnership/',
    file: null,
    licence: 'public domain (U.S. government work)',
    note: 'The European Union (European Commission) is also a partner; it is represented here by no country, since its members are listed under EU27',
  },
} as const;

export const REGIONS: Record<
  string,
  { name: string; source: keyof typeof REFERENCE_SOURCES; members: string[] }
> = {
  TRUST: { name: 'TRUST (United States + India)', source: 'trust', members: ['USA', 'IND'] },
  QUAD: { name: 'Quad', source: 'quad', members: ['AUS', 'IND', 'JPN', 'USA'] },
  EU27: {
    name: 'European Union (27)',
    source: 'eu27',
    members: [
      'AUT',
      'BEL',
      'BGR',
      'HRV',
      'CYP',
      'CZE',
      'DNK',
      'EST',
      'FIN',
      'FRA',
      'DEU',
      'GRC',
      'HUN',
      'IRL',
      'ITA',
      'LVA',
      'LTU',
      'LUX',
      'MLT',
      'NLD',
      'POL',
      'PRT',
      'ROU',
      'SVK',
      'SVN',
      'ESP',
      'SWE',
    ],
  },
  MSP: {
    name: 'Minerals Security Partnership',
    source: 'msp',
    members: [
      'AUS',
      'CAN',
      'EST',
      'FIN',
      'FRA',
      'DEU',
      'IND',
      'ITA',
      'JPN',
      'KOR',
      'NOR',
      'SWE',
      'GBR',
      'USA',
    ],
  },
};

/** Builds the reference batch (no files are read: the codes ship with the code). */
export function referenceBatch() {
  const b = new BatchBuilder('reference', 'reference');
  for (const s of Object.values(REFERENCE_SOURCES)) b.source({ ...s });
  const loc = { file: 'reference' };
  for (const c of isoCountries()) b.add('country', { ...c, kind: 'country', source_id: 'iso-3166-1' }, loc);
  b.add('country', { iso3: KOSOVO, name: 'Kosovo', kind: 'country', source_id: 'iso-3166-1' }, loc);
  b.add(
    'country',
    { iso3: AGGREGATE_CODES.other, name: 'Other countries', kind: 'aggregate', source_id: 'iso-3166-1' },
    loc,
  );
  b.add(
    'country',
    { iso3: AGGREGATE_CODES.world, name: 'World total', kind: 'aggregate', source_id: 'iso-3166-1' },
    loc,
  );
  for (const [code, r] of Object.entries(REGIONS)) {
    const source_id = REFERENCE_SOURCES[r.source].id;
    b.add('region', { code, name: r.name, source_id }, loc);
    for (const iso3 of r.members) b.add('region_member', { region: code, iso3, source_id }, loc);
  }
  return b.build();
}

export const referenceImporter: Importer = {
  format: 'reference',
  description: 'ISO 3166-1 countries and the named regions (TRUST, QUAD, EU27, MSP)',
  detect: () => false,
  read: async () => referenceBatch(),
};
