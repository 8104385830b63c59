import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { findOrganisation } from '../store/accounts.js';
import { defaultDbLocation, isPostgresUrl, openStore } from '../store/open.js';
import type { StoreOrView } from '../store/read-view.js';
import { orgRepository } from '../store/scoped-repository.js';
import type { Store } from '../store/store.js';
import { UsageError } from './errors.js';

export interface GlobalOptions {
  db?: string;
}

export function dbLocation(cmd: Command): string {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return g.db ?? defaultDbLocation();
}

/** Opens the database a command works on; a missing SQLite file is a user's mistake, not a crash. */
export async function openExisting(cmd: Command): Promise<Store> {
  const loc = dbLocation(cmd);
  if (!isPostgresUrl(loc) && !existsSync(loc)) {
    throw new UsageError(
      `no database at ${loc}; run \`trustmap init\` first (or pass --db PATH / set TRUSTMAP_DB)`,
    );
  }
  return openStore(loc);
}

/** Help of the analysis commands' `--org` option. */
export const ORG_OPTION_HELP =
  "run on the public data overlaid with this organisation's own rows (id or name; docs/org-data.md)";

/**
 * What an analysis command reads: the public data (the store), or with `--org` the public data
 * overlaid with that organisation's rows, through its scoped repository.
 */
export async function viewFor(store: Store, org: string | undefined): Promise<StoreOrView> {
  if (org === undefined) return store;
  const found = await findOrganisation(store, org);
  return orgRepository(store, found.id).view();
}
