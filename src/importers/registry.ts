import { euCrmImporter } from './eu-crm.js';
import { fdaDmfImporter } from './fda-dmf.js';
import type { Importer } from './importer.js';
import { indiaTradeImporter } from './india-trade.js';
import { interchangeImporter } from './interchange.js';
import { openFdaShortagesImporter } from './openfda-shortages.js';
import { pharmaLinksImporter } from './pharma-links.js';
import { referenceImporter } from './reference.js';
import { usgsMcsImporter } from './usgs-mcs.js';
import { usitcTradeImporter } from './usitc-trade.js';
import { wgiImporter } from './wgi.js';

/** Every importer, by format name. Detection tries them in this order (most specific first). */
export const IMPORTERS: readonly Importer[] = [
  usgsMcsImporter,
  wgiImporter,
  euCrmImporter,
  usitcTradeImporter,
  indiaTradeImporter,
  fdaDmfImporter,
  openFdaShortagesImporter,
  pharmaLinksImporter,
  interchangeImporter,
  referenceImporter,
];

/**
 * The bundled default dataset: the steps `trustmap init` runs, folders relative to `data/`.
 * Order matters: countries first; USGS defines the mineral materials that the trade, EU CRM
 * and pharma links refer to.
 */
export const BUNDLED_STEPS: readonly { label: string; format: string; path: string }[] = [
  { label: 'Reference: ISO 3166 countries and regions', format: 'reference', path: '.' },
  { label: 'USGS Mineral Commodity Summaries 2023, 2024, 2026', format: 'usgs-mcs', path: 'usgs-mcs' },
  { label: 'World Bank Worldwide Governance Indicators', format: 'wgi', path: 'worldbank-wgi' },
  { label: 'EU critical raw materials assessment 2023', format: 'eu-crm', path: 'eu-crm-2023' },
  { label: 'USITC DataWeb US trade by partner', format: 'usitc-trade', path: 'usitc-dataweb-us-trade' },
  { label: 'India DGCI&S trade statistics', format: 'india-trade', path: 'india-trade' },
  { label: 'openFDA drug shortages snapshot', format: 'openfda-shortages', path: 'openfda-drug-shortages' },
  { label: 'FDA Drug Master Files and establishments', format: 'fda-dmf', path: 'fda-dmf' },
  { label: 'Pharma links: API ← KSM ← mineral', format: 'pharma-links', path: 'pharma-links' },
];

export function importerFor(format: string): Importer | undefined {
  return IMPORTERS.find((i) => i.format === format);
}

export function detectImporter(path: string): Importer | undefined {
  return IMPORTERS.find((i) => i.detect(path));
}
