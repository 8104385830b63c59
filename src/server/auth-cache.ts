import type { Principal } from '../store/accounts.js';

/**
 * Principals of recently seen tokens, for `ttlMs` (default 5 s), so a burst of requests with one
 * token costs one lookup in the store, not one each. A revocation through this server (logout,
 * DELETE /api/tokens/:id) drops the token at once; one made elsewhere (the command line, another
 * server process) takes effect within the TTL. Keys are the tokens' texts, held only in memory.
 */
export class AuthCache {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    readonly ttlMs = 5_000,
    readonly maxEntries = 10_000,
  ) {}

  get(token: string, now = Date.now()): Principal | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return e.principal;
  }

  set(token: string, principal: Principal, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(token, { principal, until: now + this.ttlMs });
  }

  /** Forgets a token by its id (after it is revoked). */
  revoke(tokenId: string): void {
    for (const [k, e] of this.entries) if (e.principal.tokenId === tokenId) this.entries.delete(k);
  }

  /** Forgets every token of a user or an organisation (a user disabled or changed role). */
  clear(): void {
    this.entries.clear();
  }
}
