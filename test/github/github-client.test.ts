import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/platform/cache/memory-cache';
import { RedisCache } from '../../src/platform/cache/redis-cache';
import { createGitHubClient } from '../../src/platform/github/github-client';
import { GitHubNetworkError } from '../../src/platform/github/github-errors';
import { TokenPool } from '../../src/platform/github/token-pool';
import { freePort } from '../support/free-port';
import { STANDARD_LOGINS, validateGitHubQuery } from '../support/fake-github';
import { SHARED_REDIS, uniqueName } from '../support/services';
import { type ClientHarness, startClientHarness, staticTokens } from './client-harness';
import { captureLogs } from './github-test-kit';

const TOKEN = 'ghp_clienttesttoken00000000001';
const OTHER = 'ghp_clienttesttoken00000000002';

describe('GitHub client against the stand-in', () => {
  let h: ClientHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers a second fetch of an unchanged resource from a 304 that spends no budget', async () => {
    h = await startClientHarness({ provider: staticTokens(TOKEN), cache: new MemoryCache(1000) });
    const first = await h.client.octokit.request('GET /users/{username}', {
      username: STANDARD_LOGINS.prolific,
    });
    const second = await h.client.octokit.request('GET /users/{username}', {
      username: STANDARD_LOGINS.prolific,
    });
    expect(second.status).toBe(200);
    expect(second.data).toEqual(first.data);
    expect(h.fake.counters.log.map((r) => [r.status, r.points, r.conditional])).toEqual([
      [200, 1, false],
      [304, 0, true],
    ]);
    expect(h.fake.budget(TOKEN).remaining).toBe(4999);
    expect(h.client.stats()).toMatchObject({ requests: 2, notModified: 1, cacheStores: 1 });

    h.fake.data.users[0]!.bio = 'Changed.';
    const third = await h.client.octokit.request('GET /users/{username}', {
      username: STANDARD_LOGINS.prolific,
    });
    expect(third.data.bio).toBe('Changed.');
    expect(h.fake.counters.log.at(-1)).toMatchObject({ status: 200, conditional: true, points: 1 });
  });

  it('paginates every repository of a 320-repository user, then revalidates all pages for free', async () => {
    h = await startClientHarness({ provider: staticTokens(TOKEN, OTHER), cache: new MemoryCache(1000) });
    const list = () =>
      h!.client.octokit.paginate('GET /users/{username}/repos', {
        username: STANDARD_LOGINS.prolific,
        per_page: 100,
        type: 'owner',
      });
    const repos = await list();
    expect(repos).toHaveLength(320);
    expect(new Set(repos.map((r) => r.id)).size).toBe(320);
    expect(h.fake.counters.total).toBe(4);

    h.fake.counters.reset();
    const again = await list(); // the replayed Link headers drive pagination from the cache
    expect(again.map((r) => r.id)).toEqual(repos.map((r) => r.id));
    expect(h.fake.counters.notModified).toBe(4);
    expect(h.fake.counters.pointsSpent()).toBe(0);
  });

  it('shares validators through Valkey (RedisCache); the token holding the ETag revalidates it', async () => {
    const redis = new Redis({ ...SHARED_REDIS, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const prefix = `${uniqueName('github_test')}:`;
    try {
      const cache = new RedisCache(redis, prefix, captureLogs().logger);
      h = await startClientHarness({ provider: staticTokens(TOKEN), cache });
      await h.client.octokit.request('GET /users/{username}/orgs', { username: STANDARD_LOGINS.prolific });
      // A second process (its own pool, both tokens) revalidates with the token whose ETag it is.
      const logger = captureLogs().logger;
      const client = async (...tokens: string[]) =>
        createGitHubClient({
          baseUrl: h!.fake.url,
          pool: new TokenPool({ provider: staticTokens(...tokens), logger }),
          cache,
          logger,
        });
      const second = await client(OTHER, TOKEN);
      const orgs = () =>
        second.octokit.request('GET /users/{username}/orgs', { username: STANDARD_LOGINS.prolific });
      const response = await orgs();
      expect(response.data.map((o) => o.login)).toEqual(['acme-labs', 'open-tooling', 'tiny-collective']);
      expect(second.stats().notModified).toBe(1);
      // A process with only another token: GitHub's ETags are per token, so a full 200 (never a wrong answer).
      const third = await client(OTHER);
      await third.octokit.request('GET /users/{username}/orgs', { username: STANDARD_LOGINS.prolific });
      expect(h.fake.counters.log.map((r) => [r.identity, r.status])).toEqual([
        [TOKEN, 200],
        [TOKEN, 304],
        [OTHER, 200],
      ]);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('retries 5xx and connection resets with exponential backoff, then gives up', async () => {
    h = await startClientHarness({
      provider: staticTokens(TOKEN),
      retry: { baseDelayMs: 100, maxAttempts: 4 },
    });
    h.fake.failNextRequests(2, 502);
    h.fake.resetNextConnections(0);
    const ok = await h.client.octokit.request('GET /users/{username}', { username: STANDARD_LOGINS.empty });
    expect(ok.status).toBe(200);
    expect(h.waits).toEqual([100, 200]);

    h.fake.resetNextConnections(1);
    await h.client.octokit.request('GET /users/{username}', { username: STANDARD_LOGINS.empty });
    expect(h.waits).toEqual([100, 200, 100]);

    h.fake.failNextRequests(10, 503);
    await expect(
      h.client.octokit.request('GET /users/{username}', { username: STANDARD_LOGINS.empty }),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(h.client.stats().retries).toBe(6);
  });

  it('does not retry a 404 and reports it as GitHub does', async () => {
    h = await startClientHarness({ provider: staticTokens(TOKEN) });
    await expect(
      h.client.octokit.request('GET /users/{username}', { username: STANDARD_LOGINS.unknown }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
    expect(h.fake.counters.total).toBe(1);
  });

  it('runs GraphQL on the graphql budget and moves to another token when one is RATE_LIMITED', async () => {
    h = await startClientHarness({ provider: staticTokens(TOKEN, OTHER) });
    h.fake.exhaust(TOKEN, 'graphql', h.clock.now() + 3_600_000);
    const query = `query($login: String!) { user(login: $login) { login repositories(first: 1) { totalCount } } }`;
    expect(validateGitHubQuery(query)).toEqual([]);
    const result = await h.client.octokit.graphql<{ user: { repositories: { totalCount: number } } }>(query, {
      login: STANDARD_LOGINS.prolific,
    });
    expect(result.user.repositories.totalCount).toBe(320);
    expect(h.fake.counters.log.map((r) => [r.identity, r.resource, r.status])).toEqual([
      [TOKEN, 'graphql', 200],
      [OTHER, 'graphql', 200],
    ]);
    expect(h.pool.snapshot().tokens[0]!.resources.graphql?.restReason).toBe('exhausted');
    expect(h.pool.snapshot().tokens[1]!.resources.core).toBeUndefined();
  });

  it('rejects a misspelt field in GraphQL, in the validator and at the stand-in', async () => {
    h = await startClientHarness({ provider: staticTokens(TOKEN) });
    const query = '{ user(login: "prolific-dev") { repositories(first: 1) { nodes { stargazersCount } } } }';
    expect(validateGitHubQuery(query).map((e) => e.message)).toEqual([
      "Field 'stargazersCount' doesn't exist on type 'Repository'",
    ]);
    await expect(h.client.octokit.graphql(query)).rejects.toThrow(
      "Field 'stargazersCount' doesn't exist on type 'Repository'",
    );
  });
});

describe('GitHub client when GitHub cannot be reached', () => {
  it('reports a network failure as such after its retries, never as "GitHub answered 500"', async () => {
    const logs = captureLogs();
    const unreachable = await freePort(); // nothing listens here
    const client = await createGitHubClient({
      baseUrl: `http://127.0.0.1:${unreachable}`,
      pool: new TokenPool({ provider: async () => [TOKEN], logger: logs.logger }),
      logger: logs.logger,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    const failure = await client.octokit.request('GET /users/{username}', { username: 'octocat' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(GitHubNetworkError);
    expect((failure as Error).message).toMatch(/^GitHub could not be reached: .*ECONNREFUSED/);
    expect((failure as { status?: unknown }).status).toBeUndefined();
    expect(logs.entries().filter((l) => l.msg === 'GitHub request failed; retrying')).toHaveLength(1);
  });
});
