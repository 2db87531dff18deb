import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import type { Cache } from './cache/cache';
import { closeStages } from './close-stages';
import { MemoryCache } from './cache/memory-cache';
import { RedisCache } from './cache/redis-cache';
import { type Database, openDatabase } from './database/database';
import { secretLoginSource } from './database/rotating-login';
import type { Logger } from './logging/logger';
import { IncidentAlerts } from './alerts/incident-alerts';
import { instrumentQueue } from './metrics/instrumented-queue';
import type { AppMetrics } from './metrics/metrics';
import { JobOutbox } from './outbox/job-outbox';
import { OutboxMessage } from './outbox/outbox-message.entity';
import { OutboxRelay, type OutboxRelayHooks } from './outbox/outbox-relay';
import { type AppPubSub, createMemoryPubSub, createRedisPubSub } from './pubsub/pubsub';
import { BullMqDriver } from './queue/bullmq-driver';
import type { QueueDriver } from './queue/job-queue';
import { MemoryQueueDriver } from './queue/memory-driver';
import { createRateLimitStore, type RateLimitStore } from './rate-limit/rate-limit-store';
import { secretRedisLogins } from './redis/redis-auth-rotation';
import { closeRedis, createRedisFactory } from './redis/redis-factory';
import { linkLagOf, ResponseCache } from './response-cache/response-cache';
import type { SecretStore } from './secrets/secret-store';

/** Tables the platform itself owns (the outbox); features' entities come from their modules. */
export const PLATFORM_ENTITIES = [OutboxMessage];

/** The platform every module may use, built once from the configuration. */
export interface Platform {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  /** The global EntityManager: fork it per job (requests get their own in the context). */
  readonly em: EntityManager;
  readonly cache: Cache;
  readonly queue: QueueDriver;
  /**
   * Where work that outlives a request is written, in the transaction of its record; the relay
   * adds it to `queue` after the commit (docs/architecture.md). Modules enqueue here, not on `queue`.
   */
  readonly outbox: JobOutbox;
  readonly pubSub: AppPubSub;
  readonly rateLimits: RateLimitStore;
  /** Whole answers of cacheable queries (separate from `cache`); undefined when switched off. */
  readonly responseCache: ResponseCache | undefined;
  /** The store configuration was read through (absent when no secret name is set). */
  readonly secrets: SecretStore | undefined;
  /** The app's metrics registry (modules contribute figures through their `metrics` part instead). */
  readonly metrics: AppMetrics;
  /** Operator notifications, once per incident (docs/operations.md). */
  readonly alerts: IncidentAlerts;
}

export interface OpenedPlatform extends Platform {
  /** Starts relaying committed jobs (and what a crashed process left); every role does. */
  startRelay(): void;
  /** Closes the relay, queues, pub/sub, Valkey clients and the database, in that order; every stage runs. */
  close(): Promise<void>;
}

/**
 * Opens the database (with the modules' entities) and, by `REDIS_MODE`, the Valkey-backed cache,
 * pub/sub, queue and rate-limit store or their in-process drivers (embedded mode, one process).
 */
export async function openPlatform(options: {
  readonly config: Config;
  readonly logger: Logger;
  readonly secrets: SecretStore | undefined;
  readonly metrics: AppMetrics;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly entities: readonly (abstract new (...args: any[]) => object)[];
  /** Tests stop or kill the relay between adding jobs and marking them relayed. */
  readonly relayHooks?: OutboxRelayHooks;
}): Promise<OpenedPlatform> {
  const { config, logger, secrets } = options;
  const dbSecret = config.secrets.names.database;
  const database = await openDatabase(
    config,
    [...new Set([...options.entities, ...PLATFORM_ENTITIES])],
    logger,
    // A refused login re-reads the database secret (rotation); without one it is an error as is.
    secrets && dbSecret ? secretLoginSource(secrets, dbSecret) : undefined,
  );
  const closers: (() => Promise<unknown>)[] = [];
  let cache: Cache;
  let pubSub: AppPubSub;
  let queue: QueueDriver;
  let rateLimits: RateLimitStore;
  let responseCache: ResponseCache | undefined;
  const responseSettings = {
    ...config.cache.response,
    maxEntryBytes: 1024 * 1024,
    skewMs: 100,
    maxLinkLagMs: linkLagOf(config.cache.response.maxStaleMs),
  };
  if (config.redis.mode === 'external') {
    const redisSecret = config.secrets.names.redis;
    const redis = createRedisFactory(
      config.redis,
      logger,
      // WRONGPASS/NOAUTH re-reads the redis secret (ACL password or auth token rotation).
      secrets && redisSecret ? secretRedisLogins(secrets, redisSecret) : undefined,
    );
    rateLimits = createRateLimitStore({ config: config.rateLimit, redis, logger });
    const cacheClient = redis.create('command');
    cache = new RedisCache(cacheClient, `${redis.keyPrefix}:cache:`, logger);
    pubSub = createRedisPubSub(redis, logger);
    queue = instrumentQueue(new BullMqDriver(redis, logger, config.queue.stalled), options.metrics, logger);
    closers.push(() => closeRedis(cacheClient));
    if (config.cache.response.enabled) {
      const responseClient = redis.create('command');
      const prefix = `${redis.keyPrefix}:response-cache:`;
      responseCache = new ResponseCache(responseSettings, { redis: responseClient, prefix }, logger);
      closers.push(() => closeRedis(responseClient));
    }
  } else {
    rateLimits = createRateLimitStore({ config: config.rateLimit, redis: undefined, logger });
    cache = new MemoryCache(config.cache.memoryMaxEntries);
    pubSub = createMemoryPubSub(logger);
    queue = instrumentQueue(new MemoryQueueDriver(logger), options.metrics, logger);
    if (config.cache.response.enabled) responseCache = new ResponseCache(responseSettings, undefined, logger);
  }
  const relay = new OutboxRelay({
    em: database.orm.em as EntityManager,
    queue,
    logger: logger.child({ component: 'outbox' }),
    settings: config.outbox,
    hooks: options.relayHooks,
  });
  return {
    config,
    logger,
    database,
    outbox: new JobOutbox(relay.wake),
    startRelay: () => relay.start(),
    em: database.orm.em as EntityManager,
    cache,
    queue,
    pubSub,
    rateLimits,
    responseCache,
    secrets: options.secrets,
    metrics: options.metrics,
    alerts: new IncidentAlerts({ logger: logger.child({ component: 'operator-alerts' }) }),
    close: () =>
      closeStages(
        [
          // Rows not relayed yet wait in PostgreSQL for the next start.
          () => relay.close(),
          () => queue.close(),
          () => pubSub.close(),
          () => Promise.all([...closers.map((close) => close()), rateLimits.close()]),
          () => database.close(),
        ],
        logger,
        'platform',
      ),
  };
}
