import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { initDatabase } from '../../src/cli/commands/init.js';
import { packageRoot } from '../../src/cli/paths.js';
import { buildServer } from '../../src/server/app.js';
import { addUser, createTokenForUser } from '../../src/store/accounts.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { BenchCase, BenchResult } from '../harness.js';

/**
 * The dashboard (issue 7): bundle bytes (gzip -9 of each built file, as a server compressing them
 * would send) and the first view in chromium: from navigation to the overview's ranked risk table
 * and its world map drawn, against a real server on the bundled data. Budget: first view < 1 s on
 * localhost; JS for the first view < 450 kB gzip. `npm run bench` builds dist/web first.
 */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

export const bench: BenchCase = {
  name: 'dashboard',
  description: 'dashboard bundle bytes (gzip) and first view (risk table + world map) in chromium',
  async run(log) {
    const web = join(packageRoot(), 'dist', 'web');
    if (!existsSync(join(web, 'index.html'))) throw new Error(`${web} is not built: run npm run build:web`);
    const assets = join(web, 'assets');
    const files = readdirSync(assets);
    const js = files.filter((f) => f.endsWith('.js'));
    const totalJs = js.reduce((a, f) => a + gz(join(assets, f)), 0);
    const echartsJs = js.filter((f) => f.startsWith('echarts-')).reduce((a, f) => a + gz(join(assets, f)), 0);
    const worldJs = js.filter((f) => f.startsWith('world-')).reduce((a, f) => a + gz(join(assets, f)), 0);
    const out: BenchResult[] = [
      {
        case: 'dashboard',
        metric: 'all JS, gzip',
        value: totalJs,
        unit: 'bytes',
        note: `${js.length} chunks`,
      },
      {
        case: 'dashboard',
        metric: 'ECharts chunk, gzip',
        value: echartsJs,
        unit: 'bytes',
        note: 'bar, line, map, Sankey; SVG renderer',
      },
      {
        case: 'dashboard',
        metric: 'world geometry chunk, gzip',
        value: worldJs,
        unit: 'bytes',
        note: 'world-atlas 1:110m',
      },
    ];
    if (!existsSync(CHROMIUM)) {
      log(`no chromium at ${CHROMIUM}: first-view time not measured`);
      return out;
    }
    const dir = mkdtempSync(join(tmpdir(), 'trustmap-bench-dashboard-'));
    const db = join(dir, 'bench.db');
    log('building the bundled database…');
    await initDatabase(db, { quiet: true });
    const store = await openSqliteStore(db);
    await addUser(store, {
      email: 'bench@bench.example',
      password: 'bench bench bench',
      org: 'Bench',
      role: 'analyst',
    });
    const { token } = await createTokenForUser(store, 'bench@bench.example', 'bench');
    const app = await buildServer({ store, dbLocation: db, staticDir: web, limits: { rateMax: 1_000_000 } });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await chromium.launch({
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
    try {
      const firstView = async () => {
        const ctx = await browser.newContext({ viewport: { width: 1366, height: 850 } });
        await ctx.addInitScript(
          (t) =>
            (
              globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
            ).localStorage.setItem('trustmap.token', t),
          token,
        );
        const page = await ctx.newPage();
        const loaded: string[] = [];
        page.on('response', (r) => {
          const u = new URL(r.url());
          if (u.pathname.startsWith('/assets/')) loaded.push(u.pathname.slice('/assets/'.length));
        });
        const t0 = Date.now();
        await page.goto(base);
        await page.locator('#main table tbody tr').first().waitFor({ timeout: 60_000 });
        const table = Date.now() - t0;
        await page.locator('figure[data-ready="true"] svg path').first().waitFor({ timeout: 60_000 });
        const map = Date.now() - t0;
        await ctx.close();
        return { table, map, loaded };
      };
      const cold = await firstView(); // server caches empty: the risk table is computed
      const warm: { table: number; map: number }[] = [];
      for (let i = 0; i < 5; i++) warm.push(await firstView());
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const firstJs = cold.loaded
        .filter((f) => f.endsWith('.js'))
        .reduce((a, f) => a + gz(join(assets, f)), 0);
      out.push(
        {
          case: 'dashboard',
          metric: 'first-view JS, gzip',
          value: firstJs,
          unit: 'bytes',
          target: '< 450000',
          note: `${cold.loaded.length} files loaded`,
        },
        {
          case: 'dashboard',
          metric: 'first view: risk table, cold server cache',
          value: cold.table,
          unit: 'ms',
          note: 'risk table computed on the first request',
        },
        {
          case: 'dashboard',
          metric: 'first view: risk table, median of 5',
          value: median(warm.map((w) => w.table)),
          unit: 'ms',
          target: '< 1000',
        },
        {
          case: 'dashboard',
          metric: 'first view: table + world map drawn, median of 5',
          value: median(warm.map((w) => w.map)),
          unit: 'ms',
          target: '< 1000',
        },
      );
    } finally {
      await browser.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return out;
  },
};
