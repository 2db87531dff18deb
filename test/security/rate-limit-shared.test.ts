import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { type Child, spawnTs } from '../support/child-process';
import { freePort } from '../support/free-port';
import { CHEAP_QUERY, postGraphql, rateLimitHeaders } from '../support/rate-limit-client';
import { SHARED_PG, sharedServiceEnv, sharedValkeyEnv } from '../support/services';

/**
 * Two instances of the service, one in this process and one in a child process, on the same
 * database and the same Valkey key prefix: a client's budget is one budget whichever instance
 * answers it (what a load balancer in front of several ECS tasks needs).
 */
const BUDGET = 6;
/** A reader's budget, large enough for local allowances: 5% of it is a lease of 10 units. */
const READER_BUDGET = 200;
const LEASE = 10;
const LIMITS = {
  TRUST_PROXY_HOPS: '1',
  // Long enough that nothing leaves the window during the test, however slow the machine.
  RATE_LIMIT_WINDOW_MS: '30000',
  RATE_LIMIT_MAX_REQUESTS: String(BUDGET),
  RATE_LIMIT_MAX_READER: String(READER_BUDGET),
  RATE_LIMIT_LOCAL_SHARE_PERCENT: '5',
};

let inProcess: TestApp;
let child: Child;
let childUrl: string;

beforeAll(async () => {
  inProcess = await startTestApp({ env: LIMITS });
  const port = await freePort();
  child = spawnTs(
    'src/main.ts',
    sharedServiceEnv(inProcess.config.database.name, {
      LOG_LEVEL: 'info',
      PORT: String(port),
      DB_PORT: String(SHARED_PG.port),
      ...sharedValkeyEnv(inProcess.config.redis.keyPrefix),
      ...LIMITS,
    }),
    undefined,
    ['api'],
  );
  await child.waitForLine(/"msg":"started"/, 60_000);
  childUrl = `http://127.0.0.1:${port}`;
}, 90_000);

afterAll(async () => {
  child?.process.kill('SIGTERM');
  await child?.exited(15_000).catch(() => child.kill());
  await inProcess?.close();
});

describe('rate limits shared by two processes through Valkey', () => {
  it('spends one budget across both instances and refuses on both once it is gone', async () => {
    const ip = '198.51.100.20';
    const remaining: (number | undefined)[] = [];
    // Alternate instances: each sees what the other spent.
    for (let i = 0; i < BUDGET; i++) {
      const url = i % 2 === 0 ? inProcess.url : childUrl;
      const response = await postGraphql(url, CHEAP_QUERY, { ip });
      expect(response.status).toBe(200);
      remaining.push(rateLimitHeaders(response.headers).remaining);
    }
    expect(remaining).toEqual([5, 4, 3, 2, 1, 0]);

    for (const url of [inProcess.url, childUrl]) {
      const refused = await postGraphql(url, CHEAP_QUERY, { ip });
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      expect(rateLimitHeaders(refused.headers).retryAfter).toBeGreaterThan(0);
    }
  });

  it('keeps other clients separate on both instances', async () => {
    for (let i = 0; i < BUDGET; i++) await postGraphql(childUrl, CHEAP_QUERY, { ip: '198.51.100.21' });
    expect((await postGraphql(inProcess.url, CHEAP_QUERY, { ip: '198.51.100.21' })).status).toBe(429);
    const other = await postGraphql(inProcess.url, CHEAP_QUERY, { ip: '198.51.100.22' });
    expect(other.status).toBe(200);
    expect(rateLimitHeaders(other.headers).remaining).toBe(BUDGET - 1);
  });

  it('holds a budget spent through local allowances within the stated tolerance (one lease per instance)', async () => {
    const { key } = await createKeyWithCli(inProcess.config, 'reader', 'allowance reader');
    let admitted = 0;
    const refusedOn = new Set<string>();
    // Alternate instances until both refuse: each takes leases of LEASE units from Valkey.
    for (let i = 0; refusedOn.size < 2 && i < 2 * READER_BUDGET; i++) {
      const url = i % 2 === 0 ? inProcess.url : childUrl;
      const response = await postGraphql(url, CHEAP_QUERY, { headers: bearer(key) });
      if (response.status === 200) admitted++;
      else {
        expect(response.status).toBe(429);
        expect(response.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
        refusedOn.add(url);
      }
    }
    expect(refusedOn.size).toBe(2);
    // Never more than the budget within a window; fewer by at most the units leased but unspent.
    expect(admitted).toBeLessThanOrEqual(READER_BUDGET);
    expect(admitted).toBeGreaterThanOrEqual(READER_BUDGET - 2 * LEASE);
  });
});
