import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validationError } from '../../test/helpers/validation-error.js';
import { applyBatch } from '../store/apply-batch.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/store.js';
import type { ImportBatch } from './batch.js';
import { euCrmCanonicalName, euCrmImporter, readEuCrm } from './eu-crm.js';
import { referenceBatch } from './reference.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/eu-crm');
const DATA = join(import.meta.dirname, '../../data/eu-crm-2023');

const material = (b: ImportBatch, name: string) =>
  b.rows.eu_crm_material?.find((r) => r.row.material_name === name)?.row;

const share = (b: ImportBatch, name: string, scope: string, stage: string, country: string) =>
  b.rows.eu_crm_supply_share?.find(
    (r) =>
      r.row.material_name === name &&
      r.row.scope === scope &&
      r.row.stage === stage &&
      r.row.country === country,
  )?.row;

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('EU CRM importer on a real excerpt', () => {
  const batch = readEuCrm(join(FIXTURES, 'excerpt'));

  it('reads one material row per material with percentages turned into fractions', () => {
    // Cobalt,Extraction,E+P,GSonly,GS+EU,0.97,0.98,81,1,22
    expect(material(batch, 'Cobalt')).toMatchObject({
      material_id: null,
      used_stage: 'extraction',
      stages: 'E+P',
      supply_mix_primary: 'GSonly',
      supply_mix_refined: 'GS+EU',
      si_ei: 0.97,
      si_sr: 0.98,
      import_reliance_primary: 0.81,
      import_reliance_refined: 0.01,
      eol_rir: 0.22,
      source_id: 'eu-crm-2023',
    });
    // Gallium,Processing,P,,GS+EU,0.98,0.98,,98,0
    expect(material(batch, 'Gallium')).toMatchObject({
      used_stage: 'processing',
      supply_mix_primary: null,
      import_reliance_primary: null,
      import_reliance_refined: 0.98,
      eol_rir: 0,
    });
    // group rows have no substitution indices
    expect(material(batch, 'HREE')).toMatchObject({ si_ei: null, si_sr: null, supply_mix_refined: 'GSonly' });
  });

  it('keeps a repeated identical material once and warns', () => {
    expect(batch.report.counts.eu_crm_material).toBe(6);
    expect(batch.report.warnings).toContain(
      'critmat_eureport_inputs_2023.csv row 8: Tungsten repeats row 7 with identical values; kept once',
    );
  });

  it('drops a supply-mix flag shifted in by the transcription when the SR does not read that stage', () => {
    // Coking coal,Extraction,E+P,GS+EU,1.0,... and Molybdenum ...,GS+EU,EU,...
    expect(material(batch, 'Coking coal')).toMatchObject({
      supply_mix_primary: 'GS+EU',
      supply_mix_refined: null,
      import_reliance_primary: 0.66,
    });
    expect(material(batch, 'Molybdenum')?.supply_mix_refined).toBeNull();
    const w = batch.report.warnings.join('\n');
    expect(w).toMatch(/row 3 column eu_used_supply_refined: Coking coal: "1.0" is not a supply-mix flag/);
    expect(w).toMatch(/row 6 column eu_used_supply_refined: Molybdenum: "EU"/);
  });

  it('reads shares as fractions, keeps "<0.1%" as text with a null share, and keeps t', () => {
    expect(share(batch, 'Cobalt', 'global', 'E', 'COD')).toMatchObject({
      country_name: 'Congo, D.R.',
      share: 0.628,
      share_text: '62.8%',
      t: 1.1,
    });
    expect(share(batch, 'Cobalt', 'global', 'E', 'BWA')).toMatchObject({
      share: null,
      share_text: '<0.1%',
      t: 1,
    });
    expect(share(batch, 'Cobalt', 'eu', 'P', 'FIN')).toMatchObject({ share: 0.62, t: 0.8 });
    expect(batch.report.counts.eu_crm_supply_share).toBe(111 + 31);
  });

  it('reads "Congo" as the Republic of the Congo when "Congo, D.R." is listed beside it', () => {
    expect(share(batch, 'Sapele wood', 'global', 'E', 'COG')?.share).toBe(0.218);
    expect(share(batch, 'Sapele wood', 'global', 'E', 'COD')?.share).toBe(0.058);
    expect(share(batch, 'Sapele wood', 'eu', 'E', 'COG')?.share).toBe(0.1);
  });

  it('reads a share written without its % sign as percent, with a warning', () => {
    // Silicon metal,P,Germany,6,0.8
    expect(share(batch, 'Silicon metal', 'eu', 'P', 'DEU')).toMatchObject({ share: 0.06, share_text: '6' });
    expect(batch.report.warnings.join('\n')).toMatch(/"6" has no % sign; read as percent/);
  });

  it('reports the sum and residual of every share set without renormalising', () => {
    const m = batch.report.metrics;
    // Cobalt E global: 3.9+0.2+4.1+3.8+62.8+3.6+1.3+0.3+2.0+1.6+2.1+2.7+6.6+0.8+0.1+0.4+1.7+0.4 = 98.4 (+2 "<0.1%")
    expect(m['share_sum.global.E.Cobalt']).toBe(0.984);
    expect(m['share_residual.global.E.Cobalt']).toBe(0.016);
    // Krypton P global: 6+15+35+33+9 = 98 → loads, residual 2 %
    expect(m['share_sum.global.P.Krypton']).toBe(0.98);
    expect(m['share_residual.global.P.Krypton']).toBe(0.02);
    // Zinc P global sums to 100.4 % → loads, residual −0.4 %
    expect(m['share_sum.global.P.Zinc']).toBe(1.004);
    expect(m['share_residual.global.P.Zinc']).toBe(-0.004);
    expect(share(batch, 'Zinc', 'global', 'P', 'CHN')).toBeDefined();
    expect(m.share_sets).toBe(7 + 4);
  });

  it('accepts an EU set of whole percents up to the rounding of its shares (Cerium P: 101.1 %)', () => {
    // 85% + 2% + 11% + 0.1% + 2% + 1% = 101.1 %; rounding allows 5 × 0.5 + 0.05 = 2.55 points
    expect(batch.report.metrics['share_sum.eu.P.Cerium']).toBe(1.011);
    expect(batch.report.warnings.join('\n')).toMatch(
      /EU sourcing shares of Cerium, stage P sum to 101.1% \(residual -1.1%\), within the rounding of 6/,
    );
  });

  it('cross-checks the CritMAT trade parameters against t in the share tables, keeping the tables', () => {
    const m = batch.report.metrics;
    expect(m.trade_parameters_agree).toBe(5);
    expect(m.trade_parameters_disagree).toBe(1);
    expect(m.trade_parameters_unmatched).toBe(0);
    // Tantalum,Brazil,1.1,primary,world vs Tantalum,E,Brazil,15.9%,1.0
    expect(share(batch, 'Tantalum', 'global', 'E', 'BRA')?.t).toBe(1);
    expect(batch.report.warnings.join('\n')).toMatch(
      /t = 1.1 for Tantalum \/ Brazil \/ global \/ E, but fact_GlobalSupplyShares_and_t.csv row \d+ gives t = 1/,
    );
  });

  it('is detected from its folder', () => {
    expect(euCrmImporter.detect(join(FIXTURES, 'excerpt'))).toBe(true);
    expect(euCrmImporter.detect(FIXTURES)).toBe(false);
  });

  it('names the table variants of a material after the inputs file', () => {
    expect(euCrmCanonicalName('Barytes')).toBe('Baryte');
    expect(euCrmCanonicalName('Talc')).toBe('Talc, Steatite & Pyrophyllite');
    expect(euCrmCanonicalName('Cobalt')).toBe('Cobalt');
  });
});

describe('EU CRM importer on bad input', () => {
  it('rejects a share set above 100 % beyond its rounding, naming the file, material and stage', async () => {
    // Gallium P with China edited to 96.8 %: 103.1 %, far above the 0.5-point tolerance
    const err = await validationError(() => readEuCrm(join(FIXTURES, 'fact_GlobalSupplyShares_over100.csv')));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({
      file: 'fact_GlobalSupplyShares_over100.csv',
      row: 2,
      column: 'Share',
    });
    expect(err.issues[0]?.message).toMatch(
      /global supply shares of Gallium, stage P: the listed shares sum to 103.1%/,
    );
  });

  it('names the file, line and column of an unknown country, a bad share, a negative t and a bad stage', async () => {
    const err = await validationError(() => readEuCrm(join(FIXTURES, 'fact_EUSupplyShares_bad.csv')));
    const at = (row: number) => err.issues.filter((i) => i.row === row);
    expect(at(3)[0]).toMatchObject({ file: 'fact_EUSupplyShares_bad.csv', column: 'Country' });
    expect(at(3)[0]?.message).toMatch(/unknown country "Atlantis"/);
    expect(at(4)[0]).toMatchObject({ column: 'Share' });
    expect(at(5)[0]).toMatchObject({ column: 't' });
    expect(at(6)[0]).toMatchObject({ column: 'Stage' });
    expect(at(7)[0]).toMatchObject({ column: 'Share' });
    expect(err.issues).toHaveLength(5);
  });

  it('rejects negative or non-numeric inputs, an unknown stage and a bad flag on the stage used', async () => {
    const err = await validationError(() => readEuCrm(join(FIXTURES, 'critmat_eureport_inputs_bad.csv')));
    const cols = err.issues.map((i) => `${i.row}:${i.column}`);
    expect(cols).toEqual([
      '2:import_reliance_primary',
      '3:si_sr',
      '4:eu_used_stage',
      '5:eu_used_supply_refined',
    ]);
    expect(err.issues[0]?.message).toMatch(/-81 is outside 0–100 %/);
  });

  it('rejects a malformed CSV naming the file', async () => {
    const err = await validationError(() =>
      readEuCrm(join(FIXTURES, 'fact_GlobalSupplyShares_malformed.csv')),
    );
    expect(err.issues[0]?.file).toBe('fact_GlobalSupplyShares_malformed.csv');
    expect(err.message).toMatch(/malformed CSV/);
  });

  it('warns that a single table replaces the whole source when applied', () => {
    const b = readEuCrm(join(FIXTURES, 'excerpt', 'critmat_eureport_inputs_2023.csv'));
    expect(b.report.counts.eu_crm_material).toBe(6);
    expect(b.report.warnings[0]).toMatch(/only critmat_eureport_inputs_2023.csv was read/);
  });
});

describe('EU CRM importer on the bundled 2023 tables', () => {
  it('loads every material and share, and applies to a store holding the reference countries', async () => {
    const batch = await euCrmImporter.read(DATA);
    expect(batch.report.counts.eu_crm_material).toBe(90);
    expect(batch.report.counts.eu_crm_supply_share).toBe(2561 + 907);
    // Gallium,Processing,P,,GS+EU,0.98,0.98,,98,0 ; Lithium,Processing,E+P,GSonly,GS+EU,0.91,0.94,81,100,0
    expect(material(batch, 'Gallium')).toMatchObject({
      used_stage: 'processing',
      import_reliance_refined: 0.98,
    });
    expect(material(batch, 'Lithium')).toMatchObject({
      used_stage: 'processing',
      import_reliance_primary: 0.81,
      import_reliance_refined: 1,
    });
    // Gallium,P,China,93.8%,1.0
    expect(share(batch, 'Gallium', 'global', 'P', 'CHN')?.share).toBe(0.938);
    expect(batch.report.metrics['share_sum.global.P.Gallium']).toBe(1.001);
    expect(batch.report.metrics.trade_parameters).toBe(121);

    store = await openSqliteStore(':memory:');
    await applyBatch(store, referenceBatch());
    const res = await applyBatch(store, batch);
    expect(res.inserted.eu_crm_supply_share).toBe(3468);
  });
});
