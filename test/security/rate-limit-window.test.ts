import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../src/platform/rate-limit/memory-rate-limiter';
import type { RateLimiter } from '../../src/platform/rate-limit/rate-limiter';
import { RedisRateLimiter } from '../../src/platform/rate-limit/redis-rate-limiter';
import { type WindowShape, windowShape } from '../../src/platform/rate-limit/sliding-window';
import { sleep } from '../support/rate-limit-client';
import { SHARED_REDIS, uniqueName } from '../support/services';

/**
 * The sliding window itself, for both stores (Valkey, against the shared Redis under a prefix of
 * this file's own, and memory): costs weigh, the window slides instead of resetting, a refusal says
 * when to come back and spends nothing, identities are separate.
 */
const WINDOW_MS = 1_000;
const SHAPE = windowShape(WINDOW_MS); // slices of 50 ms
// The sliding test waits half a window between bursts; a longer window leaves room for a loaded
// machine's late timers (a timer a whole half-window late would fail it).
const SLIDE_MS = 2_000;
const SLIDE_SHAPE = windowShape(SLIDE_MS);
const PREFIX = `${uniqueName('rlwin')}:ratelimit:`;

let redis: Redis;
beforeAll(async () => {
  redis = new Redis({ ...SHARED_REDIS, lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const stores: [string, (shape?: WindowShape) => RateLimiter][] = [
  ['valkey', (shape = SHAPE) => new RedisRateLimiter(redis, PREFIX, shape)],
  ['memory', (shape = SHAPE) => new MemoryRateLimiter(shape, 1_000)],
];

describe.each(stores)('sliding window (%s)', (_name, make) => {
  it('weighs cost: a cost-5 operation uses 5 units', async () => {
    const limiter = make();
    const id = uniqueName('cost');
    expect(await limiter.consume(id, 5, 12)).toMatchObject({ allowed: true, limit: 12, remaining: 7 });
    expect(await limiter.consume(id, 5, 12)).toMatchObject({ allowed: true, remaining: 2 });
    const refused = await limiter.consume(id, 5, 12);
    expect(refused).toMatchObject({ allowed: false, remaining: 2 });
    // Three units fit where five did not: a refusal spent nothing.
    expect(await limiter.consume(id, 2, 12)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('slides: spending leaves the window one part at a time, never all at once', async () => {
    const limiter = make(SLIDE_SHAPE);
    const id = uniqueName('slide');
    // Two bursts half a window apart, each one call (so each lands in one slice).
    expect(await limiter.consume(id, 3, 6)).toMatchObject({ allowed: true, remaining: 3 });
    await sleep(SLIDE_MS / 2);
    expect(await limiter.consume(id, 3, 6)).toMatchObject({ allowed: true, remaining: 0 });

    const refused = await limiter.consume(id, 1, 6);
    expect(refused.allowed).toBe(false);
    // The first burst leaves about half a window from now; the second a whole window from now.
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(SLIDE_MS / 2 + SLIDE_SHAPE.sliceMs);
    expect(refused.resetMs).toBeGreaterThan(SLIDE_MS / 2);
    expect(refused.resetMs).toBeLessThanOrEqual(SLIDE_MS + SLIDE_SHAPE.sliceMs);

    // Once the first burst has left, exactly its three units fit again: a fixed window would either
    // still refuse (same window) or have reset all six (next window).
    await sleep(refused.retryAfterMs + 20);
    expect(await limiter.consume(id, 3, 6)).toMatchObject({ allowed: true, remaining: 0 });
    const again = await limiter.consume(id, 1, 6);
    expect(again).toMatchObject({ allowed: false, remaining: 0 });
    // The second burst still counts, and leaves about half a window later (more if a timer ran late).
    expect(again.retryAfterMs).toBeGreaterThan(0);
    expect(again.retryAfterMs).toBeLessThan(SLIDE_MS);
  });

  it('honours Retry-After: after waiting retryAfterMs the same cost is allowed', async () => {
    const limiter = make();
    const id = uniqueName('retry');
    expect((await limiter.consume(id, 4, 4)).allowed).toBe(true);
    const refused = await limiter.consume(id, 2, 4);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(WINDOW_MS + SHAPE.sliceMs);
    await sleep(refused.retryAfterMs + 20);
    expect(await limiter.consume(id, 2, 4)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('keeps separate budgets per identity', async () => {
    const limiter = make();
    const [a, b] = [uniqueName('a'), uniqueName('b')];
    expect((await limiter.consume(a, 3, 3)).allowed).toBe(true);
    expect((await limiter.consume(a, 1, 3)).allowed).toBe(false);
    expect(await limiter.consume(b, 1, 3)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('refuses costs it cannot account', async () => {
    const limiter = make();
    await expect(limiter.consume('x', 0, 5)).rejects.toThrow(RangeError);
    await expect(limiter.consume('x', 6, 5)).rejects.toThrow(RangeError);
    await expect(limiter.consume('x', 1.5, 5)).rejects.toThrow(RangeError);
  });
});

describe('sliding window in Valkey', () => {
  it('keeps one expiring hash per identity under the key prefix', async () => {
    const limiter = new RedisRateLimiter(redis, PREFIX, SHAPE);
    const id = uniqueName('key');
    await limiter.consume(id, 2, 10);
    await limiter.consume(id, 3, 10);
    const key = `${PREFIX}${id}`;
    expect(await redis.type(key)).toBe('hash');
    const units = Object.values(await redis.hgetall(key)).reduce((sum, v) => sum + Number(v), 0);
    expect(units).toBe(5);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(WINDOW_MS / 2);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS + SHAPE.sliceMs);
    await sleep(ttl + 20);
    expect(await redis.exists(key)).toBe(0);
  });

  it('is one budget for every limiter on the same prefix (what instances share)', async () => {
    const id = uniqueName('shared');
    const one = new RedisRateLimiter(redis, PREFIX, SHAPE);
    const connection = redis.duplicate();
    try {
      const other = new RedisRateLimiter(connection, PREFIX, SHAPE);
      expect(await one.consume(id, 3, 5)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await other.consume(id, 2, 5)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await one.consume(id, 1, 5)).allowed).toBe(false);
    } finally {
      await connection.quit();
    }
  });
});

describe('memory limiter bound', () => {
  it('tracks at most maxIdentities, forgetting the least recently seen', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(SHAPE, 100, () => now);
    await limiter.consume('first', 5, 5);
    for (let i = 0; i < 1_000; i++) {
      now += 1;
      await limiter.consume(`flood-${i}`, 1, 5);
    }
    expect(limiter.size).toBe(100);
    // `first` was evicted: its budget starts afresh.
    expect(await limiter.consume('first', 5, 5)).toMatchObject({ allowed: true });
  });

  it('drops identities whose spending has left the window', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(SHAPE, 100, () => now);
    await limiter.consume('gone', 5, 5);
    now += WINDOW_MS + SHAPE.sliceMs;
    expect(await limiter.consume('gone', 5, 5)).toMatchObject({ allowed: true, remaining: 0 });
  });
});
