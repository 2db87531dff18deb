import { afterEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { getJson, ManualClock } from './github-test-kit';

const TOKEN = 'ghp_resttesttoken0000000001';
const auth = { authorization: `token ${TOKEN}` };

interface UserBody {
  id: number;
  login: string;
  public_repos: number;
}
interface RepoBody {
  id: number;
  name: string;
  stargazers_count: number;
}

describe('GitHub stand-in: REST', () => {
  let fake: FakeGitHub | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('answers GET /users/:login case-insensitively with GitHub headers', async () => {
    fake = await startFakeGitHub();
    const res = await getJson<UserBody>(`${fake.url}/users/PROLIFIC-Dev`, auth);
    expect(res.status).toBe(200);
    expect(res.body.login).toBe(STANDARD_LOGINS.prolific);
    expect(res.body.public_repos).toBe(320);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(res.headers.get('last-modified')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(res.headers.get('x-github-request-id')).toMatch(/^[0-9A-F]{4}(:[0-9A-F]+){4}$/);
    expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(res.headers.get('x-ratelimit-used')).toBe('1');
    expect(res.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it("answers an unknown login with GitHub's 404 body", async () => {
    fake = await startFakeGitHub();
    const res = await getJson(`${fake.url}/users/${STANDARD_LOGINS.unknown}`, auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/users/users#get-a-user',
      status: '404',
    });
  });

  it('keeps a renamed user reachable by id only: the former login 404s, repositories redirect', async () => {
    fake = await startFakeGitHub();
    const current = await getJson<UserBody>(`${fake.url}/users/${STANDARD_LOGINS.renamed}`, auth);
    const former = await getJson(`${fake.url}/users/${STANDARD_LOGINS.renamedFrom}`, auth);
    const byId = await getJson<UserBody>(`${fake.url}/user/${current.body.id}`, auth);
    expect(former.status).toBe(404);
    expect(byId.body).toMatchObject({ id: current.body.id, login: STANDARD_LOGINS.renamed });

    const repo = fake.data.users.find((u) => u.login === STANDARD_LOGINS.renamed)!.repositories[0]!;
    const moved = await fetch(
      `${fake.url}/repos/${STANDARD_LOGINS.renamedFrom}/${repo.name}/commits?per_page=1`,
      {
        headers: auth,
        redirect: 'manual',
      },
    );
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(`${fake.url}/repositories/${repo.id}/commits?per_page=1`);
  });

  it('paginates 320 repositories with Link headers formatted as GitHub does', async () => {
    fake = await startFakeGitHub();
    const base = `${fake.url}/user/${fake.data.users[0]!.id}/repos?per_page=100&type=owner`;
    const second = await getJson<RepoBody[]>(
      `${fake.url}/users/${STANDARD_LOGINS.prolific}/repos?per_page=100&type=owner&page=2`,
      auth,
    );
    expect(second.headers.get('link')).toBe(
      `<${base}&page=1>; rel="prev", <${base}&page=3>; rel="next", <${base}&page=4>; rel="last", <${base}&page=1>; rel="first"`,
    );
    const ids = new Set<number>();
    let next: string | undefined = `${fake.url}/users/${STANDARD_LOGINS.prolific}/repos?per_page=500`;
    while (next) {
      const page: Awaited<ReturnType<typeof getJson<RepoBody[]>>> = await getJson<RepoBody[]>(next, auth);
      expect(page.body.length).toBeLessThanOrEqual(100);
      page.body.forEach((r) => ids.add(r.id));
      next = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(ids.size).toBe(320);
  });

  it('gives the commit count through rel="last" with per_page=1, and 409 for an empty repository', async () => {
    fake = await startFakeGitHub();
    const owner = fake.data.users[0]!;
    const repo = owner.repositories.find((r) => r.commitCount > 1)!;
    const res = await getJson<unknown[]>(
      `${fake.url}/repos/${owner.login}/${repo.name}/commits?per_page=1`,
      auth,
    );
    expect(res.body).toHaveLength(1);
    const last = /[?&]page=(\d+)>; rel="last"/.exec(res.headers.get('link') ?? '')?.[1];
    expect(Number(last)).toBe(repo.commitCount);

    const empty = owner.repositories.find((r) => r.commitCount === 0)!;
    const emptyRes = await getJson<{ message: string }>(
      `${fake.url}/repos/${owner.login}/${empty.name}/commits?per_page=1`,
      auth,
    );
    expect(emptyRes.status).toBe(409);
    expect(emptyRes.body.message).toBe('Git Repository is empty.');
  });

  it('serves at most 300 public events, 90 days back, and refuses pages past them', async () => {
    const clock = new ManualClock();
    fake = await startFakeGitHub({ now: clock.now });
    const user = fake.data.users[0]!;
    for (let day = 0; day < 100; day++) {
      for (const repo of user.repositories.slice(0, 5)) {
        const date = new Date(clock.now() - day * 86_400_000).toISOString().slice(0, 10);
        user.contributions.commits.push({ date, repositoryId: repo.id, commitCount: 1 });
      }
    }
    const first = await getJson<{ created_at: string }[]>(
      `${fake.url}/users/${user.login}/events/public?per_page=100`,
      auth,
    );
    expect(first.headers.get('link')).toContain('page=3>; rel="last"');
    const third = await getJson<{ created_at: string }[]>(
      `${fake.url}/users/${user.login}/events/public?per_page=100&page=3`,
      auth,
    );
    expect(first.body.length + 100 + third.body.length).toBe(300);
    const oldest = Date.parse(third.body.at(-1)!.created_at);
    expect(clock.now() - oldest).toBeLessThanOrEqual(90 * 86_400_000);
    const past = await getJson<{ message: string }>(
      `${fake.url}/users/${user.login}/events/public?per_page=30&page=11`,
      auth,
    );
    expect(past.status).toBe(422);
    expect(past.body.message).toMatch(/pagination is limited for this resource/);
  });

  it('searches users by location and followers, with the 1,000-result cap', async () => {
    fake = await startFakeGitHub();
    type Search = { total_count: number; incomplete_results: boolean; items: { login: string }[] };
    const berlin = await getJson<Search>(
      `${fake.url}/search/users?q=${encodeURIComponent('location:berlin followers:>=100')}`,
      auth,
    );
    const expected = fake.data.users.filter((u) => u.location?.includes('Berlin') && u.followers >= 100);
    expect(berlin.body.total_count).toBe(expected.length);
    expect(berlin.body.incomplete_results).toBe(false);
    expect(berlin.headers.get('x-ratelimit-resource')).toBe('search');
    expect(berlin.headers.get('x-ratelimit-limit')).toBe('30');

    const crowd = await getJson<Search>(
      `${fake.url}/search/users?q=${encodeURIComponent('location:"Tokyo, Japan"')}&per_page=100`,
      auth,
    );
    expect(crowd.body.total_count).toBe(1100);
    expect(crowd.headers.get('link')).toContain('page=10>; rel="last"');
    const tenth = await getJson<Search>(
      `${fake.url}/search/users?q=location:tokyo&per_page=100&page=10`,
      auth,
    );
    expect(tenth.body.items).toHaveLength(100);
    const eleventh = await getJson<{ message: string }>(
      `${fake.url}/search/users?q=location:tokyo&per_page=100&page=11`,
      auth,
    );
    expect(eleventh.status).toBe(422);
    expect(eleventh.body.message).toBe('Only the first 1000 search results are available');
  });

  it('counts pull requests with /search/issues qualifiers', async () => {
    fake = await startFakeGitHub();
    const owner = fake.data.users[0]!;
    const repo = owner.repositories[0]!;
    const q = encodeURIComponent(`type:pr repo:${owner.login}/${repo.name}`);
    const res = await getJson<{ total_count: number }>(`${fake.url}/search/issues?q=${q}&per_page=1`, auth);
    expect(res.body.total_count).toBe(
      repo.openPullRequests + repo.closedPullRequests + repo.mergedPullRequests,
    );
    const merged = await getJson<{ total_count: number }>(
      `${fake.url}/search/issues?q=${q}+is:merged&per_page=1`,
      auth,
    );
    expect(merged.body.total_count).toBe(repo.mergedPullRequests);
  });

  it('answers a conditional request for an unchanged resource with 304, spending nothing', async () => {
    fake = await startFakeGitHub();
    const url = `${fake.url}/users/${STANDARD_LOGINS.prolific}`;
    const first = await getJson(url, auth);
    const etag = first.headers.get('etag')!;
    const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('x-ratelimit-remaining')).toBe('4999');
    const since = await fetch(url, {
      headers: { ...auth, 'if-modified-since': first.headers.get('last-modified')! },
    });
    expect(since.status).toBe(304);
    expect(fake.counters.pointsSpent({ token: TOKEN, resource: 'core' })).toBe(1);
    expect(fake.counters.notModifiedFor(TOKEN)).toBe(2);

    fake.data.users[0]!.followers += 1;
    const changed = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('limits unauthenticated callers to 60 an hour and resets the window on its clock', async () => {
    const clock = new ManualClock();
    fake = await startFakeGitHub({ now: clock.now });
    const url = `${fake.url}/users/${STANDARD_LOGINS.empty}`;
    const first = await getJson(url);
    expect(first.headers.get('x-ratelimit-limit')).toBe('60');
    fake.exhaust(undefined);
    const refused = await getJson<{ message: string }>(url);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.body.message).toMatch(/^API rate limit exceeded for 127\.0\.0\.1\./);
    clock.advance(3_600_000);
    expect((await getJson(url)).status).toBe(200);
  });

  it('plays revoked tokens, secondary limits, 5xx and connection resets on demand', async () => {
    fake = await startFakeGitHub();
    const url = `${fake.url}/users/${STANDARD_LOGINS.empty}`;
    fake.revokeToken('ghp_revoked000000000000001');
    const revoked = await getJson(url, { authorization: 'token ghp_revoked000000000000001' });
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });

    fake.secondaryLimit({ status: 429, retryAfterSeconds: 7 });
    const limited = await getJson<{ message: string }>(url, auth);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.message).toMatch(/secondary rate limit/);

    fake.failNextRequests(2, 503);
    expect((await getJson(url, auth)).status).toBe(503);
    expect((await getJson(url, auth)).status).toBe(503);
    expect((await getJson(url, auth)).status).toBe(200);

    fake.resetNextConnections(1);
    await expect(fetch(url, { headers: auth })).rejects.toThrow();
    expect((await getJson(url, auth)).status).toBe(200);
  });

  it('reports budgets at /rate_limit without spending any', async () => {
    fake = await startFakeGitHub();
    await getJson(`${fake.url}/users/${STANDARD_LOGINS.empty}`, auth);
    const res = await getJson<{ resources: Record<string, { remaining: number; limit: number }> }>(
      `${fake.url}/rate_limit`,
      auth,
    );
    expect(res.body.resources.core).toMatchObject({ limit: 5000, remaining: 4999 });
    expect(res.body.resources.search).toMatchObject({ limit: 30, remaining: 30 });
    expect(res.body.resources.graphql).toMatchObject({ limit: 5000 });
    expect(fake.counters.pointsSpent({ token: TOKEN })).toBe(1);
  });
});
