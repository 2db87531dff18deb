import type { PersistedQueryOptions } from '@apollo/server';
import type { Cache } from '../platform/cache/cache';

type PersistedQueryStore = NonNullable<PersistedQueryOptions['cache']>;

// Apollo asks for `apq:` + the SHA-256 the client sent; anything else is not a hash we could have stored.
const APQ_KEY = /^apq:[0-9a-f]{64}$/;

/**
 * Automatic persisted queries kept in the shared cache (Valkey in production, so every instance
 * knows a query any instance has seen; memory in embedded mode). Apollo stores a query only after
 * checking that its hash matches it. A cache that is down reads as a miss: the client then sends
 * the full query again, so APQ degrades to plain requests instead of failing them.
 */
export function persistedQueryStore(cache: Cache, ttlMs: number): PersistedQueryStore {
  const keyOf = (key: string): string => `graphql:${key}`;
  return {
    async get(key) {
      if (!APQ_KEY.test(key)) return undefined;
      const query = await cache.get<unknown>(keyOf(key));
      return typeof query === 'string' ? query : undefined;
    },
    async set(key, query) {
      if (APQ_KEY.test(key)) await cache.set(keyOf(key), query, ttlMs);
    },
    async delete(key) {
      await cache.delete(keyOf(key));
    },
  };
}
