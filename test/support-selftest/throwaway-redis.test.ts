import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePort } from '../support/free-port';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';

/** A one-shot client that gives up at once instead of retrying: each call is a fresh probe. */
async function oneShot<T>(port: number, use: (client: Redis) => Promise<T>, password?: string): Promise<T> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

describe('startThrowawayRedis', () => {
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    redis = await startThrowawayRedis();
  });
  afterAll(() => redis?.dispose());

  it('runs its own server on 127.0.0.1, never the shared 6379', async () => {
    expect(redis.host).toBe('127.0.0.1');
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(redis.running).toBe(true);
    expect(await oneShot(redis.port, (c) => c.set('k', 'v').then(() => c.get('k')))).toBe('v');
  });

  it('stop() leaves the port refusing connections; start() brings it back on the same port, empty', async () => {
    const { port } = redis;
    await redis.stop();
    expect(redis.running).toBe(false);
    expect(await probePort(port)).toBe('refused');
    await expect(oneShot(port, (c) => c.ping())).rejects.toThrow();

    await redis.start();
    expect(redis.running).toBe(true);
    expect(redis.port).toBe(port);
    expect(await oneShot(port, (c) => c.ping())).toBe('PONG');
    // No persistence: a restart loses what was written before it.
    expect(await oneShot(port, (c) => c.get('k'))).toBeNull();
  });

  it('a long-lived client reconnects by itself once the server is back', async () => {
    const client = new Redis({
      host: '127.0.0.1',
      port: redis.port,
      retryStrategy: () => 50,
      maxRetriesPerRequest: 1,
    });
    client.on('error', () => undefined);
    try {
      expect(await client.ping()).toBe('PONG');
      await redis.stop();
      await expect(client.ping()).rejects.toThrow();
      await redis.start();
      await expect
        .poll(() => client.ping().catch(() => 'down'), { timeout: 5_000, interval: 100 })
        .toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('stop() and start() are idempotent and run in call order', async () => {
    await Promise.all([redis.stop(), redis.stop(), redis.start(), redis.start()]);
    expect(redis.running).toBe(true);
    expect(await oneShot(redis.port, (c) => c.ping())).toBe('PONG');
  });
});

describe('startThrowawayRedis options and disposal', () => {
  it('passes extra server arguments (a password) and still knows when the server is ready', async () => {
    const redis = await startThrowawayRedis({ extraArgs: ['--requirepass', 's3cret'] });
    try {
      await expect(oneShot(redis.port, (c) => c.get('x'))).rejects.toThrow(/NOAUTH/);
      expect(await oneShot(redis.port, (c) => c.ping(), 's3cret')).toBe('PONG');
    } finally {
      await redis.dispose();
    }
  });

  it('dispose() stops the server, removes its files, may be repeated, and retires the handle', async () => {
    const redis = await startThrowawayRedis();
    const { port } = redis;
    const pidFile = await oneShot(port, (c) => c.config('GET', 'pidfile'));
    const dir = String((pidFile as string[])[1]).replace(/\/redis\.pid$/, '');
    expect(existsSync(dir)).toBe(true);

    await redis.dispose();
    await redis.dispose();
    expect(redis.running).toBe(false);
    expect(await probePort(port)).toBe('refused');
    expect(existsSync(dir)).toBe(false);
    await expect(redis.start()).rejects.toThrow(/disposed/);
  });
});
