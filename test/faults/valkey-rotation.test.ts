import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { RedisCache } from '../../src/platform/cache/redis-cache';
import { type AppPubSub, createRedisPubSub } from '../../src/platform/pubsub/pubsub';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import { secretRedisLogins } from '../../src/platform/redis/redis-auth-rotation';
import { closeRedis, createRedisFactory, type RedisClient } from '../../src/platform/redis/redis-factory';
import { createAwsSecretFetcher } from '../../src/platform/secrets/aws-secrets-manager';
import { CachedSecretStore } from '../../src/platform/secrets/secret-store';
import { useFakeAwsCredentials } from '../config/aws-test-setup';
import { LogCapture } from '../support/app-harness';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';
import { waitFor } from '../support/free-port';
import { sleep } from '../support/request-load';
import { rotationClient, type RotationClient } from '../support/secret-rotation';
import { uniqueName } from '../support/services';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';

/**
 * Valkey login rotation on a redis-server of this file's own: the ACL user's password (ACL SETUSER)
 * or the default user's auth token (CONFIG SET requirepass) changes, the secret follows, and every
 * connection is dropped (as a failover or network blip would) so each must log in again. The
 * platform's own pieces run on it: cache, pub/sub (with a subscription open), BullMQ producer and
 * worker (whose blocking connection BullMQ duplicates).
 */
const ADMIN_PASSWORD = 'admin-token-for-tests-only';
const SECRET = 'prod/insights/redis';

useFakeAwsCredentials();
let fake: FakeSecretsManager;
let rotation: RotationClient;
let fetcher: ReturnType<typeof createAwsSecretFetcher>;
beforeAll(async () => {
  fake = await startFakeSecretsManager();
  rotation = rotationClient(fake.endpoint);
  fetcher = createAwsSecretFetcher({ region: 'us-east-1', endpoint: fake.endpoint });
});
afterAll(async () => {
  fetcher?.close();
  rotation?.close();
  await fake?.close();
});

interface Stack {
  readonly logs: LogCapture;
  readonly clients: RedisClient[];
  readonly cache: RedisCache;
  readonly pubSub: AppPubSub;
  readonly queue: BullMqDriver;
  readonly processed: string[];
  close(): Promise<void>;
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function startStack(redis: ThrowawayRedis, env: Record<string, string>): Promise<Stack> {
  const logs = new LogCapture('info');
  const { config } = await loadConfig({
    env: {
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      REDIS_KEY_PREFIX: uniqueName('rot'),
      ...env,
    },
  });
  const store = new CachedSecretStore(fetcher.fetch, 60_000);
  const factory = createRedisFactory(config.redis, logs.logger, secretRedisLogins(store, SECRET));
  const clients: RedisClient[] = [];
  const tracking = {
    ...factory,
    create: (purpose: Parameters<typeof factory.create>[0]) => {
      const client = factory.create(purpose);
      clients.push(client);
      return client;
    },
  };
  const commands = tracking.create('command');
  const cache = new RedisCache(commands, `${factory.keyPrefix}:cache:`, logs.logger);
  const pubSub = createRedisPubSub(tracking, logs.logger);
  const queue = new BullMqDriver(tracking, logs.logger);
  const processed: string[] = [];
  queue.work<{ n: string }>('rotation', async (job) => void processed.push(job.data.n), { concurrency: 1 });
  await waitFor(async () => clients.every((c) => c.status === 'ready'), 'connections ready', 10_000);
  return {
    logs,
    clients,
    cache,
    pubSub,
    queue,
    processed,
    async close() {
      await queue.close();
      await pubSub.close();
      await closeRedis(commands);
    },
  };
}

async function adminClient(redis: ThrowawayRedis): Promise<Redis> {
  const admin = new Redis({
    host: redis.host,
    port: redis.port,
    password: ADMIN_PASSWORD,
    lazyConnect: true,
  });
  await admin.connect();
  return admin;
}

/** A subscription open before the fault, as a client's would be (SUBSCRIBE has reached Valkey). */
async function openSubscription(s: Stack): Promise<AsyncIterator<unknown>> {
  const iterator = s.pubSub.subscribe('ROTATION', 'x')[Symbol.asyncIterator]();
  await sleep(200);
  return iterator;
}

/** Everything works again: every connection ready, the open subscription delivers, a job runs, the cache answers. */
async function expectRecovered(s: Stack, label: string, iterator: AsyncIterator<unknown>): Promise<number> {
  const from = Date.now();
  await waitFor(
    async () => s.clients.every((c) => c.status === 'ready'),
    'every connection ready again',
    20_000,
  );
  let received: unknown;
  void (async () => {
    // A subscription open across the drop first hears `{ resync: true }` (the link came back).
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) return;
      if ((value as { after?: string }).after) received = value;
    }
  })();
  // Delivery is at most once: publish until the subscriber hears it (the first may go out too early).
  await waitFor(
    async () => {
      s.pubSub.publish('ROTATION', 'x', { after: label });
      await sleep(200);
      return received !== undefined;
    },
    'the open subscription to hear an event',
    20_000,
  );
  expect(received).toMatchObject({ after: label });
  await iterator.return?.();
  await waitFor(
    () =>
      s.queue.add('rotation', 'job', { n: label }).then(
        () => true,
        () => false,
      ),
    'a job to be queued',
    20_000,
  );
  await waitFor(async () => s.processed.includes(label), `job ${label} processed`, 20_000);
  await s.cache.set(`k-${label}`, label, 10_000);
  expect(await s.cache.get(`k-${label}`)).toBe(label);
  return Date.now() - from;
}

describe('Valkey ACL user password rotation (ACL SETUSER)', () => {
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    redis = await startThrowawayRedis({ extraArgs: ['--requirepass', ADMIN_PASSWORD] });
  });
  afterAll(() => redis?.dispose());

  it('single user: connections dropped inside the rotation window log in again with AWSPENDING', async () => {
    const admin = await adminClient(redis);
    try {
      await admin.call('ACL', 'SETUSER', 'app', 'on', '>app-pw-1', '~*', '&*', '+@all');
      fake.setSecret(SECRET, { username: 'app', password: 'app-pw-1' });
      stack = await startStack(redis, { REDIS_USERNAME: 'app', REDIS_PASSWORD: 'app-pw-1' });
      const errorsBefore = stack.cache.stats().errors;
      const subscription = await openSubscription(stack);

      const pending = await rotation.createSecret(SECRET, { username: 'app', password: 'app-pw-2' });
      await admin.call('ACL', 'SETUSER', 'app', 'resetpass', '>app-pw-2'); // setSecret
      const killedAt = Date.now();
      const killed = await admin.call('CLIENT', 'KILL', 'USER', 'app');
      expect(Number(killed)).toBeGreaterThanOrEqual(5);
      const recoveryMs = await expectRecovered(stack, 'acl', subscription);
      await pending.finish();

      const rotated = stack.logs.lines.filter((l) => String(l.msg).startsWith('valkey login rotated'));
      expect(rotated.length).toBe(1);
      expect(stack.logs.text()).toContain('WRONGPASS');
      expect(stack.logs.text()).not.toContain('app-pw-2');
      console.log(
        `FAULT-FIGURES ${JSON.stringify({ fault: 'valkey-acl-rotation', connectionsDropped: Number(killed), recoveryMs: Date.now() - killedAt, verifiedInMs: recoveryMs, cacheErrors: stack.cache.stats().errors - errorsBefore })}`,
      );
    } finally {
      admin.disconnect();
    }
  }, 60_000);
});

describe('Valkey auth token rotation (CONFIG SET requirepass, ElastiCache AUTH token style)', () => {
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    redis = await startThrowawayRedis({ extraArgs: ['--requirepass', ADMIN_PASSWORD] });
  });
  afterAll(() => redis?.dispose());

  it('the secret is updated after the token: every connection reconnects with the new token and resubscribes', async () => {
    fake.setSecret(SECRET, { password: ADMIN_PASSWORD });
    stack = await startStack(redis, { REDIS_PASSWORD: ADMIN_PASSWORD });
    const subscription = await openSubscription(stack);
    const admin = await adminClient(redis);
    try {
      await admin.config('SET', 'requirepass', 'token-2');
      fake.setSecret(SECRET, { password: 'token-2' });
      const killedAt = Date.now();
      const normal = await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      const pubsub = await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
      expect(Number(normal) + Number(pubsub)).toBeGreaterThanOrEqual(5);
      const verifiedInMs = await expectRecovered(stack, 'token', subscription);
      expect(stack.logs.lines.some((l) => String(l.msg).startsWith('valkey login rotated'))).toBe(true);
      console.log(
        `FAULT-FIGURES ${JSON.stringify({ fault: 'valkey-requirepass-rotation', connectionsDropped: Number(normal) + Number(pubsub), recoveryMs: Date.now() - killedAt, verifiedInMs })}`,
      );
    } finally {
      admin.disconnect();
    }
  }, 60_000);
});
