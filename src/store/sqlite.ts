import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { migrateToLatest } from './migrator.js';
import type { BulkWriter, Store, StoreTx } from './store.js';

/** Rows per multi-row INSERT: SQLite allows 32,766 bound parameters per statement. */
const CHUNK_PARAMS = 30_000;

/** the subset of better-sqlite3's Database the bulk writer needs */
interface SqliteHandle {
  prepare(sql: string): { run(...params: unknown[]): unknown };
}

class SqliteBulkWriter implements BulkWriter {
  private readonly cache = new Map<string, { run(...params: unknown[]): unknown }>();
  constructor(private readonly handle: SqliteHandle) {}

  private statement(table: string, columns: readonly string[], rows: number) {
    const key = `${table}|${columns.join(',')}|${rows}`;
    let st = this.cache.get(key);
    if (!st) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const values = new Array<string>(rows).fill(tuple).join(',');
      st = this.handle.prepare(
        `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${values}`,
      );
      this.cache.set(key, st);
    }
    return st;
  }

  async write(
    table: string,
    columns: readonly string[],
    rows: Iterable<readonly unknown[]>,
  ): Promise<number> {
    const per = Math.max(1, Math.min(256, Math.floor(CHUNK_PARAMS / columns.length)));
    const width = columns.length;
    const buf: unknown[] = new Array(per * width);
    let n = 0;
    let inBuf = 0;
    for (const row of rows) {
      const o = inBuf * width;
      for (let c = 0; c < width; c++) buf[o + c] = row[c];
      inBuf++;
      if (inBuf === per) {
        this.statement(table, columns, per).run(...buf);
        n += inBuf;
        inBuf = 0;
      }
    }
    if (inBuf > 0) {
      this.statement(table, columns, inBuf).run(...buf.slice(0, inBuf * width));
      n += inBuf;
    }
    return n;
  }
}

export interface SqliteOptions {
  /** run migrations on open (default true) */
  migrate?: boolean;
  readonly?: boolean;
}

/** Opens (creating if needed) the embedded SQLite store: WAL journal, foreign keys on, migrated. */
export async function openSqliteStore(path: string, opts: SqliteOptions = {}): Promise<Store> {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const handle = new BetterSqlite3(file, { readonly: opts.readonly ?? false });
  if (!opts.readonly) {
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
  }
  handle.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }) });
  if (opts.migrate !== false && !opts.readonly) await migrateToLatest(db as Kysely<unknown>, 'sqlite');
  const bulk = new SqliteBulkWriter(handle);
  return {
    dialect: 'sqlite',
    location: file,
    db,
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      // Kysely holds SQLite's single connection for the transaction; the bulk writer's prepared
      // statements run on that same connection, so they are inside it too.
      return db.transaction().execute((trx) => fn({ db: trx, bulk }));
    },
    async close() {
      await db.destroy();
    },
  };
}
