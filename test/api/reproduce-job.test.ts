import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import type { Reproduction, SimulationReport } from '../../src/services/simulate.js';
import { addUser, createTokenForUser } from '../../src/store/accounts.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { copyBundledDb } from '../helpers/bundled-db.js';

/**
 * `trustmap runs reproduce ID` over the API: a `reproduce` job simulates one of the organisation's
 * saved runs again and compares; another organisation's run id is not found.
 */
describe('API reproduce job', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustmap-api-repro-'));
    const file = join(dir, 'api.db');
    copyBundledDb(file);
    store = await openSqliteStore(file);
    for (const org of ['A', 'B']) {
      const email = `${org.toLowerCase()}@org.example`;
      await addUser(store, { email, password: 'correct horse battery', org: `Org ${org}`, role: 'analyst' });
      tokens[org] = (await createTokenForUser(store, email, 'test')).token;
    }
    app = await buildServer({ store });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(org: string, kind: string, params: unknown) {
    const auth = { authorization: `Bearer ${tokens[org]}` };
    const res = await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ kind, params }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await (await fetch(`${base}/api/jobs/${id}/events`, { headers: auth })).text(); // ends with the job
    return (await (await fetch(`${base}/api/jobs/${id}`, { headers: auth })).json()) as {
      status: string;
      result?: unknown;
      error?: unknown;
    };
  }

  it('reproduces an organisation’s saved run identically, and refuses another organisation’s', async () => {
    const sim = await run('A', 'simulate', { scenario: 'drc-cobalt-2025' });
    expect(sim.status, JSON.stringify(sim.error)).toBe('done');
    const runId = (sim.result as SimulationReport).run.id;
    expect(runId).toBeTruthy();

    const again = await run('A', 'reproduce', { run: runId });
    expect(again.status, JSON.stringify(again.error)).toBe('done');
    const r = again.result as Reproduction;
    expect(r.original.id).toBe(runId);
    expect(r.identical).toBe(true);
    expect(r.maxRelativeDifference).toBe(0);

    const other = await run('B', 'reproduce', { run: runId });
    expect(other.status).toBe('failed');
    expect(JSON.stringify(other.error)).not.toContain('cobalt');
  });
});
