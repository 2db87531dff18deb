import type { Logger } from '../logging/logger';
import type { SharedRateLimiter } from './redis-rate-limiter';
import { assertCost, type RateLimitDecision, type RateLimiter, type RateLimiterStatus } from './rate-limiter';

const NOT_READY = 'connection to Valkey is not ready';

export interface FallbackRateLimiterOptions {
  readonly shared: SharedRateLimiter;
  readonly local: RateLimiter;
  readonly logger: Logger;
  /** Longest wait for Valkey before this attempt is decided locally (a black-holed link never errors). */
  readonly timeoutMs: number;
  readonly now?: () => number;
}

/**
 * Limits through Valkey while it answers, and in this process's memory while it does not, so an
 * outage neither lets everything through (fail open) nor refuses everyone (fail closed). Each
 * change of store is logged once, and `status()` shows it for health. While degraded each process
 * enforces the whole budget on its own, so a caller spread over N instances may get up to N times it.
 */
export class FallbackRateLimiter implements RateLimiter {
  private degraded = false;
  private since: number;
  private lastError: string | undefined;

  constructor(private readonly options: FallbackRateLimiterOptions) {
    this.since = this.now();
  }

  async consume(identity: string, cost: number, limit: number): Promise<RateLimitDecision> {
    // A bad argument is the caller's bug, not an outage: it must not switch stores.
    assertCost(cost, limit);
    const { shared, local } = this.options;
    if (!shared.available) {
      // Requests in the first moments after start-up, before the connection is up, are no outage.
      if (!shared.starting) this.degrade(NOT_READY);
      return local.consume(identity, cost, limit);
    }
    try {
      const decision = await withTimeout(shared.consume(identity, cost, limit), this.options.timeoutMs);
      this.recover();
      return decision;
    } catch (error) {
      this.degrade((error as Error).message);
      return local.consume(identity, cost, limit);
    }
  }

  /**
   * Where limits are kept now. A connection known to be down counts even before the next request,
   * and so does its return (a failed command or a timeout waits for the next request to clear).
   */
  status(): RateLimiterStatus {
    const { shared } = this.options;
    if (!shared.available && !shared.starting) this.degrade(NOT_READY);
    else if (this.degraded && shared.available && this.lastError === NOT_READY) this.recover();
    return {
      store: this.degraded ? 'memory' : 'valkey',
      degraded: this.degraded,
      since: new Date(this.since).toISOString(),
      ...(this.degraded && this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private degrade(reason: string): void {
    this.lastError = reason;
    if (this.degraded) return;
    this.degraded = true;
    this.since = this.now();
    this.options.logger.warn(
      { error: reason },
      'rate limits: Valkey unreachable, limiting in per-process memory until it is back',
    );
  }

  private recover(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.since = this.now();
    this.lastError = undefined;
    this.options.logger.info('rate limits: Valkey reachable again, limits are shared across instances');
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Valkey within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
