import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyBundledDb } from '../../../test/helpers/bundled-db.js';
import { runCommand } from '../../../test/helpers/run-command.js';
import { addUser } from '../../store/accounts.js';
import { openSqliteStore } from '../../store/sqlite.js';
import { registerImport } from './import.js';
import { registerRisk } from './risk.js';
import { registerShow } from './show.js';

const all = (p: Command) => {
  registerImport(p);
  registerShow(p);
  registerRisk(p);
};

/**
 * `--org` on the analysis commands, on the bundled data: gallium 2025 (USGS MCS 2026) is China
 * 900,000 kg, Russia 6,000, Japan 3,000, United States 0 ("other" 0). An organisation's record of
 * 91,000 kg of US production in 2025 replaces the public US row (same material, country, year) in
 * its view only.
 */
describe('analysis commands with --org', () => {
  let db: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tm-orgview-'));
    db = join(dir, 'db.sqlite');
    copyBundledDb(db);
    const store = await openSqliteStore(db);
    try {
      await addUser(store, {
        email: 'a@acme.example',
        password: 'a long enough password',
        org: 'Acme',
        role: 'analyst',
      });
    } finally {
      await store.close();
    }
    const file = join(dir, 'own.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'trustmap/1',
        source: [
          {
            id: 'plant-log',
            publisher: 'Acme',
            title: 'own plant log (illustrative)',
            year: 2025,
            licence: 'confidential',
          },
        ],
        production: [
          {
            material_id: 'gallium.refined',
            country: 'USA',
            period: '2025',
            measure: 'production',
            quantity: 91000,
            unit: 'kg',
            source_id: 'plant-log',
            illustrative: true,
          },
        ],
      }),
    );
    const r = await runCommand(all, db, ['import', '--org', 'acme', file]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('gives show --org the organisation HHI and China share; without --org the public ones', async () => {
    const show = async (args: string[]) => {
      const r = await runCommand(all, db, ['show', 'gallium.refined', '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout);
      return rep.concentration.find(
        (c: { measure: string; period: string }) => c.measure === 'production' && c.period === '2025',
      );
    };
    // public: 909,000 kg; HHI = (900,000² + 6,000² + 3,000²) / 909,000² × 10⁴ = 8.10045e11 / 8.26281e11 × 10⁴ ≈ 9,803.5
    const pub = await show([]);
    expect(pub.hhi).toBeCloseTo((810_045e6 / 826_281e6) * 1e4, 6);
    expect(pub.concernShare).toBeCloseTo(900_000 / 909_000, 12);
    // Acme: US 0 → 91,000: 1,000,000 kg; HHI = (0.9² + 0.006² + 0.003² + 0.091²) × 10⁴
    //   = (0.81 + 0.000036 + 0.000009 + 0.008281) × 10⁴ = 8,183.26
    const own = await show(['--org', 'Acme']);
    expect(own.hhi).toBeCloseTo(8183.26, 6);
    expect(own.concernShare).toBeCloseTo(0.9, 12);
    expect(own.shares.find((s: { country: string }) => s.country === 'USA').quantity).toBe(91000);
    // risk --org reads the same rows
    const risk = async (args: string[]) => {
      const r = await runCommand(all, db, ['risk', '--kind', 'mineral', '--tag', 'all', '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).minerals.find(
        (m: { material: { id: string } }) => m.material.id === 'gallium.refined',
      ).hhi;
    };
    expect(await risk(['--org', 'acme'])).toBeCloseTo(8183.26, 6);
    expect(await risk([])).toBeCloseTo((810_045e6 / 826_281e6) * 1e4, 6);
  });

  it('names an unknown organisation', async () => {
    const r = await runCommand(all, db, ['show', 'gallium.refined', '--org', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nobody/);
  });
});
