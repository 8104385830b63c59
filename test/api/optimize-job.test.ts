import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { shippedPlan } from '../../src/server/catalog.js';
import { type OptimizeReport, optimizePlan } from '../../src/services/optimize.js';
import { addUser, createTokenForUser } from '../../src/store/accounts.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { copyBundledDb } from '../helpers/bundled-db.js';

/**
 * The optimiser as an API job on the bundled data: a shipped plan by name runs in a job's worker
 * thread, streams its stages over SSE and ends with the same report as the service called
 * directly (the CLI's --json); budget overrides reach the solver.
 */
describe('API optimize job', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustmap-api-opt-'));
    const file = join(dir, 'api.db');
    copyBundledDb(file);
    store = await openSqliteStore(file);
    await addUser(store, {
      email: 'a@org.example',
      password: 'correct horse battery',
      org: 'Org',
      role: 'analyst',
    });
    token = (await createTokenForUser(store, 'a@org.example', 'test')).token;
    app = await buildServer({ store });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = () => ({ authorization: `Bearer ${token}` });
  async function runJob(params: unknown): Promise<{ result: OptimizeReport; events: string }> {
    const res = await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'optimize', params }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const sse = await fetch(`${base}/api/jobs/${id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const events = await sse.text(); // the stream ends when the job ends
    const job = (await (await fetch(`${base}/api/jobs/${id}`, { headers: auth() })).json()) as {
      status: string;
      result: OptimizeReport;
      error?: unknown;
    };
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    return { result: job.result, events };
  }

  it('lists the shipped plans', async () => {
    const res = await fetch(`${base}/api/plans`, { headers: auth() });
    const plans = (await res.json()) as { name: string }[];
    expect(plans.map((p) => p.name)).toEqual(expect.arrayContaining(['trust-pilot', 'trust-pilot-apis']));
  });

  it('runs a shipped plan in a worker and returns the service’s report', async () => {
    const { result, events } = await runJob({ plan: 'trust-pilot-apis' });
    const direct = await optimizePlan(store, shippedPlan('trust-pilot-apis').path, { inline: true });
    expect(result.status).toBe(direct.status);
    expect(result.chosen.map((c) => c.id).sort()).toEqual(direct.chosen.map((c) => c.id).sort());
    expect(result.chosen.length).toBeGreaterThan(0);
    expect(events).toContain('event: done');
  });

  it('passes a budget override to the solver: budget 0 buys nothing', async () => {
    const { result } = await runJob({ plan: 'trust-pilot-apis', budget: 0 });
    expect(result.chosen).toEqual([]);
  });
});
