import type { EntityManager } from '@mikro-orm/postgresql';
import type { TokenPoolSnapshot } from '../../platform/github/token-pool';
import type { NotificationDispatcher } from './notification-dispatcher';

const HOUR_MS = 3_600_000;

/** The core budget left across valid tokens, in percent (null: no budget known yet). */
export function corePercentLeft(snapshot: TokenPoolSnapshot): number | null {
  const budgets = snapshot.tokens
    .filter((t) => t.valid)
    .flatMap((t) => (t.resources.core ? [t.resources.core] : []));
  const limit = budgets.reduce((sum, b) => sum + b.limit, 0);
  if (limit === 0) return null;
  return Math.floor((budgets.reduce((sum, b) => sum + b.remaining, 0) * 100) / limit);
}

/**
 * TOKEN_BUDGET_LOW: checked by the worker's maintenance job (every 15 minutes) from the token
 * pool's live budgets; one event per clock hour (`budget:<hour>`), sent to recipients whose
 * `tokenBudgetPercent` is above what is left.
 */
export class TokenBudgetNotices {
  constructor(private readonly dispatcher: NotificationDispatcher) {}

  async check(em: EntityManager, snapshot: TokenPoolSnapshot, now = new Date()): Promise<number> {
    const left = corePercentLeft(snapshot);
    if (left === null) return 0;
    return em.transactional((tx) =>
      this.dispatcher.dispatch(tx, {
        name: 'TOKEN_BUDGET_LOW',
        key: `budget:${Math.floor(now.getTime() / HOUR_MS)}`,
        budgetPercentLeft: left,
        severity: 'warning',
        content: {
          title: `GitHub token budget low: ${left}% left`,
          lines: [
            `${left}% of the GitHub core rate limit is left across ${snapshot.tokens.length} token(s).`,
          ],
        },
      }),
    );
  }
}
