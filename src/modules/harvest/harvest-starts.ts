import type { HarvestConfig } from '../../config/config';
import { DomainError } from '../../core/errors';
import { budgetIdentity, type Viewer } from '../../core/viewer';
import type { RateLimiter } from '../../platform/rate-limit/rate-limiter';

/** Who asked for a harvest: a caller (budgeted) or the server itself (country harvests, imports). */
export type HarvestCaller = Viewer;

/**
 * A caller's new-harvest budget is spent: nothing was started. `retryAfterSeconds` and `retryAt`
 * say when asking again can start one. Code RATE_LIMITED, `extensions.limit: "harvestStarts"`.
 */
export class HarvestStartRefusedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly retryAt: Date,
    readonly limit: number,
    windowMs: number,
  ) {
    super(
      'RATE_LIMITED',
      `You may start ${limit} new harvest${limit === 1 ? '' : 's'} per ${Math.round(windowMs / 1000)} s ` +
        `and have started them all; ask again after ${retryAfterSeconds} s ` +
        `(an API key has a larger budget).`,
      { limit: 'harvestStarts', allowed: limit, retryAfterSeconds, retryAt: retryAt.toISOString() },
    );
  }
}

/** Identity and size of a caller's new-harvest budget (the query rate limit's identities, apart). */
export function harvestStartSubject(
  caller: HarvestCaller,
  budgets: HarvestConfig['starts']['budgets'],
): { readonly identity: string; readonly limit: number } {
  return {
    identity: budgetIdentity(caller),
    limit: caller.kind === 'apiKey' ? budgets[caller.role] : budgets.anonymous,
  };
}

/**
 * Bounds the NEW harvests each caller may start per window (a harvest joined or answered from the
 * negative cache costs nothing), separately from the query rate limit: a lookup costs one query
 * unit but a first harvest hundreds of GitHub points. Kept in Valkey (every instance shares it),
 * in memory while Valkey is unreachable, like the query rate limit. `limiter` undefined: unbounded
 * (RATE_LIMIT_ENABLED=false).
 */
export class HarvestStartLimit {
  constructor(
    private readonly options: {
      readonly limiter: RateLimiter | undefined;
      readonly starts: HarvestConfig['starts'];
      readonly now?: () => number;
    },
  ) {}

  /** Spends one start of the caller's budget, or throws HarvestStartRefusedError. */
  async admit(caller: HarvestCaller): Promise<void> {
    const { limiter, starts } = this.options;
    if (!limiter) return;
    const { identity, limit } = harvestStartSubject(caller, starts.budgets);
    const now = (this.options.now ?? Date.now)();
    if (limit === 0) throw this.refusal(starts.windowMs, now, 0);
    const decision = await limiter.consume(identity, 1, limit);
    if (!decision.allowed) throw this.refusal(decision.retryAfterMs, now, limit);
  }

  private refusal(waitMs: number, now: number, limit: number): HarvestStartRefusedError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new HarvestStartRefusedError(
      seconds,
      new Date(now + seconds * 1000),
      limit,
      this.options.starts.windowMs,
    );
  }
}
