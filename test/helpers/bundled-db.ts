import { copyFileSync } from 'node:fs';
import { inject } from 'vitest';
import '../global-setup.js';

/**
 * Puts a copy of the bundled database (built once per run by test/global-setup.ts) at `file`, so
 * a test file can read or change it freely. Replaces a full `initDatabase` build per test file.
 */
export function copyBundledDb(file: string): void {
  copyFileSync(inject('bundledDb'), file);
}
