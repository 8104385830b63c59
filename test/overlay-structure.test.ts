import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 6: "organisation-scoped rows are reachable only through one scoped repository in the store
 * layer, never filtered ad hoc in handlers". Services, the server, the command line and the shared
 * read queries read the tables that can hold an organisation's rows through a read view
 * (`view.from(table)`, src/store/read-view.ts) and never name `org_id`; the filter lives in
 * src/store/scoped-repository.ts (and the write path, apply-batch.ts and runs.ts).
 */

const ROOT = join(import.meta.dirname, '..');
const OVERLAY_TABLES = [
  'material',
  'facility',
  'production',
  'recipe',
  'trade_flow',
  'sourcing_share',
  'demand',
  'stock',
  'agreement',
  'source',
];
const DIRECT = new RegExp(
  `\\b(selectFrom|updateTable|deleteFrom|insertInto)\\(\\s*['"\`](${OVERLAY_TABLES.join('|')})( as \\w+)?['"\`]`,
);
// joining `source` by the id a visible row cites is safe (a row cites public or its own sources)
const JOIN = new RegExp(
  `\\b(innerJoin|leftJoin|rightJoin|fullJoin)\\(\\s*['"\`](${OVERLAY_TABLES.filter((t) => t !== 'source').join('|')})( as \\w+)?['"\`]`,
);
const ORG_FILTER =
  /\bwhere\(\s*['"`][\w.]*org_id['"`]|org_id\s*(is\b|=|<>|!=|in\b)|\.org_id\s*(===|!==|==|!=)/;

/** the lines of `text` that read an overlay table directly or filter by organisation */
function violations(text: string): string[] {
  return text.split('\n').filter((line) => DIRECT.test(line) || JOIN.test(line) || ORG_FILTER.test(line));
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('organisation rows are read through views only', () => {
  it('finds a direct read or an org_id filter when there is one (the check itself)', () => {
    expect(violations("  const r = await store.db.selectFrom('production').selectAll();")).toHaveLength(1);
    expect(violations(".innerJoin('material as m', 'm.id', 'recipe.input_id')")).toHaveLength(1);
    expect(violations("    .where('org_id', 'is', null)")).toHaveLength(1);
    expect(violations("    .where('production.org_id', '=', org)")).toHaveLength(1);
    expect(violations('  if (row.org_id !== null) continue;')).toHaveLength(1);
    expect(violations('sql`select * from x where org_id = $1`')).toHaveLength(1);
    expect(violations("  const r = await view.from('production').selectAll();")).toHaveLength(0);
    expect(violations("  await store.db.selectFrom('statistic').selectAll();")).toHaveLength(0);
    expect(violations("  await store.db.selectFrom('source').selectAll();")).toHaveLength(1);
    expect(violations(".innerJoin('source', 'source.id', 'production.source_id')")).toHaveLength(0);
  });

  it('holds for src/services, src/server, src/cli and the shared read queries', () => {
    const checked = [
      ...files(join(ROOT, 'src/services')),
      ...files(join(ROOT, 'src/server')),
      ...files(join(ROOT, 'src/cli')),
      join(ROOT, 'src/store/queries.ts'),
      join(ROOT, 'src/store/snapshot-loader.ts'),
    ];
    expect(checked.length).toBeGreaterThan(40);
    const found = checked.flatMap((f) =>
      violations(readFileSync(f, 'utf8')).map((l) => `${relative(ROOT, f)}: ${l.trim()}`),
    );
    expect(found).toEqual([]);
  });
});
