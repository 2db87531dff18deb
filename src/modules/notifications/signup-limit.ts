import { DomainError } from '../../core/errors';
import { budgetIdentity, hasRole, type Viewer } from '../../core/viewer';
import type { RateLimiter } from '../../platform/rate-limit/rate-limiter';

/** The window of the sign-up budgets. */
export const SIGNUP_WINDOW_MS = 3_600_000;

export interface SignupBudgets {
  /** Per client IP (IPv6: per /64). */
  readonly anonymous: number;
  /** Per `reader` API key; operators and admins are not bounded (they manage any address). */
  readonly reader: number;
}

/**
 * Bounds the sign-ups (`updateNotificationSettings` naming an address, without a token) each caller
 * may make per hour: each one can send a verification e-mail to an address the caller chose, and
 * create a recipient. Without it a client could make the service e-mail strangers at the query rate
 * limit's pace (and hurt the sender's SES reputation). Kept with the rate limits in Valkey (every
 * instance shares it); `limiter` undefined: unbounded (RATE_LIMIT_ENABLED=false).
 */
export class SignupLimit {
  constructor(
    private readonly options: { readonly limiter: RateLimiter | undefined; readonly budgets: SignupBudgets },
  ) {}

  /** Spends one sign-up of the caller's budget, or throws RATE_LIMITED. */
  async admit(caller: Viewer): Promise<void> {
    const { limiter, budgets } = this.options;
    if (!limiter || hasRole(caller, 'operator')) return;
    const limit = caller.kind === 'apiKey' ? budgets.reader : budgets.anonymous;
    const decision = limit > 0 ? await limiter.consume(budgetIdentity(caller), 1, limit) : undefined;
    if (decision?.allowed) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((decision?.retryAfterMs ?? SIGNUP_WINDOW_MS) / 1000));
    throw new DomainError(
      'RATE_LIMITED',
      `You may sign up ${limit} address${limit === 1 ? '' : 'es'} for notifications per hour and have ` +
        `used them; ask again after ${retryAfterSeconds} s.`,
      { limit: 'notificationSignups', allowed: limit, retryAfterSeconds },
    );
  }
}
