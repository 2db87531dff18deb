import type { RedisClient } from '../redis/redis-factory';
import { assertCost, type RateLimitDecision, type RateLimiter } from './rate-limiter';
import { SLIDING_WINDOW_SCRIPT } from './sliding-window-script';
import type { WindowShape } from './sliding-window';

/** A limiter that may be unreachable: the fallback asks before every attempt. */
export interface SharedRateLimiter extends RateLimiter {
  /** False while the connection is not ready (commands would fail at once). */
  readonly available: boolean;
  /** True until the first connection attempt has succeeded or failed: not ready yet, but not down. */
  readonly starting: boolean;
}

const COMMAND = 'giRateLimitSlidingWindow';

type ScriptReply = [number, number, number, number];
type WithScript = Record<
  typeof COMMAND,
  (key: string, sliceMs: number, slices: number, limit: number, cost: number) => Promise<ScriptReply>
>;

/**
 * The sliding window in Valkey, shared by every instance: one hash per identity, updated by one
 * atomic script (ioredis sends it by SHA and reloads it after a restart or failover).
 */
export class RedisRateLimiter implements SharedRateLimiter {
  private firstAttemptDone: boolean;

  /**
   * @param redis a `command` connection (fails fast while disconnected)
   * @param keyPrefix the prefix of every key, `<REDIS_KEY_PREFIX>:ratelimit:`
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly shape: WindowShape,
  ) {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SLIDING_WINDOW_SCRIPT });
    // Starting while a fresh client makes its first attempt, which ends with `ready` or, failed, `close`.
    this.firstAttemptDone = !['wait', 'connecting', 'connect'].includes(redis.status);
    const settled = () => (this.firstAttemptDone = true);
    redis.once('ready', settled);
    redis.once('close', settled);
  }

  get available(): boolean {
    return this.redis.status === 'ready';
  }

  get starting(): boolean {
    return !this.firstAttemptDone && this.redis.status !== 'ready';
  }

  async consume(identity: string, cost: number, limit: number): Promise<RateLimitDecision> {
    assertCost(cost, limit);
    const script = (this.redis as unknown as WithScript)[COMMAND].bind(this.redis);
    const [allowed, used, retryAfterMs, resetMs] = await script(
      this.keyPrefix + identity,
      this.shape.sliceMs,
      this.shape.slices,
      limit,
      cost,
    );
    return {
      allowed: allowed === 1,
      limit,
      remaining: Math.max(0, limit - used),
      resetMs,
      retryAfterMs,
    };
  }
}
