import type { TObject } from '@sinclair/typebox';
import { Country, GovernanceEstimate, Region, RegionMember } from './country.js';
import { Agreement, Demand, PublishedFact, Statistic, Stock } from './demand.js';
import { EuCrmMaterial, EuCrmSupplyShare } from './eu-crm.js';
import { Facility } from './facility.js';
import { Material } from './material.js';
import { DmfHolder, DrugMasterFile, Establishment, Shortage } from './pharma.js';
import { Production } from './production.js';
import { Recipe } from './recipe.js';
import { Source } from './source.js';
import { SourcingShare, TradeFlow } from './trade.js';

/**
 * What the store, the importers and the interchange format need to know about each entity:
 * its schema (the one declaration), table, natural key (duplicates are errors; re-imports replace
 * by source), references to other entities, and which fields are arrays (stored as JSON text).
 */
export interface EntityDef {
  name: EntityName;
  table: string;
  schema: TObject;
  /** fields that identify a record; two rows with the same key in one import are duplicates */
  key: readonly string[];
  /** field → entity it refers to */
  refs: Readonly<Record<string, 'source' | 'country' | 'material' | 'region' | 'facility'>>;
  /** fields declared as arrays (JSON text in the database, `;`-separated in CSV) */
  arrays: readonly string[];
  /** whether rows may belong to an organisation overlay (org_id column) */
  orgScoped: boolean;
}

export type EntityName =
  | 'source'
  | 'country'
  | 'region'
  | 'region_member'
  | 'governance'
  | 'material'
  | 'facility'
  | 'production'
  | 'recipe'
  | 'trade_flow'
  | 'sourcing_share'
  | 'demand'
  | 'stock'
  | 'agreement'
  | 'statistic'
  | 'published_fact'
  | 'eu_crm_material'
  | 'eu_crm_supply_share'
  | 'dmf'
  | 'dmf_holder'
  | 'establishment'
  | 'shortage';

/** Each entity's schema, with its precise type (the store derives its table types from these). */
export const SCHEMAS = {
  source: Source,
  country: Country,
  region: Region,
  region_member: RegionMember,
  governance: GovernanceEstimate,
  material: Material,
  facility: Facility,
  production: Production,
  recipe: Recipe,
  trade_flow: TradeFlow,
  sourcing_share: SourcingShare,
  demand: Demand,
  stock: Stock,
  agreement: Agreement,
  statistic: Statistic,
  published_fact: PublishedFact,
  eu_crm_material: EuCrmMaterial,
  eu_crm_supply_share: EuCrmSupplyShare,
  dmf: DrugMasterFile,
  dmf_holder: DmfHolder,
  establishment: Establishment,
  shortage: Shortage,
} as const satisfies Record<EntityName, TObject>;

const src = { source_id: 'source' } as const;

export const ENTITIES: Readonly<Record<EntityName, EntityDef>> = {
  source: {
    name: 'source',
    table: 'source',
    schema: Source,
    key: ['id'],
    refs: {},
    arrays: [],
    orgScoped: false,
  },
  country: {
    name: 'country',
    table: 'country',
    schema: Country,
    key: ['iso3'],
    refs: src,
    arrays: [],
    orgScoped: false,
  },
  region: {
    name: 'region',
    table: 'region',
    schema: Region,
    key: ['code'],
    refs: src,
    arrays: [],
    orgScoped: false,
  },
  region_member: {
    name: 'region_member',
    table: 'region_member',
    schema: RegionMember,
    key: ['region', 'iso3'],
    refs: { ...src, region: 'region', iso3: 'country' },
    arrays: [],
    orgScoped: false,
  },
  governance: {
    name: 'governance',
    table: 'governance',
    schema: GovernanceEstimate,
    key: ['iso3', 'year', 'indicator'],
    refs: { ...src, iso3: 'country' },
    arrays: [],
    orgScoped: false,
  },
  material: {
    name: 'material',
    table: 'material',
    schema: Material,
    key: ['id'],
    refs: src,
    arrays: ['hs_codes', 'tags', 'synonyms'],
    orgScoped: true,
  },
  facility: {
    name: 'facility',
    table: 'facility',
    schema: Facility,
    key: ['id'],
    refs: { ...src, country: 'country' },
    arrays: ['certifications'],
    orgScoped: true,
  },
  production: {
    name: 'production',
    table: 'production',
    schema: Production,
    key: ['material_id', 'country', 'facility_id', 'period', 'measure', 'origin', 'source_id'],
    refs: { ...src, material_id: 'material', country: 'country', facility_id: 'facility' },
    arrays: [],
    orgScoped: true,
  },
  recipe: {
    name: 'recipe',
    table: 'recipe',
    schema: Recipe,
    key: ['output_id', 'input_id'],
    refs: { ...src, output_id: 'material', input_id: 'material' },
    arrays: [],
    orgScoped: true,
  },
  trade_flow: {
    name: 'trade_flow',
    table: 'trade_flow',
    schema: TradeFlow,
    key: ['material_id', 'hs_code', 'exporter', 'importer', 'reporter', 'period', 'measure', 'source_id'],
    refs: { ...src, material_id: 'material', exporter: 'country', importer: 'country', reporter: 'country' },
    arrays: [],
    orgScoped: true,
  },
  sourcing_share: {
    name: 'sourcing_share',
    table: 'sourcing_share',
    schema: SourcingShare,
    key: ['material_id', 'importer', 'partner', 'period', 'source_id'],
    refs: { ...src, material_id: 'material', importer: 'country', partner: 'country' },
    arrays: [],
    orgScoped: true,
  },
  demand: {
    name: 'demand',
    table: 'demand',
    schema: Demand,
    key: ['material_id', 'country', 'period', 'kind', 'source_id'],
    refs: { ...src, material_id: 'material', country: 'country' },
    arrays: [],
    orgScoped: true,
  },
  stock: {
    name: 'stock',
    table: 'stock',
    schema: Stock,
    key: ['material_id', 'holder_country', 'holder_org', 'kind', 'period', 'source_id'],
    refs: { ...src, material_id: 'material', holder_country: 'country' },
    arrays: [],
    orgScoped: true,
  },
  agreement: {
    name: 'agreement',
    table: 'agreement',
    schema: Agreement,
    key: ['id'],
    refs: { ...src, material_id: 'material', buyer: 'country', supplier: 'country' },
    arrays: [],
    orgScoped: true,
  },
  statistic: {
    name: 'statistic',
    table: 'statistic',
    schema: Statistic,
    key: ['commodity', 'country', 'period', 'statistic', 'detail', 'source_id'],
    refs: { ...src, material_id: 'material', country: 'country' },
    arrays: [],
    orgScoped: false,
  },
  published_fact: {
    name: 'published_fact',
    table: 'published_fact',
    schema: PublishedFact,
    key: ['topic', 'item', 'scope', 'country', 'partner', 'period', 'metric', 'unit', 'source_id'],
    refs: { ...src, country: 'country' },
    arrays: [],
    orgScoped: false,
  },
  eu_crm_material: {
    name: 'eu_crm_material',
    table: 'eu_crm_material',
    schema: EuCrmMaterial,
    key: ['material_name'],
    refs: { ...src, material_id: 'material' },
    arrays: [],
    orgScoped: false,
  },
  eu_crm_supply_share: {
    name: 'eu_crm_supply_share',
    table: 'eu_crm_supply_share',
    schema: EuCrmSupplyShare,
    key: ['material_name', 'scope', 'stage', 'country'],
    refs: { ...src, country: 'country' },
    arrays: [],
    orgScoped: false,
  },
  dmf: {
    name: 'dmf',
    table: 'dmf',
    schema: DrugMasterFile,
    key: ['dmf_number'],
    refs: src,
    arrays: [],
    orgScoped: false,
  },
  dmf_holder: {
    name: 'dmf_holder',
    table: 'dmf_holder',
    schema: DmfHolder,
    key: ['holder_key'],
    refs: src,
    arrays: ['countries'],
    orgScoped: false,
  },
  establishment: {
    name: 'establishment',
    table: 'establishment',
    schema: Establishment,
    key: ['fei', 'firm_name', 'country'],
    refs: { ...src, country: 'country' },
    arrays: [],
    orgScoped: false,
  },
  shortage: {
    name: 'shortage',
    table: 'shortage',
    schema: Shortage,
    key: ['package_ndc', 'generic_name', 'company', 'source_id'],
    refs: src,
    arrays: [],
    orgScoped: false,
  },
};

/** Load order: referenced entities before the ones that refer to them. */
export const ENTITY_ORDER: readonly EntityName[] = [
  'source',
  'country',
  'region',
  'region_member',
  'governance',
  'material',
  'facility',
  'production',
  'recipe',
  'trade_flow',
  'sourcing_share',
  'demand',
  'stock',
  'agreement',
  'statistic',
  'published_fact',
  'eu_crm_material',
  'eu_crm_supply_share',
  'dmf',
  'dmf_holder',
  'establishment',
  'shortage',
];

/** The columns of an entity in schema order (the database, CSV header and bulk writer all use this order). */
export function entityColumns(def: EntityDef): string[] {
  return Object.keys(def.schema.properties);
}
