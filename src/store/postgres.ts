import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './database.js';
import { migrateToLatest } from './migrator.js';
import type { BulkWriter, Store, StoreTx } from './store.js';

/** CSV field for COPY: null as the unquoted empty string, everything else quoted. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

class PostgresBulkWriter implements BulkWriter {
  constructor(private readonly client: pg.PoolClient) {}

  async write(
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly unknown[]>,
  ): Promise<number> {
    const cols = columns.map((c) => `"${c}"`).join(',');
    const stream = this.client.query(copyFrom(`copy "${table}" (${cols}) from stdin with (format csv)`));
    let n = 0;
    const done = new Promise<void>((res, rej) => {
      stream.on('finish', () => res());
      stream.on('error', rej);
    });
    let chunk: string[] = [];
    for (const row of rows) {
      chunk.push(row.map(csvField).join(',') + '\n');
      n++;
      if (chunk.length >= 2000) {
        if (!stream.write(chunk.join(''))) await new Promise((r) => stream.once('drain', r));
        chunk = [];
      }
    }
    if (chunk.length) stream.write(chunk.join(''));
    stream.end();
    await done;
    return n;
  }
}

/**
 * A Kysely-compatible pool that always hands out one checked-out client (for a transaction).
 * The wrapper forwards `query` to the real client (pg's Client keeps state on `this`, so it must
 * not be proxied through a prototype) and makes `release` a no-op: the transaction releases it.
 */
function singleClientPool(client: pg.PoolClient) {
  const wrapped = { query: client.query.bind(client), release: () => {} } as unknown as pg.PoolClient;
  return {
    connect: async () => wrapped,
    end: async () => {},
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Opens a PostgreSQL store from a `postgres://` URL and migrates it. */
export async function openPostgresStore(url: string, opts: { migrate?: boolean } = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (opts.migrate !== false) await migrateToLatest(db as Kysely<unknown>, 'postgres');
  return {
    dialect: 'postgres',
    location: redactUrl(url),
    db,
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const trxDb = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: singleClientPool(client) }),
      });
      try {
        await client.query('begin');
        const out = await fn({ db: trxDb, bulk: new PostgresBulkWriter(client) });
        await client.query('commit');
        return out;
      } catch (e) {
        await client.query('rollback').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
