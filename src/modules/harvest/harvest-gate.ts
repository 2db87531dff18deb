import type { TokenPool } from '../../platform/github/token-pool';
import { RESERVE_PRIORITY } from './harvest-priority';

/** Whether a harvest may start now, or until when it waits (back in the queue, no attempt spent). */
export type GateVerdict =
  { readonly go: true } | { readonly go: false; readonly until: number; readonly stage: string };

export const WAITING_FOR_TOKEN = 'waiting for a valid GitHub token';
export const WAITING_FOR_BUDGET = `waiting for the GitHub budget (what is left is kept for key holders' refreshUser)`;

export interface HarvestGateOptions {
  readonly pool: Pick<TokenPool, 'pausedReason' | 'hasUsableTokens' | 'budgetLeft'>;
  /** HARVEST_RESERVED_POINTS: below this many points left, only RESERVE_PRIORITY harvests start. */
  readonly reservedPoints: number;
  /** HARVEST_PAUSED_RECHECK_MS: how long a harvest waits before looking for a valid token again. */
  readonly pausedRecheckMs: number;
  readonly now?: () => number;
}

/**
 * Asked by the harvest processor before it claims a job:
 * - every configured GitHub token was rejected (401): the harvest waits `pausedRecheckMs` and looks
 *   again (the pool re-reads the token secret on its cache TTL, so a new token resumes harvesting);
 * - fewer than `reservedPoints` GitHub points are left on every token together: only a key
 *   holder's `refreshUser` (RESERVE_PRIORITY) may spend them; others wait for the budget's reset.
 */
export class HarvestGate {
  constructor(private readonly options: HarvestGateOptions) {}

  get pausedRecheckMs(): number {
    return this.options.pausedRecheckMs;
  }

  async check(priority: number): Promise<GateVerdict> {
    const { pool, reservedPoints, pausedRecheckMs } = this.options;
    const now = (this.options.now ?? Date.now)();
    if (await pool.pausedReason())
      return { go: false, until: now + pausedRecheckMs, stage: WAITING_FOR_TOKEN };
    if (priority <= RESERVE_PRIORITY || reservedPoints === 0 || !(await pool.hasUsableTokens()))
      return { go: true };
    // A harvest spends REST (core) and GraphQL points: the scarcer of the two decides.
    const left = pool.budgetLeft(['core', 'graphql']);
    if (left.remaining >= reservedPoints) return { go: true };
    return { go: false, until: left.resetAt ?? now + pausedRecheckMs, stage: WAITING_FOR_BUDGET };
  }
}
