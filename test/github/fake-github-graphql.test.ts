import { afterEach, describe, expect, it } from 'vitest';
import {
  assertValidGitHubQuery,
  type FakeGitHub,
  STANDARD_LOGINS,
  startFakeGitHub,
  validateGitHubQuery,
} from '../support/fake-github';
import { CONTRIBUTIONS, REPOSITORIES } from './github-queries';
import { ManualClock, postGraphQL } from './github-test-kit';

const TOKEN = 'ghp_graphqltesttoken00000001';

interface Day {
  date: string;
  contributionCount: number;
  weekday: number;
}
interface Contributions {
  totalCommitContributions: number;
  totalPullRequestContributions: number;
  contributionCalendar: { totalContributions: number; weeks: { contributionDays: Day[] }[] };
  commitContributionsByRepository: {
    contributions: { totalCount: number; nodes: { occurredAt: string; commitCount: number }[] };
  }[];
  pullRequestContributions: { totalCount: number; nodes: { occurredAt: string }[] };
  issueContributions: { totalCount: number; nodes: { occurredAt: string }[] };
  pullRequestReviewContributions: { totalCount: number; nodes: { occurredAt: string }[] };
  repositoryContributions: { totalCount: number; nodes: { occurredAt: string }[] };
}
type GraphQLBody<T> = {
  data?: T;
  errors?: { message: string; type?: string; path?: string[]; extensions?: Record<string, unknown> }[];
};

describe('GitHub stand-in: GraphQL', () => {
  let fake: FakeGitHub | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('pages through every repository with cursors, consistent with REST', async () => {
    fake = await startFakeGitHub();
    type Page = {
      user: {
        followers: { totalCount: number };
        repositories: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          nodes: {
            databaseId: number;
            name: string;
            defaultBranchRef: { target: { history: { totalCount: number } } } | null;
          }[];
        };
      };
      rateLimit: { cost: number; remaining: number; limit: number };
    };
    const seen: Page['user']['repositories']['nodes'] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof postGraphQL<GraphQLBody<Page>>>> = await postGraphQL<
        GraphQLBody<Page>
      >(fake.url, TOKEN, REPOSITORIES, {
        login: STANDARD_LOGINS.prolific,
        after,
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.headers.get('x-ratelimit-resource')).toBe('graphql');
      const repositories = res.body.data!.user.repositories;
      expect(repositories.totalCount).toBe(320);
      seen.push(...repositories.nodes);
      after = repositories.pageInfo.hasNextPage ? repositories.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(4);
    expect(new Set(seen.map((r) => r.databaseId)).size).toBe(320);
    const dataset = fake.data.users[0]!.repositories;
    for (const node of seen) {
      const repo = dataset.find((r) => r.id === node.databaseId)!;
      expect(node.defaultBranchRef?.target.history.totalCount ?? 0).toBe(repo.commitCount);
    }
    // 1 repositories connection + 100 x 4 nested connections (topics, issues, pullRequests, history)
    // + organizations + socialAccounts = 404 requests -> 4 points.
    expect(fake.counters.pointsSpent({ token: TOKEN, resource: 'graphql' })).toBe(4 * 4);
  });

  it('serves a calendar whose days add up the per-kind contributions', async () => {
    const clock = new ManualClock();
    fake = await startFakeGitHub({ now: clock.now });
    type Body = GraphQLBody<{ user: { contributionsCollection: Contributions & Record<string, number> } }>;
    const year = await postGraphQL<Body>(fake.url, TOKEN, CONTRIBUTIONS, { login: STANDARD_LOGINS.prolific });
    const all = year.body.data!.user.contributionsCollection;
    expect(all.contributionCalendar.weeks.flatMap((w) => w.contributionDays).length).toBeGreaterThanOrEqual(
      365,
    );
    const kinds = [
      'totalCommitContributions',
      'totalPullRequestContributions',
      'totalIssueContributions',
    ] as const;
    const sum = [...kinds, 'totalPullRequestReviewContributions', 'totalRepositoryContributions'].reduce(
      (s, k) => s + all[k]!,
      0,
    );
    expect(sum).toBe(all.contributionCalendar.totalContributions);
    // A year holds more than 100 pull requests: the connection pages, as on GitHub.
    expect(all.pullRequestContributions.totalCount).toBeGreaterThan(
      all.pullRequestContributions.nodes.length,
    );

    // Over a quarter every connection fits in one page, so the per-day detail can be compared.
    const to = new Date(clock.now()).toISOString();
    const from = new Date(clock.now() - 80 * 86_400_000).toISOString();
    const res = await postGraphQL<Body>(fake.url, TOKEN, CONTRIBUTIONS, {
      login: STANDARD_LOGINS.prolific,
      from,
      to,
    });
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data!.user.contributionsCollection;
    const days = c.contributionCalendar.weeks.flatMap((w) => w.contributionDays);
    expect(days).toHaveLength(81);
    expect(days.every((d, i) => i === 0 || d.weekday === (days[i - 1]!.weekday + 1) % 7)).toBe(true);
    expect(c.contributionCalendar.weeks.slice(1).every((w) => w.contributionDays[0]!.weekday === 0)).toBe(
      true,
    );

    const perDay = new Map<string, number>();
    const add = (at: string, n: number) =>
      perDay.set(at.slice(0, 10), (perDay.get(at.slice(0, 10)) ?? 0) + n);
    c.commitContributionsByRepository.forEach((r) =>
      r.contributions.nodes.forEach((n) => add(n.occurredAt, n.commitCount)),
    );
    [
      c.pullRequestContributions,
      c.issueContributions,
      c.pullRequestReviewContributions,
      c.repositoryContributions,
    ].forEach((conn) => conn.nodes.forEach((n) => add(n.occurredAt, 1)));
    for (const day of days) expect(perDay.get(day.date) ?? 0).toBe(day.contributionCount);
    const commitTotal = c.commitContributionsByRepository.reduce(
      (sum, r) => sum + r.contributions.nodes.reduce((s, n) => s + n.commitCount, 0),
      0,
    );
    expect(commitTotal).toBe(c.totalCommitContributions);
    expect(c.pullRequestContributions.totalCount).toBe(c.totalPullRequestContributions);
  });

  it('refuses a span over one year, a misspelt field and a connection without first', async () => {
    fake = await startFakeGitHub();
    const tooLong = await postGraphQL<GraphQLBody<unknown>>(fake.url, TOKEN, CONTRIBUTIONS, {
      login: STANDARD_LOGINS.prolific,
      from: '2024-01-01T00:00:00Z',
      to: '2025-06-01T00:00:00Z',
    });
    expect(tooLong.body.errors?.[0]?.message).toBe(
      "The total time spanned by 'from' and 'to' must not exceed 1 year",
    );

    const misspelt = await postGraphQL<GraphQLBody<unknown>>(
      fake.url,
      TOKEN,
      '{ user(login: "prolific-dev") { stargazerCont } }',
    );
    expect(misspelt.status).toBe(200);
    expect(misspelt.body).toEqual({
      errors: [
        {
          path: ['query', 'user', 'stargazerCont'],
          extensions: { code: 'undefinedField', typeName: 'User', fieldName: 'stargazerCont' },
          locations: [{ line: 1, column: 33 }],
          message: "Field 'stargazerCont' doesn't exist on type 'User'",
        },
      ],
    });

    const unbounded = await postGraphQL<GraphQLBody<unknown>>(
      fake.url,
      TOKEN,
      '{ user(login: "x") { repositories { nodes { name } } } }',
    );
    expect(unbounded.body.errors?.[0]).toMatchObject({
      type: 'MISSING_PAGINATION_BOUNDARIES',
      message:
        'You must provide a `first` or `last` value to properly paginate the `repositories` connection.',
    });
    const tooMany = validateGitHubQuery(
      '{ user(login: "x") { repositories(first: 101) { nodes { name } } } }',
    );
    expect(tooMany[0]?.type).toBe('EXCESSIVE_PAGINATION');
  });

  it("answers an unknown login with GitHub's NOT_FOUND error and needs a token", async () => {
    fake = await startFakeGitHub();
    const missing = await postGraphQL<GraphQLBody<{ user: null }>>(
      fake.url,
      TOKEN,
      '{ user(login: "no-such-user-404") { login } }',
    );
    expect(missing.body.data).toEqual({ user: null });
    expect(missing.body.errors?.[0]).toMatchObject({
      type: 'NOT_FOUND',
      path: ['user'],
      message: "Could not resolve to a User with the login of 'no-such-user-404'.",
    });
    const anonymous = await postGraphQL<{ message: string }>(
      fake.url,
      undefined,
      '{ rateLimit { remaining } }',
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBe('This endpoint requires you to be authenticated.');
  });

  it('charges points per query and answers RATE_LIMITED when the budget is spent', async () => {
    fake = await startFakeGitHub({ limits: { graphql: { limit: 3 } } });
    const query = '{ rateLimit { cost remaining limit used } }';
    const first = await postGraphQL<GraphQLBody<{ rateLimit: { cost: number; remaining: number } }>>(
      fake.url,
      TOKEN,
      query,
    );
    expect(first.body.data?.rateLimit).toMatchObject({ cost: 1, remaining: 2 });
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    await postGraphQL(fake.url, TOKEN, query);
    await postGraphQL(fake.url, TOKEN, query);
    const refused = await postGraphQL<GraphQLBody<unknown>>(fake.url, TOKEN, query);
    expect(refused.status).toBe(200);
    expect(refused.body.errors?.[0]?.type).toBe('RATE_LIMITED');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('validates documents against GitHub schema for other tests to reuse', () => {
    expect(validateGitHubQuery(REPOSITORIES)).toEqual([]);
    expect(validateGitHubQuery(CONTRIBUTIONS)).toEqual([]);
    expect(() =>
      assertValidGitHubQuery('{ user(login: "a") { repositories(first: 5) { nodes { stars } } } }'),
    ).toThrow("Field 'stars' doesn't exist on type 'Repository'");
    expect(validateGitHubQuery('{ user(login: "a") { login ')[0]?.message).toMatch(/^Parse error on/);
    expect(
      validateGitHubQuery(
        'query($n: Int) { user(login: "a") { repositories(first: $n) { nodes { name } } } }',
        { n: 500 },
      )[0]?.type,
    ).toBe('EXCESSIVE_PAGINATION');
  });
});
