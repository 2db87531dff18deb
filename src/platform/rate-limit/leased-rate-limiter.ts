import { assertCost, type RateLimitDecision, type RateLimiter } from './rate-limiter';

interface Lease {
  /** Units taken from the shared budget and not spent yet. */
  units: number;
  /** The shared store's answer when they were taken (limit, what remained there, reset). */
  readonly decision: RateLimitDecision;
}

/**
 * Spares the shared limiter (Valkey) a round trip per request: an identity's units are taken from
 * the shared budget a lease at a time (`share` of the budget, e.g. 1%) and spent in this process;
 * only when a lease is used up does the next request go to Valkey. Budgets too small for a lease
 * of at least two operations (and operations dearer than a lease) are decided by Valkey each time,
 * as before, and so is the end of a budget: when a whole lease is no longer available, each
 * attempt asks for exactly its cost.
 *
 * Tolerance (docs/performance.md): units leased are counted in Valkey when taken, so across N
 * instances a caller may be refused up to N leases early (leased units another instance has not
 * spent), and, since a lease spent later than taken leaves the window earlier, admitted up to N
 * leases more over a window. With the default 1% share and 10 instances: within ±10% of the budget.
 */
export class LeasedRateLimiter implements RateLimiter {
  /** Map order is recency order: beyond `maxIdentities`, the least recently seen lease is dropped. */
  private readonly leases = new Map<string, Lease>();
  /** One lease request in flight per identity; concurrent attempts wait for it. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly shared: RateLimiter,
    private readonly share: number,
    private readonly maxIdentities: number,
  ) {}

  consumeNow(identity: string, cost: number, limit: number): RateLimitDecision | undefined {
    assertCost(cost, limit);
    return this.leasable(cost, limit) ? this.spend(identity, cost, limit) : undefined;
  }

  async consume(identity: string, cost: number, limit: number): Promise<RateLimitDecision> {
    assertCost(cost, limit);
    if (!this.leasable(cost, limit)) return this.shared.consume(identity, cost, limit);
    const leaseUnits = this.leaseUnits(limit);
    for (;;) {
      const local = this.spend(identity, cost, limit);
      if (local) return local;
      const pending = this.inFlight.get(identity);
      if (!pending) break;
      await pending;
    }
    let decision: RateLimitDecision | undefined;
    const request = (async () => {
      const leased = await this.shared.consume(identity, leaseUnits, limit);
      if (!leased.allowed) return;
      this.store(identity, { units: leaseUnits, decision: leased });
      decision = this.spend(identity, cost, limit);
    })();
    this.inFlight.set(identity, request);
    try {
      await request;
    } finally {
      this.inFlight.delete(identity);
    }
    // Not a whole lease left in the window: this attempt alone, exactly.
    return decision ?? this.shared.consume(identity, cost, limit);
  }

  private leaseUnits(limit: number): number {
    return Math.floor(limit * this.share);
  }

  /** Whether a lease holds at least two attempts of `cost` (else Valkey decides each one, exactly). */
  private leasable(cost: number, limit: number): boolean {
    return this.leaseUnits(limit) >= 2 * cost;
  }

  /** How many identities hold a lease (for tests of the bound). */
  get size(): number {
    return this.leases.size;
  }

  private spend(identity: string, cost: number, limit: number): RateLimitDecision | undefined {
    const lease = this.leases.get(identity);
    if (!lease || lease.units < cost || lease.decision.limit !== limit) return undefined;
    lease.units -= cost;
    return {
      allowed: true,
      limit,
      remaining: lease.decision.remaining + lease.units,
      resetMs: lease.decision.resetMs,
      retryAfterMs: 0,
    };
  }

  private store(identity: string, lease: Lease): void {
    this.leases.delete(identity);
    this.leases.set(identity, lease);
    while (this.leases.size > this.maxIdentities) {
      this.leases.delete(this.leases.keys().next().value as string);
    }
  }
}
