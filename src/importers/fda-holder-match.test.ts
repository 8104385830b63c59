import { describe, expect, it } from 'vitest';
import { type EstablishmentSite, firmNameKey, HolderMatcher } from './fda-holder-match.js';

// Names are real: DMF HOLDER values of the Q2 2025 DMF list and FIRM_NAME / REGISTRANT_NAME values
// of the DECRS 2025 registrations.
describe('firm name key', () => {
  it('gives a DMF holder and its DECRS firm name the same key', () => {
    expect(firmNameKey('DR REDDYS LABORATORIES LTD')).toBe('DR REDDYS LABORATORY');
    expect(firmNameKey("DR. REDDY'S LABORATORIES LIMITED")).toBe('DR REDDYS LABORATORY');
    expect(firmNameKey("DR.REDDY'S LABORATORIES LIMITED")).toBe('DR REDDYS LABORATORY');
  });

  it('removes legal forms at the end, repeatedly', () => {
    expect(firmNameKey('USV PRIVATE LTD')).toBe('USV');
    expect(firmNameKey('USV Private Limited')).toBe('USV');
    expect(firmNameKey('ZHEJIANG KANGLE PHARMACEUTICAL CO LTD')).toBe('ZHEJIANG KANGLE PHARMACEUTICAL');
    expect(firmNameKey('Olon S.p.A.')).toBe('OLON');
    expect(firmNameKey('OLON SPA')).toBe('OLON');
    expect(firmNameKey('Boehringer Ingelheim Pharma GmbH and Co. KG')).toBe('BOEHRINGER INGELHEIM PHARMA');
    expect(firmNameKey('Excella GmbH & Co. KG')).toBe('EXCELLA');
    expect(firmNameKey('UQUIFA MEXICO SA DE CV')).toBe('UQUIFA MEXICO');
    expect(firmNameKey('MEGHMANI LLP')).toBe('MEGHMANI');
  });

  it('drops a trailing parenthesised site and a site after the legal form', () => {
    expect(firmNameKey('Zhejiang Kangle Pharmaceutical Co., Ltd (Binhai Plant)')).toBe(
      'ZHEJIANG KANGLE PHARMACEUTICAL',
    );
    expect(firmNameKey('Cheng Fong Chemical Co., Ltd. Dayuan Factory')).toBe('CHENG FONG CHEMICAL');
    expect(firmNameKey('Dead Sea Works Ltd - Potassium Chloride Plant')).toBe('DEAD SEA WORKS');
  });

  it('keeps words after a legal form when they are no site', () => {
    expect(firmNameKey('Dynamit Nobel GmbH Explosivstoff- und Systemtechnik')).toBe(
      'DYNAMIT NOBEL GMBH EXPLOSIVSTOFF UND SYSTEMTECHNIK',
    );
  });

  it('removes apostrophes and accents, and writes & as AND', () => {
    expect(firmNameKey("Anqiu Lu'an Pharmaceutical Co., Ltd.")).toBe(
      firmNameKey('ANQIU LUAN PHARMACEUTICAL CO LTD'),
    );
    expect(firmNameKey('Merck Santé')).toBe('MERCK SANTE');
    expect(firmNameKey('BEIJING T&L BIOLOGICAL TECHNOLOGY CO LTD')).toBe(
      'BEIJING T AND L BIOLOGICAL TECHNOLOGY',
    );
  });

  it('drops "doing business as" and ownership tails, and a leading legal form', () => {
    expect(firmNameKey('S&B Pharma LLC dba Norac Pharma')).toBe('S AND B PHARMA');
    expect(firmNameKey('PHARMACIA AND UPJOHN CO LLC WHOLLY OWNED SUB OF PFIZER INC')).toBe(
      firmNameKey('Pharmacia & Upjohn Company LLC'),
    );
    expect(firmNameKey('B.V. KATWIJK CHEMIE')).toBe(firmNameKey('KATWIJK CHEMIE BV'));
  });

  it('writes generic business words in the singular', () => {
    expect(firmNameKey('NINGXIA HENGKANG TECHNOLOGIES CO LTD')).toBe(
      firmNameKey('Ningxia Hengkang Technology Co Ltd'),
    );
    expect(firmNameKey('MSN LABS PRIVATE LTD')).toBe(firmNameKey('MSN Laboratories Private Limited'));
  });

  it('does not make near-identical names equal (no fuzzy matching)', () => {
    expect(firmNameKey('ANQUI LUAN PHARMACEUTICAL CO LTD')).not.toBe(
      firmNameKey('ANQIU LUAN PHARMACEUTICAL CO LTD'),
    );
    expect(firmNameKey('HEBEI JIHENG GROUP PHARMACEUTICAL CO LTD')).not.toBe(
      firmNameKey('HEBEI JIHENG PHARMACEUTICAL CO., LTD.'),
    );
  });
});

const site = (
  firm: string,
  country: string,
  ops: { api?: boolean; manufacture?: boolean; registrant?: string } = {},
): EstablishmentSite => ({
  name_key: firmNameKey(firm),
  registrant_key: ops.registrant ? firmNameKey(ops.registrant) : firmNameKey(firm),
  country,
  api_manufacture: ops.api ?? false,
  manufacture: ops.manufacture ?? false,
});

// DECRS 2025 rows (firm name, country, operations, registrant)
const SITES: EstablishmentSite[] = [
  site("DR. REDDY'S LABORATORIES LIMITED", 'IND', {
    api: true,
    registrant: "Dr. Reddy's Laboratories Limited",
  }),
  site("Dr. Reddy's Laboratories (EU) Ltd.", 'GBR', {
    api: true,
    registrant: "Dr. Reddy's Laboratories Limited",
  }),
  site("Industrias Químicas Falcón de México, S.A. de C.V. (DR. REDDY'S MEXICO)", 'MEX', {
    api: true,
    registrant: "Dr. Reddy's Laboratories Limited",
  }),
  site('Merck Sante', 'FRA', { api: true, manufacture: true, registrant: 'EMD Serono, Inc.' }),
  site('USV Private Limited', 'IND', { api: true }),
  site('USV Private Limited', 'IND', { manufacture: true }),
  site('Wockhardt Limited', 'IND', { registrant: 'WOCKHARDT LIMITED' }),
  site('Wockhardt Limited', 'IND', { manufacture: true, registrant: 'WOCKHARDT LIMITED' }),
  site('SLV PHARMACEUTICALS LLC DBA AUM PHARMACEUTICALS', 'USA', { registrant: 'KUMAR REDDY' }),
];
const matcher = new HolderMatcher(SITES);

describe('holder matching', () => {
  it('lists every country of a holder with API sites in several countries (multi, never split)', () => {
    expect(matcher.match(firmNameKey('DR REDDYS LABORATORIES LTD'))).toEqual({
      country_status: 'multi',
      countries: ['GBR', 'IND', 'MEX'],
      match_rule: 'firm-name+registrant',
    });
  });

  it('gives one country for API sites in one country', () => {
    expect(matcher.match(firmNameKey('USV PRIVATE LTD'))).toEqual({
      country_status: 'single',
      countries: ['IND'],
      match_rule: 'firm-name+registrant',
    });
    expect(matcher.match(firmNameKey('MERCK SANTE SAS'))).toMatchObject({
      countries: ['FRA'],
      match_rule: 'firm-name',
    });
  });

  it('matches a holder that is the registrant of API sites', () => {
    expect(matcher.match(firmNameKey('EMD SERONO INC'))).toEqual({
      country_status: 'single',
      countries: ['FRA'],
      match_rule: 'registrant',
    });
  });

  it('falls back to a manufacturing site only when no API site matches', () => {
    expect(matcher.match(firmNameKey('WOCKHARDT LTD'))).toEqual({
      country_status: 'single',
      countries: ['IND'],
      match_rule: 'firm-name+registrant:manufacture-site',
    });
  });

  it('never takes a country from analysis, packing or distribution sites', () => {
    expect(matcher.match(firmNameKey('SLV PHARMACEUTICALS LLC'))).toEqual({
      country_status: 'unknown',
      countries: [],
      match_rule: null,
    });
  });

  it('leaves an unmatched holder unknown', () => {
    expect(matcher.match(firmNameKey('SHANGHAI MEDICINAL LTD'))).toEqual({
      country_status: 'unknown',
      countries: [],
      match_rule: null,
    });
  });
});
