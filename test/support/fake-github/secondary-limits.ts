/**
 * GitHub's secondary rate limits ("Rate limits for the REST API", About secondary rate limits):
 * - no more than 100 concurrent requests, shared by REST and GraphQL;
 * - no more than 900 points a minute for REST endpoints and 2,000 for the GraphQL endpoint
 *   ("Calculating points for the secondary rate limit": a GET, HEAD or OPTIONS is 1 point, a
 *   GraphQL request without mutations 1 point, a mutation or a REST write 5);
 * - answered 403 or 429 with a `retry-after`; a client that keeps sending meanwhile keeps being
 *   refused, and the wait it is told grows (GitHub: "continuing to make requests while you are
 *   rate limited may result in the banning of your integration").
 *
 * Counted per account (the token's account when the stand-in is told which tokens share one),
 * over a sliding minute of the stand-in's clock.
 */
export interface SecondaryLimitPolicy {
  readonly concurrent: number;
  readonly restPointsPerMinute: number;
  readonly graphqlPointsPerMinute: number;
  /** `retry-after` of the first refusal; doubles for each request sent while refused. */
  readonly retryAfterSeconds: number;
}

export const GITHUB_SECONDARY_LIMITS: SecondaryLimitPolicy = {
  concurrent: 100,
  restPointsPerMinute: 900,
  graphqlPointsPerMinute: 2000,
  retryAfterSeconds: 60,
};

export type SecondaryKind = 'rest' | 'graphql';

interface AccountState {
  inFlight: number;
  /** (time, kind, points) of the last minute's requests, oldest first. */
  recent: { at: number; kind: SecondaryKind; points: number }[];
  penaltyUntil: number;
  penaltySeconds: number;
}

export type SecondaryVerdict =
  { readonly limited: false } | { readonly limited: true; readonly retryAfterSeconds: number };

export class SecondaryLimiter {
  private readonly accounts = new Map<string, AccountState>();

  constructor(
    private readonly policy: SecondaryLimitPolicy | false,
    private readonly now: () => number,
  ) {}

  /** Admits a request (call `leave` once it is answered) or tells how long to wait. */
  enter(account: string, kind: SecondaryKind, points = 1): SecondaryVerdict {
    const s = this.state(account);
    s.inFlight++;
    if (!this.policy) return { limited: false };
    const now = this.now();
    if (s.penaltyUntil > now) {
      // Ignoring retry-after: refused again, and the next wait is longer.
      s.penaltySeconds = Math.min(s.penaltySeconds * 2, 3600);
      s.penaltyUntil = now + s.penaltySeconds * 1000;
      return { limited: true, retryAfterSeconds: s.penaltySeconds };
    }
    while (s.recent.length > 0 && s.recent[0]!.at <= now - 60_000) s.recent.shift();
    const used = s.recent.filter((r) => r.kind === kind).reduce((sum, r) => sum + r.points, 0);
    const perMinute = kind === 'rest' ? this.policy.restPointsPerMinute : this.policy.graphqlPointsPerMinute;
    if (s.inFlight > this.policy.concurrent || used + points > perMinute) {
      s.penaltySeconds = this.policy.retryAfterSeconds;
      s.penaltyUntil = now + s.penaltySeconds * 1000;
      return { limited: true, retryAfterSeconds: s.penaltySeconds };
    }
    s.recent.push({ at: now, kind, points });
    return { limited: false };
  }

  leave(account: string): void {
    const s = this.state(account);
    s.inFlight = Math.max(0, s.inFlight - 1);
  }

  /** Requests of an account in flight now (for tests). */
  inFlight(account: string): number {
    return this.state(account).inFlight;
  }

  private state(account: string): AccountState {
    let s = this.accounts.get(account);
    if (!s) {
      s = { inFlight: 0, recent: [], penaltyUntil: 0, penaltySeconds: 0 };
      this.accounts.set(account, s);
    }
    return s;
  }
}
