import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging/logger';
import { linkLagOf, ResponseCache } from '../../src/platform/response-cache/response-cache';

/**
 * Staleness is bounded even when the invalidation link lags (RESPONSE_CACHE_MAX_STALE_MS): the
 * cache serves hits only while a heartbeat sent through the link came back recently, because the
 * link delivers in order and every invalidation published before that heartbeat has been read.
 */
describe('response cache and its invalidation link', () => {
  const MAX_STALE_MS = 1_000;
  let clock = 1_000_000;
  const cache = new ResponseCache(
    {
      ttlMs: 60_000,
      localMaxBytes: 1024 * 1024,
      maxEntryBytes: 1024 * 1024,
      skewMs: 100,
      maxLinkLagMs: linkLagOf(MAX_STALE_MS),
    },
    undefined,
    createLogger('silent'),
    () => clock,
  );
  const answer = () => ({ body: '{"data":{}}', etag: '"e"', cost: 1, computedAt: clock, tags: ['user:a'] });

  it('answers from memory only while a heartbeat came back within three quarters of the bound', async () => {
    clock += 1_000;
    await cache.set('k', answer());
    expect(await cache.get('k')).toBeUndefined(); // no heartbeat heard yet
    expect(cache.stats().lagging).toBe(1);

    cache.heard(clock);
    expect((await cache.get('k'))?.tier).toBe('local');

    // The link stalls (a blocked subscriber, a slow Valkey): past 750 ms, no hits, though the entry is kept.
    clock += linkLagOf(MAX_STALE_MS) + 1;
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats().lagging).toBe(2);

    // The link is read again: the heartbeat sent just now came back, the entry is served again.
    cache.heard(clock);
    expect((await cache.get('k'))?.tier).toBe('local');
    // An older heartbeat arriving late does not move the mark back.
    cache.heard(clock - 5_000);
    expect((await cache.get('k'))?.tier).toBe('local');
  });
});
