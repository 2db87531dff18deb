import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ctx, Query, Resolver } from 'type-graphql';
import { defineModule, moduleKey } from '../../src/core/module';
import type { GraphQLContext } from '../../src/graphql/context';
import { LISTS_TAG } from '../../src/http/response-cache-invalidation';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { type GraphqlResponse, startTestApp, type TestApp } from '../support/app-harness';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { uniqueName } from '../support/services';
import { makeUser, seed } from '../insights/insights-kit';

/**
 * Issue 10, the response cache's correctness (docs/performance.md): two api instances and a worker
 * sharing PostgreSQL and Valkey; answers change on every instance within a second of a harvest
 * completing; answers depending on the role are never shared across roles; mutations never cached.
 */

// A root field whose answer depends on the caller's role, made cacheable for this test.
@Resolver()
class RoleEchoResolver {
  @Query(() => String, { description: 'The caller role (test only).' })
  roleEcho(@Ctx() context: GraphQLContext): string {
    return context.viewer.kind === 'apiKey' ? `role ${context.viewer.role}` : 'anonymous';
  }
}

const roleEchoModule = defineModule({
  key: moduleKey<undefined>('role-echo'),
  entities: [],
  resolvers: [RoleEchoResolver],
  create: () => ({ resolvers: [new RoleEchoResolver()], exports: undefined }),
});

const LOGIN = STANDARD_LOGINS.empty;
const PROFILE = `query Profile($login: String!) { user(login: $login) { user { login name } } }`;

let fake: FakeGitHub;
let a: TestApp;
let b: TestApp;
let worker: TestApp;

beforeAll(async () => {
  fake = await startFakeGitHub();
  const shared = {
    REDIS_KEY_PREFIX: uniqueName('respcache'),
    GITHUB_API_URL: fake.url,
    RESPONSE_CACHE_ENABLED: 'true',
    RATE_LIMIT_ENABLED: 'false',
    REFRESH_USER_MIN_INTERVAL_MS: '0',
    HEALTH_WATCH_INTERVAL_MS: '0',
  };
  const overrides = {
    extraModules: [roleEchoModule],
    extraCacheableFields: { roleEcho: { tags: () => [LISTS_TAG] } },
  };
  a = await startTestApp({ env: shared, overrides });
  const sameData = { ...shared, DB_NAME: a.config.database.name };
  b = await startTestApp({ env: sameData, ownDatabase: false, overrides });
  worker = await startTestApp({ env: sameData, ownDatabase: false, role: 'worker', overrides });
  await seed(a.config, (em) => {
    makeUser(em, LOGIN, { name: 'Name Before The Harvest', harvestedAt: new Date() });
  });
}, 120_000);

afterAll(async () => {
  await worker?.app.close();
  await b?.app.close();
  await a?.close();
  await fake?.close();
});

const cacheState = (response: GraphqlResponse) => response.headers.get('x-response-cache');

/**
 * How long after a harvest completes an instance may still answer from before it:
 * RESPONSE_CACHE_MAX_STALE_MS (default one second). It holds however loaded the machine is (three
 * instances share this test process): while an instance's invalidation link lags behind, its
 * heartbeat does not come back and it computes answers instead of serving cached ones.
 */
const STALE_BOUND_MS = 1_000;

/**
 * A read, then its repeat. An invalidation can land between the two (events of an earlier test's
 * harvest still arriving): the repeat is asked again, a few times, until the cache serves it.
 */
async function readTwice(app: TestApp, query: string, variables?: Record<string, unknown>, headers = {}) {
  const first = await app.graphql(query, variables, headers);
  let second = await app.graphql(query, variables, headers);
  for (let i = 0; i < 10 && cacheState(second) === 'miss'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    second = await app.graphql(query, variables, headers);
  }
  return { first, second };
}

describe('response cache', () => {
  it('serves a repeated read from the cache, and every instance the new answer within a second of a harvest', async () => {
    for (const app of [a, b]) {
      const { first, second } = await readTwice(app, PROFILE, { login: LOGIN });
      expect(first.body.data.user.user.name).toBe('Name Before The Harvest');
      expect(second.body).toEqual(first.body);
      expect(cacheState(second)).toMatch(/^hit-/);
    }

    const refresh = await a.graphql(
      'mutation ($login: String!) { refreshUser(input: { login: $login }) { harvest { id } } }',
      { login: LOGIN },
    );
    expect(refresh.body.errors).toBeUndefined();
    const jobId = refresh.body.data.refreshUser.harvest.id as string;
    // The harvest completes on the worker; from then on, each instance must answer the new data
    // within STALE_BOUND_MS (the answers cached before are invalidated by the event, on both).
    let completedAt = 0;
    for (let i = 0; i < 600 && !completedAt; i++) {
      const job = await seed(a.config, (em) => em.findOne(HarvestJob, { id: jobId }));
      if (job?.status === 'completed') completedAt = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(completedAt).toBeGreaterThan(0);
    for (const app of [a, b]) {
      // Stale answers are tolerated only for reads started within STALE_BOUND_MS of completion.
      let name: string | undefined;
      for (;;) {
        const startedAt = Date.now();
        name = (await app.graphql(PROFILE, { login: LOGIN })).body.data.user.user.name;
        if (name !== 'Name Before The Harvest' || startedAt - completedAt >= STALE_BOUND_MS) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(name).toBe('Empty Handed');
    }
  }, 60_000);

  it('never hands one role the answer computed for another', async () => {
    const reader = await createKeyWithCli(a.config, 'reader');
    const admin = await createKeyWithCli(a.config, 'admin');
    const query = '{ roleEcho }';
    const anonymous = await readTwice(a, query);
    const asReader = await readTwice(a, query, undefined, bearer(reader.key));
    const asAdmin = await readTwice(b, query, undefined, bearer(admin.key));
    expect(anonymous.first.body.data.roleEcho).toBe('anonymous');
    expect(asReader.first.body.data.roleEcho).toBe('role reader');
    expect(asAdmin.first.body.data.roleEcho).toBe('role admin');
    // Each role's first read was computed, not taken from another role's entry; repeats are hits.
    for (const reads of [anonymous, asReader, asAdmin]) {
      expect(cacheState(reads.first)).toBe('miss');
      expect(cacheState(reads.second)).toMatch(/^hit-/);
      expect(reads.second.body).toEqual(reads.first.body);
    }
    // The other instance shares the shared tier, still per role.
    expect((await b.graphql(query, undefined, bearer(reader.key))).body.data.roleEcho).toBe('role reader');
    expect((await b.graphql(query)).body.data.roleEcho).toBe('anonymous');
  });

  it('never caches a mutation, nor a query with fields it may not answer', async () => {
    const mutation =
      'mutation ($login: String!) { refreshUser(input: { login: $login }) { harvest { id } } }';
    const first = await a.graphql(mutation, { login: STANDARD_LOGINS.prolific });
    const second = await a.graphql(mutation, { login: STANDARD_LOGINS.prolific });
    expect(first.body.errors).toBeUndefined();
    expect(second.body.errors).toBeUndefined();
    for (const response of [first, second]) expect(cacheState(response)).toBeNull();
    const jobs = await seed(a.config, (em) => em.count(HarvestJob, { loginKey: STANDARD_LOGINS.prolific }));
    expect(jobs).toBeGreaterThanOrEqual(1);
    // `viewer` is not in the policy; `user { harvest }` changes without an event.
    for (const query of ['{ viewer { authenticated } }', `{ user(login: "${LOGIN}") { harvest { id } } }`]) {
      const { second: again } = await readTwice(a, query);
      expect(cacheState(again)).toBeNull();
    }
  });

  it('answers GET persisted queries with an ETag, and 304 when the client has that answer', async () => {
    const query = `query Cached { users(first: 2) { totalCount nodes { login } } }`;
    const hash = createHash('sha256').update(query).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
    const get = (params: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${a.url}/graphql?${new URLSearchParams(params)}`, {
        headers: { 'apollo-require-preflight': 'true', ...headers },
      });
    const registered = await get({ query, extensions });
    expect(registered.status).toBe(200);
    const byHash = await get({ extensions });
    expect(byHash.status).toBe(200);
    const etag = byHash.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect(byHash.headers.get('cache-control')).toBe('public, max-age=1');
    expect(await byHash.json()).toEqual(await registered.json());
    const revalidated = await get({ extensions }, { 'if-none-match': etag! });
    expect(revalidated.status).toBe(304);
    const asReader = await get({ extensions }, bearer((await createKeyWithCli(a.config, 'reader')).key));
    expect(asReader.headers.get('cache-control')).toBe('private, no-cache');
  });
});
