import { afterEach, describe, expect, it } from 'vitest';
import { GitHubRateLimitedError, GitHubTokensRejectedError } from '../../src/platform/github/github-errors';
import { maskToken } from '../../src/platform/github/token-fingerprint';
import { createTokenProvider } from '../../src/platform/github/token-provider';
import { CachedSecretStore } from '../../src/platform/secrets/secret-store';
import { STANDARD_LOGINS } from '../support/fake-github';
import { type ClientHarness, startClientHarness, staticTokens } from './client-harness';
import { ManualClock } from './github-test-kit';

const A = 'ghp_tokenAaaaaaaaaaaaaaaaaaaaaaa1';
const B = 'ghp_tokenBbbbbbbbbbbbbbbbbbbbbbb2';
const C = 'ghp_tokenCccccccccccccccccccccccc3';
const USER_ROUTE = 'GET /users/{username}';

describe('TokenPool with the Octokit client, against the GitHub stand-in', () => {
  let h: ClientHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const getUser = (login: string = STANDARD_LOGINS.empty) =>
    h!.client.octokit.request('GET /users/{username}', { username: login });

  it('sends each request with the token that has the most budget left', async () => {
    h = await startClientHarness({ provider: staticTokens(A, B, C) });
    h.fake.setBudget(A, 'core', 100);
    h.fake.setBudget(B, 'core', 4000);
    h.fake.setBudget(C, 'core', 50);
    // Budgets are unknown until GitHub reports them: the first three requests take turns.
    for (let i = 0; i < 3; i++) await getUser();
    expect([A, B, C].map((t) => h!.fake.counters.requestsFor(t))).toEqual([1, 1, 1]);
    for (let i = 0; i < 10; i++) await getUser();
    expect([A, B, C].map((t) => h!.fake.counters.requestsFor(t))).toEqual([1, 11, 1]);
    const snapshot = h.pool.snapshot();
    expect(snapshot.mode).toBe('authenticated');
    expect(snapshot.tokens.map((t) => t.resources.core?.remaining)).toEqual([99, 3989, 49]);
    expect(JSON.stringify(snapshot)).not.toContain(A.slice(4));
  });

  it('rests an exhausted token until its reset, then uses it again', async () => {
    h = await startClientHarness({ provider: staticTokens(A, B), retry: { maxRateLimitWaitMs: 3_600_000 } });
    const resetA = h.clock.now() + 10 * 60_000;
    h.fake.exhaust(A, 'core', resetA);
    await getUser(); // A answers 403 "API rate limit exceeded"; the same call is retried with B
    for (let i = 0; i < 5; i++) await getUser();
    expect(h.fake.counters.log.filter((r) => r.identity === A).map((r) => r.status)).toEqual([403]);
    expect(h.fake.counters.requestsFor(B)).toBe(6);
    expect(h.pool.snapshot().tokens[0]!.resources.core).toMatchObject({
      restReason: 'exhausted',
      remaining: 0,
    });

    // B runs out too (reset later than A's): the client waits for A's reset rather than failing.
    h.fake.exhaust(B, 'core', resetA + 10 * 60_000);
    await getUser();
    expect(h.waits).toHaveLength(1);
    expect(h.clock.now()).toBeGreaterThanOrEqual(resetA);
    expect(h.fake.counters.log.at(-1)).toMatchObject({ identity: A, status: 200 });
  });

  it('gives up with GitHubRateLimitedError when the wait would exceed the limit', async () => {
    h = await startClientHarness({ provider: staticTokens(A), retry: { maxRateLimitWaitMs: 60_000 } });
    h.fake.exhaust(A, 'core', h.clock.now() + 30 * 60_000);
    await expect(getUser()).rejects.toBeInstanceOf(GitHubRateLimitedError);
    await expect(getUser()).rejects.toMatchObject({ code: 'RATE_LIMITED', resource: 'core' });
    expect(h.fake.counters.requestsFor(A)).toBe(1); // the resting token is not asked again
  });

  it('honours retry-after on a secondary limit: another token at once, or a wait', async () => {
    h = await startClientHarness({ provider: staticTokens(A, B) });
    h.fake.secondaryLimit({ token: A, status: 403, retryAfterSeconds: 30 });
    await getUser();
    expect(h.waits).toEqual([]);
    expect(h.fake.counters.log.map((r) => [r.identity, r.status])).toEqual([
      [A, 403],
      [B, 200],
    ]);
    expect(h.pool.snapshot().tokens[0]!.resources.core?.restReason).toBe('secondary-limit');

    await h.close();
    h = await startClientHarness({ provider: staticTokens(A) });
    h.fake.secondaryLimit({ status: 429, retryAfterSeconds: 30 });
    await getUser();
    expect(h.waits).toEqual([30_000]);
    expect(h.fake.counters.log.map((r) => r.status)).toEqual([429, 200]);
  });

  it('waits a minute after a secondary-limit message without retry-after', async () => {
    h = await startClientHarness({ provider: staticTokens(A) });
    h.fake.secondaryLimit({ status: 403, retryAfterSeconds: null });
    await getUser();
    expect(h.waits).toEqual([60_000]);
  });

  it('spreads concurrent requests over tokens (requests in flight count against a budget)', async () => {
    h = await startClientHarness({ provider: staticTokens(A, B, C) });
    await Promise.all(Array.from({ length: 6 }, () => getUser()));
    expect([A, B, C].map((t) => h!.fake.counters.requestsFor(t))).toEqual([2, 2, 2]);
  });

  it('drops a token GitHub rejects, re-reads the secret and uses the rotated token', async () => {
    const clock = new ManualClock();
    let secretValue = JSON.stringify({ tokens: [A, B] });
    let fetches = 0;
    const secrets = new CachedSecretStore(
      async () => {
        fetches++;
        return secretValue;
      },
      300_000,
      clock.now,
    );
    const provider = createTokenProvider({ staticTokens: [A, B], secrets, secretName: 'github/tokens' });
    h = await startClientHarness({ provider, clock });
    await getUser();
    expect(fetches).toBe(1);

    // Operations revoke A and rotate the secret to B + C; the cached secret still says A, B.
    h.fake.revokeToken(A);
    secretValue = JSON.stringify({ tokens: `${B},${C}` });
    for (let i = 0; i < 4; i++) await getUser();
    expect(fetches).toBe(2); // the 401 forced a refresh, well before the 5-minute TTL
    expect(h.fake.counters.log.filter((r) => r.identity === A).map((r) => r.status)).toEqual([200, 401]);
    expect(h.fake.counters.requestsFor(C)).toBeGreaterThan(0);
    expect(h.pool.snapshot().tokens.map((t) => t.id)).toEqual([maskToken(B), maskToken(C)]);

    const warning = h.logs.entries().find((e) => String(e.msg).includes('401'));
    expect(warning).toMatchObject({ level: 'warn', tokenId: maskToken(A) });
    for (const token of [A, B, C]) expect(h.logs.lines.join('\n')).not.toContain(token);
  });

  it('picks up a token added by rotation within the secret TTL, and stops using a removed one', async () => {
    const clock = new ManualClock();
    let secretValue = JSON.stringify({ value: A });
    const secrets = new CachedSecretStore(async () => secretValue, 60_000, clock.now);
    h = await startClientHarness({ provider: createTokenProvider({ secrets, secretName: 'gh' }), clock });
    await getUser();
    secretValue = JSON.stringify({ tokens: [A, B] });
    await getUser();
    expect(h.fake.counters.requestsFor(B)).toBe(0); // still inside the TTL
    clock.advance(60_000);
    await getUser();
    expect(h.fake.counters.requestsFor(B)).toBe(1); // the new token, with an untouched budget

    secretValue = JSON.stringify({ tokens: [B] });
    clock.advance(60_000);
    for (let i = 0; i < 3; i++) await getUser();
    expect(h.fake.counters.requestsFor(A)).toBe(2);
    expect(h.pool.snapshot().tokens.map((t) => t.id)).toEqual([maskToken(B)]);
  });

  it('keeps a rejected token out until the secret holds a new value, not for the life of the process', async () => {
    const clock = new ManualClock();
    let secretValue = JSON.stringify({ tokens: [A, B] });
    const secrets = new CachedSecretStore(async () => secretValue, 60_000, clock.now);
    h = await startClientHarness({ provider: createTokenProvider({ secrets, secretName: 'gh' }), clock });
    h.fake.revokeToken(A);
    for (let i = 0; i < 4; i++) await getUser();
    expect(h.fake.counters.log.filter((r) => r.identity === A).map((r) => r.status)).toEqual([401]);

    // Re-read on the TTL with the same value: still out.
    clock.advance(60_000);
    for (let i = 0; i < 4; i++) await getUser();
    expect(h.fake.counters.requestsFor(A)).toBe(1);

    // GitHub accepts it again (re-authorized) and the secret gets a new value that still lists it.
    h.fake.acceptToken(A);
    secretValue = JSON.stringify({ tokens: [A, B, C] });
    clock.advance(60_000);
    for (let i = 0; i < 6; i++) await getUser();
    const statuses = h.fake.counters.log.filter((r) => r.identity === A).map((r) => r.status);
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(1).length).toBeGreaterThan(0);
    expect(statuses.slice(1).every((status) => status === 200)).toBe(true);
    expect(h.pool.snapshot().tokens.every((t) => t.valid)).toBe(true);
  });

  it('pauses when every configured token is rejected: nothing is sent until the secret changes', async () => {
    const clock = new ManualClock();
    let secretValue = JSON.stringify({ tokens: [A] });
    const secrets = new CachedSecretStore(async () => secretValue, 60_000, clock.now);
    h = await startClientHarness({ provider: createTokenProvider({ secrets, secretName: 'gh' }), clock });
    h.fake.revokeToken(A);
    await expect(getUser()).rejects.toBeInstanceOf(GitHubTokensRejectedError);
    await expect(getUser()).rejects.toThrow(/every GitHub token was rejected \(401\)/);
    expect(h.fake.counters.requestsFor(A)).toBe(1);
    expect(h.fake.counters.requestsFor(undefined)).toBe(0); // not unauthenticated either
    expect(h.pool.snapshot()).toMatchObject({ mode: 'paused' });
    expect(await h.pool.pausedReason()).toMatch(/paused until the token secret holds a new value/);

    secretValue = JSON.stringify({ tokens: [B] });
    clock.advance(60_000);
    expect(await h.pool.pausedReason()).toBeUndefined();
    await getUser();
    expect(h.fake.counters.requestsFor(B)).toBe(1);
  });

  it('works unauthenticated without tokens and says so', async () => {
    h = await startClientHarness({ provider: staticTokens() });
    expect(await h.pool.hasUsableTokens()).toBe(false);
    const response = await getUser(STANDARD_LOGINS.prolific);
    expect(response.data.login).toBe(STANDARD_LOGINS.prolific);
    expect(h.fake.counters.requestsFor(undefined)).toBe(1);
    const snapshot = h.pool.snapshot();
    expect(snapshot.mode).toBe('unauthenticated');
    expect(snapshot.reason).toMatch(
      /no GitHub token configured; working unauthenticated \(60 requests an hour\)/,
    );
    expect(snapshot.unauthenticated.core).toMatchObject({ limit: 60, remaining: 59, known: true });
    expect(
      h.logs.entries().some((e) => e.level === 'warn' && e.msg === 'GitHub client is unauthenticated'),
    ).toBe(true);
    // GitHub's GraphQL API needs a token: the 401 reaches the caller instead of a retry loop.
    await expect(h.client.octokit.graphql('{ rateLimit { remaining } }')).rejects.toMatchObject({
      status: 401,
    });
    expect(h.fake.counters.routeCount(USER_ROUTE)).toBe(1);
  });
});
