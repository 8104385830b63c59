import type { Importer } from './importer.js';
import { interchangeImporter } from './interchange.js';
import { referenceImporter } from './reference.js';

/** Every importer, by format name. Detection tries them in this order. */
export const IMPORTERS: readonly Importer[] = [interchangeImporter, referenceImporter];

/** The bundled default dataset: the steps `trustmap init` runs, folders relative to `data/`. */
export const BUNDLED_STEPS: readonly { label: string; format: string; path: string }[] = [
  { label: 'Reference: ISO 3166 countries and regions', format: 'reference', path: '.' },
];

export function importerFor(format: string): Importer | undefined {
  return IMPORTERS.find((i) => i.format === format);
}

export function detectImporter(path: string): Importer | undefined {
  return IMPORTERS.find((i) => i.detect(path));
}
