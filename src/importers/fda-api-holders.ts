import type { DmfHolder, DrugMasterFile } from '../model/index.js';
import type { CountryStatus } from './fda-holder-match.js';

/**
 * The independent API sources of each substance: the distinct holders of active Type II DMFs
 * resolved to it, one entry per (holder, substance) however many DMFs the holder files for it
 * (process variants, grades, sites). DMF counts are not capacity (DESIGN.md, "Medicine
 * vulnerability"): this is a count of holders, never a quantity.
 */

export interface SubstanceHolder {
  holder_key: string;
  holder: string;
  country_status: CountryStatus;
  countries: string[];
  /** the holder's active Type II DMFs for this substance, ascending */
  dmf_numbers: number[];
}

type DmfFields = Pick<
  DrugMasterFile,
  'dmf_number' | 'status' | 'type' | 'holder' | 'holder_key' | 'substance'
>;
type HolderFields = Pick<DmfHolder, 'holder_key' | 'holder' | 'country_status' | 'countries'>;

/**
 * Per substance (sorted by name), its distinct holders (sorted by holder key) with their country
 * status. A holder with no `dmf_holder` row is `unknown` with no countries.
 */
export function apiHoldersBySubstance(
  dmfs: readonly DmfFields[],
  holders: readonly HolderFields[],
): Map<string, SubstanceHolder[]> {
  const byKey = new Map(holders.map((h) => [h.holder_key, h]));
  const acc = new Map<string, Map<string, SubstanceHolder>>();
  for (const d of dmfs) {
    if (d.status !== 'A' || d.type !== 'II' || !d.substance) continue;
    let perHolder = acc.get(d.substance);
    if (!perHolder) {
      perHolder = new Map();
      acc.set(d.substance, perHolder);
    }
    const entry = perHolder.get(d.holder_key);
    if (entry) {
      entry.dmf_numbers.push(d.dmf_number);
      continue;
    }
    const h = byKey.get(d.holder_key);
    perHolder.set(d.holder_key, {
      holder_key: d.holder_key,
      holder: h?.holder ?? d.holder,
      country_status: h?.country_status ?? 'unknown',
      countries: h ? [...h.countries] : [],
      dmf_numbers: [d.dmf_number],
    });
  }
  const out = new Map<string, SubstanceHolder[]>();
  for (const substance of [...acc.keys()].sort()) {
    const list = [...acc.get(substance)!.values()].sort((a, b) => a.holder_key.localeCompare(b.holder_key));
    for (const e of list) e.dmf_numbers.sort((a, b) => a - b);
    out.set(substance, list);
  }
  return out;
}
