/**
 * Results of read-only analyses, keyed by what they depend on: the store's data version (bumped by
 * every import, src/store/apply-batch.ts), the organisation and its data version when the result
 * reads the organisation's rows, the route and its canonical parameters (DESIGN "Snapshots and
 * results": keyed by content, cached per data version and organisation). A new data version makes
 * every older key unreachable; they age out of the LRU. Concurrent requests for the same key
 * share one computation.
 */
export class ResultCache {
  private readonly entries = new Map<string, Promise<unknown>>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 500) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, found);
      return found as Promise<T>;
    }
    this.misses++;
    const p = compute();
    this.entries.set(key, p);
    // a failure is not cached: the next request tries again
    p.catch(() => {
      if (this.entries.get(key) === p) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return p;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A key from parts and a parameter object whose property order does not matter. */
export function cacheKey(
  parts: readonly (string | number | null)[],
  params: Record<string, unknown> = {},
): string {
  const canonical = Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${JSON.stringify(params[k])}`)
    .join('&');
  return `${parts.map((p) => String(p)).join('|')}?${canonical}`;
}
