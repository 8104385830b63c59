import type { DmfSummary } from '../lib/api-types.js';

export interface DmfBars {
  categories: string[];
  values: number[];
  /** holders whose count is not in a single country's bar, said in words */
  notes: string[];
}

/**
 * DMF holders by country for a bar chart: one bar per country with single-country holders, then
 * "multi-country" and "country unknown" as their own bars (never split across countries). Bars
 * add up to the number of independent holders.
 */
export function dmfBars(d: DmfSummary): DmfBars {
  const categories = d.byCountry.map((c) => c.country);
  const values = d.byCountry.map((c) => c.holders);
  const notes: string[] = [];
  if (d.multiCountry.length) {
    categories.push('multi-country');
    values.push(d.multiCountry.length);
    notes.push(`${d.multiCountry.length} holder(s) have API sites in several countries and are counted once`);
  }
  if (d.unknownCountry) {
    categories.push('country unknown');
    values.push(d.unknownCountry);
    notes.push(`${d.unknownCountry} holder(s) could not be located`);
  }
  return { categories, values, notes };
}
