import type { ImportBatch } from './batch.js';

export interface ReadOptions {
  /** maximum number of issues reported before giving up (default 100) */
  cap?: number;
  /** called while reading large inputs */
  onProgress?: (done: number, total: number) => void;
}

/**
 * One public format (or the project's own interchange format). `read` parses and validates the
 * whole input into a batch without touching the store; the store applies it atomically.
 */
export interface Importer {
  /** the name used with `trustmap import --format` */
  format: string;
  description: string;
  /** whether a file or folder looks like this format (used when --format is not given) */
  detect(path: string): boolean;
  read(path: string, opts?: ReadOptions): Promise<ImportBatch>;
}
