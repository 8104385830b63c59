import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { TObject, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { IssueCollector, ValidationError } from '../model/index.js';
import { PORTFOLIO_FORMAT, PORTFOLIO_PARTS, type PortfolioPart } from '../model/org-portfolio.js';
import { issueAt, type RowLocation } from './batch.js';
import { decodeUtf8, parseCsvText } from './csv.js';

/**
 * Reads and validates an organisation portfolio (docs/org-data.md): a folder of `products.csv`,
 * `apis.csv`, `sites.csv`, `ksm.csv`, or one JSON document `{"format":"trustmap-portfolio/1", …}`.
 * Every problem is reported with its file, row and column (JSON: the record's pointer); nothing is
 * returned unless the whole portfolio is valid. Checks that need the store (countries exist) are
 * made when the portfolio is applied (scoped-repository.ts), inside its transaction.
 */

export interface PortfolioRow {
  row: Record<string, unknown>;
  loc: RowLocation;
}

export interface PortfolioBatch {
  format: typeof PORTFOLIO_FORMAT;
  path: string;
  parts: Record<PortfolioPart, PortfolioRow[]>;
  warnings: string[];
}

export const PORTFOLIO_FILES: readonly PortfolioPart[] = ['products', 'apis', 'sites', 'ksm'];

/** Shares of one item may fall short of 1 (unlisted suppliers) but not exceed it beyond rounding. */
const SHARE_TOLERANCE = 0.005;

const checkers = new Map<PortfolioPart, TypeCheck<TObject>>();
function checker(part: PortfolioPart): TypeCheck<TObject> {
  let c = checkers.get(part);
  if (!c) checkers.set(part, (c = TypeCompiler.Compile(PORTFOLIO_PARTS[part])));
  return c;
}

type Prop = TSchema & { type?: string; anyOf?: Prop[] };
function baseType(p: Prop | undefined): string | undefined {
  if (!p) return undefined;
  if (p.type) return p.type;
  return p.anyOf?.find((t) => t.type !== 'null')?.type;
}

/** The first error of a value against a field, through a nullable union to its non-null member. */
function explain(prop: Prop, value: unknown): string | undefined {
  const member = prop.anyOf?.find((t) => t.type !== 'null') ?? prop;
  const first = Value.Errors(member, value).First();
  if (!first) return undefined;
  const desc = (member as { description?: string; items?: { description?: string } }).description;
  const itemDesc = (member as { items?: { description?: string } }).items?.description;
  return first.message.startsWith('Expected string to match') && (itemDesc ?? desc)
    ? `not a valid ${itemDesc ?? desc}`
    : first.message;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

class PortfolioBuilder {
  readonly issues = new IssueCollector(100);
  readonly parts: Record<PortfolioPart, PortfolioRow[]> = { products: [], apis: [], sites: [], ksm: [] };
  readonly warnings: string[] = [];
  constructor(readonly path: string) {}

  /** `reported`: columns whose cell already has an issue (a CSV cell that is not a number) */
  add(part: PortfolioPart, input: Record<string, unknown>, loc: RowLocation, reported?: Set<string>): void {
    const schema = PORTFOLIO_PARTS[part];
    const row = Value.Default(schema, input) as Record<string, unknown>;
    for (const k of Object.keys(schema.properties)) if (row[k] === undefined) row[k] = null;
    for (const k of Object.keys(row))
      if (typeof row[k] === 'string')
        row[k] = (row[k] as string).trim() === '' ? null : (row[k] as string).trim();
    const c = checker(part);
    if (!c.Check(row)) {
      const fields = new Set<string>();
      for (const e of c.Errors(row)) {
        const field = e.path.split('/')[1] ?? '';
        if (fields.has(field) || reported?.has(field)) continue;
        fields.add(field);
        const prop = (schema.properties as Record<string, Prop>)[field];
        this.issues.add(
          issueAt(
            loc,
            field || undefined,
            prop
              ? `${explain(prop, row[field]) ?? e.message} (got ${describe(row[field])})`
              : `unknown field ${JSON.stringify(field)}`,
          ),
        );
        if (fields.size >= 5) break;
      }
      return;
    }
    this.parts[part].push({ row, loc });
  }
}

/** CSV cell → the schema's type: numbers (a trailing % divides by 100), `;`-separated lists. */
function coerce(
  b: PortfolioBuilder,
  part: PortfolioPart,
  col: string,
  raw: string,
  loc: RowLocation,
): unknown {
  const props = PORTFOLIO_PARTS[part].properties as Record<string, Prop>;
  const type = baseType(props[col]);
  const cell = raw.trim();
  if (cell === '') return type === 'array' ? [] : undefined;
  if (type === 'number') {
    const pct = cell.endsWith('%');
    const n = Number((pct ? cell.slice(0, -1) : cell).trim().replace(/,/g, ''));
    if (!Number.isFinite(n)) {
      b.issues.add(issueAt(loc, col, `not a number: ${JSON.stringify(cell)}`));
      return cell;
    }
    return pct ? n / 100 : n;
  }
  if (type === 'array')
    return cell
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  return cell;
}

function addCsv(b: PortfolioBuilder, part: PortfolioPart, text: string, label: string): void {
  const table = parseCsvText(text, label);
  const props = PORTFOLIO_PARTS[part].properties;
  for (const h of table.header)
    if (!(h in props))
      b.issues.add({
        file: table.file,
        row: 1,
        column: h,
        message: `unknown column for ${part}; expected ${Object.keys(props).join(', ')}`,
      });
  for (const { line, record } of table.rows) {
    const loc = { file: table.file, row: line };
    const row: Record<string, unknown> = {};
    const reported = new Set<string>();
    for (const h of table.header) {
      if (!(h in props)) continue;
      const before = b.issues.issues.length;
      const v = coerce(b, part, h, record[h] ?? '', loc);
      if (b.issues.issues.length > before) reported.add(h);
      if (v !== undefined) row[h] = v;
    }
    b.add(part, row, loc, reported);
  }
}

/** Cross-row rules: keys unique, every reference resolves, shares of one item at most 100 %. */
function checkPortfolio(b: PortfolioBuilder): void {
  const { products, apis, sites, ksm } = b.parts;
  const at = (r: PortfolioRow, col: string, msg: string) => b.issues.add(issueAt(r.loc, col, msg));
  const where = (r: PortfolioRow) =>
    `${r.loc.file}${r.loc.row !== undefined ? ` row ${r.loc.row}` : (r.loc.pointer ?? '')}`;
  const norm = (s: unknown) => String(s).trim().toLowerCase();

  const productIds = new Map<string, PortfolioRow>();
  for (const r of products) {
    const id = String(r.row.id);
    const prev = productIds.get(id);
    if (prev) at(r, 'id', `duplicate product ${JSON.stringify(id)}; first at ${where(prev)}`);
    else productIds.set(id, r);
  }
  if (products.length === 0) b.issues.add({ file: b.path, message: 'no products: the portfolio lists none' });

  const apiNames = new Set<string>();
  const productApi = new Map<string, PortfolioRow>();
  for (const r of apis) {
    const pid = String(r.row.product_id);
    if (!productIds.has(pid)) at(r, 'product_id', `unknown product ${JSON.stringify(pid)}`);
    const k = `${pid}|${norm(r.row.api)}`;
    const prev = productApi.get(k);
    if (prev)
      at(r, 'api', `duplicate API ${JSON.stringify(r.row.api)} for product ${pid}; first at ${where(prev)}`);
    else productApi.set(k, r);
    apiNames.add(norm(r.row.api));
  }
  const withApi = new Set(apis.map((r) => String(r.row.product_id)));
  for (const [id, r] of productIds)
    if (!withApi.has(id)) b.warnings.push(`product ${id} (${where(r)}) lists no API`);

  const siteKeys = new Map<string, PortfolioRow>();
  const siteIdentity = new Map<string, PortfolioRow>();
  const apiShares = new Map<string, { sum: number; first: PortfolioRow }>();
  for (const r of sites) {
    const api = norm(r.row.api);
    if (!apiNames.has(api))
      at(r, 'api', `API ${JSON.stringify(r.row.api)} is not used by any product in apis`);
    const k = `${api}|${r.row.site_id}`;
    const prev = siteKeys.get(k);
    if (prev)
      at(r, 'site_id', `duplicate site ${r.row.site_id} for API ${r.row.api}; first at ${where(prev)}`);
    else siteKeys.set(k, r);
    const same = siteIdentity.get(String(r.row.site_id));
    if (!same) siteIdentity.set(String(r.row.site_id), r);
    else
      for (const f of ['name', 'country', 'fei', 'duns'] as const)
        if ((same.row[f] ?? null) !== (r.row[f] ?? null))
          at(
            r,
            f,
            `site ${r.row.site_id} has ${f} ${describe(same.row[f])} at ${where(same)}; one site, one ${f}`,
          );
    if (typeof r.row.share === 'number') {
      const s = apiShares.get(api) ?? { sum: 0, first: r };
      s.sum += r.row.share;
      apiShares.set(api, s);
    }
  }
  for (const [api, s] of apiShares)
    if (s.sum > 1 + SHARE_TOLERANCE)
      at(
        s.first,
        'share',
        `shares of the sites supplying ${api} sum to ${(s.sum * 100).toFixed(1)} %, above 100 %`,
      );

  const ksmKeys = new Map<string, PortfolioRow>();
  const ksmShares = new Map<string, { sum: number; first: PortfolioRow }>();
  for (const r of ksm) {
    const api = norm(r.row.api);
    if (!siteKeys.has(`${api}|${r.row.site_id}`))
      at(r, 'site_id', `no site ${r.row.site_id} supplying API ${JSON.stringify(r.row.api)} in sites`);
    const k = `${api}|${r.row.site_id}|${norm(r.row.ksm)}|${norm(r.row.supplier)}`;
    const prev = ksmKeys.get(k);
    if (prev) at(r, 'supplier', `duplicate KSM supplier; first at ${where(prev)}`);
    else ksmKeys.set(k, r);
    if (typeof r.row.share === 'number') {
      const sk = `${api}|${r.row.site_id}|${norm(r.row.ksm)}`;
      const s = ksmShares.get(sk) ?? { sum: 0, first: r };
      s.sum += r.row.share;
      ksmShares.set(sk, s);
    }
  }
  for (const [k, s] of ksmShares)
    if (s.sum > 1 + SHARE_TOLERANCE) {
      const [api, site, k2] = k.split('|');
      at(
        s.first,
        'share',
        `shares of the suppliers of ${k2} to site ${site} (${api}) sum to ${(s.sum * 100).toFixed(1)} %, above 100 %`,
      );
    }
}

function finish(b: PortfolioBuilder): PortfolioBatch {
  b.issues.throwIfAny();
  checkPortfolio(b);
  b.issues.throwIfAny();
  return { format: PORTFOLIO_FORMAT, path: b.path, parts: b.parts, warnings: b.warnings };
}

/** A portfolio from CSV texts named `products.csv`, `apis.csv`, `sites.csv`, `ksm.csv` (an upload). */
export function parsePortfolioFiles(
  files: readonly { name: string; text: string }[],
  path = 'upload',
): PortfolioBatch {
  const b = new PortfolioBuilder(path);
  const seen = new Set<string>();
  for (const f of files) {
    const name = basename(f.name, extname(f.name)) as PortfolioPart;
    if (extname(f.name).toLowerCase() !== '.csv' || !PORTFOLIO_FILES.includes(name)) {
      b.issues.add({
        file: f.name,
        message: `unknown portfolio file; expected ${PORTFOLIO_FILES.map((p) => `${p}.csv`).join(', ')}`,
      });
      continue;
    }
    seen.add(name);
    addCsv(b, name, f.text, basename(f.name));
  }
  for (const req of ['products', 'apis'] as const)
    if (!seen.has(req))
      b.issues.add({ file: `${req}.csv`, message: 'missing: a portfolio needs products.csv and apis.csv' });
  return finish(b);
}

/** A portfolio from a parsed JSON document (the API's JSON body, or a .json file). */
export function parsePortfolioDocument(doc: unknown, label = 'portfolio.json'): PortfolioBatch {
  const b = new PortfolioBuilder(label);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ValidationError([
      { file: label, message: 'expected a JSON object with products, apis, sites, ksm' },
    ]);
  const obj = doc as Record<string, unknown>;
  if (obj.format !== PORTFOLIO_FORMAT)
    b.issues.add({ file: label, column: 'format', message: `expected "format": "${PORTFOLIO_FORMAT}"` });
  for (const k of Object.keys(obj))
    if (k !== 'format' && !(k in PORTFOLIO_PARTS))
      b.issues.add({ file: `${label}#/${k}`, column: k, message: `unknown field ${JSON.stringify(k)}` });
  for (const part of PORTFOLIO_FILES) {
    const list = obj[part];
    if (list === undefined) {
      if (part === 'products' || part === 'apis')
        b.issues.add({ file: label, column: part, message: 'missing: a portfolio needs products and apis' });
      continue;
    }
    if (!Array.isArray(list)) {
      b.issues.add({ file: `${label}#/${part}`, column: part, message: 'expected an array' });
      continue;
    }
    list.forEach((item, i) => {
      const loc = { file: label, pointer: `#/${part}/${i}` };
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        b.issues.add(issueAt(loc, undefined, 'expected an object'));
      else b.add(part, { ...(item as Record<string, unknown>) }, loc);
    });
  }
  return finish(b);
}

/** Reads a portfolio folder (CSV files) or JSON file. */
export function readPortfolio(path: string): PortfolioBatch {
  if (!existsSync(path)) throw new ValidationError([{ file: path, message: 'no such file or folder' }]);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => extname(f).toLowerCase() === '.csv')
      .map((f) => ({ name: f, text: decodeUtf8(readFileSync(join(path, f)), f) }));
    return parsePortfolioFiles(files, path);
  }
  const label = basename(path);
  const text = decodeUtf8(readFileSync(path), label);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([{ file: label, message: `invalid JSON: ${(e as Error).message}` }]);
  }
  return parsePortfolioDocument(doc, label);
}

/** Whether a path holds a portfolio: a folder with products.csv, or a JSON file declaring the format. */
export function isPortfolio(path: string): boolean {
  if (!existsSync(path)) return false;
  if (statSync(path).isDirectory()) return existsSync(join(path, 'products.csv'));
  if (extname(path).toLowerCase() !== '.json') return false;
  const head = readFileSync(path, 'utf8').slice(0, 4096);
  return head.includes(PORTFOLIO_FORMAT);
}
