import { AGGREGATE_CODES, type Establishment } from '../model/index.js';
import { type BatchBuilder, issueAt } from './batch.js';
import { isKnownIso3, resolveCountryName } from './country-names.js';
import { readCsv } from './csv.js';
import { usDateToIso } from './fda-files.js';
import { type EstablishmentSite, firmNameKey } from './fda-holder-match.js';

/**
 * Reads FDA DECRS drug establishment registrations (`fda_decrs_establishments_*.csv`, the
 * `drls_reg` file with contacts removed) into `establishment` rows.
 *
 * - Country: `COUNTRY_ISO3` when present, else the ISO3 code FDA writes in parentheses at the end
 *   of `ADDRESS`, else the address's last comma-separated part as a country name ("Czechia").
 * - API manufacture: `API_MANUFACTURE` = Y, or the operation "API MANUFACTURE" in `OPERATIONS`
 *   (so FDA's own file, without the added flag column, reads the same).
 * - Dates: FDA's MM/DD/YYYY → ISO YYYY-MM-DD.
 * - One row per (FEI, firm name, country), the entity's key: FDA lists some FEIs under several
 *   DUNS numbers / addresses (and placeholder FEIs such as "0000000" under one name). Such
 *   registrations are merged: DUNS numbers joined with "; ", operations united, API flag OR-ed.
 */

export const DECRS_REQUIRED = [
  'FEI_NUMBER',
  'DUNS_NUMBER',
  'FIRM_NAME',
  'ADDRESS',
  'EXPIRATION_DATE',
  'OPERATIONS',
  'REGISTRANT_NAME',
] as const;

export interface DecrsResult {
  /** merged sites, for holder matching */
  sites: EstablishmentSite[];
  /** registrations merged into another one with the same key */
  merged: number;
  rows: number;
}

interface Pending {
  row: Establishment;
  line: number;
  duns: string[];
  ops: Set<string>;
}

/** The country of a DECRS record, or an error message. */
function countryOf(rec: Record<string, string>): { iso3: string; column: string } | { error: string } {
  const given = rec.COUNTRY_ISO3?.trim() ?? '';
  if (given !== '') {
    if (
      !/^[A-Z]{3}$/.test(given) ||
      !isKnownIso3(given) ||
      given === AGGREGATE_CODES.other ||
      given === AGGREGATE_CODES.world
    )
      return { error: `unknown country code ${JSON.stringify(given)}` };
    return { iso3: given, column: 'COUNTRY_ISO3' };
  }
  const address = rec.ADDRESS?.trim() ?? '';
  const coded = /\(([A-Z]{3})\)\s*$/.exec(address);
  if (coded && isKnownIso3(coded[1]!)) return { iso3: coded[1]!, column: 'ADDRESS' };
  const last = address.split(',').pop()?.trim() ?? '';
  const named = last ? resolveCountryName(last) : undefined;
  if (named) return { iso3: named, column: 'ADDRESS' };
  return { error: `no country: COUNTRY_ISO3 is empty and the address ends in ${JSON.stringify(last)}` };
}

export function readEstablishments(
  file: string,
  label: string,
  b: BatchBuilder,
  sourceId: string,
): DecrsResult {
  const table = readCsv(file, { label, required: DECRS_REQUIRED });
  const byKey = new Map<string, Pending>();
  let merged = 0;
  for (const { line, record: rec } of table.rows) {
    const loc = { file: label, row: line };
    const firm = rec.FIRM_NAME!.trim();
    if (firm === '') {
      b.issues.add(issueAt(loc, 'FIRM_NAME', 'firm name is empty'));
      continue;
    }
    const country = countryOf(rec);
    if ('error' in country) {
      b.issues.add(issueAt(loc, 'COUNTRY_ISO3', country.error));
      continue;
    }
    const flag = rec.API_MANUFACTURE?.trim() ?? '';
    if (flag !== '' && flag !== 'Y' && flag !== 'N') {
      b.issues.add(issueAt(loc, 'API_MANUFACTURE', `expected Y or N, got ${JSON.stringify(flag)}`));
      continue;
    }
    const rawExpiry = rec.EXPIRATION_DATE!.trim();
    const expiry = rawExpiry === '' ? null : (usDateToIso(rawExpiry) ?? null);
    if (rawExpiry !== '' && expiry === null) {
      b.issues.add(issueAt(loc, 'EXPIRATION_DATE', `not a date (MM/DD/YYYY): ${JSON.stringify(rawExpiry)}`));
      continue;
    }
    const ops = rec
      .OPERATIONS!.split(';')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    const fei = rec.FEI_NUMBER!.trim();
    const duns = rec.DUNS_NUMBER!.trim();
    const key = `${fei}|${firm}|${country.iso3}`;
    const prev = byKey.get(key);
    if (prev) {
      merged++;
      if (duns && !prev.duns.includes(duns)) prev.duns.push(duns);
      for (const o of ops) prev.ops.add(o);
      prev.row.api_manufacture ||= flag === 'Y';
      continue;
    }
    const registrant = rec.REGISTRANT_NAME!.trim();
    byKey.set(key, {
      line,
      duns: duns ? [duns] : [],
      ops: new Set(ops),
      row: {
        fei,
        duns: null,
        firm_name: firm,
        name_key: firmNameKey(firm),
        country: country.iso3,
        operations: '',
        api_manufacture: flag === 'Y',
        registrant_name: registrant === '' ? null : registrant,
        expiration_date: expiry,
        source_id: sourceId,
      },
    });
  }
  const sites: EstablishmentSite[] = [];
  for (const p of byKey.values()) {
    const ops = [...p.ops].sort();
    const row: Establishment = {
      ...p.row,
      duns: p.duns.length ? p.duns.join('; ') : null,
      operations: ops.join('; '),
      api_manufacture: p.row.api_manufacture || ops.includes('API MANUFACTURE'),
    };
    if (!b.add('establishment', row, { file: label, row: p.line })) continue;
    sites.push({
      name_key: row.name_key,
      registrant_key: row.registrant_name ? firmNameKey(row.registrant_name) : null,
      country: row.country,
      api_manufacture: row.api_manufacture,
      manufacture: ops.includes('MANUFACTURE'),
    });
  }
  return { sites, merged, rows: table.rows.length };
}
