import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../model/index.js';

/**
 * Finds the FDA files an import reads. The bundled data keep each publication in its own folder
 * (`data/fda-dmf/`, `data/fda-decrs/`, `data/openfda-drug-shortages/`), so the importer accepts
 * any of: the parent `data/` folder, one of those folders (its siblings are searched), a folder
 * holding the files side by side, or the path of one of the files. The search order is: the given
 * folder, then its known sub-folders, then the known sibling folders; the first match wins.
 */

export type FdaFileKind = 'dmf' | 'decrs' | 'shortages';

/** File-name patterns of each kind (as bundled and as FDA names them). */
export const FDA_FILE_PATTERNS: Readonly<Record<FdaFileKind, RegExp>> = {
  dmf: /^fda_dmf_list.*\.csv$/i,
  decrs: /^(?:fda_decrs.*|drls_reg.*)\.csv$/i,
  shortages: /^drug_shortages_flat.*\.csv$/i,
};

/** Folder names the files are kept in under `data/` (and under `test/fixtures/`). */
export const FDA_FOLDERS: Readonly<Record<FdaFileKind, readonly string[]>> = {
  dmf: ['fda-dmf'],
  decrs: ['fda-decrs'],
  shortages: ['openfda-drug-shortages', 'openfda-shortages'],
};

const ALL_FOLDERS = [...FDA_FOLDERS.dmf, ...FDA_FOLDERS.decrs, ...FDA_FOLDERS.shortages];

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** The folders searched for a path, in order. */
function searchDirs(path: string): string[] {
  const dir = isDir(path) ? path : dirname(path);
  const out = [dir];
  for (const f of ALL_FOLDERS) out.push(join(dir, f));
  for (const f of ALL_FOLDERS) out.push(join(dirname(dir), f));
  return [...new Set(out)].filter(isDir);
}

/**
 * The file of one kind for an import path, or null when there is none. A folder holding several
 * files of the kind is ambiguous: the user must name the file.
 */
export function findFdaFile(path: string, kind: FdaFileKind): string | null {
  const pattern = FDA_FILE_PATTERNS[kind];
  if (!isDir(path) && existsSync(path) && pattern.test(basename(path))) return path;
  for (const dir of searchDirs(path)) {
    const hits = readdirSync(dir)
      .filter((f) => pattern.test(f))
      .sort();
    if (hits.length > 1) {
      throw new ValidationError([
        {
          file: dir,
          message: `several ${kind} files (${hits.join(', ')}); pass the one to import as the path`,
        },
      ]);
    }
    if (hits.length === 1) return join(dir, hits[0]!);
  }
  return null;
}

/** Like `findFdaFile`, but a missing file is a ValidationError naming where it was looked for. */
export function requireFdaFile(path: string, kind: FdaFileKind, what: string): string {
  const f = findFdaFile(path, kind);
  if (f) return f;
  throw new ValidationError([
    {
      file: path,
      message: `no ${what} found (a file named like ${FDA_FILE_PATTERNS[kind].source} in the folder, in a ${FDA_FOLDERS[kind].join(' or ')} sub-folder, or in a sibling ${FDA_FOLDERS[kind].join(' or ')} folder)`,
    },
  ]);
}

/** The path of a data file relative to the project's `data/` folder: `<folder>/<file>`. */
export function dataRelative(file: string): string {
  return `${basename(dirname(file))}/${basename(file)}`;
}

/** Converts FDA's MM/DD/YYYY to ISO YYYY-MM-DD; undefined if it is not a valid date. */
export function usDateToIso(raw: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw.trim());
  if (!m) return undefined;
  const iso = `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : undefined;
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
