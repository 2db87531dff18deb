/**
 * A budget of cost units per identity over a sliding window. Implementations share these semantics
 * (see sliding-window.ts): Valkey for limits shared by every instance, memory for one process.
 */
export interface RateLimiter {
  /**
   * Spends `cost` units of `identity`'s budget of `limit` units per window when they are available;
   * a refused attempt spends nothing. `cost` is a whole number from 1 to `limit`.
   */
  consume(identity: string, cost: number, limit: number): Promise<RateLimitDecision>;
  /**
   * Decides as `consume` would, without waiting, when this process can (the budget is kept in
   * memory, or a lease holds the units); undefined when it cannot: then ask `consume`. Only
   * limiters that keep budgets or units in process have it.
   */
  consumeNow?(identity: string, cost: number, limit: number): RateLimitDecision | undefined;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The budget per window. */
  readonly limit: number;
  /** Units left in the window after this attempt. */
  readonly remaining: number;
  /** Until the whole budget is available again (everything spent has left the window). */
  readonly resetMs: number;
  /** When refused: until enough has left the window for this cost; 0 when allowed. */
  readonly retryAfterMs: number;
}

/** Where limits are kept right now, for health: shared through Valkey or in this process only. */
export interface RateLimiterStatus {
  readonly store: 'valkey' | 'memory';
  /** True while Valkey is configured but unreachable and this process limits on its own. */
  readonly degraded: boolean;
  /** Since when the store has been in use (ISO 8601). */
  readonly since: string;
  readonly lastError?: string;
}

/** Refuses a cost the limiters cannot account (callers check `cost <= limit` themselves first). */
export function assertCost(cost: number, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`rate limit must be a positive integer`);
  if (!Number.isInteger(cost) || cost < 1 || cost > limit) {
    throw new RangeError(`rate limit cost must be an integer from 1 to ${limit}, got ${cost}`);
  }
}
