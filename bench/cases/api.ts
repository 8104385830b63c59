import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { initDatabase } from '../../src/cli/commands/init.js';
import { buildServer } from '../../src/server/app.js';
import { addUser, createTokenForUser } from '../../src/store/accounts.js';
import { openStore } from '../../src/store/open.js';
import type { BenchCase, BenchResult } from '../harness.js';

/**
 * The HTTP API under load: autocannon on loopback against GET /api/risk (the ranked risk table,
 * the dashboard's main table) with 100 concurrent connections for 10 s, on the bundled data, with
 * a valid token (authentication, rate limiting and validation all run per request). Targets: p99
 * latency under 50 ms and no errors. The load generator runs in a worker thread (autocannon's
 * `workers`), so it does not share the server's event loop. SQLite always; PostgreSQL when
 * TRUSTMAP_BENCH_PG_URL names a scratch database (its `public` schema is dropped and the bundled
 * data loaded into it).
 *
 * The first request computes the table and caches it under the data version (docs/api.md,
 * "Caching"); the figures measure the steady state a dashboard sees, and the cold first request
 * is reported beside them.
 */

const CONNECTIONS = 100;
const SECONDS = 10;
const PATH = '/api/risk';

/** the subset of autocannon's API and result this case reads */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  workers?: number;
}) => Promise<AutocannonResult>;

async function resetPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop schema if exists public cascade; create schema public;');
  } finally {
    await client.end();
  }
}

async function measure(label: string, location: string, log: (m: string) => void): Promise<BenchResult[]> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const store = await openStore(location);
  await addUser(store, {
    email: 'bench@example.org',
    password: 'benchmark password',
    org: 'Bench',
    role: 'viewer',
  });
  const { token } = await createTokenForUser(store, 'bench@example.org', 'bench');
  // the rate limit is per token: one token sends every request here, so lift it
  const app = await buildServer({ store, dbLocation: location, limits: { rateMax: 1e9 } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const headers = { authorization: `Bearer ${token}` };
    const t0 = performance.now();
    const first = await fetch(base + PATH, { headers });
    const body = await first.text();
    const cold = performance.now() - t0;
    if (first.status !== 200) throw new Error(`GET ${PATH}: ${first.status} ${body.slice(0, 200)}`);
    log(`${label}: cold first request ${cold.toFixed(0)} ms (${(body.length / 1024).toFixed(0)} KiB)`);
    const r = await autocannon({
      url: base + PATH,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers,
      workers: 1,
    });
    const errors = r.errors + r.timeouts + r.non2xx;
    log(
      `${label}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ${r.requests.total} requests, ${errors} errors`,
    );
    const c = `api-${label}`;
    return [
      {
        case: c,
        metric: 'throughput GET /api/risk',
        value: r.requests.average,
        unit: 'req/s',
        note: `${CONNECTIONS} connections, ${SECONDS} s`,
      },
      { case: c, metric: 'latency p50', value: r.latency.p50, unit: 'ms' },
      { case: c, metric: 'latency p99', value: r.latency.p99, unit: 'ms', target: '< 50' },
      {
        case: c,
        metric: 'errors (errors + timeouts + non-2xx)',
        value: errors,
        unit: 'requests',
        target: '<= 0',
      },
      { case: c, metric: 'cold first request (computes and caches)', value: cold, unit: 'ms' },
    ];
  } finally {
    await app.close();
    await store.close();
  }
}

export const bench: BenchCase = {
  name: 'api',
  description: `autocannon: GET ${PATH} with ${CONNECTIONS} connections for ${SECONDS} s on the bundled data (SQLite; PostgreSQL with TRUSTMAP_BENCH_PG_URL)`,
  async run(log) {
    const out: BenchResult[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'trustmap-bench-api-'));
    try {
      const file = join(dir, 'bundled.db');
      log('building the bundled database (SQLite)…');
      await initDatabase(file, { quiet: true });
      out.push(...(await measure('sqlite', file, log)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const url = process.env.TRUSTMAP_BENCH_PG_URL;
    if (url) {
      log('loading the bundled data into PostgreSQL…');
      await resetPostgres(url);
      await initDatabase(url, { quiet: true });
      out.push(...(await measure('postgres', url, log)));
    } else log('PostgreSQL skipped (set TRUSTMAP_BENCH_PG_URL to a scratch database)');
    return out;
  },
};
