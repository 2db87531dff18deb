import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import type { Cache } from './cache/cache';
import { closeStages } from './close-stages';
import { MemoryCache } from './cache/memory-cache';
import { RedisCache } from './cache/redis-cache';
import { type Database, openDatabase } from './database/database';
import type { Logger } from './logging/logger';
import { type AppPubSub, createMemoryPubSub, createRedisPubSub } from './pubsub/pubsub';
import { BullMqDriver } from './queue/bullmq-driver';
import type { QueueDriver } from './queue/job-queue';
import { MemoryQueueDriver } from './queue/memory-driver';
import { createRateLimitStore, type RateLimitStore } from './rate-limit/rate-limit-store';
import { closeRedis, createRedisFactory } from './redis/redis-factory';
import type { SecretStore } from './secrets/secret-store';

/** The platform every module may use, built once from the configuration. */
export interface Platform {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  /** The global EntityManager: fork it per job (requests get their own in the context). */
  readonly em: EntityManager;
  readonly cache: Cache;
  readonly queue: QueueDriver;
  readonly pubSub: AppPubSub;
  readonly rateLimits: RateLimitStore;
  /** The store configuration was read through (absent when no secret name is set). */
  readonly secrets: SecretStore | undefined;
}

export interface OpenedPlatform extends Platform {
  /** Closes queues, pub/sub, Valkey clients and the database, in that order; every stage runs. */
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly entities: readonly (abstract new (...args: any[]) => object)[];
}): Promise<OpenedPlatform> {
  const { config, logger } = options;
  const database = await openDatabase(config, [...options.entities], logger);
  const closers: (() => Promise<unknown>)[] = [];
  let cache: Cache;
  let pubSub: AppPubSub;
  let queue: QueueDriver;
  let rateLimits: RateLimitStore;
  if (config.redis.mode === 'external') {
    const redis = createRedisFactory(config.redis, logger);
    rateLimits = createRateLimitStore({ config: config.rateLimit, redis, logger });
    const cacheClient = redis.create('command');
    cache = new RedisCache(cacheClient, `${redis.keyPrefix}:cache:`, logger);
    pubSub = createRedisPubSub(redis, logger);
    queue = new BullMqDriver(redis, logger);
    closers.push(() => closeRedis(cacheClient));
  } else {
    rateLimits = createRateLimitStore({ config: config.rateLimit, redis: undefined, logger });
    cache = new MemoryCache(config.cache.memoryMaxEntries);
    pubSub = createMemoryPubSub(logger);
    queue = new MemoryQueueDriver(logger);
  }
  return {
    config,
    logger,
    database,
    em: database.orm.em as EntityManager,
    cache,
    queue,
    pubSub,
    rateLimits,
    secrets: options.secrets,
    close: () =>
      closeStages(
        [
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
