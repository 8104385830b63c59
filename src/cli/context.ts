import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultDbLocation, isPostgresUrl, openStore } from '../store/open.js';
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
