import { homedir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** The default database: `TRUSTMAP_DB`, else `./trustmap.db` in the working directory. */
export function defaultDbLocation(env: NodeJS.ProcessEnv = process.env): string {
  return env.TRUSTMAP_DB && env.TRUSTMAP_DB.length > 0 ? env.TRUSTMAP_DB : join(process.cwd(), 'trustmap.db');
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** Opens the store at a SQLite path or a `postgres://` URL. */
export async function openStore(location: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  return isPostgresUrl(location) ? openPostgresStore(location, opts) : openSqliteStore(location, opts);
}

export const USER_DATA_DIR = join(homedir(), '.trustmap');
