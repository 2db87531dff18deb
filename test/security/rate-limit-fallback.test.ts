import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FallbackRateLimiter } from '../../src/platform/rate-limit/fallback-rate-limiter';
import { MemoryRateLimiter } from '../../src/platform/rate-limit/memory-rate-limiter';
import type { RateLimitDecision } from '../../src/platform/rate-limit/rate-limiter';
import { RedisRateLimiter, type SharedRateLimiter } from '../../src/platform/rate-limit/redis-rate-limiter';
import { windowShape } from '../../src/platform/rate-limit/sliding-window';
import { LogCapture, startTestApp, type TestApp } from '../support/app-harness';
import { freePort, waitFor } from '../support/free-port';
import { CHEAP_QUERY, postGraphql, rateLimitHeaders, spend } from '../support/rate-limit-client';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';

/**
 * Valkey unreachable: limiting goes on in per-process memory (neither open nor closed), the switch
 * is logged once each way, and limits are shared through Valkey again once it is back. The app test
 * uses a throw-away Redis of its own; the shared one is never stopped.
 */
const FALLBACK_LOG = 'rate limits: Valkey unreachable, limiting in per-process memory';
const RECOVERY_LOG = 'rate limits: Valkey reachable again';

const count = (logs: LogCapture, text: string) =>
  logs.lines.filter((l) => String(l.msg).includes(text)).length;

/** A stand-in for the Valkey limiter whose availability and behaviour the test controls. */
class FakeShared implements SharedRateLimiter {
  available = true;
  starting = false;
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  calls = 0;
  async consume(_identity: string, _cost: number, limit: number): Promise<RateLimitDecision> {
    this.calls++;
    if (this.mode === 'fail')
      throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    if (this.mode === 'hang') return new Promise(() => {});
    return { allowed: true, limit, remaining: limit, resetMs: 0, retryAfterMs: 0 };
  }
}

function fallbackWith(shared: FakeShared, logs: LogCapture): FallbackRateLimiter {
  return new FallbackRateLimiter({
    shared,
    local: new MemoryRateLimiter(windowShape(60_000), 1_000),
    logger: logs.logger,
    timeoutMs: 100,
  });
}

describe('fallback limiter', () => {
  it('limits in memory while Valkey fails, logging the switch once each way', async () => {
    const logs = new LogCapture();
    const shared = new FakeShared();
    const limiter = fallbackWith(shared, logs);
    expect((await limiter.consume('a', 1, 3)).remaining).toBe(3); // from Valkey (the fake)
    expect(limiter.status()).toMatchObject({ store: 'valkey', degraded: false });

    shared.mode = 'fail';
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limiter.consume('a', 1, 3));
    // Memory knows nothing of what Valkey counted; it enforces the budget from here on.
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(limiter.status()).toMatchObject({
      store: 'memory',
      degraded: true,
      lastError: expect.any(String),
    });
    expect(count(logs, FALLBACK_LOG)).toBe(1);

    shared.mode = 'ok';
    expect((await limiter.consume('a', 1, 3)).allowed).toBe(true);
    await limiter.consume('a', 1, 3);
    expect(limiter.status()).toMatchObject({ store: 'valkey', degraded: false });
    expect(count(logs, RECOVERY_LOG)).toBe(1);
    expect(count(logs, FALLBACK_LOG)).toBe(1);
  });

  it('does not wait for a connection known to be down, and health sees it without traffic', async () => {
    const logs = new LogCapture();
    const shared = new FakeShared();
    const limiter = fallbackWith(shared, logs);
    shared.available = false;
    expect(limiter.status()).toMatchObject({ store: 'memory', degraded: true });
    expect((await limiter.consume('b', 1, 3)).allowed).toBe(true);
    expect(shared.calls).toBe(0);
    expect(count(logs, FALLBACK_LOG)).toBe(1);
  });

  it('decides locally but reports no outage while the first connection is still opening', async () => {
    const logs = new LogCapture();
    const shared = new FakeShared();
    shared.available = false;
    shared.starting = true;
    const limiter = fallbackWith(shared, logs);
    expect((await limiter.consume('s', 1, 3)).allowed).toBe(true);
    expect(limiter.status().degraded).toBe(false);
    shared.starting = false; // the first attempt failed: now it is an outage
    expect(limiter.status().degraded).toBe(true);
    expect(count(logs, FALLBACK_LOG)).toBe(1);
  });

  it('decides locally when Valkey does not answer in time', async () => {
    const logs = new LogCapture();
    const shared = new FakeShared();
    shared.mode = 'hang';
    const limiter = fallbackWith(shared, logs);
    const started = Date.now();
    expect((await limiter.consume('c', 1, 3)).allowed).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(limiter.status().degraded).toBe(true);
  });

  it('does not mistake a bad cost for an outage', async () => {
    const logs = new LogCapture();
    const limiter = fallbackWith(new FakeShared(), logs);
    await expect(limiter.consume('d', 4, 3)).rejects.toThrow(RangeError);
    expect(limiter.status().degraded).toBe(false);
    expect(count(logs, FALLBACK_LOG)).toBe(0);
  });
});

describe('Valkey limiter connection state', () => {
  it('is starting until the first attempt fails, then down (not starting)', async () => {
    const client = new Redis({ host: '127.0.0.1', port: await freePort(), retryStrategy: () => 1_000 });
    client.on('error', () => {}); // nothing listens there, on purpose
    try {
      const limiter = new RedisRateLimiter(client, 'unused:', windowShape(1_000));
      expect(limiter.starting).toBe(true);
      await waitFor(async () => !limiter.starting, 'the first attempt to fail', 5_000);
      expect(limiter.available).toBe(false);
    } finally {
      client.disconnect();
    }
  });
});

describe('the app with Valkey going away and coming back', () => {
  const BUDGET = 4;
  let redis: ThrowawayRedis;
  let t: TestApp;
  let probe: Redis;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    t = await startTestApp({
      env: {
        REDIS_PORT: String(redis.port),
        TRUST_PROXY_HOPS: '1',
        RATE_LIMIT_WINDOW_MS: '30000',
        RATE_LIMIT_MAX_REQUESTS: String(BUDGET),
        REDIS_CONNECT_TIMEOUT_MS: '1000',
      },
    });
    probe = new Redis({ host: redis.host, port: redis.port, lazyConnect: true, retryStrategy: () => 200 });
    probe.on('error', () => {}); // it loses its server on purpose
  }, 60_000);

  afterAll(async () => {
    probe?.disconnect();
    await t?.close();
    await redis?.dispose();
  });

  const rateLimitKeys = async (): Promise<string[]> => {
    if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
    return probe.keys(`${t.config.redis.keyPrefix}:ratelimit:*`);
  };

  it('limits through Valkey, then in memory while it is down, then through Valkey again', async () => {
    const ip = '198.51.100.30';
    // Up: the budget lives in Valkey.
    const up = await spend(t.url, 2, ip);
    expect(up.map((r) => rateLimitHeaders(r.headers).remaining)).toEqual([BUDGET - 1, BUDGET - 2]);
    expect(await rateLimitKeys()).toEqual([`${t.config.redis.keyPrefix}:ratelimit:ip:${ip}`]);

    // Down: still limited (not open), still answering (not closed), and said once in the log.
    await redis.stop();
    const started = Date.now();
    const down = await spend(t.url, BUDGET + 2, ip);
    expect(down.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(down[4].body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(count(t.logs, FALLBACK_LOG)).toBe(1);
    expect(count(t.logs, RECOVERY_LOG)).toBe(0);

    // Back (empty: no persistence): once the connection is ready again, limits are shared again.
    await redis.start();
    let n = 0;
    await waitFor(
      async () => {
        await postGraphql(t.url, CHEAP_QUERY, { ip: `198.51.100.${100 + (n++ % 100)}` });
        return count(t.logs, RECOVERY_LOG) > 0;
      },
      'rate limits to use Valkey again',
      30_000,
    );
    const back = await postGraphql(t.url, CHEAP_QUERY, { ip });
    // Memory had this client exhausted; the fresh Valkey has not seen it: Valkey decides again.
    expect(back.status).toBe(200);
    expect(rateLimitHeaders(back.headers).remaining).toBe(BUDGET - 1);
    expect(await rateLimitKeys()).toContain(`${t.config.redis.keyPrefix}:ratelimit:ip:${ip}`);
    expect(count(t.logs, FALLBACK_LOG)).toBe(1);
    expect(count(t.logs, RECOVERY_LOG)).toBe(1);
  }, 60_000);
});
