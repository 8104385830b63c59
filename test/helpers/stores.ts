import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';

/**
 * The dialects a store test runs against: SQLite always; PostgreSQL when TRUSTMAP_TEST_PG_URL
 * names a server (`.ci/run` starts one). Each call gives an empty, migrated store.
 */
export interface TestDialect {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
}

async function resetPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop schema if exists public cascade; create schema public;');
  } finally {
    await client.end();
  }
}

export function testDialects(): TestDialect[] {
  const out: TestDialect[] = [{ name: 'sqlite', open: () => openSqliteStore(':memory:') }];
  const url = process.env.TRUSTMAP_TEST_PG_URL;
  if (url) {
    out.push({
      name: 'postgres',
      open: async () => {
        await resetPostgres(url);
        return openPostgresStore(url);
      },
    });
  } else if (process.env.CI) {
    throw new Error('CI runs must set TRUSTMAP_TEST_PG_URL (see .ci/postgres.sh)');
  }
  return out;
}
