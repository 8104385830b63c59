import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { initDatabase } from '../src/cli/commands/init.js';

/**
 * Builds the bundled default dataset into a SQLite file once per test run (≈10 s); test files
 * that need the real data copy it (test/helpers/bundled-db.ts) instead of building their own.
 */
let dir: string | undefined;

export default async function setup(project: TestProject) {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-bundled-'));
  const file = join(dir, 'bundled.db');
  await initDatabase(file, { quiet: true });
  if (!existsSync(file)) throw new Error('global setup: the bundled database was not built');
  project.provide('bundledDb', file);
  return () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    bundledDb: string;
  }
}
