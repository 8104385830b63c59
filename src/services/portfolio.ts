import type { Material, Scenario, Source } from '../model/index.js';
import type { PortfolioKsm, PortfolioSite } from '../model/org-portfolio.js';
import type { Principal } from '../store/accounts.js';
import { listSources } from '../store/queries.js';
import { orgRepository, type Portfolio } from '../store/scoped-repository.js';
import type { Store } from '../store/store.js';
import { fromStored } from '../store/stored-row.js';
import { type DmfSummary, dmfSummary } from './material-report.js';
import { resolver, validateScenario } from './simulate.js';

/**
 * An organisation's portfolio questions (issue 6, docs/org-data.md):
 *
 * - `portfolioReport`: which products rest on a single-source API or KSM, or on one country (and
 *   which; countries of concern flagged), with the public context of each API (active Type II DMF
 *   holders by country: who else could supply the US market).
 * - `portfolioImpact`: what a scenario's supply shocks do to the portfolio: which products' API or
 *   KSM suppliers are hit, the share of supply lost over time, and days of cover from own stocks.
 *
 * Definitions (per product and API):
 *   single-source API  = the API is bought from exactly one site;
 *   single-source KSM  = across all sites making the API, one KSM comes from exactly one supplier
 *                         (supplier = name + country);
 *   one country        = every listed supplier of the API (or of one KSM) is in the same country.
 * A product whose API has no site listed, or a site whose KSMs are not listed, is "unknown", never
 * "diversified".
 */

export interface PortfolioOptions {
  /** countries of concern (ISO3), default CHN */
  concern?: readonly string[];
  /** public context (DMF holders per API): default true */
  context?: boolean;
}

export interface KsmFinding {
  ksm: string;
  material_id: string | null;
  suppliers: { supplier: string; country: string; sites: string[]; share: number | null }[];
  countries: string[];
  singleSource: boolean;
  singleCountry: string | null;
  concern: string[];
}

export interface ApiFinding {
  api: string;
  material_id: string | null;
  sites: { site_id: string; name: string; company: string | null; country: string; share: number | null }[];
  /** share of purchases by country, where shares are given; null if any site's share is missing */
  countryShares: { country: string; share: number }[] | null;
  countries: string[];
  /** null when no site is listed (unknown) */
  singleSource: boolean | null;
  singleCountry: string | null;
  concern: string[];
  ksm: KsmFinding[];
  /** sites making this API whose KSM suppliers are not listed */
  ksmUnknownSites: string[];
  stockDays: number | null;
  /** public base data: active Type II DMF holders of this API by country (US market) */
  publicContext: { dmf: Pick<DmfSummary, 'holders' | 'byCountry' | 'unknownCountry' | 'note'> | null } | null;
}

export interface ProductFinding {
  id: string;
  name: string;
  ndc: string[];
  stockDays: number | null;
  apis: ApiFinding[];
  flags: {
    singleSourceApi: string[];
    singleSourceKsm: { api: string; ksm: string; supplier: string; country: string }[];
    /** APIs (and KSMs) all of whose suppliers are in one country */
    singleCountry: { api: string; ksm: string | null; country: string; concern: boolean }[];
    /** when every API site of the product is in one country: that country */
    apiCountry: string | null;
  };
  unknowns: string[];
}

export interface PortfolioReport {
  org: string;
  concern: string[];
  products: ProductFinding[];
  summary: {
    products: number;
    withSingleSourceApi: number;
    withSingleSourceKsm: number;
    withSingleCountry: number;
    /** products with a single-country API or KSM in a country of concern */
    withConcernCountry: number;
    withUnknowns: number;
  };
  sources: Source[];
  assumptions: string[];
}

const norm = (s: string) => s.trim().toLowerCase();

/** The portfolio's findings, computed from the organisation's own rows (via the scoped repository). */
export async function portfolioReport(
  store: Store,
  org: Principal | string,
  opts: PortfolioOptions = {},
): Promise<PortfolioReport> {
  const repo = orgRepository(store, org);
  const p = await repo.portfolio();
  const concern = [...(opts.concern ?? ['CHN'])].map((c) => c.toUpperCase());
  const products = analysePortfolio(p, concern);
  const sourceIds = new Set<string>();
  const assumptions = [
    'single source and single country are read from the supplier list as given: a supplier not listed is not known to trustmap',
    'a KSM supplier is identified by its name and country',
  ];
  if (opts.context !== false) {
    const ids = [
      ...new Set(products.flatMap((pr) => pr.apis.map((a) => a.material_id)).filter(Boolean)),
    ] as string[];
    const ctx = new Map<string, ApiFinding['publicContext']>();
    if (ids.length) {
      const mats = await repo.view().from('material').selectAll().where('id', 'in', ids).execute();
      for (const row of mats) {
        const m = fromStored<Material>('material', row);
        const d = m.stage === 'api' ? await dmfSummary(store, m) : null;
        ctx.set(m.id, {
          dmf: d
            ? { holders: d.holders, byCountry: d.byCountry, unknownCountry: d.unknownCountry, note: d.note }
            : null,
        });
        if (d) for (const s of ['fda-dmf-2025q2', 'fda-decrs-2025']) sourceIds.add(s);
      }
    }
    for (const pr of products)
      for (const a of pr.apis) a.publicContext = a.material_id ? (ctx.get(a.material_id) ?? null) : null;
    if (sourceIds.size)
      assumptions.push(
        'DMF holder counts are not capacity: they say who may supply the US market, not how much',
      );
  }
  const sources = sourceIds.size ? (await listSources(repo.view())).filter((s) => sourceIds.has(s.id)) : [];
  return {
    org: repo.orgId,
    concern,
    products,
    summary: {
      products: products.length,
      withSingleSourceApi: products.filter((x) => x.flags.singleSourceApi.length).length,
      withSingleSourceKsm: products.filter((x) => x.flags.singleSourceKsm.length).length,
      withSingleCountry: products.filter((x) => x.flags.singleCountry.length).length,
      withConcernCountry: products.filter((x) => x.flags.singleCountry.some((c) => c.concern)).length,
      withUnknowns: products.filter((x) => x.unknowns.length).length,
    },
    sources: sources.map(({ records: _r, ...s }) => s),
    assumptions,
  };
}

/** The pure part of `portfolioReport`: findings per product from the portfolio rows. */
export function analysePortfolio(p: Portfolio, concern: readonly string[]): ProductFinding[] {
  const isConcern = (c: string) => concern.includes(c);
  const sitesOf = new Map<string, PortfolioSite[]>();
  for (const s of p.sites) {
    const list = sitesOf.get(norm(s.api)) ?? [];
    list.push(s);
    sitesOf.set(norm(s.api), list);
  }
  const ksmOf = new Map<string, (PortfolioKsm & { material_id: string | null })[]>();
  for (const k of p.ksm) {
    const key = norm(k.api);
    const list = ksmOf.get(key) ?? [];
    list.push(k);
    ksmOf.set(key, list);
  }
  return p.products.map((prod): ProductFinding => {
    const unknowns: string[] = [];
    const apis = p.apis
      .filter((a) => a.product_id === prod.id)
      .map((a): ApiFinding => {
        const sites = sitesOf.get(norm(a.api)) ?? [];
        const countries = [...new Set(sites.map((s) => s.country))].sort();
        const byCountry = new Map<string, number>();
        const sharesKnown = sites.length > 0 && sites.every((s) => typeof s.share === 'number');
        if (sharesKnown)
          for (const s of sites) byCountry.set(s.country, (byCountry.get(s.country) ?? 0) + s.share!);
        if (sites.length === 0) unknowns.push(`${a.api}: no supplier site listed`);
        const ksmRows = ksmOf.get(norm(a.api)) ?? [];
        const withKsm = new Set(ksmRows.map((k) => k.site_id));
        const ksmUnknownSites = sites.filter((s) => !withKsm.has(s.site_id)).map((s) => s.site_id);
        for (const s of ksmUnknownSites) unknowns.push(`${a.api}: KSM suppliers of site ${s} not listed`);
        const groups = new Map<string, typeof ksmRows>();
        for (const k of ksmRows) {
          const list = groups.get(norm(k.ksm)) ?? [];
          list.push(k);
          groups.set(norm(k.ksm), list);
        }
        const ksm = [...groups.values()].map((rows): KsmFinding => {
          const suppliers = new Map<string, KsmFinding['suppliers'][number]>();
          for (const r of rows) {
            const key = `${norm(r.supplier)}|${r.country}`;
            const e = suppliers.get(key) ?? {
              supplier: r.supplier,
              country: r.country,
              sites: [],
              share: null,
            };
            e.sites.push(r.site_id);
            suppliers.set(key, e);
          }
          // a supplier's share is meaningful per site; with one site it is that site's share
          if (new Set(rows.map((r) => r.site_id)).size === 1)
            for (const r of rows) suppliers.get(`${norm(r.supplier)}|${r.country}`)!.share = r.share ?? null;
          const kc = [...new Set(rows.map((r) => r.country))].sort();
          return {
            ksm: rows[0]!.ksm,
            material_id: rows[0]!.material_id,
            suppliers: [...suppliers.values()],
            countries: kc,
            singleSource: suppliers.size === 1,
            singleCountry: kc.length === 1 ? kc[0]! : null,
            concern: kc.filter(isConcern),
          };
        });
        return {
          api: a.api,
          material_id: a.material_id,
          sites: sites.map((s) => ({
            site_id: s.site_id,
            name: s.name,
            company: s.company ?? null,
            country: s.country,
            share: s.share ?? null,
          })),
          countryShares: sharesKnown
            ? [...byCountry].map(([country, share]) => ({ country, share })).sort((x, y) => y.share - x.share)
            : null,
          countries,
          singleSource: sites.length === 0 ? null : sites.length === 1,
          singleCountry: countries.length === 1 ? countries[0]! : null,
          concern: countries.filter(isConcern),
          ksm,
          ksmUnknownSites,
          stockDays: a.stock_days ?? null,
          publicContext: null,
        };
      });
    if (apis.length === 0) unknowns.push('no API listed');
    const allCountries = new Set(apis.flatMap((a) => a.countries));
    const flags: ProductFinding['flags'] = {
      singleSourceApi: apis.filter((a) => a.singleSource === true).map((a) => a.api),
      singleSourceKsm: apis.flatMap((a) =>
        a.ksm
          .filter((k) => k.singleSource)
          .map((k) => ({
            api: a.api,
            ksm: k.ksm,
            supplier: k.suppliers[0]!.supplier,
            country: k.suppliers[0]!.country,
          })),
      ),
      singleCountry: [
        ...apis
          .filter((a) => a.singleCountry)
          .map((a) => ({
            api: a.api,
            ksm: null,
            country: a.singleCountry!,
            concern: isConcern(a.singleCountry!),
          })),
        ...apis.flatMap((a) =>
          a.ksm
            .filter((k) => k.singleCountry)
            .map((k) => ({
              api: a.api,
              ksm: k.ksm,
              country: k.singleCountry!,
              concern: isConcern(k.singleCountry!),
            })),
        ),
      ],
      apiCountry:
        allCountries.size === 1 && apis.every((a) => a.countries.length > 0) ? [...allCountries][0]! : null,
    };
    return {
      id: prod.id,
      name: prod.name,
      ndc: prod.ndc,
      stockDays: prod.stock_days ?? null,
      apis,
      flags,
      unknowns,
    };
  });
}

// ── scenario impact ────────────────────────────────────────────────────────────────────────────

export interface ImpactOptions {
  /** the country the organisation's purchases go to (export restrictions hit imports into it) */
  market?: string | null;
}

export interface SupplierHit {
  level: 'api' | 'ksm';
  api: string;
  ksm: string | null;
  site_id: string;
  supplier: string;
  country: string;
  shock: number;
  type: string;
  /** the shock's share of output or exports lost, at its peak */
  share: number;
}

export interface ProductImpact {
  id: string;
  name: string;
  affected: boolean;
  hits: SupplierHit[];
  /**
   * peak share of the product's supply lost (0–1): per API Σ site share × site loss, where a site
   * loses max(own shock, worst KSM loss) (inputs in fixed proportion); the product loses the worst
   * of its APIs. null when a needed share is not given.
   */
  peakLoss: number | null;
  peakDay: number | null;
  /** product stock + API stock (days of use), null if neither is given */
  daysOfCover: number | null;
  /** from a day-by-day balance of cover against the loss (no cover given: computed with none) */
  firstShortDay: number | null;
  daysShort: number | null;
  /** shortfall summed over the horizon, in days of normal use */
  lostDaysOfUse: number | null;
  unknowns: string[];
}

export interface PortfolioImpact {
  org: string;
  scenario: { name: string; horizonDays: number };
  market: string | null;
  products: ProductImpact[];
  summary: { products: number; affected: number; withShortfall: number; unknown: number };
  notAssessed: string[];
  assumptions: string[];
}

/** the supply shocks: what the portfolio's suppliers can be hit by */
export type SupplyShock = Extract<
  Scenario['shocks'][number],
  { type: 'export_restriction' | 'capacity_loss' }
>;
type Resolved = SupplyShock;

/** Loss share of one shock on day t (capacity losses recover stepwise or linearly). */
function shockAt(s: Resolved, t: number): number {
  const end = s.start_day + s.duration_days;
  if (t < s.start_day) return 0;
  if (t < end) return s.share;
  if (s.type === 'capacity_loss' && s.recovery === 'linear' && (s.recovery_days ?? 0) > 0) {
    const r = s.recovery_days!;
    if (t < end + r) return s.share * (1 - (t - end) / r);
  }
  return 0;
}

/**
 * What a scenario's supply shocks do to the portfolio. Export restrictions hit an API site in the
 * exporting country when the organisation's market is among the importers (a site in the market
 * country is domestic supply), and a KSM supplier when the site it supplies is among them;
 * capacity losses hit every listed supplier in the country. Demand surges, stockpile releases and
 * facility-level losses are listed as not assessed.
 */
export async function portfolioImpact(
  store: Store,
  org: Principal | string,
  scenario: unknown,
  opts: ImpactOptions = {},
): Promise<PortfolioImpact> {
  const sc = validateScenario(scenario);
  const repo = orgRepository(store, org);
  // scenario names resolve against public + own materials
  const r = await resolver(repo.view());
  const market = opts.market ? opts.market.toUpperCase() : null;
  if (market) r.country(market, 'market');
  const notAssessed: string[] = [];
  const shocks: { i: number; s: Resolved; materials: Set<string> }[] = [];
  sc.shocks.forEach((s, i) => {
    if (s.type === 'demand_surge' || s.type === 'stockpile_release') {
      notAssessed.push(`shocks/${i} (${s.type}): acts on markets, not on the organisation's suppliers`);
      return;
    }
    if (s.type === 'capacity_loss' && !s.country) {
      notAssessed.push(
        `shocks/${i} (capacity_loss at facility ${s.facility}): public facilities are not matched to the organisation's sites`,
      );
      return;
    }
    const materials = new Set(s.materials.flatMap((m, k) => r.material(m, `shocks/${i}/materials/${k}`)));
    shocks.push({ i, s, materials });
  });
  const p = await repo.portfolio();
  const products = impactOf(p, shocks, sc.horizon_days, market);
  const assumptions = [
    'loss shares apply to the listed suppliers only; inputs are used in fixed proportions (a site short of a KSM loses that share of its output)',
    'days of cover are consumed one per day of normal use; no substitution, no new suppliers',
  ];
  if (!market)
    assumptions.push(
      'no market given: an export restriction counts against API sites only when it applies to all importers',
    );
  return {
    org: repo.orgId,
    scenario: { name: sc.name, horizonDays: sc.horizon_days },
    market,
    products,
    summary: {
      products: products.length,
      affected: products.filter((x) => x.affected).length,
      withShortfall: products.filter((x) => (x.daysShort ?? 0) > 0).length,
      unknown: products.filter((x) => x.unknowns.length > 0).length,
    },
    notAssessed,
    assumptions,
  };
}

/** The pure part of `portfolioImpact` (shocks already resolved to material ids). */
export function impactOf(
  p: Portfolio,
  shocks: readonly { i: number; s: Resolved; materials: Set<string> }[],
  horizon: number,
  market: string | null,
): ProductImpact[] {
  const applies = (s: Resolved, supplierCountry: string, buyerCountry: string | null): boolean => {
    if (s.type === 'capacity_loss') return s.country === supplierCountry;
    if (s.type !== 'export_restriction' || s.exporter !== supplierCountry) return false;
    if (buyerCountry === supplierCountry) return false;
    if (s.importers === 'all') return buyerCountry === null ? true : !(s.except ?? []).includes(buyerCountry);
    return buyerCountry !== null && s.importers.includes(buyerCountry);
  };
  const loss = (list: readonly Resolved[], t: number) =>
    1 - list.reduce((acc, s) => acc * (1 - shockAt(s, t)), 1);
  return p.products.map((prod): ProductImpact => {
    const hits: SupplierHit[] = [];
    const unknowns: string[] = [];
    // per API: (site share, shocks on the site, KSM groups with supplier shares and their shocks)
    const apis = p.apis
      .filter((a) => a.product_id === prod.id)
      .map((a) => {
        const sites = p.sites.filter((s) => norm(s.api) === norm(a.api));
        if (sites.length === 0) unknowns.push(`${a.api}: no supplier site listed`);
        const siteModels = sites.map((site) => {
          const own: Resolved[] = [];
          for (const { i, s, materials } of shocks)
            if (a.material_id && materials.has(a.material_id) && applies(s, site.country, market)) {
              own.push(s);
              hits.push({
                level: 'api',
                api: a.api,
                ksm: null,
                site_id: site.site_id,
                supplier: site.name,
                country: site.country,
                shock: i,
                type: s.type,
                share: s.share,
              });
            }
          const ksmRows = p.ksm.filter((k) => norm(k.api) === norm(a.api) && k.site_id === site.site_id);
          const groups = new Map<string, { share: number | null; shocks: Resolved[] }[]>();
          for (const k of ksmRows) {
            const ks: Resolved[] = [];
            for (const { i, s, materials } of shocks)
              if (k.material_id && materials.has(k.material_id) && applies(s, k.country, site.country)) {
                ks.push(s);
                hits.push({
                  level: 'ksm',
                  api: a.api,
                  ksm: k.ksm,
                  site_id: site.site_id,
                  supplier: k.supplier,
                  country: k.country,
                  shock: i,
                  type: s.type,
                  share: s.share,
                });
              }
            const g = groups.get(norm(k.ksm)) ?? [];
            g.push({ share: k.share ?? null, shocks: ks });
            groups.set(norm(k.ksm), g);
          }
          return { site, own, groups: [...groups.entries()] };
        });
        return { a, siteModels };
      });
    const hitSome = hits.length > 0;
    // which shares are needed: a hit supplier's share (or, for one supplier, 1)
    let missing = false;
    const siteShare = (models: { site: PortfolioSite }[], site: PortfolioSite) =>
      models.length === 1 ? 1 : (site.share ?? null);
    const lossOn = (t: number): number | null => {
      let worst = 0;
      for (const { a, siteModels } of apis) {
        let apiLoss = 0;
        for (const m of siteModels) {
          let l = loss(m.own, t);
          for (const [ksm, suppliers] of m.groups) {
            let kl = 0;
            for (const sup of suppliers) {
              if (sup.shocks.length === 0) continue;
              const sh = suppliers.length === 1 ? 1 : sup.share;
              const x = loss(sup.shocks, t);
              if (x === 0) continue;
              if (sh === null) {
                missing = true;
                unknowns.push(`${a.api}: share of ${ksm} supplier at site ${m.site.site_id} not given`);
                continue;
              }
              kl += sh * x;
            }
            l = Math.max(l, Math.min(1, kl));
          }
          if (l === 0) continue;
          const sh = siteShare(siteModels, m.site);
          if (sh === null) {
            missing = true;
            unknowns.push(`${a.api}: share of site ${m.site.site_id} not given`);
            continue;
          }
          apiLoss += sh * l;
        }
        worst = Math.max(worst, Math.min(1, apiLoss));
      }
      return missing ? null : worst;
    };
    const cover =
      prod.stock_days === null && apis.every(({ a }) => a.stock_days === null || a.stock_days === undefined)
        ? null
        : (prod.stock_days ?? 0) + (apis.length ? Math.min(...apis.map(({ a }) => a.stock_days ?? 0)) : 0);
    let peakLoss: number | null = 0;
    let peakDay: number | null = null;
    let stock = cover ?? 0;
    let firstShortDay: number | null = null;
    let daysShort = 0;
    let lost = 0;
    if (hitSome)
      for (let t = 0; t < horizon; t++) {
        const l = lossOn(t);
        if (l === null) {
          peakLoss = null;
          break;
        }
        if (l > peakLoss!) {
          peakLoss = l;
          peakDay = t;
        }
        // one day of use needs 1; supply brings 1 − l; the gap comes out of cover
        const draw = Math.min(stock, l);
        stock -= draw;
        const gap = l - draw;
        if (gap > 1e-12) {
          firstShortDay ??= t;
          daysShort++;
          lost += gap;
        }
      }
    if (cover === null && hitSome) unknowns.push('no stock given: shortfall computed with no cover');
    const unknownOut = [...new Set(unknowns)];
    return {
      id: prod.id,
      name: prod.name,
      affected: hitSome,
      hits,
      peakLoss: hitSome ? peakLoss : 0,
      peakDay,
      daysOfCover: cover,
      firstShortDay: peakLoss === null ? null : firstShortDay,
      daysShort: peakLoss === null ? null : daysShort,
      lostDaysOfUse: peakLoss === null ? null : lost,
      unknowns: unknownOut,
    };
  });
}
