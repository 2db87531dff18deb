import { assertCost, type RateLimitDecision, type RateLimiter } from './rate-limiter';
import { currentSlice, decide, oldestCountedSlice, type Slice, type WindowShape } from './sliding-window';

/**
 * The sliding window in this process's memory: embedded mode, and the fallback while Valkey is
 * unreachable. At most `maxIdentities` identities are tracked; beyond that the least recently seen
 * is forgotten (its budget starts afresh if it comes back), so a flood of distinct callers costs
 * bounded memory instead of exhausting the process.
 */
export class MemoryRateLimiter implements RateLimiter {
  /** Map order is recency order: the first entry is the least recently seen identity. */
  private readonly identities = new Map<string, Slice[]>();

  constructor(
    private readonly shape: WindowShape,
    private readonly maxIdentities: number,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(identity: string, cost: number, limit: number): Promise<RateLimitDecision> {
    return this.consumeNow(identity, cost, limit);
  }

  consumeNow(identity: string, cost: number, limit: number): RateLimitDecision {
    assertCost(cost, limit);
    const now = this.now();
    const oldest = oldestCountedSlice(this.shape, now);
    const counted = (this.identities.get(identity) ?? []).filter((s) => s.slice >= oldest);
    const decision = decide(counted, now, this.shape, limit, cost);
    if (decision.allowed) spend(counted, currentSlice(this.shape, now), cost);
    this.identities.delete(identity);
    if (counted.length > 0) this.identities.set(identity, counted);
    while (this.identities.size > this.maxIdentities) {
      this.identities.delete(this.identities.keys().next().value as string);
    }
    return decision;
  }

  /** How many identities are tracked (for tests of the bound). */
  get size(): number {
    return this.identities.size;
  }
}

function spend(slices: Slice[], slice: number, cost: number): void {
  const last = slices.at(-1);
  if (last?.slice === slice) slices[slices.length - 1] = { slice, units: last.units + cost };
  else slices.push({ slice, units: cost });
}
