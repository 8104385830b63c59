import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../web/src/lib/csv.js';
import { figureValue, num, pct, showFigure } from '../../web/src/lib/format.js';
import { formatHash, parseHash } from '../../web/src/lib/route.js';
import { sortRows } from '../../web/src/lib/sort.js';
import { SseParser } from '../../web/src/lib/sse.js';

describe('figures', () => {
  it('shows an unavailable figure as "unavailable" with its reason, never as 0', () => {
    expect(showFigure({ unavailable: 'no US export figure' }, (n) => pct(n))).toEqual({
      text: 'unavailable',
      reason: 'no US export figure',
    });
    expect(showFigure(0.99, (n) => pct(n))).toEqual({ text: '99.0 %', reason: null });
    expect(showFigure(null, (n) => pct(n)).text).toBe('–');
    expect(figureValue({ unavailable: 'x' })).toBeNull();
  });
  it('formats large numbers with separators and small ones with decimals', () => {
    expect(num(9803.505)).toBe('9,804');
    expect(num(3.69377)).toBe('3.69');
    expect(num(0.12345)).toBe('0.123');
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          [1.5, null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n');
  });
  it('defuses spreadsheet formulas in text but keeps negative numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField('-0.25')).toBe("'-0.25");
  });
  it('round-trips any text through a CSV reader', async () => {
    const { parse } = await import('csv-parse/sync');
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          const text = toCsv(['a', 'b'], rows);
          const back = parse(text, { relax_column_count: true }) as string[][];
          expect(back.slice(1)).toEqual(
            rows.map((r) => r.map((s) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s))),
          );
        },
      ),
    );
  });
});

describe('sortRows', () => {
  const rows = [
    { id: 'a', v: 3 as number | null },
    { id: 'b', v: null },
    { id: 'c', v: 1 },
    { id: 'd', v: 3 },
  ];
  it('sorts ascending and descending, stable on ties, rows without a figure last either way', () => {
    expect(sortRows(rows, (r) => r.v, 'asc').map((r) => r.id)).toEqual(['c', 'a', 'd', 'b']);
    expect(sortRows(rows, (r) => r.v, 'desc').map((r) => r.id)).toEqual(['a', 'd', 'c', 'b']);
  });
  it('is a permutation that orders every pair of figures', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer(), { nil: null })), fc.boolean(), (vals, asc) => {
        const out = sortRows(vals, (v) => v, asc ? 'asc' : 'desc');
        expect([...out].sort()).toEqual([...vals].sort());
        const figs = out.filter((v) => v !== null);
        expect(out.slice(0, figs.length).every((v) => v !== null)).toBe(true);
        for (let i = 1; i < figs.length; i++)
          expect(asc ? figs[i]! >= figs[i - 1]! : figs[i]! <= figs[i - 1]!).toBe(true);
      }),
    );
  });
});

describe('hash routes', () => {
  it('reads page, id and state', () => {
    expect(parseHash('#/material/gallium.refined?concern=CHN&tab=flows')).toEqual({
      page: 'material',
      id: 'gallium.refined',
      params: { concern: 'CHN', tab: 'flows' },
    });
    expect(parseHash('').page).toBe('overview');
    expect(parseHash('#/nonsense').page).toBe('overview');
  });
  it('formats and parses back to the same route', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('overview', 'material', 'scenario', 'data'),
        fc.option(fc.string({ minLength: 1 }), { nil: null }),
        fc.dictionary(fc.string({ minLength: 1 }), fc.string({ minLength: 1 })),
        (page, id, params) => {
          const r = parseHash(formatHash({ page, id, params }));
          expect(r.page).toBe(page);
          expect(r.id).toBe(id);
          expect(r.params).toEqual({ ...params });
        },
      ),
    );
  });
});

describe('SSE parser', () => {
  it('reads events split across chunks anywhere, multi-line data and comments', () => {
    const p = new SseParser();
    const text =
      ': hi\r\nevent: progress\r\ndata: {"done":1,\r\ndata: "total":4}\r\n\r\nevent: done\ndata: {}\n\n';
    const all = [];
    for (let i = 0; i < text.length; i += 3) all.push(...p.push(text.slice(i, i + 3)));
    expect(all).toEqual([
      { event: 'progress', data: '{"done":1,\n"total":4}', id: null },
      { event: 'done', data: '{}', id: null },
    ]);
  });
  it('gives the same events for any chunking', () => {
    const text = 'event: progress\ndata: a\n\ndata: b\r\n\r\nid: 7\nevent: failed\ndata: c\r\rdata: d\n\n';
    const whole = new SseParser().push(text);
    expect(whole.map((e) => e.data)).toEqual(['a', 'b', 'c', 'd']);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length }), { maxLength: 8 }), (cuts) => {
        const p = new SseParser();
        const pts = [0, ...[...new Set(cuts)].sort((a, b) => a - b), text.length];
        const evs = [];
        for (let i = 1; i < pts.length; i++) evs.push(...p.push(text.slice(pts[i - 1], pts[i])));
        expect(evs).toEqual(whole);
      }),
    );
  });
});
