import { describe, expect, it } from 'vitest';
import {
  canonicalSubstanceName,
  foldSubject,
  resolveSubject,
  resolveSubjects,
  SubstanceVocabulary,
} from './fda-substance.js';

// openFDA substance names as they appear in data/openfda-drug-shortages/drug_shortages_flat.csv
const openFda = new SubstanceVocabulary([
  'ACETAMINOPHEN; OXYCODONE HYDROCHLORIDE',
  'AZITHROMYCIN DIHYDRATE',
  'BENZOYL PEROXIDE; CLINDAMYCIN PHOSPHATE',
  'AZELASTINE HYDROCHLORIDE; FLUTICASONE PROPIONATE',
]);
const resolve = (subject: string) => resolveSubject(subject, openFda);
const substance = (subject: string) => resolve(subject).substance;

// Every subject below is a real SUBJECT of an active Type II DMF in the Q2 2025 list.
describe('DMF subject folding (rule 1)', () => {
  it('removes trademark signs and upper-cases', () => {
    expect(foldSubject('Compap™ L (Acetaminophen USP 90% Anhydrous Basis)')).toBe(
      'COMPAP L (ACETAMINOPHEN USP 90% ANHYDROUS BASIS)',
    );
  });

  it('drops a parenthesised antioxidant stabiliser instead of calling the API a blend', () => {
    expect(resolve('EVEROLIMUS USP (WITH 2% BHT)')).toEqual({
      substance: 'EVEROLIMUS',
      exclusion: null,
      rule: 'normalised',
    });
  });
});

describe('DMF subject exclusions (rule 2)', () => {
  it.each([
    ['IS CHO-CD4(TM) A CELL CULTURE MEDIUM', 'non-drug'],
    ['DEPTH FILTERS', 'non-drug'],
    ['METFORMIN HYDROCHLORIDE DC GRANULES', 'granules'],
    ['OMEPRAZOLE PELLETS 8.5 % W/W', 'granules'],
    ['METFORMIN AQ 1000 MG EXTENDED RELEASE TABLETS', 'finished-dosage-form'],
    ['CEFTAZIDIME FOR INJECTION', 'finished-dosage-form'],
    ['BLENDED METFORMIN HCL', 'blend'],
    ['METFORMIN HYDROCHLORIDE DC GRADE - 90%', 'blend'],
    ['ACETAMINOPHEN DC90', 'blend'],
    ['DRONABINOL IN SESAME OIL DRUG SUBSTANCE', 'blend'],
    ['METFORMIN SR GRADE 70%', 'blend'],
    ['METFORMIN HYDROCHLORIDE + 0.5% MAGNESIUM STEARATE', 'blend'],
    ['CLAVULANATE POTASSIUM+SILICON DIOXIDE (1:1)', 'blend'],
    ['ROSUVASTATIN CALCIUM INTERMEDIATE (R1)', 'intermediate'],
    ['CRUDE CARBIDOPA', 'intermediate'],
    ['SACUBITRIL AND VALSARTAN', 'combination'],
    ['AMPICILLIN SODIUM/SULBACTAM SODIUM', 'combination'],
    ['VINCRISTINE SULPHATE/VINBLASTINE SULPHATE', 'combination'],
  ])('%s is excluded as %s', (subject, reason) => {
    expect(resolve(subject)).toMatchObject({ substance: null, exclusion: reason });
  });

  it('names the keyword that excluded a subject', () => {
    expect(resolve('ACETAMINOPHEN/PARACETAMOL GRANULES DC 90% (DIRECTOACE-90F)').rule).toBe('GRANULES');
    expect(resolve('METFORMIN SR GRADE 70%').rule).toBe('percentage below 95 %');
    expect(resolve('CLAVULANATE POTASSIUM+SILICON DIOXIDE (1:1)').rule).toBe('with an excipient');
  });

  it('keeps a solution of the substance and ignores an assay of 95 % or more', () => {
    expect(substance('CHLORHEXIDINE GLUCONATE 20% SOLUTION, USP')).toBe('CHLORHEXIDINE GLUCONATE');
    expect(substance('SULFUR HEXAFLUORIDE, 99.8%')).toBe('SULFUR HEXAFLUORIDE');
  });

  it('does not take "LOW AND MEDIUM GRADES" for a culture medium', () => {
    expect(substance('SODIUM HYALURONATE (LOW AND MEDIUM GRADES)')).toBe('SODIUM HYALURONATE');
  });
});

describe('DMF subject core name (rule 3)', () => {
  it('drops bracketed route codes and parenthesised grades', () => {
    expect(substance('LINAGLIPTIN [ROUTE CODE "LG"]')).toBe('LINAGLIPTIN');
    expect(substance('METFORMIN HYDROCHLORIDE (2ND LINE)')).toBe('METFORMIN HYDROCHLORIDE');
  });

  it('drops what follows the first comma', () => {
    expect(substance('ACETAMINOPHEN, USP')).toBe('ACETAMINOPHEN');
    expect(substance('TENOFOVIR ALAFENAMIDE FUMARATE, NON-STERILE BULK DRUG SUBSTANCE')).toBe(
      'TENOFOVIR ALAFENAMIDE FUMARATE',
    );
  });

  it('keeps DIBASIC after a comma, since it names the salt', () => {
    expect(canonicalSubstanceName('SODIUM PHOSPHATE, DIBASIC')).toBe('SODIUM PHOSPHATE DIBASIC');
    expect(substance('SODIUM PHOSPHATE DIBASIC, ANHYDROUS')).toBe('SODIUM PHOSPHATE DIBASIC');
  });
});

describe('DMF subject grade words (rule 4)', () => {
  it.each([
    ['METFORMIN HYDROCHLORIDE USP (PROCESS-II)', 'METFORMIN HYDROCHLORIDE'],
    ['METFORMIN HYDROCHLORIDE DRUG SUBTANCE', 'METFORMIN HYDROCHLORIDE'],
    ['RIFAXIMIN PROCESS II', 'RIFAXIMIN'],
    ['HYDROCHLOROTHIAZIDE USP - PROCESS #2', 'HYDROCHLOROTHIAZIDE'],
    ['SERTRALINE HYDROCHLORIDE FORM I', 'SERTRALINE HYDROCHLORIDE'],
    ['ATORVASTATIN CALCIUM AMORPHOUS (NON-STERILE BULK DRUG SUBSTANCE)', 'ATORVASTATIN CALCIUM'],
    ['SUFENTANIL BASE EP', 'SUFENTANIL'],
    ['MAGNESIUM OXIDE USP LIGHT POWDER', 'MAGNESIUM OXIDE'],
    ['DESOGESTREL EP/BP, MICRONIZED', 'DESOGESTREL'],
    ['TRIMETAZIDINE DIHYDROCHLORIDE BP/PH.EUR.', 'TRIMETAZIDINE DIHYDROCHLORIDE'],
    ['DICLOFENAC SODIUM EP/USP', 'DICLOFENAC SODIUM'],
  ])('%s → %s', (subject, expected) => {
    expect(substance(subject)).toBe(expected);
  });

  it('removes grade words before splitting, so "MICRONIZED AND NON-MICRONIZED" is no combination', () => {
    expect(resolve('FLUTICASONE PROPIONATE(MICRONIZED AND NON-MICRONIZED)')).toEqual({
      substance: 'FLUTICASONE PROPIONATE',
      exclusion: null,
      rule: 'openfda',
    });
  });
});

describe('DMF subject spelling (rule 5)', () => {
  it.each([
    ['METFORMIN HCL USP', 'METFORMIN HYDROCHLORIDE'],
    ['TERAZOSIN HCI DIHYDRATE', 'TERAZOSIN HYDROCHLORIDE'],
    ['ZIPRASIDONE MESILATE TRIHYDRATE', 'ZIPRASIDONE MESYLATE'],
    ['L-TYROSINE', 'TYROSINE'],
    ['N-ACETYL-L-TYROSINE', 'N-ACETYL-L-TYROSINE'],
    ['MOMETASONE 17-FUROATE', 'MOMETASONE FUROATE'],
    ['CABOZANTINIB (S)-MALATE (FORM-S)', 'CABOZANTINIB MALATE'],
    ['5-AMINOSALICYLIC ACID (MESALAZINE/MESALAMINE)', 'MESALAMINE'],
  ])('%s → %s', (subject, expected) => {
    expect(substance(subject)).toBe(expected);
  });

  it('maps the INN paracetamol to the USAN acetaminophen', () => {
    expect(canonicalSubstanceName('PARACETAMOL')).toBe('ACETAMINOPHEN');
    expect(resolve('ACETAMINOPHEN USP (PARACETAMOL USP)').substance).toBe('ACETAMINOPHEN');
  });
});

describe('DMF subject water of crystallisation (rule 6)', () => {
  it('merges hydrates with the anhydrous substance, on both sides of the match', () => {
    expect(resolve('AZITHROMYCIN DIHYDRATE')).toEqual({
      substance: 'AZITHROMYCIN',
      exclusion: null,
      rule: 'openfda',
    });
    expect(substance('RISEDRONATE SODIUM HEMI-PENTAHYDRATE USP')).toBe('RISEDRONATE SODIUM');
    expect(canonicalSubstanceName('PEMETREXED DISODIUM HEPTAHYDRATE')).toBe('PEMETREXED DISODIUM');
    expect(canonicalSubstanceName('DEXTROSE, UNSPECIFIED FORM')).toBe('DEXTROSE');
  });

  it('keeps chloral hydrate, whose name is the hydrate', () => {
    expect(substance('CHLORAL HYDRATE')).toBe('CHLORAL HYDRATE');
  });
});

describe('DMF subject combinations (rule 7)', () => {
  it('drops a one-letter suffix after a slash', () => {
    expect(substance('PACLITAXEL/S')).toBe('PACLITAXEL');
  });

  it('leaves several forms of one substance unresolved rather than calling them a combination', () => {
    expect(resolve('PHENYTOIN/PHENYTOIN SODIUM')).toEqual({
      substance: null,
      exclusion: 'unresolved',
      rule: 'several forms of one substance',
    });
    // ALBUTEROL / ALBUTEROL SULFATE after the synonym rule
    expect(resolve('ALBUTEROL / SALBUTAMOL SULPHATE').rule).toBe('several forms of one substance');
  });
});

describe('DMF subject resolution (rule 8)', () => {
  it('says whether the name is an openFDA substance or only normalised', () => {
    expect(resolve('ACETAMINOPHEN USP').rule).toBe('openfda');
    expect(resolve('METFORMIN HYDROCHLORIDE').rule).toBe('normalised');
  });

  it('takes the openFDA substance named in parentheses after a trade name', () => {
    expect(resolve('PERKADOX API (BENZOYL PEROXIDE)')).toEqual({
      substance: 'BENZOYL PEROXIDE',
      exclusion: null,
      rule: 'openfda-parenthetical',
    });
    expect(resolveSubject('PERKADOX API (BENZOYL PEROXIDE)', new SubstanceVocabulary()).substance).toBe(
      'PERKADOX',
    );
  });

  it('never guesses a development code, a systematic name or a long description', () => {
    expect(resolve('CB 5339 DRUG SUBSTANCE')).toMatchObject({
      exclusion: 'unresolved',
      rule: 'development code',
    });
    expect(resolve('(S)-2-AMINOBUTYRAMIDE HYDROCHLORIDE')).toMatchObject({
      exclusion: 'unresolved',
      rule: 'systematic chemical name',
    });
    expect(resolve('HUMAN UMBILICAL CORD-DERIVED MESENCHYMAL STEM CELLS')).toMatchObject({
      exclusion: 'unresolved',
      rule: 'more than five words',
    });
  });

  it('names a development code by its parenthesised substance only when another subject resolves to it', () => {
    const [silodosin, kmd, kirin] = resolveSubjects(
      ['SILODOSIN', 'KMD-3213 (SILODOSIN) DRUG SUBSTANCE', 'FMDF-10 (KIRIN)'],
      openFda,
    );
    expect(silodosin?.substance).toBe('SILODOSIN');
    expect(kmd).toEqual({ substance: 'SILODOSIN', exclusion: null, rule: 'parenthetical' });
    expect(kirin).toMatchObject({ substance: null, exclusion: 'unresolved' });
    expect(resolve('KMD-3213 (SILODOSIN) DRUG SUBSTANCE').exclusion).toBe('unresolved');
  });

  it('reports an empty subject as unresolved', () => {
    expect(resolve('  ')).toMatchObject({ substance: null, exclusion: 'unresolved' });
  });
});

describe('substance vocabulary', () => {
  it('splits "; " lists and canonicalises each name', () => {
    const v = new SubstanceVocabulary(['AZITHROMYCIN DIHYDRATE', 'ACETAMINOPHEN; OXYCODONE HYDROCHLORIDE']);
    expect(v.size).toBe(3);
    expect(v.has('AZITHROMYCIN')).toBe(true);
    expect(v.has('OXYCODONE HYDROCHLORIDE')).toBe(true);
  });
});
