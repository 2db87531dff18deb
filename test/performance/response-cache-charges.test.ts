import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { postGraphql, rateLimitHeaders } from '../support/rate-limit-client';

/**
 * Issue 10: an answer served from the response cache still spends the caller's rate-limit budget,
 * whether the charge is decided in this process (a lease's units, the hot case answered without a
 * promise) or has to ask Valkey, and a cached answer is refused like any other once it is spent.
 */
const BUDGET = 120;
const LIMITS = {
  TRUST_PROXY_HOPS: '1',
  RESPONSE_CACHE_ENABLED: 'true',
  // Long enough that nothing leaves the window during the test, however slow the machine.
  RATE_LIMIT_WINDOW_MS: '60000',
  RATE_LIMIT_MAX_REQUESTS: String(BUDGET),
  RATE_LIMIT_MAX_READER: String(BUDGET),
  // Leases of 6 units: most charges are decided in process, every sixth-or-so asks Valkey.
  RATE_LIMIT_LOCAL_SHARE_PERCENT: '5',
};
const QUERY = 'query Cached { users(first: 2) { totalCount nodes { login } } }';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: LIMITS });
  // Hits start once the instance has heard its invalidation link (its first heartbeat): wait for
  // one, from an address of its own so the tests' budgets are untouched.
  for (let i = 0; ; i++) {
    const response = await postGraphql(app.url, QUERY, { ip: '198.51.100.59' });
    if (response.headers.get('x-response-cache')?.startsWith('hit-')) break;
    if (i > 100) throw new Error('the response cache never answered');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** Reads QUERY until refused: what each answer said of the cache and of the budget left. */
async function spendWithCachedReads(options: { ip?: string; headers?: Record<string, string> }) {
  const served: { cache: string | null; remaining: number | undefined }[] = [];
  for (let i = 0; i <= BUDGET; i++) {
    const response = await postGraphql(app.url, QUERY, options);
    if (response.status !== 200) {
      expect(response.status).toBe(429);
      expect(response.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      expect(rateLimitHeaders(response.headers).retryAfter).toBeGreaterThan(0);
      return { served, refused: response };
    }
    expect(response.body.errors).toBeUndefined();
    served.push({
      cache: response.headers.get('x-response-cache'),
      remaining: rateLimitHeaders(response.headers).remaining,
    });
  }
  throw new Error(`never refused after ${BUDGET + 1} reads`);
}

describe('response cache and rate limits', () => {
  for (const caller of ['anonymous', 'reader key'] as const) {
    it(`charges every cached answer its cost and refuses once the budget is spent (${caller})`, async () => {
      const options =
        caller === 'anonymous'
          ? { ip: '198.51.100.60' }
          : { headers: bearer((await createKeyWithCli(app.config, 'reader')).key) };
      const { served, refused } = await spendWithCachedReads(options);
      // The first answer of each role is computed (the anonymous one was cached above), the rest hits.
      expect(served[0]!.cache).toBe(caller === 'anonymous' ? 'hit-local' : 'miss');
      expect(served.slice(1).every((s) => s.cache?.startsWith('hit-'))).toBe(true);
      expect(served.length).toBeGreaterThan(5);
      // Every answer, computed or cached, spent the same cost: the budget left falls by it each time.
      const cost = BUDGET - served[0]!.remaining!;
      expect(cost).toBeGreaterThanOrEqual(1);
      served.forEach((s, i) => expect(s.remaining).toBe(BUDGET - (i + 1) * cost));
      // Refused when what is left cannot pay for one more; the refusal is not a cached answer.
      expect(served.at(-1)!.remaining).toBeLessThan(cost);
      expect(refused.headers.get('x-response-cache') ?? 'none').not.toMatch(/^hit-/);
    });
  }
});
