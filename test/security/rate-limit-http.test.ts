import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-harness';
import {
  CHEAP_QUERY,
  postGraphql,
  rateLimitHeaders,
  socketClient,
  socketQuery,
  spend,
} from '../support/rate-limit-client';

/**
 * Rate limits as clients meet them, through the real app on the shared Redis (a key prefix of this
 * file's own): headers on every response, 429 with Retry-After and RATE_LIMITED once the budget is
 * spent, one budget per client address (behind one trusted proxy), the same refusal over WebSocket.
 * Every test uses client addresses of its own, so the tests do not share budgets.
 */
const BUDGET = 5;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    env: {
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_WINDOW_MS: '2000',
      RATE_LIMIT_MAX_REQUESTS: String(BUDGET),
    },
  });
});
afterAll(() => t?.close());

describe('rate limits over HTTP', () => {
  it('puts RateLimit-* headers on every GraphQL response, remaining going down', async () => {
    const responses = await spend(t.url, 3, '198.51.100.10');
    const headers = responses.map((r) => rateLimitHeaders(r.headers));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(headers.map((h) => h.limit)).toEqual([BUDGET, BUDGET, BUDGET]);
    expect(headers.map((h) => h.remaining)).toEqual([BUDGET - 1, BUDGET - 2, BUDGET - 3]);
    for (const h of headers) {
      expect(h.reset).toBeGreaterThanOrEqual(1);
      expect(h.reset).toBeLessThanOrEqual(3);
      expect(h.policy).toBe(`${BUDGET};w=2`);
      expect(h.retryAfter).toBeUndefined();
    }
  });

  it('answers 429 with Retry-After and RATE_LIMITED when the budget is spent, without executing', async () => {
    const ip = '198.51.100.11';
    await spend(t.url, BUDGET, ip);
    const refused = await postGraphql(t.url, '{ systemHealth { status } }', { ip });
    expect(refused.status).toBe(429);
    const headers = rateLimitHeaders(refused.headers);
    expect(headers.remaining).toBe(0);
    expect(headers.retryAfter).toBeGreaterThanOrEqual(1);
    expect(headers.retryAfter).toBeLessThanOrEqual(3);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      {
        message: expect.stringContaining('Rate limit exceeded'),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: headers.retryAfter },
      },
    ]);
    expect(refused.headers.get('x-request-id')).toBeTruthy();
  });

  it('keeps a budget per client address: another address is unaffected', async () => {
    await spend(t.url, BUDGET, '198.51.100.12');
    expect((await postGraphql(t.url, CHEAP_QUERY, { ip: '198.51.100.12' })).status).toBe(429);
    const other = await postGraphql(t.url, CHEAP_QUERY, { ip: '198.51.100.13' });
    expect(other.status).toBe(200);
    expect(rateLimitHeaders(other.headers).remaining).toBe(BUDGET - 1);
  });

  it('groups IPv6 clients by /64: rotating addresses inside it does not reset the budget', async () => {
    for (let i = 1; i <= BUDGET; i++) {
      expect((await postGraphql(t.url, CHEAP_QUERY, { ip: `2001:db8:7:1::${i}` })).status).toBe(200);
    }
    expect((await postGraphql(t.url, CHEAP_QUERY, { ip: '2001:db8:7:1:abcd::99' })).status).toBe(429);
    expect((await postGraphql(t.url, CHEAP_QUERY, { ip: '2001:db8:7:2::1' })).status).toBe(200);
  });

  it('counts invalid queries too (1 each), with headers', async () => {
    const response = await postGraphql(t.url, '{ systemHealth { nope } }', { ip: '198.51.100.14' });
    expect(response.status).toBe(400);
    expect(rateLimitHeaders(response.headers).remaining).toBe(BUDGET - 1);
  });

  it('lets the client in again once Retry-After has passed', async () => {
    const ip = '198.51.100.15';
    await spend(t.url, BUDGET, ip);
    const refused = await postGraphql(t.url, CHEAP_QUERY, { ip });
    expect(refused.status).toBe(429);
    await new Promise((r) => setTimeout(r, rateLimitHeaders(refused.headers).retryAfter! * 1000));
    expect((await postGraphql(t.url, CHEAP_QUERY, { ip })).status).toBe(200);
  });
});

describe('rate limits over WebSocket', () => {
  it('refuses each over-budget operation with RATE_LIMITED and retryAfterSeconds, keeping the socket', async () => {
    const client = socketClient(t.url);
    try {
      for (let i = 0; i < BUDGET; i++) {
        expect(await socketQuery(client, CHEAP_QUERY)).toMatchObject({ ok: true });
      }
      for (let i = 0; i < 2; i++) {
        const refused = await socketQuery(client, CHEAP_QUERY);
        expect(refused).toEqual({
          ok: false,
          errors: [
            {
              message: expect.stringContaining('Rate limit exceeded'),
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
            },
          ],
        });
      }
    } finally {
      await client.dispose();
    }
  });
});
