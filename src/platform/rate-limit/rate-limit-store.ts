import type { RateLimitConfig } from '../../config/config';
import type { Logger } from '../logging/logger';
import { closeRedis, type RedisFactory } from '../redis/redis-factory';
import { FallbackRateLimiter } from './fallback-rate-limiter';
import { LeasedRateLimiter } from './leased-rate-limiter';
import { MemoryRateLimiter } from './memory-rate-limiter';
import type { RateLimiter, RateLimiterStatus } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';
import { windowShape } from './sliding-window';

/** A limiter with what health and shutdown need to know about it. */
export interface RateLimitStore {
  readonly limiter: RateLimiter;
  /**
   * Another budget over the same store (its own keys and window), with the same fallback to memory
   * while Valkey is unreachable: the new-harvest budgets use one. `timeoutMs`: how long to wait
   * for Valkey before deciding in memory (default VALKEY_TIMEOUT_MS).
   */
  scoped(keyspace: string, windowMs: number, timeoutMs?: number): RateLimiter;
  status(): RateLimiterStatus;
  close(): Promise<void>;
}

/**
 * Valkey is a few milliseconds away; a reply that takes longer than this means a failing link, and
 * the request is better decided locally than held up.
 */
export const VALKEY_TIMEOUT_MS = 250;

/**
 * With Valkey (`redis` given): limits shared by every instance (taken a lease at a time, within the
 * tolerance LeasedRateLimiter states), falling back to memory while Valkey is unreachable. Without (embedded mode): memory only, which is exact for the single process
 * embedded mode allows.
 */
export function createRateLimitStore(options: {
  readonly config: RateLimitConfig;
  readonly redis: RedisFactory | undefined;
  readonly logger: Logger;
}): RateLimitStore {
  const { config, redis, logger } = options;
  const localLimiter = (windowMs: number) =>
    new MemoryRateLimiter(windowShape(windowMs), config.memoryMaxIdentities);
  if (!redis) {
    const since = new Date().toISOString();
    return {
      limiter: localLimiter(config.windowMs),
      scoped: (_keyspace, windowMs) => localLimiter(windowMs),
      status: () => ({ store: 'memory', degraded: false, since }),
      close: async () => {},
    };
  }
  const client = redis.create('command');
  const sharedLimiter = (keyspace: string, windowMs: number, timeoutMs = VALKEY_TIMEOUT_MS) =>
    new FallbackRateLimiter({
      shared: new RedisRateLimiter(client, `${redis.keyPrefix}:${keyspace}:`, windowShape(windowMs)),
      local: localLimiter(windowMs),
      logger,
      timeoutMs,
    });
  const limiter = sharedLimiter('ratelimit', config.windowMs);
  return {
    // A lease of the budget at a time instead of a Valkey round trip per request (docs/performance.md).
    limiter:
      config.localShare > 0
        ? new LeasedRateLimiter(limiter, config.localShare, config.memoryMaxIdentities)
        : limiter,
    scoped: sharedLimiter,
    status: () => limiter.status(),
    close: () => closeRedis(client),
  };
}
