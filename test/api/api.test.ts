import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceBatch } from '../../src/importers/reference.js';
import { buildServer } from '../../src/server/app.js';
import { addUser, createTokenForUser, type Role } from '../../src/store/accounts.js';
import { applyBatch } from '../../src/store/apply-batch.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { simulationFixture } from '../fixtures/simulation-dataset.js';
import { copyBundledDb } from '../helpers/bundled-db.js';
import { testDialects } from '../helpers/stores.js';

/**
 * The HTTP API end to end, on SQLite (a copy of the bundled database) and on PostgreSQL (the
 * simulation fixture) when TRUSTMAP_TEST_PG_URL is set: the authorisation matrix (every route ×
 * viewer/analyst/admin × own vs other organisation), cross-organisation attempts (id guessing,
 * query parameters, job ids, SSE, runs, own rows), and the caller's mistakes (4xx, never 500).
 */

const ROLES: Role[] = ['viewer', 'analyst', 'admin'];
const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** A portfolio whose only API site is in China: single-source and single-country. */
const portfolio = (suffix: string) => ({
  format: 'trustmap-portfolio/1',
  products: [
    {
      id: `heparin-inj-${suffix}`,
      name: `Heparin injection ${suffix}`,
      ndc: ['0409-2720-01'],
      stock_days: 30,
      note: null,
    },
  ],
  apis: [{ product_id: `heparin-inj-${suffix}`, api: 'Heparin sodium', stock_days: 60, note: null }],
  sites: [
    {
      api: 'Heparin sodium',
      site_id: `site-${suffix}`,
      name: `Example API site ${suffix}`,
      company: null,
      country: 'CHN',
      fei: null,
      duns: null,
      share: 1,
      note: null,
    },
  ],
  ksm: [],
});

interface Env {
  dialect: string;
  store: Store;
  app: FastifyInstance;
  /** tokens by org (A, B) and role */
  tokens: Record<'A' | 'B', Record<Role, string>>;
  scenario: Record<string, unknown>;
  cleanup: () => Promise<void>;
}

async function setup(dialect: ReturnType<typeof testDialects>[number]): Promise<Env> {
  let store: Store;
  let dbLocation: string;
  let dir: string | undefined;
  let scenario: Record<string, unknown>;
  if (dialect.name === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'trustmap-api-'));
    dbLocation = join(dir, 'api.db');
    copyBundledDb(dbLocation);
    store = await openSqliteStore(dbLocation);
    scenario = { name: 'ga', year: 2024, horizon_days: 60, materials: ['gallium'], shocks: [] };
  } else {
    store = await dialect.open();
    dbLocation = process.env.TRUSTMAP_TEST_PG_URL!;
    await applyBatch(store, referenceBatch());
    await applyBatch(store, simulationFixture());
    scenario = { name: 'ga', year: 2024, horizon_days: 60, materials: ['gallium'], shocks: [] };
  }
  const tokens = { A: {}, B: {} } as Env['tokens'];
  for (const org of ['A', 'B'] as const)
    for (const role of ROLES) {
      const email = `${role}@org-${org.toLowerCase()}.example`;
      await addUser(store, { email, password: 'correct horse battery', org: `Org ${org}`, role });
      tokens[org][role] = (await createTokenForUser(store, email, 'test')).token;
    }
  const app = await buildServer({
    store,
    dbLocation,
    limits: { jobConcurrency: 1, jobQueue: 2, rateMax: 100_000 },
  });
  return {
    dialect: dialect.name,
    store,
    app,
    tokens,
    scenario,
    cleanup: async () => {
      await app.close();
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitJob(env: Env, token: string, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const r = await env.app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: auth(token) });
    const j = r.json();
    if (!['queued', 'running'].includes(j.status)) return j;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

function expectError(r: LightMyRequestResponse, status: number, code: string, field?: string) {
  expect(r.statusCode, r.body).toBe(status);
  const body = r.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  if (field) expect(body.error.field).toBe(field);
}

for (const dialect of testDialects()) {
  describe(`HTTP API on ${dialect.name}`, () => {
    let env: Env;
    /** ids created by org A, tried by org B */
    const a: { job?: string; run?: string; product?: string } = {};

    beforeAll(async () => {
      env = await setup(dialect);
      // org A: a portfolio and a saved simulation run
      const imp = await env.app.inject({
        method: 'POST',
        url: '/api/org/imports',
        headers: auth(env.tokens.A.analyst),
        payload: portfolio('a'),
      });
      expect(imp.statusCode, imp.body).toBe(200);
      a.product = 'heparin-inj-a';
      const job = await env.app.inject({
        method: 'POST',
        url: '/api/jobs',
        headers: auth(env.tokens.A.analyst),
        payload: { kind: 'simulate', params: { scenario: env.scenario } },
      });
      expect(job.statusCode, job.body).toBe(202);
      a.job = job.json().id;
      const done = await waitJob(env, env.tokens.A.analyst, a.job!);
      expect(done.status, JSON.stringify(done.error)).toBe('done');
      a.run = (done.result as { run: { id: string } }).run.id;
      expect(a.run).toMatch(/^run-/);
    });
    afterAll(async () => env?.cleanup());

    it('answers health without a token and everything else under /api only with one', async () => {
      const h = await env.app.inject({ method: 'GET', url: '/api/health' });
      expect(h.statusCode).toBe(200);
      expect(h.json()).toMatchObject({ status: 'ok', version: '0.1.0' });
      expectError(await env.app.inject({ method: 'GET', url: '/api/me' }), 401, 'unauthorized');
      expectError(
        await env.app.inject({ method: 'GET', url: '/api/risk', headers: auth('tm_' + 'x'.repeat(43)) }),
        401,
        'unauthorized',
      );
      expectError(
        await env.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Basic abc' } }),
        401,
        'unauthorized',
      );
    });

    it('logs in with e-mail and password, and logout revokes the session token', async () => {
      const bad = await env.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'viewer@org-a.example', password: 'wrong password' },
      });
      expectError(bad, 401, 'unauthorized');
      const r = await env.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'viewer@org-a.example', password: 'correct horse battery' },
      });
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body.user).toMatchObject({ email: 'viewer@org-a.example', role: 'viewer' });
      expect(body.org.name).toBe('Org A');
      const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: auth(body.token) });
      expect(me.json().org.id).toBe(body.org.id);
      const out = await env.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: auth(body.token),
      });
      expect(out.statusCode).toBe(204);
      expectError(
        await env.app.inject({ method: 'GET', url: '/api/me', headers: auth(body.token) }),
        401,
        'unauthorized',
      );
    });

    /**
     * Every route × every role of org A. `min` is the least role allowed; lower roles get 403.
     * Writes that succeed for one role are made harmless for the next (idempotent or new names).
     */
    it('enforces the role of every route (authorisation matrix)', async () => {
      const routes: {
        method: 'GET' | 'POST' | 'DELETE';
        url: string;
        min: Role;
        payload?: unknown;
        ok: number[];
      }[] = [
        { method: 'GET', url: '/api/me', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/overview?limit=3', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/materials', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/materials/gallium', min: 'viewer', ok: [200, 404] },
        { method: 'GET', url: '/api/countries', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/sources', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/risk?limit=5', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/exposure?material=cobalt', min: 'viewer', ok: [200, 404, 422] },
        { method: 'GET', url: '/api/reliance?material=cobalt', min: 'viewer', ok: [200, 404, 422] },
        { method: 'GET', url: '/api/sr?material=Cobalt', min: 'viewer', ok: [200, 404, 422] },
        { method: 'GET', url: '/api/costgap/cobalt', min: 'viewer', ok: [200, 404, 422] },
        { method: 'GET', url: '/api/forecast/cobalt?horizon=3', min: 'viewer', ok: [200, 404, 422] },
        { method: 'POST', url: '/api/pathway', min: 'viewer', payload: { pathway: { nope: 1 } }, ok: [422] },
        { method: 'GET', url: '/api/scenarios', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/scenarios/drc-cobalt-2025', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/hazard-sets', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/hazard-sets/trust-illustrative', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/plans', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/plans/trust-pilot', min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/jobs', min: 'viewer', ok: [200] },
        { method: 'GET', url: `/api/jobs/${a.job}`, min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/runs', min: 'viewer', ok: [200] },
        { method: 'GET', url: `/api/runs/${a.run}`, min: 'viewer', ok: [200] },
        { method: 'GET', url: `/api/runs/compare?a=${a.run}&b=${a.run}`, min: 'viewer', ok: [200] },
        { method: 'GET', url: '/api/org/portfolio', min: 'viewer', ok: [200] },
        {
          method: 'GET',
          url: '/api/org/portfolio/impact?scenario=hubei-india-apis-2020',
          min: 'viewer',
          ok: [200, 404],
        },
        { method: 'GET', url: '/api/org/data/product', min: 'viewer', ok: [200] },
        {
          method: 'POST',
          url: '/api/jobs',
          min: 'analyst',
          payload: { kind: 'tts', params: { region: 'NOPE' } },
          ok: [202],
        },
        { method: 'DELETE', url: `/api/jobs/${a.job}`, min: 'analyst', ok: [200] },
        { method: 'POST', url: '/api/org/imports', min: 'analyst', payload: portfolio('a'), ok: [200] },
        { method: 'DELETE', url: '/api/org/data/product/no-such-product', min: 'analyst', ok: [404] },
        { method: 'GET', url: '/api/users', min: 'admin', ok: [200] },
        {
          method: 'POST',
          url: '/api/users',
          min: 'admin',
          payload: {
            email: `new-${dialect.name}@org-a.example`,
            password: 'long enough password',
            role: 'viewer',
          },
          ok: [201],
        },
        { method: 'GET', url: '/api/tokens', min: 'admin', ok: [200] },
        { method: 'POST', url: '/api/tokens', min: 'admin', payload: { label: 'ci' }, ok: [201] },
        { method: 'DELETE', url: '/api/tokens/tok_unknown', min: 'admin', ok: [404] },
        { method: 'GET', url: '/api/audit?limit=5', min: 'admin', ok: [200] },
        { method: 'POST', url: '/api/imports', min: 'admin', payload: { not: 'a dataset' }, ok: [422] },
      ];
      for (const route of routes) {
        for (const role of ROLES) {
          const r = await env.app.inject({
            method: route.method,
            url: route.url,
            headers: auth(env.tokens.A[role]),
            ...(route.payload !== undefined ? { payload: route.payload as object } : {}),
          });
          const label = `${route.method} ${route.url} as ${role}: ${r.body.slice(0, 200)}`;
          if (RANK[role] < RANK[route.min]) {
            expect(r.statusCode, label).toBe(403);
            expect(r.json().error.code, label).toBe('forbidden');
          } else expect(route.ok, label).toContain(r.statusCode);
          expect(r.statusCode, label).toBeLessThan(500);
        }
        // and without a token
        const anon = await env.app.inject({ method: route.method, url: route.url });
        expect(anon.statusCode, `${route.method} ${route.url} anonymous`).toBe(401);
      }
    });

    it("never lets one organisation reach another's jobs, runs, rows, portfolio or audit", async () => {
      const b = env.tokens.B;
      for (const role of ROLES) {
        const h = auth(b[role]);
        // job ids, the SSE stream and cancelling
        expectError(
          await env.app.inject({ method: 'GET', url: `/api/jobs/${a.job}`, headers: h }),
          404,
          'not_found',
        );
        expectError(
          await env.app.inject({ method: 'GET', url: `/api/jobs/${a.job}/events`, headers: h }),
          404,
          'not_found',
        );
        const list = await env.app.inject({ method: 'GET', url: '/api/jobs', headers: h });
        expect(list.json().map((j: { id: string }) => j.id)).not.toContain(a.job);
        // saved runs: by id, by prefix (id guessing), in a comparison, in the list
        expectError(
          await env.app.inject({ method: 'GET', url: `/api/runs/${a.run}`, headers: h }),
          404,
          'not_found',
        );
        expectError(
          await env.app.inject({ method: 'GET', url: `/api/runs/run-`, headers: h }),
          404,
          'not_found',
        );
        expectError(
          await env.app.inject({ method: 'GET', url: `/api/runs/compare?a=${a.run}&b=${a.run}`, headers: h }),
          404,
          'not_found',
        );
        const runs = await env.app.inject({ method: 'GET', url: '/api/runs', headers: h });
        expect(runs.json()).toEqual([]);
        // own rows and the portfolio (an export of the organisation's data)
        expectError(
          await env.app.inject({ method: 'GET', url: `/api/org/data/product/${a.product}`, headers: h }),
          404,
          'not_found',
        );
        const rows = await env.app.inject({ method: 'GET', url: '/api/org/data/product', headers: h });
        expect(rows.json()).toEqual([]);
        const pf = await env.app.inject({ method: 'GET', url: '/api/org/portfolio', headers: h });
        expect(pf.statusCode).toBe(200);
        expect(pf.body).not.toContain('heparin-inj-a');
        // an unknown query parameter cannot select another organisation
        expectError(
          await env.app.inject({ method: 'GET', url: `/api/org/portfolio?org=${'org-a'}`, headers: h }),
          400,
          'validation_failed',
          '/query/org',
        );
      }
      for (const role of ['analyst', 'admin'] as const) {
        const h = auth(b[role]);
        expectError(
          await env.app.inject({ method: 'DELETE', url: `/api/jobs/${a.job}`, headers: h }),
          404,
          'not_found',
        );
        expectError(
          await env.app.inject({ method: 'DELETE', url: `/api/org/data/product/${a.product}`, headers: h }),
          404,
          'not_found',
        );
      }
      const audit = await env.app.inject({
        method: 'GET',
        url: '/api/audit?limit=1000',
        headers: auth(b.admin),
      });
      expect(audit.statusCode).toBe(200);
      expect(audit.body).not.toContain(a.job!);
      expect(audit.body).not.toContain('org-a.example');
      // org A still has its row
      const own = await env.app.inject({
        method: 'GET',
        url: `/api/org/data/product/${a.product}`,
        headers: auth(env.tokens.A.viewer),
      });
      expect(own.statusCode).toBe(200);
    });

    it('streams a job over SSE: progress, then done with the result', async () => {
      const h = auth(env.tokens.A.analyst);
      const job = await env.app.inject({
        method: 'POST',
        url: '/api/jobs',
        headers: h,
        payload: { kind: 'simulate', params: { scenario: env.scenario, save: false } },
      });
      expect(job.statusCode).toBe(202);
      const id = job.json().id;
      // inject waits for the end of the stream: the job's terminal event ends it
      const r = await env.app.inject({ method: 'GET', url: `/api/jobs/${id}/events`, headers: h });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = [...r.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      expect(events.at(-1)).toBe('done');
      const last = r.body.split('event: done\ndata: ')[1]!;
      expect(JSON.parse(last).result.run.id).toBeNull();
    });

    it('answers the caller’s mistakes with 4xx and the field at fault', async () => {
      const h = auth(env.tokens.A.analyst);
      // malformed JSON
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: { ...h, 'content-type': 'application/json' },
          payload: '{"kind": "tts", "params": {',
        }),
        400,
        'bad_request',
      );
      // wrong types (no coercion of JSON bodies) and unknown fields
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: h,
          payload: { kind: 'montecarlo', params: { set: 'trust-illustrative', runs: '10' } },
        }),
        400,
        'validation_failed',
        '/body/params/runs',
      );
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: h,
          payload: { kind: 'tts', params: {}, extra: 1 },
        }),
        400,
        'validation_failed',
        '/body/extra',
      );
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: h,
          payload: { kind: 'tts', params: { region: 'USA', ttr: 3 } },
        }),
        400,
        'validation_failed',
        '/body/params/ttr',
      );
      expectError(
        await env.app.inject({ method: 'GET', url: '/api/risk?kind=everything', headers: h }),
        400,
        'validation_failed',
        '/query/kind',
      );
      expectError(
        await env.app.inject({ method: 'GET', url: '/api/risk?limit=-1', headers: h }),
        400,
        'validation_failed',
        '/query/limit',
      );
      // a scenario error names the field inside the scenario
      const sc = await env.app.inject({
        method: 'POST',
        url: '/api/jobs',
        headers: h,
        payload: { kind: 'simulate', params: { scenario: { ...env.scenario, horizon_days: -5 } } },
      });
      expectError(sc, 422, 'validation_failed', '/body/params/scenario/horizon_days');
      // names, never paths: a hazard set or scenario outside the shipped folders cannot be read
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: h,
          payload: { kind: 'montecarlo', params: { set: '../../../etc/passwd', runs: 1 } },
        }),
        404,
        'not_found',
      );
      expectError(
        await env.app.inject({ method: 'GET', url: '/api/scenarios/..%2F..%2Fpackage', headers: h }),
        404,
        'not_found',
      );
      // an oversized body
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: { ...h, 'content-type': 'application/json' },
          payload: JSON.stringify({ kind: 'tts', params: { region: 'x'.repeat(1.1 * 1024 * 1024) } }),
        }),
        413,
        'payload_too_large',
      );
      // an unsupported media type
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: { ...h, 'content-type': 'text/xml' },
          payload: '<job/>',
        }),
        415,
        'unsupported_media_type',
      );
      // an unknown job kind; a not-yet-available one
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: h,
          payload: { kind: 'rm -rf', params: {} },
        }),
        400,
        'validation_failed',
        '/body/kind',
      );
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/jobs',
          headers: h,
          payload: { kind: 'optimize', params: {} },
        }),
        400,
        'validation_failed',
        '/body/params/plan',
      );
      // a submitted plan may not make the server read a path of the caller's choosing
      const plan = (
        await env.app.inject({ method: 'GET', url: '/api/plans/trust-pilot', headers: h })
      ).json() as { scenarios: Record<string, unknown> };
      const sneaky = await env.app.inject({
        method: 'POST',
        url: '/api/jobs',
        headers: h,
        payload: {
          kind: 'optimize',
          params: { plan: { ...plan, scenarios: { files: ['/etc/passwd'] } } },
        },
      });
      expectError(sneaky, 422, 'validation_failed');
      expect(JSON.stringify(sneaky.json().error.issues)).toContain('body/params/plan/scenarios/files/0');
      // an invalid portfolio upload: 422 with row-level issues, nothing written
      const before = await env.app.inject({ method: 'GET', url: '/api/org/data/product', headers: h });
      const bad = portfolio('bad');
      bad.sites[0]!.country = 'ZZZZ';
      const imp = await env.app.inject({ method: 'POST', url: '/api/org/imports', headers: h, payload: bad });
      expectError(imp, 422, 'validation_failed');
      expect(imp.json().error.issues.length).toBeGreaterThan(0);
      expect(JSON.stringify(imp.json().error.issues)).not.toContain('trustmap-upload-');
      const after = await env.app.inject({ method: 'GET', url: '/api/org/data/product', headers: h });
      expect(after.body).toBe(before.body);
    });

    it('stores injection strings verbatim and returns them as data', async () => {
      const nasty = `x'); DROP TABLE api_token; -- <script>alert(1)</script> \u0000? "quoted" \\ ${'${'}}`;
      const created = await env.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: auth(env.tokens.A.admin),
        payload: { label: nasty.replace('\u0000', '') },
      });
      expect(created.statusCode, created.body).toBe(201);
      const list = await env.app.inject({
        method: 'GET',
        url: '/api/tokens',
        headers: auth(env.tokens.A.admin),
      });
      expect(list.headers['content-type']).toMatch(/^application\/json/);
      const labels = list.json().map((t: { label: string }) => t.label);
      expect(labels).toContain(nasty.replace('\u0000', '').trim());
      // the tokens table is still there and the API still answers
      const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: auth(env.tokens.A.viewer) });
      expect(me.statusCode).toBe(200);
      const q = await env.app.inject({
        method: 'GET',
        url: `/api/materials?q=${encodeURIComponent("' OR 1=1 --")}`,
        headers: auth(env.tokens.A.viewer),
      });
      expect(q.statusCode).toBe(200);
      expect(q.json()).toEqual([]);
    });

    it('sends security headers and no CORS headers by default', async () => {
      const r = await env.app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { origin: 'https://evil.example' },
      });
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('publishes an OpenAPI 3 document of the routes', async () => {
      const r = await env.app.inject({ method: 'GET', url: '/docs/json' });
      expect(r.statusCode).toBe(200);
      const doc = r.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/risk', '/api/jobs', '/api/jobs/{id}/events', '/api/org/portfolio']),
      );
      const risk = doc.paths['/api/risk'].get.parameters.map((p: { name: string }) => p.name);
      expect(risk).toEqual(expect.arrayContaining(['region', 'concern', 'kind', 'tag', 'limit']));
    });
  });
}
