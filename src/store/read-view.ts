import type { AliasedRawBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import type { NetworkSnapshot } from '../engine/network/index.js';
import type { Database } from './database.js';
import type { Store } from './store.js';

/**
 * The rows an analysis may read (issue 6: "an organisation's analyses run on the public base
 * overlaid with its own data"). Every service reads the tables that can hold an organisation's rows
 * through a view, never with a filter of its own:
 *
 * - `publicView(store)` (scoped-repository.ts): public rows only — the command line without
 *   `--org`, and what the analyses answered before organisations existed;
 * - `orgRepository(store, org).view()`: public rows overlaid with that organisation's rows.
 *
 * Those two are the only constructors; the organisation filter itself lives in
 * scoped-repository.ts. Tables without organisation rows (country, statistic, governance, dmf …)
 * are read through `view.db` as before.
 *
 * Overlay rule (docs/org-data.md "What the overlay changes"): an organisation's row is added to
 * the public rows, except where it has the identity of public rows, which it then replaces in that
 * organisation's view (and only there):
 *
 * | table | identity |
 * |---|---|
 * | production | material, country, period, measure, origin (country-level rows, no facility) |
 * | sourcing_share | material, importer, partner, period |
 * | trade_flow | material, HS code, exporter, importer, reporter, period, measure |
 * | recipe | output, input |
 * | demand | material, country, period, kind |
 * | stock | material, holder country, holder organisation, kind, period |
 *
 * Materials, facilities and agreements have ids an organisation cannot reuse (its imports are
 * checked against public + own ids), so its rows of those are always added. Sources: public
 * sources and the organisation's own (stored as `org.<org>.<id>`), never another's.
 */
export type OverlayTable =
  | 'material'
  | 'facility'
  | 'production'
  | 'recipe'
  | 'trade_flow'
  | 'sourcing_share'
  | 'demand'
  | 'stock'
  | 'agreement'
  | 'source';

export interface ReadView {
  readonly kind: 'read-view';
  readonly store: Store;
  /**
   * The store's query builder, for tables that hold no organisation rows (country, statistic,
   * governance, dmf …); overlay tables are read with `from` (a structural test checks services).
   */
  readonly db: Kysely<Database>;
  /** the organisation whose rows overlay the public ones; null for the public view */
  readonly orgId: string | null;
  /** a select from `table`, already restricted to the rows this view sees */
  // biome-ignore lint/complexity/noBannedTypes: Kysely's own "nothing selected yet" output type
  from<T extends OverlayTable>(table: T): SelectQueryBuilder<Database, T, {}>;
  /**
   * A selection `own`: 1 for the organisation's rows, 0 for public ones (edition choices keep an
   * organisation's rows beside the public edition they pick).
   */
  own(table: Exclude<OverlayTable, 'source'>): AliasedRawBuilder<number, 'own'>;
  /** the public data version, or `<public>.<organisation>` for an organisation's view */
  dataVersion(): Promise<string>;
  /**
   * What cached results of this view are keyed by: `public:<version>` for the public view and for
   * an organisation that has never imported anything (its view is the public one), else
   * `org:<org id>:<public>.<org version>` — no two organisations share it.
   */
  cacheKey(): Promise<string>;
  /** the year's network on this view's rows */
  snapshot(year: number): Promise<NetworkSnapshot>;
}

/** Services take a store (its public view) or a view. */
export type StoreOrView = Store | ReadView;

export function isReadView(s: StoreOrView): s is ReadView {
  return (s as ReadView).kind === 'read-view';
}
