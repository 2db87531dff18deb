import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging/logger';
import {
  ALL_TAG,
  type CachedResponse,
  ResponseCache,
} from '../../src/platform/response-cache/response-cache';

/**
 * The in-process tier's invalidation by tag when many developers change at once (10,000 harvests a
 * second publish 10,000 HARVEST_PROGRESS events a second, each an invalidation): an invalidation
 * drops exactly the answers showing that tag, and a change stays effective however many other tags
 * changed since (the bookkeeping of changes is pruned, never forgotten within the TTL).
 */
const SETTINGS = { ttlMs: 60_000, localMaxBytes: 10_000_000, maxEntryBytes: 100_000, skewMs: 0 };

function answer(computedAt: number, tags: string[]): CachedResponse {
  return {
    body: `{"data":${JSON.stringify(tags)}}`,
    etag: 'e',
    cost: 1,
    computedAt,
    tags: [...tags, ALL_TAG],
  };
}

describe('response cache tags', () => {
  it('an invalidation drops the answers showing its tag and no other, with 20,000 tags changed', async () => {
    let now = 1_000_000;
    const cache = new ResponseCache(SETTINGS, undefined, createLogger('silent'), () => now);
    now += 10;
    await cache.set('a', answer(now, ['user:a', 'lists']));
    await cache.set('b', answer(now, ['user:b']));
    await cache.set('c', answer(now, ['user:c', 'lists']));
    now += 10;
    for (let i = 0; i < 20_000; i++) cache.invalidate(`user:other-${i}`);
    expect((await cache.get('a'))?.tier).toBe('local');

    cache.invalidate('lists');
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBeUndefined();
    expect((await cache.get('b'))?.tier).toBe('local');

    // An answer computed before its developer changed is refused, even after many other changes.
    const before = now - 5;
    now += 10;
    cache.invalidate('user:b');
    for (let i = 0; i < 20_000; i++) cache.invalidate(`user:more-${i}`);
    await cache.set('b', answer(before, ['user:b']));
    expect(await cache.get('b')).toBeUndefined();
    now += 10;
    await cache.set('b', answer(now, ['user:b']));
    expect((await cache.get('b'))?.tier).toBe('local');
    expect(cache.stats().localEntries).toBe(1);
  });
});
