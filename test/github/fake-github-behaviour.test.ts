import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeGitHub,
  GITHUB_SECONDARY_LIMITS,
  STANDARD_LOGINS,
  startFakeGitHub,
} from '../support/fake-github';
import { openApiViolations } from '../support/fake-github/openapi-validator';
import { getJson, ManualClock, postGraphQL } from './github-test-kit';

/**
 * The behaviours of test/support/github/BEHAVIOUR.md that the harvester depends on and that the
 * first stand-in did not play (per-token ETags, organizations, legacy logins, authorship,
 * blocked repositories, account-wide budgets, secondary limits, heavy queries, private
 * contributions). Each test talks to the stand-in with plain fetch, as GitHub's docs describe.
 */
const TOKEN = 'ghp_behaviourtesttoken000000001';
const OTHER = 'ghp_behaviourtesttoken000000002';
const auth = (token: string = TOKEN) => ({ authorization: `token ${token}` });

interface UserBody {
  id: number;
  node_id: string;
  login: string;
  type: string;
}
interface RepoBody {
  name: string;
  fork: boolean;
}
type GraphQLBody<T> = { data?: T | null; errors?: { message: string; type?: string }[] };

describe('GitHub stand-in: behaviours the harvester depends on', () => {
  let fake: FakeGitHub | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("serves REST bodies that validate against GitHub's OpenAPI description at run time", async () => {
    fake = await startFakeGitHub();
    const prolific = fake.data.users.find((u) => u.login === STANDARD_LOGINS.prolific)!;
    const repo = prolific.repositories.find((r) => r.commitCount > 0)!;
    const checks: [string, string][] = [
      ['GET /users/{username}', `/users/${STANDARD_LOGINS.prolific}`],
      ['GET /users/{username}', `/users/${STANDARD_LOGINS.organization}`],
      ['GET /user/{account_id}', `/user/${prolific.id}`],
      ['GET /users/{username}/repos', `/users/${STANDARD_LOGINS.prolific}/repos?per_page=100`],
      ['GET /users/{username}/orgs', `/users/${STANDARD_LOGINS.prolific}/orgs`],
      ['GET /users/{username}/social_accounts', `/users/${STANDARD_LOGINS.prolific}/social_accounts`],
      ['GET /repos/{owner}/{repo}/commits', `/repos/${prolific.login}/${repo.name}/commits?per_page=5`],
      [
        'GET /users/{username}/events/public',
        `/users/${STANDARD_LOGINS.prolific}/events/public?per_page=100`,
      ],
      ['GET /search/users', `/search/users?q=${encodeURIComponent('location:"Berlin, Germany"')}`],
      ['GET /search/issues', `/search/issues?q=${encodeURIComponent(`author:${prolific.login} type:pr`)}`],
      ['GET /rate_limit', '/rate_limit'],
    ];
    for (const [route, path] of checks) {
      const res = await getJson(`${fake.url}${path}`, auth());
      expect(res.status, path).toBe(200);
      expect(openApiViolations(route, 200, res.body), path).toEqual([]);
    }
  });

  it("keeps ETags per token: another token's ETag gets a full 200; a 304 is free only when authorized", async () => {
    fake = await startFakeGitHub();
    const url = `${fake.url}/users/${STANDARD_LOGINS.prolific}/repos?per_page=100`;
    const first = await getJson(url, auth());
    expect(first.headers.get('vary')).toMatch(/Authorization/);
    const etag = first.headers.get('etag')!;
    const same = await fetch(url, { headers: { ...auth(), 'if-none-match': etag } });
    expect(same.status).toBe(304);
    const other = await fetch(url, { headers: { ...auth(OTHER), 'if-none-match': etag } });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
    expect(fake.counters.pointsSpent({ token: TOKEN })).toBe(1);
    expect(fake.counters.pointsSpent({ token: OTHER })).toBe(1);

    // Unauthenticated: the 304 comes back, but it is charged.
    const anonymous = await getJson(url);
    const again = await fetch(url, { headers: { 'if-none-match': anonymous.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(fake.counters.pointsSpent({ anonymous: true })).toBe(2);
  });

  it('serves an organization at GET /users/{login} with type Organization; GraphQL user(login:) is NOT_FOUND', async () => {
    fake = await startFakeGitHub();
    const rest = await getJson<UserBody>(`${fake.url}/users/${STANDARD_LOGINS.organization}`, auth());
    expect(rest.status).toBe(200);
    expect(rest.body.type).toBe('Organization');
    const repos = await getJson<RepoBody[]>(
      `${fake.url}/users/${STANDARD_LOGINS.organization}/repos?per_page=100`,
      auth(),
    );
    expect(repos.body).toHaveLength(100);
    const gql = await postGraphQL<GraphQLBody<{ user: unknown }>>(
      fake.url,
      TOKEN,
      'query($login: String!) { user(login: $login) { login } }',
      { login: STANDARD_LOGINS.organization },
    );
    expect(gql.status).toBe(200);
    expect(gql.body.errors?.[0]).toMatchObject({ type: 'NOT_FOUND' });
    const org = await postGraphQL<GraphQLBody<{ organization: { login: string } }>>(
      fake.url,
      TOKEN,
      'query($login: String!) { organization(login: $login) { login } }',
      { login: STANDARD_LOGINS.organization },
    );
    expect(org.body.data?.organization.login).toBe(STANDARD_LOGINS.organization);
  });

  it('serves logins from before the current sign-up rules (trailing hyphen, double hyphen, EMU _shortcode)', async () => {
    fake = await startFakeGitHub();
    for (const login of [
      STANDARD_LOGINS.trailingHyphen,
      STANDARD_LOGINS.doubleHyphen,
      STANDARD_LOGINS.managedUser,
    ]) {
      const res = await getJson<UserBody>(`${fake.url}/users/${login}`, auth());
      expect(res.status, login).toBe(200);
      expect(res.body.login).toBe(login);
    }
    const search = await getJson<{ items: { login: string }[] }>(
      `${fake.url}/search/users?q=${encodeURIComponent('location:"Lisbon, Portugal"')}`,
      auth(),
    );
    expect(search.body.items.map((i) => i.login).sort()).toEqual(
      [STANDARD_LOGINS.trailingHyphen, STANDARD_LOGINS.doubleHyphen, STANDARD_LOGINS.managedUser].sort(),
    );
  });

  it("counts a repository's history per author: a fork of a large project holds few of the owner's commits", async () => {
    fake = await startFakeGitHub();
    const owner = fake.data.users.find((u) => u.login === STANDARD_LOGINS.forkCollector)!;
    const fork = owner.repositories.find((r) => r.isFork && r.authorCommits > 1)!;
    const gql = await postGraphQL<
      GraphQLBody<{
        repository: {
          defaultBranchRef: { target: { all: { totalCount: number }; own: { totalCount: number } } };
        };
      }>
    >(
      fake.url,
      TOKEN,
      `query($owner: String!, $name: String!, $author: ID!) {
        repository(owner: $owner, name: $name) {
          defaultBranchRef { target { ... on Commit {
            all: history { totalCount }
            own: history(author: { id: $author }) { totalCount }
          } } }
        }
      }`,
      { owner: owner.login, name: fork.name, author: (await userBody(fake, owner.login)).node_id },
    );
    expect(gql.body.data?.repository.defaultBranchRef.target).toEqual({
      all: { totalCount: fork.commitCount },
      own: { totalCount: fork.authorCommits },
    });
    expect(fork.commitCount).toBeGreaterThan(10_000);
    const rest = await fetch(
      `${fake.url}/repos/${owner.login}/${fork.name}/commits?per_page=1&author=${owner.login}`,
      {
        headers: auth(),
      },
    );
    expect(rest.headers.get('link')).toContain(`page=${fork.authorCommits}>; rel="last"`);
  });

  it('answers blocked repositories 451 (DMCA) and 403 (terms of service), empty 409, missing 404', async () => {
    fake = await startFakeGitHub();
    const owner = fake.data.users.find((u) => u.login === STANDARD_LOGINS.blocked)!;
    const dmca = owner.repositories.find((r) => r.blocked === 'dmca')!;
    const tos = owner.repositories.find((r) => r.blocked === 'tos')!;
    const empty = owner.repositories.find((r) => r.commitCount === 0)!;
    const base = `${fake.url}/repos/${owner.login}`;
    const a = await getJson<{ message: string; block: { reason: string } }>(`${base}/${dmca.name}`, auth());
    expect(a.status).toBe(451);
    expect(a.body).toMatchObject({ message: 'Repository access blocked', block: { reason: 'dmca' } });
    const b = await getJson<{ message: string }>(`${base}/${tos.name}/commits?per_page=1`, auth());
    expect(b.status).toBe(403);
    expect(b.body.message).toBe('Repository access blocked');
    expect((await getJson(`${base}/${empty.name}/commits?per_page=1`, auth())).status).toBe(409);
    expect((await getJson(`${base}/no-such-repository`, auth())).status).toBe(404);
    // Still listed under the owner (REST), left out of GraphQL connections.
    const listed = await getJson<RepoBody[]>(`${fake.url}/users/${owner.login}/repos`, auth());
    expect(listed.body.map((r) => r.name)).toContain(dmca.name);
    const gql = await postGraphQL<GraphQLBody<{ user: { repositories: { nodes: { name: string }[] } } }>>(
      fake.url,
      TOKEN,
      'query($login: String!) { user(login: $login) { repositories(first: 100) { nodes { name } } } }',
      { login: owner.login },
    );
    expect(gql.body.data?.user.repositories.nodes.map((n) => n.name)).not.toContain(dmca.name);
  });

  it("shares the primary limit between an account's tokens", async () => {
    fake = await startFakeGitHub({ accounts: { [TOKEN]: 'octo', [OTHER]: 'octo' } });
    await getJson(`${fake.url}/users/${STANDARD_LOGINS.empty}`, auth());
    const second = await getJson(`${fake.url}/users/${STANDARD_LOGINS.renamed}`, auth(OTHER));
    expect(second.headers.get('x-ratelimit-used')).toBe('2');
    fake.exhaust(TOKEN);
    expect((await getJson(`${fake.url}/users/${STANDARD_LOGINS.empty}`, auth(OTHER))).status).toBe(403);
  });

  it('enforces secondary limits: 900 REST points a minute, 2,000 GraphQL, 100 concurrent, longer when ignored', async () => {
    expect(GITHUB_SECONDARY_LIMITS).toMatchObject({
      concurrent: 100,
      restPointsPerMinute: 900,
      graphqlPointsPerMinute: 2000,
    });
    // GitHub's numbers scaled down 30 times, so the test sends tens of requests, not thousands.
    const clock = new ManualClock();
    fake = await startFakeGitHub({
      now: clock.now,
      secondaryLimits: { restPointsPerMinute: 30, graphqlPointsPerMinute: 66 },
    });
    const url = `${fake.url}/users/${STANDARD_LOGINS.empty}`;
    for (let i = 0; i < 30; i++) await fetch(url, { headers: auth() }).then((r) => r.arrayBuffer());
    const refused = await getJson<{ message: string }>(url, auth());
    expect(refused.status).toBe(403);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.message).toMatch(/secondary rate limit/);
    // Asking again while refused: refused for longer.
    const again = await getJson(url, auth());
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(fake.counters.secondaryLimited).toBe(2);
    // Another account is not affected; a minute later after the wait the first one is served again.
    expect((await getJson(url, auth(OTHER))).status).toBe(200);
    clock.advance(121_000);
    expect((await getJson(url, auth())).status).toBe(200);

    // GraphQL counts apart.
    const query = 'query { rateLimit { cost } }';
    for (let i = 0; i < 66; i++) await postGraphQL(fake.url, OTHER, query);
    expect((await postGraphQL(fake.url, OTHER, query)).status).toBe(403);
  });

  it('refuses a request over the concurrency limit of an account (100 on GitHub, 3 here)', async () => {
    fake = await startFakeGitHub({ secondaryLimits: { concurrent: 3 }, latencyMs: 100 });
    // Each answer takes 100 ms: the stand-in counts a request until its answer is sent.
    const url = `${fake.url}/users/${STANDARD_LOGINS.empty}`;
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => fetch(url, { headers: auth() }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThan(0);
  });

  it('times out a query that walks too much history with 502 and GitHub’s message', async () => {
    fake = await startFakeGitHub();
    const owner = await userBody(fake, STANDARD_LOGINS.forkCollector);
    const query = `query($login: String!, $author: ID!, $n: Int!) { user(login: $login) {
      repositories(first: $n) { nodes { defaultBranchRef { target { ... on Commit {
        history(author: { id: $author }) { totalCount } } } } } } } }`;
    const heavy = await postGraphQL<GraphQLBody<unknown>>(fake.url, TOKEN, query, {
      login: owner.login,
      author: owner.node_id,
      n: 100,
    });
    expect(heavy.status).toBe(502);
    expect(heavy.body.errors?.[0]?.message).toMatch(/This may be the result of a timeout/);
    const half = await postGraphQL(fake.url, TOKEN, query, {
      login: owner.login,
      author: owner.node_id,
      n: 50,
    });
    expect(half.status).toBe(200);
  });

  it("adds an opted-in developer's private contributions to the calendar and restrictedContributionsCount only", async () => {
    fake = await startFakeGitHub();
    const user = fake.data.users.find((u) => u.login === STANDARD_LOGINS.privateContributor)!;
    const gql = await postGraphQL<
      GraphQLBody<{
        user: {
          contributionsCollection: {
            restrictedContributionsCount: number;
            totalCommitContributions: number;
            contributionCalendar: { totalContributions: number };
          };
        };
      }>
    >(
      fake.url,
      TOKEN,
      `query($login: String!) { user(login: $login) { contributionsCollection {
        restrictedContributionsCount totalCommitContributions contributionCalendar { totalContributions } } } }`,
      { login: user.login },
    );
    const c = gql.body.data!.user.contributionsCollection;
    const privateTotal = user.privateContributions!.reduce((sum, x) => sum + x.count, 0);
    expect(c.restrictedContributionsCount).toBe(privateTotal);
    expect(c.contributionCalendar.totalContributions).toBeGreaterThanOrEqual(
      c.totalCommitContributions + privateTotal,
    );
  });
  it('prices GraphQL as documented: requests per connection from first/last, / 100, rounded, at least 1', async () => {
    fake = await startFakeGitHub();
    const cost = async (query: string): Promise<number> => {
      const res = await postGraphQL<GraphQLBody<{ rateLimit: { cost: number } }>>(fake!.url, TOKEN, query, {
        login: STANDARD_LOGINS.prolific,
      });
      return res.body.data!.rateLimit.cost;
    };
    // 1 request for the repositories + 100 for their issues = 101 -> 1 point.
    expect(
      await cost(`query($login: String!) { rateLimit { cost } user(login: $login) {
        repositories(first: 100) { nodes { issues(first: 10) { totalCount } } } } }`),
    ).toBe(1);
    // 1 + 100 x 3 nested connections = 301 -> 3 points.
    expect(
      await cost(`query($login: String!) { rateLimit { cost } user(login: $login) {
        repositories(first: 100) { nodes { a: issues(first: 10) { totalCount }
          b: pullRequests(first: 10) { totalCount } c: watchers(first: 10) { totalCount } } } } }`),
    ).toBe(3);
  });

  it('refuses a query over 500,000 nodes with MAX_NODE_LIMIT_EXCEEDED', async () => {
    fake = await startFakeGitHub();
    const res = await postGraphQL<GraphQLBody<unknown>>(
      fake.url,
      TOKEN,
      `query($login: String!) { user(login: $login) { repositories(first: 100) { nodes {
        issues(first: 100) { nodes { comments(first: 100) { nodes { id } } } } } } } }`,
      { login: STANDARD_LOGINS.prolific },
    );
    expect(res.body.errors?.[0]).toMatchObject({ type: 'MAX_NODE_LIMIT_EXCEEDED' });
  });

  it('allows 30 searches a minute per token; the 31st waits for the reset', async () => {
    const clock = new ManualClock();
    fake = await startFakeGitHub({ now: clock.now });
    const url = `${fake.url}/search/users?q=${encodeURIComponent('location:"Lagos, Nigeria"')}`;
    for (let i = 0; i < 30; i++) expect((await getJson(url, auth())).status).toBe(200);
    const refused = await getJson(url, auth());
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ratelimit-resource')).toBe('search');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    clock.advance(61_000);
    expect((await getJson(url, auth())).status).toBe(200);
  });
});

async function userBody(fake: FakeGitHub, login: string): Promise<UserBody> {
  return (await getJson<UserBody>(`${fake.url}/users/${login}`, auth())).body;
}
