import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging/logger';
import { ALL_TAG, ResponseCache } from '../../src/platform/response-cache/response-cache';

/**
 * The in-process tier's bound (RESPONSE_CACHE_LOCAL_MAX_MB): it holds at most that many bytes of
 * answers, counted as sent (UTF-8, so a developer's name in another script counts by its bytes)
 * plus their keys, and the least recently used answers leave first.
 */
describe('response cache in-process bound', () => {
  it('holds at most its bound of UTF-8 bytes and keys, evicting the least recently used', async () => {
    const now = 1_000_000;
    const body = (name: string) => `{"data":{"name":"${name}"}}`;
    const wide = 'Ωμέγα-東京'; // 2- and 3-byte characters: 8 characters, 17 bytes
    const sizeOf = (key: string, name: string) => Buffer.byteLength(body(name)) + key.length;
    const bound = sizeOf('k1', wide) * 3;
    const cache = new ResponseCache(
      { ttlMs: 60_000, localMaxBytes: bound, maxEntryBytes: 100_000, skewMs: 0 },
      undefined,
      createLogger('silent'),
      () => now,
    );
    cache.invalidate(ALL_TAG); // at `now`: answers computed later count
    const store = (key: string) =>
      cache.set(key, { body: body(wide), etag: 'e', cost: 1, computedAt: now + 1, tags: [ALL_TAG] });

    await store('k1');
    await store('k2');
    await store('k3');
    expect(cache.stats()).toMatchObject({ localEntries: 3, localBytes: bound });
    const hit = await cache.get('k1'); // k1 is now the most recently used; k2 the least
    expect(hit?.response.bytes.toString()).toBe(body(wide));

    await store('k4');
    expect(cache.stats()).toMatchObject({ localEntries: 3, localBytes: bound });
    expect(await cache.get('k2')).toBeUndefined();
    for (const key of ['k1', 'k3', 'k4']) expect((await cache.get(key))?.tier).toBe('local');
  });

  it('does not keep an answer larger than the entry bound in UTF-8 bytes, however few its characters', async () => {
    const now = 1_000_000;
    const body = '{"data":{"name":"東京東京東京"}}'; // 26 characters, 38 bytes
    const settings = { ttlMs: 60_000, localMaxBytes: 1_000_000, maxEntryBytes: 37, skewMs: 0 };
    const cache = new ResponseCache(settings, undefined, createLogger('silent'), () => now);
    cache.invalidate(ALL_TAG);
    await cache.set('k', { body, etag: 'e', cost: 1, computedAt: now + 1, tags: [ALL_TAG] });
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats().localEntries).toBe(0);
  });
});
