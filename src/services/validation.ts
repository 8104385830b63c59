import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value, type ValueError } from '@sinclair/typebox/value';
import type { Issue } from '../model/index.js';

/**
 * What the document validators (scenario, hazard set, plan) share: an issue naming the field path,
 * de-duplication, and documents holding an array of variants told apart by a tag (a shock by
 * `type`, a hazard by `type`, a candidate by `kind`) — each element is checked against the schema
 * its tag names, so a message points inside the element instead of at the whole union.
 */

/** at most this many schema issues from the document's root */
const MAX_ROOT_ISSUES = 50;

export function issue(path: string, message: string, file?: string): Issue {
  return { ...(file ? { file } : {}), column: path.replace(/^\//, ''), message };
}

export function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.column}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export class TaggedArray {
  private readonly checks: Record<string, TypeCheck<TSchema>>;

  /**
   * @param field the document's array of variants (`shocks`)
   * @param tag the element's discriminating field (`type`)
   * @param variants the schema of each tag value
   * @param fill fill in each element's defaults in place (as the root's defaults are)
   */
  constructor(
    readonly field: string,
    readonly tag: string,
    readonly variants: Record<string, TSchema>,
    readonly fill: boolean,
  ) {
    this.checks = Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, TypeCompiler.Compile(v)]));
  }

  /**
   * The root schema's issues outside the array (capped), then each element's against its variant.
   * For nested variants: `skip` leaves out an element's errors the caller explains itself, and
   * `after` adds the caller's own issues of an element right after the element's.
   */
  issues(
    root: TypeCheck<TSchema>,
    value: Record<string, unknown>,
    file?: string,
    nested: {
      skip?: (e: ValueError, element: Record<string, unknown>) => boolean;
      after?: (element: Record<string, unknown>, at: string, out: Issue[]) => void;
    } = {},
  ): Issue[] {
    const out: Issue[] = [];
    const items = Array.isArray(value?.[this.field]) ? (value[this.field] as unknown[]) : null;
    const under = new RegExp(`^/${this.field}/\\d+(/.*)?$`);
    for (const e of root.Errors(value)) {
      if (items && under.test(e.path)) continue; // explained below, against the element's own schema
      out.push(issue(e.path, e.message, file));
      if (out.length >= MAX_ROOT_ISSUES) break;
    }
    items?.forEach((item, i) => {
      const at = `${this.field}/${i}`;
      const t = (item as Record<string, unknown> | null)?.[this.tag];
      const check = typeof t === 'string' ? this.checks[t] : undefined;
      if (!check) {
        out.push(
          issue(
            `${at}/${this.tag}`,
            `expected one of ${Object.keys(this.variants).join(', ')}, got ${JSON.stringify(t)}`,
            file,
          ),
        );
        return;
      }
      const element = (this.fill ? Value.Default(this.variants[t as string]!, item) : item) as Record<
        string,
        unknown
      >;
      items[i] = element;
      for (const e of check.Errors(element))
        if (!nested.skip?.(e, element)) out.push(issue(`${at}${e.path}`, e.message, file));
      nested.after?.(element, at, out);
    });
    return out;
  }
}
