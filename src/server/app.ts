import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authenticate } from '../store/accounts.js';
import type { Store } from '../store/store.js';
import { AuthCache } from './auth-cache.js';
import { ResultCache } from './cache.js';
import { currentDataVersion, dataChanged, type ServerContext, type ServerLimits } from './context.js';
import { ApiError, toErrorResponse } from './errors.js';
import { JobQueue } from './jobs/queue.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerAnalyticsRoutes } from './routes/analytics.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerEconomicsRoutes } from './routes/economics.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerOrgRoutes } from './routes/org.js';
import { registerRunRoutes } from './routes/runs.js';
import { toJsonText } from './serialize.js';
import { typeboxValidatorCompiler } from './validation.js';

export const API_VERSION = '0.1.0';

export interface ServerOptions {
  store: Store;
  /**
   * where job workers open their own connection: the SQLite file (default: the store's) or the
   * PostgreSQL URL with its password (the store's location has it redacted, so pass it)
   */
  dbLocation?: string;
  /** built dashboard (dist/web) served at / with index.html fallback; none by default */
  staticDir?: string | null;
  /** Fastify's logger option (default off) */
  logger?: FastifyServerOptions['logger'];
  /** allowed CORS origins; CORS is off unless given */
  cors?: string[] | null;
  /** trust X-Forwarded-* from a reverse proxy (docs/deploy.md) */
  trustProxy?: boolean;
  limits?: Partial<ServerLimits>;
}

export function defaultLimits(): ServerLimits {
  return {
    bodyBytes: 1024 * 1024,
    uploadBytes: 50 * 1024 * 1024,
    rateMax: 1200,
    rateWindowMs: 60_000,
    loginMax: 20,
    jobConcurrency: Math.max(1, availableParallelism() - 1),
    jobQueue: 16,
    jobThreads: 1,
    cacheEntries: 500,
    authCacheMs: 5_000,
  };
}

const PUBLIC_API = new Set(['/api/health', '/api/auth/login']);

/**
 * The HTTP API (docs/api.md): Fastify with TypeBox validation, bearer-token auth, roles, rate and
 * body limits, security headers, OpenAPI at /docs/json and Swagger UI at /docs, long work as jobs
 * in worker threads; the dashboard's built files at / when `staticDir` is given.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const limits: ServerLimits = { ...defaultLimits(), ...opts.limits };
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: limits.bodyBytes,
    trustProxy: opts.trustProxy ?? false,
    return503OnClosing: true,
    // request ids are not secrets; long ids in logs only
    genReqId: () => Math.random().toString(36).slice(2, 12),
  });
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.setReplySerializer((payload) => toJsonText(payload));

  const log = (msg: string) => app.log.error(msg);
  const ctx: ServerContext = {
    store: opts.store,
    auth: new AuthCache(limits.authCacheMs),
    dataVersionMemo: null,
    viewKeyMemo: new Map(),
    cache: new ResultCache(limits.cacheEntries),
    jobs: new JobQueue({
      location: opts.dbLocation ?? opts.store.location,
      concurrency: limits.jobConcurrency,
      maxQueued: limits.jobQueue,
      threadsPerJob: limits.jobThreads,
      log,
      onFinished: (job) => {
        // an import changes the data: read the versions again at once, so the keys of the written
        // scope change (importUpload, which knows the scope, also empties the cache after a public one)
        if (job.kind === 'import' && job.status === 'done') dataChanged(ctx, 'org');
      },
    }),
    limits,
    version: API_VERSION,
  };
  app.addHook('onClose', async () => {
    await ctx.jobs.close();
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body, unexpected } = toErrorResponse(err);
    if (unexpected) req.log.error({ err }, 'unexpected error');
    if (status === 429 && body.error.code === 'rate_limited') {
      const after = reply.getHeader('retry-after');
      if (after) body.error.message = `too many requests; retry after ${after} s`;
    }
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  });

  await app.register(helmet, {
    // the dashboard and Swagger UI load only their own scripts and styles
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  if (opts.cors?.length) await app.register(cors, { origin: opts.cors, credentials: false });

  await app.register(multipart, { limits: { fileSize: limits.uploadBytes, files: 50, fields: 10 } });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'trustmap API',
        version: API_VERSION,
        description:
          "Trusted supply chains of critical minerals and medicines. Responses are the services' return values (the CLI's --json output). See docs/api.md.",
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  // authentication: every /api route but health and login needs a valid bearer token
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?', 1)[0]!;
    if (!path.startsWith('/api/') || PUBLIC_API.has(path)) return;
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m)
      throw new ApiError(401, 'unauthorized', 'a bearer token is required (Authorization: Bearer <token>)');
    const token = m[1]!;
    let principal = ctx.auth.get(token);
    if (!principal) {
      principal = (await authenticate(ctx.store, token)) ?? undefined;
      if (!principal) throw new ApiError(401, 'unauthorized', 'the token is unknown, expired or revoked');
      ctx.auth.set(token, principal);
    }
    req.principal = principal;
  });

  await app.register(rateLimit, {
    global: true,
    // after authentication, so the key is the token (one bucket per token, not per guessed string)
    hook: 'preHandler',
    max: limits.rateMax,
    timeWindow: limits.rateWindowMs,
    keyGenerator: (req) => (req.principal ? `token:${req.principal.tokenId}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, c) =>
      new ApiError(429, 'rate_limited', `too many requests; retry after ${Math.ceil(c.ttl / 1000)} s`),
  });

  await app.register(
    async (api) => {
      api.get(
        '/health',
        {
          schema: {
            tags: ['meta'],
            summary: 'liveness and the data version (no token needed)',
            security: [],
          },
          config: { rateLimit: false },
        },
        async () => ({
          status: 'ok',
          dataVersion: await currentDataVersion(ctx),
          version: ctx.version,
        }),
      );
      registerAccountRoutes(api, ctx);
      registerCatalogRoutes(api, ctx);
      registerAnalyticsRoutes(api, ctx);
      registerEconomicsRoutes(api, ctx);
      registerJobRoutes(api, ctx);
      registerRunRoutes(api, ctx);
      registerOrgRoutes(api, ctx);
    },
    { prefix: '/api' },
  );

  const staticDir = opts.staticDir && existsSync(join(opts.staticDir, 'index.html')) ? opts.staticDir : null;
  if (staticDir) {
    await app.register(fastifyStatic, {
      root: staticDir,
      prefix: '/',
      wildcard: false,
      // the dashboard build writes .br and .gz beside every asset: serve them when accepted
      preCompressed: true,
      index: ['index.html'],
      setHeaders(res, path) {
        // Vite names built assets by content hash: cache them for a year; never cache index.html
        if (/[/\\]assets[/\\]/.test(path)) res.header('cache-control', 'public, max-age=31536000, immutable');
        else res.header('cache-control', 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0]!;
    if (staticDir && req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/docs'))
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    throw new ApiError(404, 'not_found', `no route ${req.method} ${path}`);
  });
  return app;
}
