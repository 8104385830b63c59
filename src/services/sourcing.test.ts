import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../test/helpers/bundled-db.js';
import { isUnavailable } from '../engine/analytics/concentration.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { type SourcingReport, sourcingReports, unitFactor, usBalanceMaterials } from './sourcing.js';

/** Sourcing and import reliance on the real bundled data (one full build of the database). */
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trustmap-sourcing-'));
  const file = join(dir, 'full.db');
  copyBundledDb(file);
  store = await openStore(file);
}, 300_000);

afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function one(query: string, region = 'USA'): Promise<SourcingReport> {
  const [r] = await sourcingReports(store, query, { region });
  return r!;
}

const shareOf = (r: SourcingReport, c: string) =>
  isUnavailable(r.sourcing.shares)
    ? Number.NaN
    : (r.sourcing.shares.find((s) => s.country === c)?.share ?? 0);

describe('US import reliance beside USGS net import reliance (MCS 2026, 2024)', () => {
  it('gallium: 1 with zero primary production, wafers left out as USGS does', async () => {
    const r = await one('gallium');
    expect(r.year).toBe('2024');
    expect(r.importReliance.value).toBe(1);
    expect(r.importReliance.method).toBe('zero-production');
    expect(r.comparison?.usgs.published).toBe('100 %');
    expect(r.comparison?.differencePoints).toBe(0);
    expect(r.members[0]!.rows.map((x) => x.detail)).not.toContain(
      'Imports for consumption: Gallium arsenide wafers (gross weight)',
    );
    // σ: no US production, imports split by the USGS 2021–24 import sources
    expect(shareOf(r, 'CAN')).toBeCloseTo(0.28, 12);
    expect(shareOf(r, 'CHN')).toBeCloseTo(0.18, 12);
    expect(r.assumptions.join(' ')).toMatch(/2021-2024 averages/);
  });

  it('cobalt: (10,800 − 4,880) / (2,050 + 10,800 − 4,880) = 0.7428 against USGS 74 %', async () => {
    const r = await one('cobalt.refined');
    expect(r.importReliance.value).toBeCloseTo(5920 / 7970, 12);
    expect(r.comparison?.usgs.value).toBe(0.74);
    expect(Math.abs(r.comparison!.differencePoints!)).toBeLessThan(1);
    expect(r.comparison?.explanation.join(' ')).toMatch(/stock/);
    // σ_USA = 2,050 / (2,050 + 10,800)
    expect(shareOf(r, 'USA')).toBeCloseTo(2050 / 12850, 12);
    expect(shareOf(r, 'NOR')).toBeCloseTo((0.26 * 10800) / 12850, 12);
  });

  it('lithium: unavailable because US production is withheld; USGS publishes a bound', async () => {
    const r = await one('lithium.chemical');
    expect(isUnavailable(r.importReliance.value) && r.importReliance.value.unavailable).toMatch(
      /withheld \(W\)/,
    );
    expect(r.usgs[0]?.published).toBe('>50 %');
    expect(isUnavailable(r.sourcing.shares)).toBe(true);
  });

  it('rare earths (compounds and metals): from apparent consumption, (9,010 − 4,300) / 9,010 against USGS 53 %', async () => {
    const r = await one('rare-earths.refined');
    expect(r.importReliance.value).toBeCloseTo(4710 / 9010, 12);
    expect(r.importReliance.method).toBe('apparent-consumption');
    expect(r.comparison?.usgs.value).toBe(0.53);
    // σ_CHN = 0.71 · (8,120 + 96) / (4,300 + 8,216)
    expect(shareOf(r, 'CHN')).toBeCloseTo((0.71 * 8216) / 12516, 12);
  });

  it('rare-earth concentrates: unavailable with the reason, USGS E shown beside it', async () => {
    const r = await one('rare-earths.mine');
    expect(isUnavailable(r.importReliance.value)).toBe(true);
    expect(r.usgs[0]?.published).toBe('E');
  });

  it('reports a net exporter as negative with the flag E, like USGS', async () => {
    const r = await one('diatomite');
    expect(r.importReliance.value).toBeLessThan(0);
    expect(r.importReliance.flag).toBe('E');
    expect(r.comparison?.usgs.published).toBe('E');
    expect(r.comparison?.explanation).toContain('both show a net exporter');
  });

  it('leaves ambiguous rows unavailable instead of guessing', async () => {
    const r = await one('beryllium.mine');
    expect(isUnavailable(r.importReliance.value) && r.importReliance.value.unavailable).toMatch(
      /several materials/,
    );
  });

  it('keeps every computable US figure at or below 1 and every share set summing to 1 + residual', async () => {
    const ids = await usBalanceMaterials(store);
    let computed = 0;
    for (const id of ids) {
      const r = await one(id);
      const v = r.importReliance.value;
      if (!isUnavailable(v)) {
        computed++;
        expect(v).toBeLessThanOrEqual(1 + 1e-12);
        expect(v < 0).toBe(r.importReliance.flag === 'E');
      }
      if (!isUnavailable(r.sourcing.shares)) {
        const sum = r.sourcing.shares.reduce((a, s) => a + s.share, 0);
        expect(sum - 1).toBeCloseTo(r.sourcing.residual!, 9);
        expect(Math.abs(r.sourcing.residual!)).toBeLessThan(0.02);
      }
    }
    expect(computed).toBeGreaterThanOrEqual(15);
  });
});

describe('regions without bilateral quantities', () => {
  it('India: import reliance unavailable (no quantities), sourcing at the world mix, said so', async () => {
    const r = await one('gallium', 'IND');
    expect(isUnavailable(r.importReliance.value) && r.importReliance.value.unavailable).toMatch(/DGCI&S/);
    expect(r.sourcing.method).toBe('global-mix');
    expect(r.assumptions.join(' ')).toMatch(/global-mix assumption/);
    expect(shareOf(r, 'CHN')).toBeGreaterThan(0.98);
  });

  it('TRUST: unavailable for India’s part, named; the US figures stay in the member rows', async () => {
    const r = await one('cobalt.refined', 'TRUST');
    expect(r.region.members).toEqual(['IND', 'USA']);
    expect(isUnavailable(r.importReliance.value) && r.importReliance.value.unavailable).toMatch(/IND/);
    const us = r.members.find((m) => m.country === 'USA')!;
    expect(us.imports).toBe(10800);
    expect(r.comparison).toBeNull();
  });
});

describe('unitFactor', () => {
  it('converts mass units and refuses the rest', () => {
    expect(unitFactor('thousand metric tons', 't')).toBe(1000);
    expect(unitFactor('kilograms', 't')).toBe(0.001);
    expect(unitFactor('million carats', 't')).toBeNull();
  });
});
