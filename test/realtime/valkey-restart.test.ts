import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserUpdatedDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app-harness';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';
import { channelSubscribers, subscribe, wsClient } from './subscription-client';

/**
 * Issue 11, item 3: Valkey restarted while a client is subscribed. The client keeps its
 * WebSocket; the server's subscriber link comes back by itself, tells the subscription to re-read
 * (`resync: true`, pub/sub being at-most-once), and later events arrive again.
 */
let redis: ThrowawayRedis;
let t: TestApp;

beforeAll(async () => {
  redis = await startThrowawayRedis();
  t = await startTestApp({
    role: 'api',
    env: { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), RATE_LIMIT_ENABLED: 'false' },
  });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await redis?.dispose();
});

async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a subscription survives a Valkey restart: told to resync, then receives later events', async () => {
  const login = 'restart-watch';
  const channel = `${t.config.redis.keyPrefix}:events:USER_UPDATED:${login}`;
  const client = wsClient(t.url);
  try {
    const updates = subscribe(client, UserUpdatedDocument, { login });
    await until(async () => (await channelSubscribers(redis, channel)) === 1, 'the server to subscribe');

    await redis.stop();
    await redis.start();
    await until(() => updates.results.length > 0, 'a resync event');
    expect(updates.results[0]).toEqual({ data: { userUpdated: { login, resync: true, user: null } } });
    await until(
      async () => (await channelSubscribers(redis, channel)) === 1,
      'the server to subscribe again',
    );

    const publisher = new Redis({ host: redis.host, port: redis.port });
    try {
      await publisher.publish(channel, JSON.stringify({ login, userId: 1, harvestJobId: null }));
    } finally {
      publisher.disconnect();
    }
    await until(() => updates.results.length > 1, 'the event published after the restart');
    expect(updates.results[1]).toEqual({ data: { userUpdated: { login, resync: false, user: null } } });
    expect(updates.results).toHaveLength(2);
    expect(updates.closed).toBeUndefined();
    expect(updates.errors).toBeUndefined();
    expect(t.logs.lines.some((l) => l.msg === 'pub/sub link back: subscribers told to resync')).toBe(true);
  } finally {
    await client.dispose();
  }
}, 90_000);
