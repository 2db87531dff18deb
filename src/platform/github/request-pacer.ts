import type { RateLimitResource } from './rate-limit-resource';

/**
 * Keeps each token within GitHub's secondary rate limits ("Rate limits for the REST API", About
 * secondary rate limits): at most 100 concurrent requests, 900 REST points and 2,000 GraphQL
 * points a minute (a GET or a GraphQL query is 1 point). The pacer stays below them with a
 * margin (other processes of this service may share the token), over a sliding minute, and
 * after a secondary limit backs the token off exponentially (honouring `retry-after`) until a
 * request succeeds again. Per process; in-memory.
 */
export interface PacerLimits {
  /** Requests in flight at once per token (GitHub allows 100 per account). */
  readonly concurrent: number;
  readonly restPerMinute: number;
  readonly graphqlPerMinute: number;
  /** First back-off after a secondary limit that names no time (GitHub: at least a minute). */
  readonly secondaryBackoffMs: number;
  readonly maxSecondaryBackoffMs: number;
}

export const DEFAULT_PACER_LIMITS: PacerLimits = {
  concurrent: 20,
  restPerMinute: 800,
  graphqlPerMinute: 1_800,
  secondaryBackoffMs: 60_000,
  maxSecondaryBackoffMs: 15 * 60_000,
};

type Kind = 'rest' | 'graphql';
const kindOf = (resource: RateLimitResource): Kind => (resource === 'graphql' ? 'graphql' : 'rest');

interface Lane {
  inFlight: number;
  /** Start times of the last minute's requests, oldest first, per kind. */
  readonly started: Record<Kind, number[]>;
  strikes: number;
}

export type PaceVerdict =
  | { readonly kind: 'go' }
  /** Too many in flight: wait for a request of this token to end. */
  | { readonly kind: 'busy' }
  /** The minute's budget is used: wait until `until` (epoch ms). */
  | { readonly kind: 'later'; readonly until: number };

export class RequestPacer {
  private readonly lanes = new Map<string, Lane>();
  private waiters: (() => void)[] = [];

  constructor(private readonly limits: PacerLimits = DEFAULT_PACER_LIMITS) {}

  /** Whether a token (by id) may send a request for `resource` now. */
  check(id: string, resource: RateLimitResource, now: number): PaceVerdict {
    const lane = this.lane(id);
    if (lane.inFlight >= this.limits.concurrent) return { kind: 'busy' };
    const kind = kindOf(resource);
    const started = lane.started[kind];
    while (started.length > 0 && started[0]! <= now - 60_000) started.shift();
    const perMinute = kind === 'rest' ? this.limits.restPerMinute : this.limits.graphqlPerMinute;
    if (started.length >= perMinute) return { kind: 'later', until: started[0]! + 60_000 + 1 };
    return { kind: 'go' };
  }

  begin(id: string, resource: RateLimitResource, now: number): void {
    const lane = this.lane(id);
    lane.inFlight++;
    lane.started[kindOf(resource)].push(now);
  }

  end(id: string): void {
    const lane = this.lane(id);
    lane.inFlight = Math.max(0, lane.inFlight - 1);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves when any request ends (a busy token may have a free slot then). */
  released(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * A secondary limit met by this token: until when it waits. `retry-after` is honoured; each
   * further strike without a success in between doubles the wait.
   */
  secondaryLimit(id: string, retryAt: number | undefined, now: number): number {
    const lane = this.lane(id);
    lane.strikes++;
    const backoff = Math.min(
      this.limits.maxSecondaryBackoffMs,
      this.limits.secondaryBackoffMs * 2 ** (lane.strikes - 1),
    );
    const asked = retryAt === undefined ? 0 : retryAt - now;
    return now + (lane.strikes === 1 && retryAt !== undefined ? asked : Math.max(asked, backoff));
  }

  /** A successful answer: the token's back-off starts over. */
  succeeded(id: string): void {
    this.lane(id).strikes = 0;
  }

  private lane(id: string): Lane {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { inFlight: 0, started: { rest: [], graphql: [] }, strikes: 0 };
      this.lanes.set(id, lane);
    }
    return lane;
  }
}
