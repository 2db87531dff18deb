/**
 * The shared cache: JSON values with a TTL. The Valkey adapter is shared by every process; the
 * memory adapter serves a single process (embedded development mode). A cache never fails a
 * request: when the backend is unreachable, reads miss and writes are dropped (and counted).
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Round-trip to the backend; throws when it is unreachable (used by health). */
  ping(): Promise<void>;
  stats(): CacheStats;
}

/** Lookups answered from the cache, lookups that missed, and backend failures (counted as misses). */
export class CacheCounters {
  hits = 0;
  misses = 0;
  errors = 0;
  snapshot(): CacheStats {
    return { hits: this.hits, misses: this.misses, errors: this.errors };
  }
}

export type CacheStats = Readonly<Pick<CacheCounters, 'hits' | 'misses' | 'errors'>>;
