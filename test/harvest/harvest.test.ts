import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HarvestJobDocument, RefreshUserDocument } from '../generated/graphql';
import { type FakeRepository, STANDARD_LOGINS } from '../support/fake-github';
import { expectedActivity, type HarvestKit, startHarvestKit, TOKEN } from './harvest-kit';

/**
 * Harvesting end to end: refreshUser over HTTP, the job on the real queue (BullMQ on Redis), the
 * GitHub stand-in over real HTTP, the result in PostgreSQL.
 */
let kit: HarvestKit;
// A 320-repository harvest takes seconds alone, longer when the whole suite shares two cores.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  kit = await startHarvestKit();
}, 120_000);

afterAll(async () => {
  await kit?.close();
});

beforeEach(() => {
  kit.fake.failNextRequests(0);
});

interface Row {
  [column: string]: unknown;
}
const pullRequests = (r: FakeRepository): number =>
  r.openPullRequests + r.closedPullRequests + r.mergedPullRequests;
const sql = (query: string, params: unknown[] = []): Promise<Row[]> =>
  kit.em().getConnection().execute(query, params);

describe('a full harvest of the 320-repository user', () => {
  let firstPoints = 0;
  let firstRequests = 0;
  let userId: unknown;

  it('stores exactly what GitHub served: profile, social, organizations, every repository, a year of activity', async () => {
    kit.fake.counters.reset();
    const job = await kit.refresh(STANDARD_LOGINS.prolific);
    expect(job.status).toBe('QUEUED');
    const done = await kit.finished(job.id);
    expect(done).toMatchObject({
      status: 'COMPLETED',
      progress: 100,
      stage: 'done',
      attempts: 1,
      error: null,
    });
    firstPoints = kit.fake.counters.pointsSpent({ token: TOKEN });
    firstRequests = kit.fake.counters.total;

    const served = kit.fake.data.users.find((u) => u.login === STANDARD_LOGINS.prolific)!;
    const [user] = await sql('select * from github_user where login_key = ?', [STANDARD_LOGINS.prolific]);
    userId = user!.id;
    expect(user).toMatchObject({
      github_id: String(served.id),
      login: served.login,
      name: served.name,
      company: served.company,
      location: served.location,
      bio: served.bio,
      website_url: served.blog,
      followers: served.followers,
      following: served.following,
      public_repos: served.repositories.length,
      public_gists: served.publicGists,
      social: served.socialAccounts,
      // "Berlin, Germany", through the rankings' location resolver.
      country_code: 'DE',
      country_match: 'country-name',
    });
    expect(new Date(user!.github_created_at as string).toISOString()).toBe(
      new Date(served.createdAt).toISOString(),
    );
    // Each membership with GitHub's id and the organization's page (REST names none: the profile's origin).
    const byLogin = (a: { login: string }, b: { login: string }) => a.login.localeCompare(b.login);
    expect((user!.organizations as { login: string }[]).sort(byLogin)).toEqual(
      kit.fake.data.organizations
        .filter((o) => served.organizationIds.includes(o.id))
        .map((o) => ({
          login: o.login,
          githubId: o.id,
          url: `https://github.com/${o.login}`,
          avatarUrl: expect.stringContaining(`/u/${o.id}`) as unknown,
          description: o.description,
        }))
        .sort(byLogin),
    );
    expect(served.organizationIds.length).toBeGreaterThan(0);
    expect(user!.harvested_at).not.toBeNull();

    const repos = await sql('select * from repository where owner_id = ? order by github_id', [userId]);
    expect(repos).toHaveLength(320);
    const byId = new Map(repos.map((r) => [Number(r.github_id), r]));
    for (const r of served.repositories) {
      const row = byId.get(r.id)!;
      expect(row, r.name).toBeDefined();
      expect(row).toMatchObject({
        name: r.name,
        stargazer_count: r.stars,
        fork_count: r.forks,
        open_issues_count: r.openIssues,
        watcher_count: r.watchers,
        // The developer's own commits: a fork does not score its upstream's history.
        commit_count: r.authorCommits,
        pull_request_count: pullRequests(r),
        primary_language: r.language,
        license: r.license?.spdxId ?? null,
        topics: r.topics,
        is_fork: r.isFork,
        is_archived: r.isArchived,
        default_branch: r.defaultBranch,
      });
      expect(new Date(row.github_created_at as string).toISOString()).toBe(
        new Date(r.createdAt).toISOString(),
      );
      expect(row.pushed_at === null ? null : new Date(row.pushed_at as string).toISOString()).toBe(
        r.pushedAt === null ? null : new Date(r.pushedAt).toISOString(),
      );
    }
    expect(repos.some((r) => r.commit_count === 0)).toBe(true); // the empty repository

    const activity = await sql(
      `select to_char(date, 'YYYY-MM-DD') as day, commits, pull_requests, issues_opened, reviews
       from daily_activity where user_id = ? order by date`,
      [userId],
    );
    expect(activity.length).toBeGreaterThan(200);
    const firstDay = String(activity[0]!.day);
    const lastDay = new Date().toISOString().slice(0, 10);
    const expected = expectedActivity(served, firstDay, lastDay);
    const stored = new Map(
      activity.map((a) => [
        String(a.day),
        {
          commits: a.commits,
          pullRequests: a.pull_requests,
          issuesOpened: a.issues_opened,
          reviews: a.reviews,
        },
      ]),
    );
    expect(stored).toEqual(expected);
  });

  it('published its progress on HARVEST_PROGRESS:<login key>, up to completed', () => {
    const stages = kit.events.map((e) => e.state.stage);
    expect(stages).toEqual(
      expect.arrayContaining(['profile', 'repositories', 'commits', 'activity', 'saving']),
    );
    const last = kit.events.at(-1)!;
    expect(last.channel.endsWith(`:events:HARVEST_PROGRESS:${last.state.login.toLowerCase()}`)).toBe(true);
    expect(last.state).toMatchObject({ status: 'completed', progress: 100 });
    const percents = kit.events.map((e) => e.state.progress);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it('a second harvest of the unchanged user is mostly 304s and costs at most 10% of the first', async () => {
    kit.fake.counters.reset();
    const job = await kit.refresh(STANDARD_LOGINS.prolific);
    expect(await kit.finished(job.id)).toMatchObject({ status: 'COMPLETED' });
    const secondPoints = kit.fake.counters.pointsSpent({ token: TOKEN });
    const { total, notModified } = kit.fake.counters;
    // Every REST GET is a 304; GraphQL (a POST) is asked only for the year of contributions.
    expect(notModified / total).toBeGreaterThan(0.6);
    expect(total).toBeLessThanOrEqual(firstRequests);
    expect(secondPoints).toBeLessThanOrEqual(firstPoints * 0.1);
    // Idempotent: the same rows, not new ones.
    const [user] = await sql('select id from github_user where login_key = ?', [STANDARD_LOGINS.prolific]);
    expect(user!.id).toBe(userId);
    const [{ count }] = (await sql('select count(*)::int as count from repository where owner_id = ?', [
      userId,
    ])) as [{ count: number }];
    expect(count).toBe(320);
  });

  it('deletes repositories that disappeared from GitHub and stores changed counts', async () => {
    const served = kit.fake.data.users.find((u) => u.login === STANDARD_LOGINS.prolific)!;
    const removed = served.repositories.pop()!;
    served.repositories[0]!.stars += 7;
    try {
      const job = await kit.refresh(STANDARD_LOGINS.prolific);
      expect(await kit.finished(job.id)).toMatchObject({ status: 'COMPLETED' });
      expect(await sql('select id from repository where github_id = ?', [removed.id])).toHaveLength(0);
      const [row] = await sql('select stargazer_count from repository where github_id = ?', [
        served.repositories[0]!.id,
      ]);
      expect(row!.stargazer_count).toBe(served.repositories[0]!.stars);
    } finally {
      served.repositories.push(removed);
    }
  });
});

describe('wiring', () => {
  it('the worker cleaned the harvest queue at start-up and health reports the token pool', async () => {
    const cleaned = kit.t.logs.lines.find((l) => l.msg === 'queue cleaned at start-up');
    expect(cleaned).toMatchObject({ queue: 'harvest', statuses: ['completed', 'failed'] });
    const response = await fetch(`${kit.t.url}/api/system/health`);
    const body = (await response.json()) as { components: Record<string, { status: string }> };
    expect(body.components.github?.status).toBe('ok');
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect(kit.t.logs.text()).not.toContain(TOKEN);
  });
});

describe('renames, bad input, unknown logins, failures, dedup', () => {
  it('a renamed user keeps its id', async () => {
    const served = kit.fake.data.users.find((u) => u.login === STANDARD_LOGINS.renamed)!;
    served.login = STANDARD_LOGINS.renamedFrom; // before the rename
    served.previousLogins = [];
    const before = await kit.refresh(STANDARD_LOGINS.renamedFrom);
    expect(await kit.finished(before.id)).toMatchObject({ status: 'COMPLETED' });
    const [old] = await sql('select id, login from github_user where github_id = ?', [served.id]);
    expect(old!.login).toBe(STANDARD_LOGINS.renamedFrom);

    served.login = STANDARD_LOGINS.renamed; // GitHub renames the account
    served.previousLogins = [STANDARD_LOGINS.renamedFrom];
    const after = await kit.refresh(STANDARD_LOGINS.renamed);
    expect(await kit.finished(after.id)).toMatchObject({ status: 'COMPLETED' });
    const rows = await sql('select id, login, login_key from github_user where github_id = ?', [served.id]);
    expect(rows).toEqual([
      { id: old!.id, login: STANDARD_LOGINS.renamed, login_key: STANDARD_LOGINS.renamed },
    ]);
    const repos = await sql('select count(*)::int as n from repository where owner_id = ?', [old!.id]);
    expect(repos[0]!.n).toBe(served.repositories.length);
  });

  it('a login taken over by another account: a new row for it, the renamed one keeps its id', async () => {
    const a = kit.fake.data.users.find((u) => u.login === 'berlin-dev-2')!;
    const b = kit.fake.data.users.find((u) => u.login === 'berlin-dev-3')!;
    const first = await kit.refresh('berlin-dev-2');
    expect(await kit.finished(first.id)).toMatchObject({ status: 'COMPLETED' });
    const [stored] = await sql('select id from github_user where github_id = ?', [a.id]);
    a.login = 'berlin-dev-2-new'; // A renames; B takes A's old login
    b.login = 'berlin-dev-2';
    const second = await kit.refresh('berlin-dev-2');
    expect(await kit.finished(second.id)).toMatchObject({ status: 'COMPLETED' });
    const [taken] = await sql('select id, github_id from github_user where login_key = ?', ['berlin-dev-2']);
    expect(taken).toMatchObject({ github_id: String(b.id) });
    expect(taken!.id).not.toBe(stored!.id);
    const third = await kit.refresh('berlin-dev-2-new');
    expect(await kit.finished(third.id)).toMatchObject({ status: 'COMPLETED' });
    expect(await sql('select id, login from github_user where github_id = ?', [a.id])).toEqual([
      { id: stored!.id, login: 'berlin-dev-2-new' },
    ]);
  });

  it('an invalid login is BAD_USER_INPUT with no GitHub call; a bad job id too', async () => {
    kit.fake.counters.reset();
    // Trailing and double hyphens are accepted: GitHub still serves logins from before those rules.
    for (const login of ['-leading', 'a'.repeat(40), 'sp ace', '', 'under_score_twice_x', 'dot.ted']) {
      const { errors } = await kit.t.execute(RefreshUserDocument, { login });
      expect(errors?.[0]?.extensions?.code, login).toBe('BAD_USER_INPUT');
    }
    const bad = await kit.t.execute(HarvestJobDocument, { id: 'not-a-job' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await kit.t.execute(HarvestJobDocument, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.harvestJob).toBeNull();
    expect(kit.fake.counters.total).toBe(0);
  });

  it('an unknown login ends not_found, and asking again makes no GitHub call (negative cache)', async () => {
    const job = await kit.refresh(STANDARD_LOGINS.unknown);
    expect(await kit.finished(job.id)).toMatchObject({ status: 'NOT_FOUND', error: null });
    kit.fake.counters.reset();
    const again = await kit.refresh(STANDARD_LOGINS.unknown.toUpperCase());
    expect(again).toMatchObject({ id: job.id, status: 'NOT_FOUND' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(kit.fake.counters.total).toBe(0);
    expect(await sql('select id from github_user where login_key = ?', [STANDARD_LOGINS.unknown])).toEqual(
      [],
    );
  });

  it('GitHub 5xx is retried with backoff, then the job fails visibly and no user is written', async () => {
    kit.fake.counters.reset();
    kit.fake.failNextRequests(1_000, 502);
    const job = await kit.refresh(STANDARD_LOGINS.empty);
    const done = await kit.finished(job.id);
    kit.fake.failNextRequests(0);
    expect(done).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(String(done.error)).toContain('502');
    expect(done.finishedAt).not.toBeNull();
    // 3 job attempts x 2 client tries each.
    expect(kit.fake.counters.total).toBe(6);
    expect(await sql('select id from github_user where login_key = ?', [STANDARD_LOGINS.empty])).toEqual([]);
    // A later request starts over and succeeds.
    const retry = await kit.refresh(STANDARD_LOGINS.empty);
    expect(retry.id).not.toBe(job.id);
    expect(await kit.finished(retry.id)).toMatchObject({ status: 'COMPLETED' });
    const [user] = await sql('select public_repos from github_user where login_key = ?', [
      STANDARD_LOGINS.empty,
    ]);
    expect(user!.public_repos).toBe(0);
  });

  it('a failure in the middle of a harvest leaves the stored user as it was', async () => {
    const login = 'berlin-dev-1';
    const first = await kit.refresh(login);
    expect(await kit.finished(first.id)).toMatchObject({ status: 'COMPLETED' });
    const before = await sql('select * from github_user where login_key = ?', [login]);
    const served = kit.fake.data.users.find((u) => u.login === login)!;
    served.followers += 1000;
    // Every request after the social accounts fails: the profile (new followers) was already read.
    const failing = kit.fake.failNextRequests.bind(kit.fake);
    const original = served.socialAccounts;
    Object.defineProperty(served, 'socialAccounts', {
      configurable: true,
      get() {
        failing(1_000, 503);
        return original;
      },
    });
    try {
      const job = await kit.refresh(login);
      expect(await kit.finished(job.id)).toMatchObject({ status: 'FAILED' });
    } finally {
      Object.defineProperty(served, 'socialAccounts', {
        value: original,
        writable: true,
        configurable: true,
      });
      kit.fake.failNextRequests(0);
    }
    expect(await sql('select * from github_user where login_key = ?', [login])).toEqual(before);
  });

  it('two requests for one login at once make one job', async () => {
    const login = 'lagos-dev-2';
    const [a, b, c] = await Promise.all([
      kit.refresh(login),
      kit.refresh(login),
      kit.refresh(login.toUpperCase()),
    ]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    await kit.finished(a.id);
    const records = await sql('select id from harvest_job where login_key = ?', [login]);
    expect(records).toHaveLength(1);
  });
});
