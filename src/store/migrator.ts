import { type Kysely, type Migration, Migrator } from 'kysely';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-runs.js';
import * as m003 from './migrations/003-accounts.js';

type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-initial': { up: (db) => m001.up(db, dialect) },
    '002-runs': { up: (db) => m002.up(db, dialect) },
    '003-accounts': { up: (db) => m003.up(db, dialect) },
  };
}

/** Brings the schema to the newest version; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export const LATEST_MIGRATION = '003-accounts';
