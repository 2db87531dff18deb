import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../../config/config';
import type { Logger } from '../logging/logger';
import { RedisAuthRotation, type RedisLoginSource } from './redis-auth-rotation';

export type RedisClient = Redis | Cluster;

/**
 * What a connection is for. Each purpose gets its own connection because their needs differ:
 * - `command`: cache, rate limits, locks. Fails fast while disconnected (no offline queue), so
 *   callers degrade instead of hanging. No auto-pipelining: in cluster mode ioredis waits for slot
 *   information without a bound and groups a raw EVALSHA by its SHA rather than its key
 *   (redis/ioredis#2109), a CI run timed out once in the cluster test while it was on, and it bought
 *   at most 1.09x (docs/performance.md).
 * - `subscriber`: pub/sub subscriber (a subscribed connection cannot run other commands).
 * - `publisher`: pub/sub publisher.
 * - `queue`: BullMQ producers; fail fast.
 * - `worker`: BullMQ workers (blocking commands; BullMQ requires `maxRetriesPerRequest: null`).
 */
export type RedisPurpose = 'command' | 'subscriber' | 'publisher' | 'queue' | 'worker';

export interface RedisFactory {
  readonly config: RedisConfig;
  /** The prefix of every key this service writes (cluster mode wraps it in a hash tag for BullMQ). */
  readonly keyPrefix: string;
  create(purpose: RedisPurpose): RedisClient;
  /** Times the connections switched to a rotated login since start-up. */
  readonly loginRotations: number;
}

/**
 * One place that knows how to connect to Valkey: standalone or cluster, TLS, ACL user. With a
 * `loginSource` (the redis secret) every connection follows a rotated password or auth token.
 */
export function createRedisFactory(
  config: RedisConfig,
  logger: Logger,
  loginSource?: RedisLoginSource,
): RedisFactory {
  const rotation = new RedisAuthRotation(
    { username: config.username, password: config.password },
    loginSource,
    logger,
  );
  // Read once: every connection (six or so per process) shares the bundle.
  const ca = config.tls && config.tls.caPath ? readFileSync(config.tls.caPath, 'utf8') : undefined;
  const base: RedisOptions = {
    host: config.host,
    port: config.port,
    username: config.username,
    password: config.password,
    db: config.db,
    tls: config.tls
      ? {
          rejectUnauthorized: config.tls.rejectUnauthorized,
          // SNI takes a host name only; for an IP the certificate's IP SAN is checked instead.
          servername: isIP(config.host) ? undefined : config.host,
          ca,
        }
      : undefined,
    connectTimeout: config.connectTimeoutMs,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
  };
  const perPurpose: Record<RedisPurpose, RedisOptions> = {
    command: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    subscriber: { maxRetriesPerRequest: null },
    publisher: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    queue: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    worker: { maxRetriesPerRequest: null },
  };
  return {
    config,
    keyPrefix: config.keyPrefix,
    create(purpose) {
      const options: RedisOptions = { ...base, ...perPurpose[purpose], connectionName: `gi-${purpose}` };
      const client = config.cluster
        ? new Cluster([{ host: config.host, port: config.port }], clusterOptions(options))
        : new Redis(options);
      let lastState = '';
      const report = (state: string, error?: Error) => {
        if (state === lastState) return;
        lastState = state;
        const fields = { purpose, state, error: error?.message };
        if (state === 'ready') logger.info(fields, 'valkey connection ready');
        // `end` follows only a deliberate quit (the retry strategy never gives up).
        else if (state === 'end') logger.debug(fields, 'valkey connection closed');
        else logger.warn(fields, 'valkey connection lost');
      };
      client.on('ready', () => report('ready'));
      client.on('error', (error: Error) => report('error', error));
      client.on('end', () => report('end'));
      return rotation.track(client);
    },
    get loginRotations() {
      return rotation.rotations;
    },
  };
}

function clusterOptions(options: RedisOptions): ClusterOptions {
  const {
    host: _host,
    port: _port,
    db: _db,
    enableOfflineQueue,
    maxRetriesPerRequest,
    ...redisOptions
  } = options;
  // The cluster-level offline queue stays on: ioredis's own start-up (slot discovery, ready check)
  // goes through it, and without it the client can loop between connect and close. Callers that
  // must not wait (the cache) check `status === 'ready'` themselves.
  void enableOfflineQueue;
  return {
    redisOptions,
    // ElastiCache cluster endpoints resolve to private IPs whose certificates name the endpoint.
    dnsLookup: (address, callback) => callback(null, address),
    slotsRefreshTimeout: options.connectTimeout,
    clusterRetryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
    ...(maxRetriesPerRequest === undefined
      ? {}
      : { redisOptions: { ...redisOptions, maxRetriesPerRequest } }),
  };
}

/**
 * Closes a connection whatever its state: QUIT when connected (pending replies arrive first),
 * otherwise a plain disconnect (QUIT on a broken link would fail or wait for a reconnect).
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to disconnect
    }
  }
  client.disconnect();
}
