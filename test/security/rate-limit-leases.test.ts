import { describe, expect, it } from 'vitest';
import { LeasedRateLimiter } from '../../src/platform/rate-limit/leased-rate-limiter';
import { MemoryRateLimiter } from '../../src/platform/rate-limit/memory-rate-limiter';
import type { RateLimiter } from '../../src/platform/rate-limit/rate-limiter';
import { windowShape } from '../../src/platform/rate-limit/sliding-window';

/** The shared store as a counted memory limiter (what Valkey would be asked). */
function countedStore(now: () => number) {
  const store = new MemoryRateLimiter(windowShape(60_000), 1_000, now);
  const calls: number[] = [];
  const shared: RateLimiter = {
    consume(identity, cost, limit) {
      calls.push(cost);
      return store.consume(identity, cost, limit);
    },
  };
  return { shared, calls };
}

describe('LeasedRateLimiter', () => {
  it('asks the shared store once per lease, not once per attempt', async () => {
    const { shared, calls } = countedStore(() => 1_000_000);
    const limiter = new LeasedRateLimiter(shared, 0.01, 100);
    for (let i = 0; i < 100; i++) expect((await limiter.consume('key:a', 1, 1_000)).allowed).toBe(true);
    expect(calls).toEqual(Array(10).fill(10));
  });

  it('decides small budgets and the end of a budget exactly, attempt by attempt', async () => {
    const { shared, calls } = countedStore(() => 1_000_000);
    const limiter = new LeasedRateLimiter(shared, 0.01, 100);
    const small = [];
    for (let i = 0; i < 7; i++) small.push((await limiter.consume('ip:small', 1, 6)).allowed);
    expect(small).toEqual([true, true, true, true, true, true, false]);
    expect(calls).toEqual(Array(7).fill(1));
    // 1,000 units in leases of 10: exactly 1,000 attempts pass, then every one is refused.
    let admitted = 0;
    for (let i = 0; i < 1_010; i++) if ((await limiter.consume('key:b', 1, 1_000)).allowed) admitted++;
    expect(admitted).toBe(1_000);
  });

  it('takes one lease for concurrent attempts of one identity', async () => {
    const { shared, calls } = countedStore(() => 1_000_000);
    const limiter = new LeasedRateLimiter(shared, 0.01, 100);
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('key:c', 1, 1_000)));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(calls).toEqual([10]);
    expect(decisions.map((d) => d.remaining).sort((x, y) => x - y)).toEqual([
      990, 991, 992, 993, 994, 995, 996, 997, 998, 999,
    ]);
  });

  it('decides without waiting only from units it holds, and never admits more than consume would', async () => {
    const { shared, calls } = countedStore(() => 1_000_000);
    const limiter = new LeasedRateLimiter(shared, 0.01, 100);
    // No lease yet: it cannot decide, and asks nothing.
    expect(limiter.consumeNow('key:d', 1, 1_000)).toBeUndefined();
    expect(calls).toEqual([]);
    expect((await limiter.consume('key:d', 1, 1_000)).remaining).toBe(999);
    // A cost the lease of 10 cannot hold twice is Valkey's to decide, exactly, as consume does.
    expect(limiter.consumeNow('key:d', 6, 1_000)).toBeUndefined();
    // The rest of the lease of 10 is spent in process, then it must ask again.
    const now = Array.from({ length: 10 }, () => limiter.consumeNow('key:d', 1, 1_000));
    expect(now.slice(0, 9).map((d) => d?.remaining)).toEqual([998, 997, 996, 995, 994, 993, 992, 991, 990]);
    expect(now[9]).toBeUndefined();
    expect(calls).toEqual([10]);
    // Spending both ways, a budget of 1,000 admits exactly 1,000.
    let admitted = 10;
    for (let i = 0; i < 1_100; i++) {
      const decision = limiter.consumeNow('key:d', 1, 1_000) ?? (await limiter.consume('key:d', 1, 1_000));
      if (decision.allowed) admitted++;
    }
    expect(admitted).toBe(1_000);
  });
});
