import type { BudgetObservation } from './rate-limit-signals';
import type { RateLimitResource } from './rate-limit-resource';

/** Why a token (or the unauthenticated identity) is not used for a resource until some time. */
export type RestReason = 'exhausted' | 'secondary-limit' | 'paced';

export interface ResourceBudgetSnapshot {
  readonly limit: number;
  /** What GitHub last reported (or the published limit while nothing is known). */
  readonly remaining: number;
  readonly used: number | undefined;
  readonly resetAt: string | undefined;
  readonly restingUntil: string | undefined;
  readonly restReason: RestReason | undefined;
  /** False until a response reported this budget. */
  readonly known: boolean;
}

interface ResourceState {
  limit: number;
  remaining: number | undefined;
  used: number | undefined;
  resetAt: number | undefined;
  restingUntil: number | undefined;
  restReason: RestReason | undefined;
  inFlight: number;
  lastUsedAt: number;
}

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/**
 * The budgets of one identity (a token, or unauthenticated access), one per resource, as the
 * last responses reported them. Requests in flight count against the budget, so concurrent
 * requests spread over tokens instead of all picking the same one.
 */
export class IdentityBudget {
  private readonly states = new Map<RateLimitResource, ResourceState>();

  constructor(private readonly publishedLimits: Readonly<Record<RateLimitResource, number>>) {}

  /** Budget left for the next request, or undefined while resting. */
  available(resource: RateLimitResource, now: number): number | undefined {
    const s = this.state(resource);
    if (s.restingUntil !== undefined && s.restingUntil > now) return undefined;
    const windowOver = s.resetAt !== undefined && s.resetAt <= now;
    const remaining = s.remaining === undefined || windowOver ? s.limit : s.remaining;
    return remaining - s.inFlight;
  }

  restingUntil(resource: RateLimitResource, now: number): number | undefined {
    const until = this.state(resource).restingUntil;
    return until !== undefined && until > now ? until : undefined;
  }

  /** When the budget GitHub last reported resets (epoch ms), while that is still ahead. */
  resetAt(resource: RateLimitResource, now: number): number | undefined {
    const reset = this.state(resource).resetAt;
    return reset !== undefined && reset > now ? reset : undefined;
  }

  lastUsedAt(resource: RateLimitResource): number {
    return this.state(resource).lastUsedAt;
  }

  begin(resource: RateLimitResource, now: number): void {
    const s = this.state(resource);
    s.inFlight++;
    s.lastUsedAt = now;
  }

  end(resource: RateLimitResource): void {
    const s = this.state(resource);
    s.inFlight = Math.max(0, s.inFlight - 1);
  }

  /** Records what a response reported; returns true when that budget is now exhausted. */
  observe(resource: RateLimitResource, observation: BudgetObservation, now: number): boolean {
    const s = this.state(resource);
    if (observation.limit !== undefined) s.limit = observation.limit;
    s.remaining = observation.remaining;
    s.used = observation.used;
    s.resetAt = observation.resetAt;
    if (s.remaining === 0 && s.resetAt !== undefined && s.resetAt > now) {
      this.rest(resource, s.resetAt, 'exhausted');
      return true;
    }
    return false;
  }

  /** Rests the budget until `until`; returns false when it already rested at least that long. */
  rest(resource: RateLimitResource, until: number, reason: RestReason): boolean {
    const s = this.state(resource);
    if (s.restingUntil !== undefined && until <= s.restingUntil) return false;
    s.restingUntil = until;
    s.restReason = reason;
    return true;
  }

  snapshot(now: number): Partial<Record<RateLimitResource, ResourceBudgetSnapshot>> {
    const out: Partial<Record<RateLimitResource, ResourceBudgetSnapshot>> = {};
    for (const [resource, s] of this.states) {
      const resting = s.restingUntil !== undefined && s.restingUntil > now;
      const windowOver = s.resetAt !== undefined && s.resetAt <= now;
      out[resource] = {
        limit: s.limit,
        remaining: s.remaining === undefined || windowOver ? s.limit : s.remaining,
        used: windowOver ? 0 : s.used,
        resetAt: windowOver ? undefined : iso(s.resetAt),
        restingUntil: resting ? iso(s.restingUntil) : undefined,
        restReason: resting ? s.restReason : undefined,
        known: s.remaining !== undefined && !windowOver,
      };
    }
    return out;
  }

  private state(resource: RateLimitResource): ResourceState {
    let s = this.states.get(resource);
    if (!s) {
      s = {
        limit: this.publishedLimits[resource],
        remaining: undefined,
        used: undefined,
        resetAt: undefined,
        restingUntil: undefined,
        restReason: undefined,
        inFlight: 0,
        lastUsedAt: 0,
      };
      this.states.set(resource, s);
    }
    return s;
  }
}
