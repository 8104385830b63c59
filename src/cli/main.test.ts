import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';

/**
 * End-to-end CLI tests: the compiled-from-source CLI run as a user would (through tsx), on a
 * database built from the real bundled data once for the whole file.
 */
const root = join(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const main = join(root, 'src/cli/run.ts');
let dir: string;
let db: string;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(tsx, [main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TRUSTMAP_DB: db, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-cli-'));
  db = join(dir, 'trustmap.db');
  copyBundledDb(db);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trustmap CLI', () => {
  it('gives China’s share of 2025 primary gallium from the bundled USGS data (900,000 of 909,000 kg)', () => {
    const r = cli(['show', 'gallium', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const reports = Array.isArray(report) ? report : [report];
    const ga = reports.find((x: { material: { id: string } }) => x.material.id === 'gallium.refined');
    const p2025 = ga.concentration.find(
      (c: { measure: string; period: string }) => c.measure === 'production' && c.period === '2025',
    );
    expect(p2025.total).toBe(909_000);
    expect(p2025.worldTotal).toBe(900_000);
    expect(p2025.concernShare).toBeCloseTo(900_000 / 909_000, 12);
    expect(ga.sources.map((s: { id: string }) => s.id)).toContain('usgs-mcs-2026');
  });

  it('lists an API’s active Type II DMF holders by country (metformin)', () => {
    const r = cli(['show', 'metformin', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.material.stage).toBe('api');
    expect(rep.dmf.holders).toBeGreaterThanOrEqual(10);
    const ind = rep.dmf.byCountry.find((c: { country: string }) => c.country === 'IND');
    const chn = rep.dmf.byCountry.find((c: { country: string }) => c.country === 'CHN');
    expect(ind.holders).toBeGreaterThan(0);
    expect(chn.holders).toBeGreaterThan(0);
    expect(rep.assumptions.join(' ')).toMatch(/not capacity/);
  });

  it('finds a medicine by its synonym (acetaminophen is paracetamol)', () => {
    const r = cli(['show', 'acetaminophen']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/paracetamol\.api/);
    expect(r.stdout).toMatch(/Active Type II DMF holders: \d+/);
  });

  it('says a withheld figure is withheld, not zero (US antimony mine production 2025)', () => {
    const r = cli(['show', 'antimony.mine', '--json']);
    const rep = JSON.parse(r.stdout);
    const p2025 = rep.concentration.find(
      (c: { measure: string; period: string }) => c.measure === 'production' && c.period === '2025',
    );
    const usa = p2025.shares.find((s: { country: string }) => s.country === 'USA');
    expect(usa).toMatchObject({ quantity: null, share: null, flag: 'W' });
    expect(p2025.withheld).toContain('USA');
    expect(rep.assumptions.join(' ')).toMatch(/withheld or not available for USA/);
    const text = cli(['show', 'antimony.mine']).stdout;
    expect(text).toMatch(/USA\s+–\s+withheld/);
  });

  it('answers an unknown material with one line, suggestions, exit code 1 and no stack trace', () => {
    const r = cli(['show', 'galium']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: unknown material: galium/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('answers a missing database with a hint to run init', () => {
    const r = cli(['materials'], { TRUSTMAP_DB: join(dir, 'nope.db') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no database at .*nope\.db; run `trustmap init` first/);
  });

  it('rejects a bad option value with a usage error', () => {
    const r = cli(['materials', '--stage', 'smelted']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown stage "smelted"/);
  });

  it('reports a bad import row by file, row and column and leaves the database unchanged', () => {
    const before = cli(['sources', '--json']);
    const r = cli(['import', join(root, 'test/fixtures/interchange-bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/production\.csv, row 3, column country: unknown country "JPX"/);
    expect(r.stderr).toMatch(/nothing was imported; the database is unchanged/);
    const after = cli(['sources', '--json']);
    expect(after.stdout).toBe(before.stdout);
  });

  it('refuses to overwrite an existing database without --force', () => {
    const r = cli(['init']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists; use --force/);
  });

  it('lists sources with publisher, year and licence', () => {
    const r = cli(['sources', '--json']);
    const rows = JSON.parse(r.stdout) as { id: string; licence: string; records: number }[];
    const usgs = rows.find((s) => s.id === 'usgs-mcs-2026');
    expect(usgs?.licence).toMatch(/public domain/i);
    expect(usgs?.records).toBeGreaterThan(1000);
  });

  it('shows the hidden dependency of US gallium on China through Canadian, Japanese and German refiners', () => {
    const r = cli(['exposure', 'gallium', '--country', 'USA', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    const us = rep.buyers.find((b: { country: string }) => b.country === 'USA');
    expect(us.concern.direct).toBeCloseTo(0.18, 12);
    // hand: 0.18 + (0.28 + 0.16 + 0.16 + 0.22 − 3/909) × 900/909 (proportional partner rule)
    expect(us.concern.bottleneck).toBeCloseTo(0.18 + (0.28 + 0.16 + 0.16 + 0.22 - 3 / 909) * (900 / 909), 9);
    expect(rep.assumptions.join(' ')).toMatch(/global-mix/);
  });

  it('ranks critical minerals with import reliance and APIs by vulnerability, with sources', () => {
    const r = cli(['risk', '--region', 'USA', '--json']);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout);
    const ga = t.minerals.find((m: { material: { id: string } }) => m.material.id === 'gallium.refined');
    expect(ga.concernShare).toBeCloseTo(900 / 909, 12);
    expect(ga.importReliance).toBe(1);
    const hhis = t.minerals.map((m: { hhi: number }) => m.hhi);
    expect([...hhis].sort((a: number, b: number) => b - a)).toEqual(hhis);
    expect(t.apis.length).toBeGreaterThan(10);
    for (const a of t.apis) if (typeof a.score === 'number') expect(a.score).toBeGreaterThanOrEqual(0);
    expect(t.sources).toContain('usgs-mcs-2026');
  });

  it('adds the EU supply risk with --region EU and explains each factor with sr', () => {
    const r = cli(['risk', '--region', 'EU', '--kind', 'mineral', '--json']);
    const ga = JSON.parse(r.stdout).minerals.find(
      (m: { material: { id: string } }) => m.material.id === 'gallium.refined',
    );
    expect(ga.euSupplyRisk).toBeGreaterThan(3);
    const sr = cli(['sr', 'gallium', '--region', 'EU']);
    expect(sr.code).toBe(0);
    expect(sr.stdout).toMatch(/HHI_WGI,t global/);
    expect(sr.stdout).toMatch(/EOL-RIR/);
  });

  it('rejects a concern that is not an ISO3 code', () => {
    const r = cli(['risk', '--concern', 'China']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--concern must be an ISO 3166-1 alpha-3 code/);
  });

  it('accepts a user-defined region as a list of ISO3 codes and names an unknown one', () => {
    const r = cli(['risk', '--region', 'USA,IND,JPN', '--kind', 'mineral', '--json']);
    const t = JSON.parse(r.stdout);
    expect(t.region.members).toEqual(['IND', 'JPN', 'USA']);
    const ga = t.minerals.find((m: { material: { id: string } }) => m.material.id === 'gallium.refined');
    expect(ga.regionShare).toBeCloseTo(3000 / 909_000, 12);
    const bad = cli(['risk', '--region', 'USA,XXQ']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown country: XXQ/);
  });
});
