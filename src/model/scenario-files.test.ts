import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { Scenario } from './scenario.js';

/**
 * The historical scenarios shipped in scenarios/ (docs/scenarios.md): each file must be a valid
 * Scenario and carry its evidence — citations with a URL and a year, and a note on every shock that
 * names the citation (`citations/N`) its figures come from.
 */

const dir = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const docs = fileURLToPath(new URL('../../docs/scenarios.md', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const check = TypeCompiler.Compile(Scenario);

function load(file: string): unknown {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

function errors(value: unknown): string[] {
  return [...check.Errors(value)].map((e) => `${e.path}: ${e.message}`);
}

describe('scenarios/*.json', () => {
  it('ships the four historical scenarios of issue 4', () => {
    expect(files).toEqual([
      'china-gallium-germanium-2023.json',
      'china-rare-earths-2025.json',
      'drc-cobalt-2025.json',
      'hubei-india-apis-2020.json',
    ]);
  });

  describe.each(files)('%s', (file) => {
    const value = load(file);

    it('is a valid Scenario', () => {
      expect(errors(value)).toEqual([]);
    });

    const sc = value as Scenario;
    const citations = sc.citations ?? [];

    it('cites its sources, each with a title, an http(s) URL, a year and a quote', () => {
      expect(citations.length).toBeGreaterThan(0);
      for (const c of citations) {
        expect(c.title.length, c.title).toBeGreaterThan(0);
        expect(c.url, c.title).toMatch(/^https?:\/\/\S+$/);
        expect(Number.isInteger(c.year), c.title).toBe(true);
        expect(c.year, c.title).toBeGreaterThanOrEqual(2019);
        expect(c.year, c.title).toBeLessThanOrEqual(2026);
        expect(c.quote?.length ?? 0, c.title).toBeGreaterThan(20);
      }
    });

    it('says on every shock which citation its figures come from, and every reference resolves', () => {
      expect(sc.shocks.length).toBeGreaterThan(0);
      sc.shocks.forEach((s, i) => {
        const refs = [...(s.note ?? '').matchAll(/citations\/(\d+)/g)].map((m) => Number(m[1]));
        expect(refs.length, `shocks/${i}/note`).toBeGreaterThan(0);
        for (const r of refs)
          expect(r, `shocks/${i}/note cites citations/${r}`).toBeLessThan(citations.length);
        for (const m of (s.note ?? '').matchAll(/shocks\/(\d+)/g))
          expect(Number(m[1]), `shocks/${i}/note`).toBeLessThan(sc.shocks.length);
      });
    });

    it('starts every shock inside the horizon and names materials by trustmap id', () => {
      sc.shocks.forEach((s, i) => {
        expect(s.start_day, `shocks/${i}/start_day`).toBeLessThan(sc.horizon_days);
        for (const m of s.materials)
          expect(m, `shocks/${i}/materials`).toMatch(/^[a-z0-9-]+\.(mine|refined|chemical|api|medicine)$/);
      });
    });
  });

  it('names the field of a bad value (shocks/0/share)', () => {
    const sc = structuredClone(load('drc-cobalt-2025.json')) as Scenario;
    const shock = sc.shocks[0]!;
    if (shock.type !== 'export_restriction') throw new Error('expected an export restriction');
    shock.share = 1.5;
    expect(errors(sc).some((e) => e.startsWith('/shocks/0'))).toBe(true);
  });
});

describe('docs/scenarios.md', () => {
  const blocks = [...readFileSync(docs, 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has the minimal and the full example', () => {
    expect(blocks.length).toBe(2);
  });

  it.each(
    blocks.map((b, i) => [i, b] as const),
  )('example %i is a valid Scenario once defaults are filled in', (_, text) => {
    const value = Value.Default(Scenario, JSON.parse(text));
    expect(errors(value)).toEqual([]);
  });

  it('the full example uses every top-level field and every kind of shock and lever', () => {
    const full = JSON.parse(blocks[1]!) as Scenario;
    expect(Object.keys(full).sort()).toEqual(Object.keys(Scenario.properties).sort());
    expect(new Set(full.shocks.map((s) => s.type))).toEqual(
      new Set(['export_restriction', 'capacity_loss', 'demand_surge', 'stockpile_release']),
    );
    expect(Object.keys(full.levers ?? {}).sort()).toEqual(
      Object.keys(Scenario.properties.levers.properties).sort(),
    );
  });
});
