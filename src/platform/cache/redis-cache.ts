import type { Logger } from '../logging/logger';
import type { RedisClient } from '../redis/redis-factory';
import { type Cache, CacheCounters, type CacheStats } from './cache';

export class RedisCache implements Cache {
  private readonly counters = new CacheCounters();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.available('get')) {
      this.counters.misses++;
      return undefined;
    }
    try {
      const raw = await this.redis.get(this.prefix + key);
      if (raw === null) {
        this.counters.misses++;
        return undefined;
      }
      this.counters.hits++;
      return JSON.parse(raw) as T;
    } catch (error) {
      this.fail('get', error);
      this.counters.misses++;
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if (!this.available('set')) return;
    try {
      await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
    } catch (error) {
      this.fail('set', error);
    }
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0 || !this.available('delete')) return;
    try {
      // One DEL per key keeps cluster mode correct (keys may live in different slots).
      await Promise.all(keys.map((key) => this.redis.del(this.prefix + key)));
    } catch (error) {
      this.fail('delete', error);
    }
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  stats(): CacheStats {
    return this.counters.snapshot();
  }

  /** A cache never makes a request wait for a reconnect: while not connected, skip it. */
  private available(operation: string): boolean {
    if (this.redis.status === 'ready') return true;
    this.fail(operation, new Error(`not connected (${this.redis.status})`));
    return false;
  }

  private fail(operation: string, error: unknown): void {
    this.counters.errors++;
    this.logger.warn(
      { operation, error: (error as Error).message },
      'cache operation failed; continuing without cache',
    );
  }
}
