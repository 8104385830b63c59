import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../store/accounts.js';
import type { ReadView } from '../store/read-view.js';
import { orgRepository } from '../store/scoped-repository.js';
import { dataVersion } from '../store/snapshot-loader.js';
import type { Store } from '../store/store.js';
import type { AuthCache } from './auth-cache.js';
import type { ResultCache } from './cache.js';
import { ApiError } from './errors.js';
import type { JobQueue } from './jobs/queue.js';

/** Limits of one server; every one configurable (docs/api.md "Limits"). */
export interface ServerLimits {
  /** largest JSON body, bytes (default 1 MiB) */
  bodyBytes: number;
  /** largest upload (imports), bytes (default 50 MiB) */
  uploadBytes: number;
  /** requests per token (or per address without one) per window (default 1,200) */
  rateMax: number;
  /** the rate window, ms (default 60,000) */
  rateWindowMs: number;
  /** login attempts per address per window (default 20) */
  loginMax: number;
  /** jobs running at once (default: cores − 1, at least 1) */
  jobConcurrency: number;
  /** jobs waiting beyond those (default 16); more → 429 queue_full */
  jobQueue: number;
  /** worker threads one Monte Carlo job may use (default 1) */
  jobThreads: number;
  /** cached analysis results (default 500) */
  cacheEntries: number;
  /** how long a token's principal is reused without a lookup, ms (default 5,000; 0 = never) */
  authCacheMs: number;
}

/** What every route needs: the store, the result cache, the job queue and the limits. */
export interface ServerContext {
  store: Store;
  auth: AuthCache;
  /** the data version read last, and until when it is trusted (see currentDataVersion) */
  dataVersionMemo: { value: Promise<string>; until: number } | null;
  /** each organisation's view cache key read last, and until when it is trusted (see viewOf) */
  viewKeyMemo: Map<string, { value: Promise<string>; until: number }>;
  cache: ResultCache;
  jobs: JobQueue;
  limits: ServerLimits;
  version: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** The authenticated principal (the auth hook has run for every /api route but health and login). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError(401, 'unauthorized', 'a bearer token is required');
  return req.principal;
}

/** A preHandler that lets through principals of at least `role`. */
export function requireRole(role: Role) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const p = principalOf(req);
    if (RANK[p.role] < RANK[role])
      throw new ApiError(403, 'forbidden', `this needs the ${role} role; you are ${p.role}`);
  };
}

/** How long a data version read from the store is trusted: an import by another process shows within it. */
export const DATA_VERSION_TTL_MS = 1_000;

/**
 * The store's data version (meta.data_version; every import bumps it, from any process), read at
 * most once a second; imports through this server drop it at once (`forgetDataVersion`).
 */
export function currentDataVersion(ctx: ServerContext): Promise<string> {
  const now = Date.now();
  if (ctx.dataVersionMemo && ctx.dataVersionMemo.until > now) return ctx.dataVersionMemo.value;
  const value = dataVersion(ctx.store);
  ctx.dataVersionMemo = { value, until: now + DATA_VERSION_TTL_MS };
  value.catch(() => {
    ctx.dataVersionMemo = null;
  });
  return value;
}

/**
 * The principal's view (public data overlaid with its organisation's rows) and the view's cache
 * key, read at most once a second per organisation like the data version; imports and deletes
 * through this server drop it at once (`dataChanged`).
 */
export async function viewOf(ctx: ServerContext, p: Principal): Promise<{ view: ReadView; key: string }> {
  const view = orgRepository(ctx.store, p).view();
  const now = Date.now();
  let memo = ctx.viewKeyMemo.get(p.orgId);
  if (!memo || memo.until <= now) {
    memo = { value: view.cacheKey(), until: now + DATA_VERSION_TTL_MS };
    ctx.viewKeyMemo.set(p.orgId, memo);
    const m = memo;
    m.value.catch(() => {
      if (ctx.viewKeyMemo.get(p.orgId) === m) ctx.viewKeyMemo.delete(p.orgId);
    });
    // a bounded memo: organisations not seen for a second are dropped
    if (ctx.viewKeyMemo.size > 1000)
      for (const [k, v] of ctx.viewKeyMemo) if (v.until <= now) ctx.viewKeyMemo.delete(k);
  }
  return { view, key: await memo.value };
}

/**
 * After a write through this server: the next request reads the versions again, so the written
 * scope's cache keys change at once. A public import changes every key and also empties the cache;
 * an organisation's import or delete changes only that organisation's keys (its older entries age
 * out of the LRU; other organisations' cached results stay valid and stay cached).
 */
export function dataChanged(ctx: ServerContext, scope: 'public' | 'org' = 'public'): void {
  ctx.dataVersionMemo = null;
  ctx.viewKeyMemo.clear();
  if (scope === 'public') ctx.cache.clear();
}
