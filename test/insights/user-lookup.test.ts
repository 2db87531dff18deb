import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsightsNodeDocument, InsightsUserLookupDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app-harness';
import { makeRepository, makeUser, RecordingHarvests, seed } from './insights-kit';

const HOUR = 3_600_000;
let t: TestApp;
const harvests = new RecordingHarvests();
const ids: { fresh?: number; repo?: number } = {};

beforeAll(async () => {
  t = await startTestApp({
    env: { HARVEST_FRESHNESS_HOURS: '24', RATE_LIMIT_ENABLED: 'false' },
    overrides: { harvestRequests: harvests },
  });
  await seed(t.config, (em) => {
    const fresh = makeUser(em, 'Fresh-Dev', {
      name: 'Fresh Developer',
      followers: 12,
      following: 3,
      bio: 'Writes code',
      company: '@acme',
      location: 'Lisbon',
      websiteUrl: 'https://fresh.dev',
      avatarUrl: 'https://avatars.example/1',
      githubCreatedAt: new Date('2015-05-05T00:00:00Z'),
      harvestedAt: new Date(Date.now() - HOUR),
      social: [{ provider: 'mastodon', url: 'https://mastodon.social/@fresh' }],
      publicRepos: 7,
      publicGists: 4,
      organizations: [
        // as harvests store it now, and as rows stored before ids and addresses were kept
        {
          login: 'acme',
          githubId: 9001,
          url: 'https://ghe.example/acme',
          avatarUrl: null,
          description: 'ACME',
        },
        { login: 'old-org', avatarUrl: 'https://avatars.example/o', description: null },
      ],
    });
    makeUser(em, 'stale-dev', { harvestedAt: new Date(Date.now() - 25 * HOUR) });
    makeUser(em, 'never-harvested', { harvestedAt: null });
    makeUser(em, 'has-history', { harvestedAt: new Date() });
    const repo = makeRepository(em, fresh, 'tool');
    return em.flush().then(() => {
      ids.fresh = fresh.id;
      ids.repo = repo.id;
    });
  });
});

afterAll(async () => {
  await t?.close();
});

describe('user(login:)', () => {
  it('returns a fresh developer with every profile field and asks for no harvest', async () => {
    const before = harvests.calls.length;
    const { data, errors } = await t.execute(InsightsUserLookupDocument, { login: 'FRESH-dev' });
    expect(errors).toBeUndefined();
    expect(data!.user).toMatchObject({
      login: 'FRESH-dev',
      harvest: null,
      user: {
        login: 'Fresh-Dev',
        name: 'Fresh Developer',
        followers: 12,
        following: 3,
        bio: 'Writes code',
        company: '@acme',
        location: 'Lisbon',
        websiteUrl: 'https://fresh.dev',
        avatarUrl: 'https://avatars.example/1',
        createdAt: '2015-05-05T00:00:00.000Z',
        social: [{ provider: 'mastodon', url: 'https://mastodon.social/@fresh' }],
        publicRepos: 7,
        publicGists: 4,
        organizations: [
          {
            githubId: 9001,
            login: 'acme',
            url: 'https://ghe.example/acme',
            avatarUrl: null,
            description: 'ACME',
          },
          {
            githubId: null,
            login: 'old-org',
            url: 'https://github.com/old-org',
            avatarUrl: 'https://avatars.example/o',
            description: null,
          },
        ],
      },
    });
    expect(typeof data!.user.user!.githubId).toBe('number');
    expect(harvests.calls.length).toBe(before);
  });

  it('an unknown login: user null, a harvest asked for (auto) and shown', async () => {
    const { data } = await t.execute(InsightsUserLookupDocument, { login: 'nobody-yet' });
    expect(data!.user.user).toBeNull();
    expect(data!.user.harvest).toMatchObject({ status: 'QUEUED', trigger: 'AUTO', progress: 0 });
    expect(data!.user.harvest!.enqueuedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(harvests.calls).toContainEqual({ login: 'nobody-yet', trigger: 'auto' });
  });

  it('a stale or never-harvested developer is returned and refreshed automatically', async () => {
    for (const login of ['stale-dev', 'never-harvested']) {
      const { data } = await t.execute(InsightsUserLookupDocument, { login });
      expect(data!.user.user!.login).toBe(login);
      expect(data!.user.harvest).toMatchObject({ status: 'QUEUED', trigger: 'AUTO' });
      expect(harvests.calls).toContainEqual({ login, trigger: 'auto' });
    }
  });

  it('a fresh developer shows its latest harvest without asking for one', async () => {
    const before = harvests.calls.length;
    const { data } = await t.execute(InsightsUserLookupDocument, { login: 'has-history' });
    expect(data!.user.harvest).toMatchObject({ status: 'COMPLETED', trigger: 'MANUAL', progress: 100 });
    expect(harvests.calls.length).toBe(before);
  });

  it('an invalid login is BAD_USER_INPUT, asking for nothing', async () => {
    const before = harvests.calls.length;
    // `bad-` and `a--b` are valid: GitHub still serves logins from before today's sign-up rules.
    for (const login of [
      '-bad',
      'bad_',
      'a_b_c',
      'x'.repeat(40),
      '',
      'émile',
      "a'; drop table github_user; --",
    ]) {
      const { data, errors } = await t.execute(InsightsUserLookupDocument, { login });
      expect(data).toBeNull();
      expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
    expect(harvests.calls.length).toBe(before);
  });

  it('when a harvest cannot be asked for, the stored developer is still returned', async () => {
    harvests.failWith = new Error('queue down');
    try {
      const { data, errors } = await t.execute(InsightsUserLookupDocument, { login: 'stale-dev' });
      expect(errors).toBeUndefined();
      expect(data!.user.user!.login).toBe('stale-dev');
      expect(data!.user.harvest).toBeNull();
      expect(t.logs.text()).toContain('automatic harvest could not be requested');
    } finally {
      harvests.failWith = undefined;
    }
  });
});

describe('node(id:)', () => {
  it('fetches users and repositories back by global id', async () => {
    const lookup = await t.execute(InsightsUserLookupDocument, { login: 'fresh-dev' });
    const userId = lookup.data!.user.user!.id;
    const user = await t.execute(InsightsNodeDocument, { id: userId });
    expect(user.data!.node).toMatchObject({ __typename: 'User', id: userId, login: 'Fresh-Dev' });
    const repoId = Buffer.from(`Repository:${ids.repo}`).toString('base64url');
    const repo = await t.execute(InsightsNodeDocument, { id: repoId });
    expect(repo.data!.node).toMatchObject({ __typename: 'Repository', id: repoId, name: 'tool' });
  });

  it('null for a vanished object, BAD_USER_INPUT for a malformed id', async () => {
    const gone = await t.execute(InsightsNodeDocument, {
      id: Buffer.from('User:999999').toString('base64url'),
    });
    expect(gone.data!.node).toBeNull();
    const bad = await t.execute(InsightsNodeDocument, { id: 'not-an-id' });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
