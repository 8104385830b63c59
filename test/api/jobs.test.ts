import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { addUser, createTokenForUser } from '../../src/store/accounts.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { copyBundledDb } from '../helpers/bundled-db.js';

/**
 * Jobs on the bundled data over real HTTP: the event loop stays free while a large job runs in
 * its worker thread; the queue is bounded (429 queue_full); a job is cancelled by terminating its
 * thread.
 */
describe('API jobs', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trustmap-api-jobs-'));
    const file = join(dir, 'api.db');
    copyBundledDb(file);
    store = await openSqliteStore(file);
    await addUser(store, {
      email: 'analyst@org.example',
      password: 'correct horse battery',
      org: 'Org',
      role: 'analyst',
    });
    token = (await createTokenForUser(store, 'analyst@org.example', 'test')).token;
    app = await buildServer({ store, limits: { jobConcurrency: 1, jobQueue: 1 } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  /** a Monte Carlo study far longer than the test: cancelled at the end */
  const large = {
    kind: 'montecarlo',
    params: { set: 'trust-illustrative', runs: 1_000_000, sensitivityRuns: 0 },
  };

  /**
   * The job runs in a worker thread, so the event loop stays free: health answers in about a
   * millisecond. On a small machine shared with other processes (CI runs test files in parallel)
   * a window can still catch the main thread descheduled, so up to three windows of 50 requests
   * are measured and one must meet the target; a blocked event loop (an LP solve or a Monte Carlo
   * block on the main thread takes hundreds of ms) fails all three.
   */
  it('answers /api/health fast while a large job runs (p99 < 50 ms over 50 requests)', async () => {
    const res = await post(large);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // wait until the worker is computing
    for (let i = 0; i < 600; i++) {
      const j = (await (await get(`/api/jobs/${id}`)).json()) as { progress: { done: number } };
      if (j.progress.done > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const windows: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        const h = await fetch(`${base}/api/health`);
        await h.json();
        times.push(performance.now() - t0);
        expect(h.status).toBe(200);
      }
      times.sort((a, b) => a - b);
      windows.push(times[Math.ceil(0.99 * times.length) - 1]!);
      if (windows.at(-1)! < 50) break;
    }
    const job = (await (await get(`/api/jobs/${id}`)).json()) as { status: string };
    // the job was still running for the whole measurement
    expect(job.status).toBe('running');
    expect(
      Math.min(...windows),
      `p99 per window: ${windows.map((w) => w.toFixed(1)).join(', ')} ms`,
    ).toBeLessThan(50);
    const del = await fetch(`${base}/api/jobs/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBe(200);
  });

  it('bounds the queue (429 queue_full) and cancels running and queued jobs', async () => {
    const first = (await (await post(large)).json()) as { id: string };
    const second = (await (await post(large)).json()) as { id: string };
    const third = await post(large);
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('queue_full');
    const queued = (await (await get(`/api/jobs/${second.id}`)).json()) as { status: string };
    expect(queued.status).toBe('queued');

    // the SSE stream of the running job ends with `cancelled` when it is cancelled
    const stream = await get(`/api/jobs/${first.id}/events`);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = stream.text();
    const del = await fetch(`${base}/api/jobs/${first.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBe(200);
    expect(((await del.json()) as { status: string }).status).toBe('cancelled');
    expect(await text).toMatch(/event: cancelled\ndata: \{\}\n\n$/);

    // the queued job starts once the running one is gone, and can be cancelled too
    const started = (await (await get(`/api/jobs/${second.id}`)).json()) as { status: string };
    expect(started.status).toBe('running');
    const del2 = await fetch(`${base}/api/jobs/${second.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await del2.json()) as { status: string }).status).toBe('cancelled');
    const list = (await (await get('/api/jobs')).json()) as { status: string }[];
    expect(list.filter((j) => j.status === 'running' || j.status === 'queued')).toEqual([]);
  });
});
