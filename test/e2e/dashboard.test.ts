import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { addUser } from '../../src/store/accounts.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { copyBundledDb } from '../helpers/bundled-db.js';

/**
 * The dashboard end to end in Debian's chromium (playwright-core drives /usr/bin/chromium; CI
 * installs it with apt-get): a real server on a copy of the bundled database serving a fresh
 * `vite build` of web/. Sign in, overview and a material, a shipped scenario run as a job with
 * its chart, the optimiser, and an import of a bad file with its row errors.
 */
const CHROMIUM = '/usr/bin/chromium';
const EMAIL = 'analyst@e2e.example';
const PASSWORD = 'correct horse battery staple';

describe.skipIf(!existsSync(CHROMIUM))('dashboard in chromium', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustmap-e2e-'));
    const web = join(dir, 'web');
    const { build } = await import('vite');
    await build({
      configFile: join(import.meta.dirname, '../../web/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: web, emptyOutDir: true },
    });
    const file = join(dir, 'e2e.db');
    copyBundledDb(file);
    store = await openSqliteStore(file);
    await addUser(store, { email: EMAIL, password: PASSWORD, org: 'E2E Pharma', role: 'analyst' });
    app = await buildServer({ store, dbLocation: file, staticDir: web, limits: { rateMax: 100_000 } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 850 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(30_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with e-mail and password and shows the organisation as private', async () => {
    await page.goto(base);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('private to E2E Pharma').first().waitFor();
    expect(await page.locator('.who').innerText()).toContain(EMAIL);
  });

  it('shows the ranked risk table and the world map of the selected material', async () => {
    await page.getByRole('heading', { name: 'Where supply is concentrated' }).waitFor();
    const first = page.locator('#main table').first().locator('tbody tr').first();
    await first.waitFor();
    // the bundled data rank gallium first by HHI (USGS MCS 2026: China 99 % of 2025 production)
    expect(await first.innerText()).toMatch(/Gallium/);
    await page
      .locator(
        'figure[aria-label^="Gallium (primary low-purity production): share of production"][data-ready="true"]',
      )
      .waitFor();
    expect(await page.locator('figure[aria-label^="Gallium"] svg path').count()).toBeGreaterThan(100);
    // filters are in the URL, so the view can be shared
    await page.getByLabel('Material kind').selectOption('mineral');
    await page.waitForURL(/kind=mineral/);
    expect(await page.getByRole('heading', { name: 'APIs, ranked by vulnerability' }).count()).toBe(0);
  });

  it('opens a material page with production, supply risk factors, the Sankey and its paths', async () => {
    await page.goto(`${base}#/material/gallium.refined`);
    await page.getByRole('heading', { name: /Gallium \(primary low-purity production\)/ }).waitFor();
    await page.getByRole('heading', { name: 'EU CRM supply risk, factor by factor' }).waitFor();
    await page.getByText('supply risk (SR)').waitFor();
    await page.locator('figure[aria-label*="flows carrying USA\'s exposure"][data-ready="true"]').waitFor();
    await page.getByText("Paths that carry USA's exposure to CHN").waitFor();
    const paths = await page.locator('table:has(caption:text("Paths that carry")) tbody tr').count();
    expect(paths).toBeGreaterThan(0);
    await page.locator('figure[aria-label*="production by country"][data-ready="true"]').first().waitFor();
  });

  it('runs a shipped scenario as a job and draws its curves and TTS against TTR', async () => {
    await page.goto(`${base}#/scenario`);
    await page.getByRole('combobox', { name: /^Scenario/ }).selectOption('china-gallium-germanium-2023');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await page.waitForURL(/job=/);
    await page.locator('.status.done').waitFor({ timeout: 120_000 });
    await page.getByRole('heading', { name: /^Result: China gallium and germanium/ }).waitFor();
    const curve = page
      .locator('figure[aria-label*="supply, demand, shortfall, inventory per day"][data-ready="true"]')
      .first();
    await curve.waitFor();
    expect(await curve.locator('svg path').count()).toBeGreaterThan(3);
    expect(
      await page.locator('table:has(caption:text("Observed TTS and TTR")) tbody tr').count(),
    ).toBeGreaterThan(0);
  });

  it("builds a scenario of several shocks and shows the API's validation message next to the field", async () => {
    await page.goto(`${base}#/scenario?mode=form`);
    await page.getByRole('heading', { name: 'Build a scenario' }).waitFor();
    await page.getByRole('button', { name: 'Add a shock' }).click();
    await page.getByRole('group', { name: 'Shock 2' }).waitFor();
    await page.getByLabel('Shock 2 type').selectOption('capacity_loss');
    await page.getByLabel('Shock 2 country (ISO3)').fill('JPN');
    // a capacity loss of 150 % is outside the schema (share 0–1): the server answers 422
    await page.getByLabel('Shock 2 share cut or surge factor').fill('1.5');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    const msg = page.locator('[id="e-shocks.1.share"]');
    await msg.waitFor();
    expect(await msg.innerText()).not.toBe('');
    expect(await page.getByLabel('Shock 2 share cut or surge factor').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await page.locator('[id="e-shocks.0.share"]').count()).toBe(0);
    // fixed, and with the first shock removed, it runs
    await page.getByLabel('Shock 2 share cut or surge factor').fill('0.5');
    await page.getByRole('button', { name: 'Remove shock 1' }).click();
    expect(await page.getByRole('group', { name: /^Shock \d/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await page.waitForURL(/job=/);
    await page.locator('.status.done').waitFor({ timeout: 120_000 });
    expect(decodeURIComponent(page.url())).toContain('"country":"JPN"');
  });

  it('runs the optimiser on a shipped plan and shows the job result: interventions and the curve', async () => {
    await page.goto(`${base}#/optimiser?plan=trust-pilot-apis`);
    await page.getByRole('combobox', { name: 'Plan' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Plan' }).inputValue()).toBe('trust-pilot-apis');
    // the plan's budget, in INR, with the USD figure beside it at the plan's (illustrative) rate
    await page.getByText(/≈ USD [\d,]+ at 83 INR\/USD/).waitFor();
    await page.locator('table:has(caption:text("Candidate interventions")) tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Optimise' }).click();
    await page.waitForURL(/job=/);
    await page.locator('.status.done').waitFor({ timeout: 120_000 });
    expect(page.url()).toMatch(/plan=trust-pilot-apis/);
    expect(page.url()).toMatch(/budget=500000000/);

    // the same job's result, fetched from the API
    const jobId = new URL(page.url().replace('#/optimiser', '')).searchParams.get('job');
    const token = await page.evaluate(() =>
      (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(
        'trustmap.token',
      ),
    );
    const job = (await (
      await fetch(`${base}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { result: unknown };
    const result = job.result as {
      chosen: { id: string; cost: { amount: number }; existingRegisteredSite: { firmName: string } | null }[];
      budgetCurve: { budgetShare: number; size: { rows: number; columns: number; nonzeros: number } }[];
      priorities: { material: string }[];
    };
    expect(result.chosen.length).toBeGreaterThan(0);

    const chosen = page.locator('table:has(caption:text("Interventions bought with")) tbody tr');
    await chosen.first().waitFor();
    const rows = await chosen.allInnerTexts();
    expect(rows).toHaveLength(result.chosen.length);
    for (const c of result.chosen) {
      const row = rows.find((r) => r.startsWith(c.id));
      expect(row, c.id).toBeDefined();
      expect(row).toContain(Math.round(c.cost.amount).toLocaleString('en-US'));
      if (c.existingRegisteredSite) expect(row).toContain(c.existingRegisteredSite.firmName);
    }

    const curve = page.locator(
      'figure[aria-label^="Budget against weighted unmet demand"][data-ready="true"]',
    );
    await curve.waitFor();
    expect(await curve.locator('svg path').count()).toBeGreaterThan(2);
    const solves = await page.locator('table:has(caption:text("Each solve")) tbody tr').allInnerTexts();
    expect(solves).toHaveLength(result.budgetCurve.length);
    const size = result.budgetCurve[0]!.size;
    expect(solves[0]).toMatch(new RegExp(`\\b${size.rows}\\s+${size.columns}\\s+${size.nonzeros}\\b`));
    await page.getByRole('heading', { name: 'Priority products' }).waitFor();
    expect(await page.locator('ol.priorities > li').count()).toBe(result.priorities.length);
    expect(await page.locator('ol.priorities > li').first().innerText()).toContain(
      result.priorities[0]!.material,
    );
  });

  it('imports a bad portfolio and lists its errors row by row, writing nothing', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(
      join(bad, 'products.csv'),
      'id,name,ndc,stock_days,note\namox-500,Amoxicillin 500 mg,,-5,\npara-500,Paracetamol,,abc,\n',
    );
    writeFileSync(join(bad, 'apis.csv'), 'product_id,api,stock_days,note\namox-500,amoxicillin,20,\n');
    writeFileSync(
      join(bad, 'sites.csv'),
      'api,site_id,name,company,country,fei,duns,share,note\namoxicillin,s1,Site 1,Co A,IND,,,1,\n',
    );
    writeFileSync(join(bad, 'ksm.csv'), 'api,site_id,ksm,supplier,country,fei,duns,share,note\n');
    await page.goto(`${base}#/data`);
    await page.getByRole('heading', { name: 'Public reference data: sources' }).waitFor();
    await page.locator('table:has(caption:text("Every bundled source")) tbody tr').first().waitFor();
    await page
      .getByLabel('File')
      .setInputFiles(['products.csv', 'apis.csv', 'sites.csv', 'ksm.csv'].map((f) => join(bad, f)));
    await page.getByRole('button', { name: 'Validate and import' }).click();
    const issues = page.locator('table.issues tbody tr');
    await issues.first().waitFor();
    const rows = await issues.allInnerTexts();
    expect(rows.some((r) => /products\.csv\s+2\s+stock_days/.test(r))).toBe(true);
    expect(rows.some((r) => /products\.csv\s+3\s+stock_days/.test(r))).toBe(true);
    await page.goto(`${base}#/portfolio`);
    await page
      .getByText(/No portfolio yet|products/)
      .first()
      .waitFor();
    expect(pageErrors).toEqual([]);
  });
});
