import { type Static, Type } from '@sinclair/typebox';
import { Iso3, Nullable, Slug } from './common.js';

/**
 * An organisation's portfolio (docs/org-data.md): the bill of materials and supplier list of a
 * procurement team at facility level — product (NDC codes where known) → API → the supplier sites
 * it buys the API from (country, FEI/DUNS if known, share of its purchases) → the KSM suppliers of
 * each site. Confidential to the organisation; stored in the org_* tables of migration 003.
 */
export const PORTFOLIO_FORMAT = 'trustmap-portfolio/1';

/** NDC as printed on labels: 4-4-2, 5-3-2, 5-4-1 (10 digits) or the 5-4-2 11-digit form; product-level codes (labeler-product) too. */
export const Ndc = Type.String({
  pattern: '^(\\d{4}-\\d{4}|\\d{5}-\\d{3}|\\d{5}-\\d{4})(-\\d{1,2})?$',
  description: 'National Drug Code, with hyphens (e.g. 0409-4888-02 or 0409-4888)',
});
const Share = Type.Number({
  minimum: 0,
  maximum: 1,
  description: 'fraction (0–1) of the purchases of this item from this supplier',
});
const Days = Type.Number({ minimum: 0, maximum: 36_500, description: 'days of cover held' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Note = Nullable(Type.String({ maxLength: 4000 }));
/** FDA Establishment Identifier: 7 to 10 digits */
const Fei = Nullable(Type.String({ pattern: '^\\d{7,10}$', description: 'FDA Establishment Identifier' }));
/** Dun & Bradstreet number: 9 digits */
const Duns = Nullable(Type.String({ pattern: '^\\d{9}$', description: 'D-U-N-S number' }));

export const PortfolioProduct = Type.Object(
  {
    id: Slug,
    name: Name,
    ndc: Type.Array(Ndc, { default: [] }),
    /** finished goods held, in days of the organisation's own use or sales */
    stock_days: Nullable(Days),
    note: Note,
  },
  { additionalProperties: false, $id: 'PortfolioProduct' },
);
export type PortfolioProduct = Static<typeof PortfolioProduct>;

/** One active ingredient of a product (a combination product has several rows). */
export const PortfolioApi = Type.Object(
  {
    product_id: Slug,
    /** the API as the organisation names it; matched to trustmap's API materials by id, name or synonym */
    api: Name,
    /** API inventory held for this product, in days of the product's use */
    stock_days: Nullable(Days),
    note: Note,
  },
  { additionalProperties: false, $id: 'PortfolioApi' },
);
export type PortfolioApi = Static<typeof PortfolioApi>;

/** A site the organisation buys an API from. A site making several APIs has one row per API. */
export const PortfolioSite = Type.Object(
  {
    api: Name,
    site_id: Slug,
    name: Name,
    company: Nullable(Name),
    country: Iso3,
    fei: Fei,
    duns: Duns,
    share: Nullable(Share),
    note: Note,
  },
  { additionalProperties: false, $id: 'PortfolioSite' },
);
export type PortfolioSite = Static<typeof PortfolioSite>;

/** A supplier of a key starting material to one API site. */
export const PortfolioKsm = Type.Object(
  {
    api: Name,
    site_id: Slug,
    ksm: Name,
    supplier: Name,
    country: Iso3,
    fei: Fei,
    duns: Duns,
    share: Nullable(Share),
    note: Note,
  },
  { additionalProperties: false, $id: 'PortfolioKsm' },
);
export type PortfolioKsm = Static<typeof PortfolioKsm>;

/** The parts of a portfolio: CSV file names (`products.csv` …) and JSON document keys. */
export const PORTFOLIO_PARTS = {
  products: PortfolioProduct,
  apis: PortfolioApi,
  sites: PortfolioSite,
  ksm: PortfolioKsm,
} as const;
export type PortfolioPart = keyof typeof PORTFOLIO_PARTS;

/** The whole portfolio as one JSON document (the API's JSON upload body). */
export const PortfolioDocument = Type.Object(
  {
    format: Type.Literal(PORTFOLIO_FORMAT),
    products: Type.Array(PortfolioProduct),
    apis: Type.Array(PortfolioApi),
    sites: Type.Optional(Type.Array(PortfolioSite)),
    ksm: Type.Optional(Type.Array(PortfolioKsm)),
  },
  { additionalProperties: false, $id: 'PortfolioDocument' },
);
export type PortfolioDocument = Static<typeof PortfolioDocument>;
