import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Bulk loads bypass per-row query building: a prepared statement inside the open transaction on
 * SQLite, `COPY … FROM STDIN` on PostgreSQL. Values must be in `columns` order and already in
 * stored form (see `toStoredRow`).
 */
export interface BulkWriter {
  write(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<number>;
}

export interface StoreTx {
  readonly db: Kysely<Database>;
  readonly bulk: BulkWriter;
}

/** One query layer (Kysely) over the embedded SQLite file or PostgreSQL. */
export interface Store {
  readonly dialect: DialectName;
  /** file path or a connection URL with the password removed */
  readonly location: string;
  readonly db: Kysely<Database>;
  /** runs `fn` in one transaction: committed if it resolves, rolled back if it throws */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
