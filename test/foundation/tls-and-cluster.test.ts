import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, chownSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { openDatabase } from '../../src/platform/database/database';
import { databaseTls } from '../../src/platform/database/database-tls';
import { secretLoginSource } from '../../src/platform/database/rotating-login';
import { CachedSecretStore } from '../../src/platform/secrets/secret-store';
import { RedisCache } from '../../src/platform/cache/redis-cache';
import { createRedisPubSub } from '../../src/platform/pubsub/pubsub';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import { closeRedis, createRedisFactory } from '../../src/platform/redis/redis-factory';
import { appEntities } from '../../src/app';
import { LogCapture } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { createTestCertificates, type TestCertificates } from '../support/tls-certs';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';
import { freePort } from '../support/free-port';
import { uniqueName } from '../support/services';

const logger = new LogCapture('warn').logger;
let certs: TestCertificates;
beforeAll(() => {
  certs = createTestCertificates();
  // The PostgreSQL server runs as `postgres`: it must read the directory, certificate and key (0600).
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  chmodSync(certs.dir, 0o755);
  for (const file of [certs.certPath, certs.keyPath]) chownSync(file, uid, uid);
  chmodSync(certs.keyPath, 0o600);
});
afterAll(() => certs?.dispose());

describe('PostgreSQL over TLS (RDS style)', () => {
  let pg: ThrowawayPostgres;
  beforeAll(async () => {
    pg = await startThrowawayPostgres({
      settings: { ssl: 'on', ssl_cert_file: certs.certPath, ssl_key_file: certs.keyPath },
    });
  }, 60_000);
  afterAll(() => pg?.dispose());

  const configFor = (caPath: string | undefined, extra: Record<string, string> = {}) =>
    loadConfig({
      env: {
        DB_HOST: '127.0.0.1',
        DB_PORT: String(pg.port),
        DB_NAME: 'postgres',
        DB_SSL: 'true',
        ...(caPath ? { DB_SSL_CA_PATH: caPath } : {}),
        DB_CONNECT_TIMEOUT_MS: '2000',
        ...extra,
      },
    });

  it('connects with TLS verified against the CA file', async () => {
    const { config } = await configFor(certs.caPath);
    const db = await openDatabase(config, appEntities(), logger);
    try {
      await db.ping();
      const [row] = await db.orm.em
        .getConnection()
        .execute<{ ssl: boolean }[]>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      expect(row.ssl).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('ships the Amazon RDS CA certificates (DB_SSL_CA_BUNDLE=aws-rds), trusted beside a CA file', async () => {
    const rds = databaseTls(
      (await configFor(undefined, { DB_SSL_CA_BUNDLE: 'aws-rds' })).config.database.ssl,
    );
    expect(rds && rds.ca!.length).toBeGreaterThan(100);
    const subjects = (rds ? rds.ca! : []).map((pem) => new X509Certificate(pem).subject);
    // RDS's regional CAs, and Amazon Trust Services' roots (RDS Proxy, Aurora Serverless).
    expect(subjects.filter((subject) => /^OU=Amazon RDS$/m.test(subject)).length).toBeGreaterThan(100);
    expect(subjects.some((subject) => /CN=Amazon RDS us-east-1 Root CA RSA2048 G1/.test(subject))).toBe(true);

    // Only RDS's CAs: this server's certificate (another CA) is refused, not taken on Node's defaults.
    const alone = await openDatabase(
      (await configFor(undefined, { DB_SSL_CA_BUNDLE: 'aws-rds' })).config,
      appEntities(),
      logger,
    );
    try {
      await expect(alone.ping()).rejects.toThrow(/certificate/i);
    } finally {
      await alone.close();
    }
    // With a CA file too, both are trusted.
    const both = await openDatabase(
      (await configFor(certs.caPath, { DB_SSL_CA_BUNDLE: 'aws-rds' })).config,
      appEntities(),
      logger,
    );
    try {
      await both.ping();
    } finally {
      await both.close();
    }
  });

  it('refuses a server whose certificate the CA file does not vouch for', async () => {
    const { config } = await configFor(certs.otherCaPath);
    const db = await openDatabase(config, appEntities(), logger);
    try {
      await expect(db.ping()).rejects.toThrow(/certificate/i);
    } finally {
      await db.close();
    }
  });
});

describe('PostgreSQL over TLS with a rotated password', () => {
  let pg: ThrowawayPostgres;
  beforeAll(async () => {
    pg = await startThrowawayPostgres({
      superuserPassword: 'tls-admin-pw',
      settings: { ssl: 'on', ssl_cert_file: certs.certPath, ssl_key_file: certs.keyPath },
    });
  }, 60_000);
  afterAll(() => pg?.dispose());

  it('a refused login over TLS re-reads the secret and new TLS connections use the new password', async () => {
    let secret = { username: 'postgres', password: 'tls-admin-pw' };
    const store = new CachedSecretStore(async () => JSON.stringify(secret), 60_000);
    const { config } = await loadConfig({
      env: {
        DB_HOST: '127.0.0.1',
        DB_PORT: String(pg.port),
        DB_NAME: 'postgres',
        DB_PASSWORD: 'tls-admin-pw',
        DB_SSL: 'true',
        DB_SSL_CA_PATH: certs.caPath,
        DB_POOL_MAX_LIFETIME_MS: '100',
      },
    });
    const db = await openDatabase(config, appEntities(), logger, secretLoginSource(store, 'db'));
    try {
      await db.orm.em.getConnection().execute(`ALTER ROLE postgres PASSWORD 'tls-rotated-pw'`);
      secret = { username: 'postgres', password: 'tls-rotated-pw' };
      await new Promise((resolve) => setTimeout(resolve, 200)); // pooled connections past their lifetime
      const [row] = await db.orm.em
        .getConnection()
        .execute<{ ssl: boolean }[]>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      expect(row.ssl).toBe(true);
      expect(db.loginRotations).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe('Valkey over TLS (ElastiCache in-transit encryption)', () => {
  let redis: ThrowawayRedis;
  let tlsPort: number;
  beforeAll(async () => {
    tlsPort = await freePort();
    redis = await startThrowawayRedis({
      extraArgs: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        certs.certPath,
        '--tls-key-file',
        certs.keyPath,
        '--tls-ca-cert-file',
        certs.caPath,
        '--tls-auth-clients',
        'no',
        '--requirepass',
        'tls-secret-pw',
      ],
    });
  });
  afterAll(() => redis?.dispose());

  it('talks TLS with a password, verified against the CA file', async () => {
    const { config } = await loadConfig({
      env: {
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(tlsPort),
        REDIS_TLS: 'true',
        REDIS_TLS_CA_PATH: certs.caPath,
        REDIS_PASSWORD: 'tls-secret-pw',
        REDIS_KEY_PREFIX: uniqueName('tls'),
      },
    });
    const factory = createRedisFactory(config.redis, logger);
    const client = factory.create('command');
    try {
      await waitFor(async () => client.status === 'ready', 'TLS connection', 10_000);
      const cache = new RedisCache(client, `${factory.keyPrefix}:cache:`, logger);
      await cache.set('k', { v: 1 }, 10_000);
      expect(await cache.get('k')).toEqual({ v: 1 });
      expect(cache.stats().errors).toBe(0);
    } finally {
      await closeRedis(client);
    }
  });
});

describe('Valkey cluster mode', () => {
  const nodes: ThrowawayRedis[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await startThrowawayRedis({
          extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
        }),
      );
    }
    execFileSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(
      async () =>
        execFileSync('redis-cli', ['-p', String(nodes[0].port), 'cluster', 'info'])
          .toString()
          .includes('cluster_state:ok'),
      'cluster state ok',
      20_000,
    );
  }, 60_000);
  afterAll(() => Promise.all(nodes.map((n) => n.dispose())));

  it('runs the cache across slots, BullMQ jobs and pub/sub on a cluster', async () => {
    const { config } = await loadConfig({
      env: {
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(nodes[0].port),
        REDIS_CLUSTER: 'true',
        REDIS_KEY_PREFIX: uniqueName('cl'),
      },
    });
    const factory = createRedisFactory(config.redis, logger);
    const client = factory.create('command');
    const queue = new BullMqDriver(factory, logger);
    const pubSub = createRedisPubSub(factory, logger);
    try {
      await waitFor(async () => client.status === 'ready', 'cluster connection', 10_000);
      const cache = new RedisCache(client, `${factory.keyPrefix}:cache:`, logger);
      const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
      for (const key of keys) await cache.set(key, key, 10_000);
      expect(await Promise.all(keys.map((k) => cache.get(k)))).toEqual(keys);
      await cache.delete(...keys);
      expect(await cache.get('key-3')).toBeUndefined();
      expect(cache.stats().errors).toBe(0);

      let ran: string | undefined;
      queue.work<{ n: number }>(
        'cluster-test',
        async (job) => {
          ran = `${job.data.n}`;
        },
        { concurrency: 1 },
      );
      await queue.add('cluster-test', 'job', { n: 42 });
      await waitFor(async () => ran !== undefined, 'the job to run on the cluster', 20_000);
      expect(ran).toBe('42');

      // Delivery is at most once, and SUBSCRIBE reaches a cluster node only after the subscriber
      // has read the slots (slow under a loaded CI machine): publish until the subscriber hears it.
      const iterator = pubSub.subscribe('TOPIC', 'a')[Symbol.asyncIterator]();
      let heard: unknown;
      void iterator.next().then((result) => (heard = result.value));
      await waitFor(
        async () => {
          if (heard === undefined) pubSub.publish('TOPIC', 'a', { hello: 'cluster' });
          await new Promise((r) => setTimeout(r, 100));
          return heard !== undefined;
        },
        'the subscriber to hear a publish on the cluster',
        20_000,
      );
      expect(heard).toEqual({ hello: 'cluster' });
      await iterator.return?.();
    } finally {
      await queue.close();
      await pubSub.close();
      await closeRedis(client);
    }
  }, 60_000);
});
