/**
 * Primary rate limits as GitHub keeps them: one budget per identity (a token, or the client
 * address for unauthenticated calls) and per resource. A window opens with the first request
 * and resets `windowMs` later; `x-ratelimit-reset` is that moment in epoch seconds.
 */
export type FakeResource = 'core' | 'search' | 'graphql' | 'code_search';

export const FAKE_RESOURCES: readonly FakeResource[] = ['core', 'search', 'graphql', 'code_search'];

export interface ResourcePolicy {
  readonly limit: number;
  readonly windowMs: number;
}

export type ResourcePolicies = Readonly<Record<FakeResource, ResourcePolicy>>;

/** GitHub's published limits for a personal access token. */
export const AUTHENTICATED_LIMITS: ResourcePolicies = {
  core: { limit: 5000, windowMs: 3_600_000 },
  search: { limit: 30, windowMs: 60_000 },
  graphql: { limit: 5000, windowMs: 3_600_000 },
  code_search: { limit: 10, windowMs: 60_000 },
};

/** Unauthenticated: 60 core requests an hour per address, 10 searches a minute; GraphQL refuses. */
export const UNAUTHENTICATED_LIMITS: ResourcePolicies = {
  core: { limit: 60, windowMs: 3_600_000 },
  search: { limit: 10, windowMs: 60_000 },
  graphql: { limit: 0, windowMs: 3_600_000 },
  code_search: { limit: 0, windowMs: 60_000 },
};

/** The identity unauthenticated requests are counted under (GitHub counts them per address). */
export const ANONYMOUS = 'anonymous';

export interface RateWindow {
  readonly limit: number;
  readonly used: number;
  readonly remaining: number;
  /** Epoch milliseconds. */
  readonly resetAt: number;
}

interface MutableWindow {
  limit: number;
  used: number;
  resetAt: number;
}

export class RateLimitLedger {
  private readonly windows = new Map<string, MutableWindow>();

  constructor(
    private readonly now: () => number,
    private readonly authenticated: ResourcePolicies,
    private readonly unauthenticated: ResourcePolicies,
  ) {}

  /** The current window (a fresh one when the previous has reset). */
  window(identity: string, resource: FakeResource): RateWindow {
    const w = this.current(identity, resource);
    return { limit: w.limit, used: w.used, remaining: Math.max(0, w.limit - w.used), resetAt: w.resetAt };
  }

  spend(identity: string, resource: FakeResource, points: number): RateWindow {
    this.current(identity, resource).used += points;
    return this.window(identity, resource);
  }

  /** Test control: set what is left and, optionally, when the window resets. */
  set(identity: string, resource: FakeResource, remaining: number, resetAt?: number): void {
    const w = this.current(identity, resource);
    w.used = Math.max(0, w.limit - remaining);
    if (resetAt !== undefined) w.resetAt = resetAt;
  }

  private current(identity: string, resource: FakeResource): MutableWindow {
    const key = `${identity}\u0000${resource}`;
    const policy = (identity === ANONYMOUS ? this.unauthenticated : this.authenticated)[resource];
    const existing = this.windows.get(key);
    const now = this.now();
    if (existing && existing.resetAt > now) return existing;
    // GitHub reports reset times in whole seconds; round up so "reset" is never early.
    const fresh = { limit: policy.limit, used: 0, resetAt: Math.ceil((now + policy.windowMs) / 1000) * 1000 };
    this.windows.set(key, fresh);
    return fresh;
  }
}
