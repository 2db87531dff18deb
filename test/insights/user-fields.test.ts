import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InsightsActivityDocument,
  InsightsLanguagesDocument,
  InsightsReportDocument,
  InsightsRepositoriesDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app-harness';
import { seedDevelopers } from './developers.fixture';
import { RecordingHarvests, seed } from './insights-kit';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    env: { RATE_LIMIT_ENABLED: 'false' },
    overrides: { harvestRequests: new RecordingHarvests() },
  });
  await seed(t.config, seedDevelopers);
});

afterAll(async () => {
  await t?.close();
});

const repositories = (variables: {
  first?: number;
  after?: string;
  orderBy: 'STARS' | 'FORKS' | 'UPDATED' | 'NAME';
}) => t.execute(InsightsRepositoriesDocument, { login: 'ada', ...variables });

describe('User.repositories', () => {
  it('orders by each field with totalCount', async () => {
    const names = async (orderBy: 'STARS' | 'FORKS' | 'UPDATED' | 'NAME') => {
      const { data } = await repositories({ orderBy });
      expect(data!.user.user!.repositories.totalCount).toBe(5);
      return data!.user.user!.repositories.nodes.map((n) => n.name);
    };
    expect(await names('STARS')).toEqual(['zeta', 'Alpha', 'beta', 'delta', 'gamma']);
    expect(await names('FORKS')).toEqual(['Alpha', 'zeta', 'delta', 'gamma', 'beta']);
    expect(await names('UPDATED')).toEqual(['Alpha', 'gamma', 'zeta', 'delta', 'beta']);
    expect(await names('NAME')).toEqual(['Alpha', 'beta', 'delta', 'gamma', 'zeta']);
  });

  it('pages with opaque cursors through the whole list', async () => {
    for (const orderBy of ['STARS', 'FORKS', 'UPDATED', 'NAME'] as const) {
      const all = (await repositories({ orderBy })).data!.user.user!.repositories.nodes.map((n) => n.name);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = (await repositories({ orderBy, first: 2, after })).data!.user.user!.repositories;
        expect(page.totalCount).toBe(5);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
        seen.push(...page.nodes.map((n) => n.name));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor!;
      }
      expect(seen).toEqual(all);
    }
  });

  it('maps GitHub-named fields', async () => {
    const { data } = await repositories({ orderBy: 'STARS', first: 1 });
    expect(data!.user.user!.repositories.nodes[0]).toMatchObject({
      name: 'zeta',
      stargazerCount: 50,
      forkCount: 1,
      primaryLanguage: { name: 'TypeScript' },
      topics: ['cli', 'graphql'],
      watcherCount: 6,
      defaultBranchRef: { name: 'main' },
      isFork: false,
      updatedAt: '2026-01-05T00:00:00.000Z',
    });
    const byName = (await repositories({ orderBy: 'NAME' })).data!.user.user!.repositories.nodes;
    expect(byName.map((n) => [n.name, n.watcherCount, n.defaultBranchRef?.name ?? null])).toEqual([
      ['Alpha', 4, 'main'],
      ['beta', 2, 'main'],
      ['delta', 0, 'main'],
      ['gamma', 0, null], // no default branch known
      ['zeta', 6, 'main'],
    ]);
  });

  it('a developer without repositories has an empty page', async () => {
    const { data } = await t.execute(InsightsRepositoriesDocument, { login: 'lonely', orderBy: 'STARS' });
    expect(data!.user.user!.repositories).toMatchObject({
      totalCount: 0,
      nodes: [],
      pageInfo: { hasNextPage: false },
    });
  });

  it('refuses first over 100, a bad cursor and a cursor of another ordering', async () => {
    const stars = (await repositories({ orderBy: 'STARS', first: 1 })).data!.user.user!.repositories.pageInfo
      .endCursor!;
    for (const variables of [
      { orderBy: 'STARS' as const, first: 101 },
      { orderBy: 'STARS' as const, first: 0 },
      { orderBy: 'STARS' as const, after: 'garbage!' },
      { orderBy: 'STARS' as const, after: Buffer.from('["S","x",1]').toString('base64url') },
      { orderBy: 'NAME' as const, after: stars },
    ]) {
      const { errors } = await repositories(variables);
      expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('User.activity', () => {
  const activity = (variables: { from?: string; to?: string; granularity: 'DAY' | 'WEEK' | 'MONTH' }) =>
    t.execute(InsightsActivityDocument, { login: 'ada', ...variables });

  it('daily buckets, totals, streaks and averages over a range', async () => {
    const { data, errors } = await activity({ from: '2026-06-27', to: '2026-06-30', granularity: 'DAY' });
    expect(errors).toBeUndefined();
    const a = data!.user.user!.activity;
    expect(a).toMatchObject({ from: '2026-06-27', to: '2026-06-30', days: 4, activeDays: 3 });
    expect(a.totals).toEqual({
      commits: 400,
      pullRequests: 3,
      issuesOpened: 4,
      reviews: 4,
      contributions: 411,
    });
    expect(a.buckets.map((b) => [b.start, b.contributions])).toEqual([
      ['2026-06-27', 0],
      ['2026-06-28', 408],
      ['2026-06-29', 2],
      ['2026-06-30', 1],
    ]);
    expect(a.currentStreak).toEqual({ length: 3, start: '2026-06-28', end: '2026-06-30' });
    expect(a.longestStreak).toEqual({ length: 3, start: '2026-06-28', end: '2026-06-30' });
    expect(a.dailyAverages.contributions).toBeCloseTo(411 / 4);
    // Per active day: the same sums over the 3 days with any contribution.
    expect(a.activeDayAverages.contributions).toBeCloseTo(411 / 3);
    expect(a.activeDayAverages.commits).toBeCloseTo(400 / 3);
    expect(a.activeDayAverages.reviews).toBeCloseTo(4 / 3);
    expect(a.lastActiveDay).toBe('2026-06-30');
  });

  it('the last active day is the last one with a contribution in the range; none without any', async () => {
    const upTo29 = (await activity({ from: '2026-06-01', to: '2026-06-29', granularity: 'WEEK' })).data!.user
      .user!.activity;
    expect(upTo29.lastActiveDay).toBe('2026-06-29');
    const quiet = (await activity({ from: '2026-01-01', to: '2026-01-31', granularity: 'DAY' })).data!.user
      .user!.activity;
    expect(quiet).toMatchObject({ activeDays: 0, lastActiveDay: null });
    expect(quiet.activeDayAverages).toEqual({
      commits: 0,
      pullRequests: 0,
      issuesOpened: 0,
      reviews: 0,
      contributions: 0,
    });
  });

  it('weekly and monthly buckets', async () => {
    const weeks = (await activity({ from: '2026-06-20', to: '2026-06-30', granularity: 'WEEK' })).data!.user
      .user!.activity.buckets;
    expect(weeks.map((b) => [b.start, b.end, b.contributions])).toEqual([
      ['2026-06-20', '2026-06-21', 0],
      ['2026-06-22', '2026-06-28', 408],
      ['2026-06-29', '2026-06-30', 3],
    ]);
    const months = (await activity({ from: '2025-06-15', to: '2025-07-31', granularity: 'MONTH' })).data!.user
      .user!.activity.buckets;
    expect(months.map((b) => [b.start, b.end, b.commits])).toEqual([
      ['2025-06-15', '2025-06-30', 500],
      ['2025-07-01', '2025-07-31', 600],
    ]);
  });

  it('defaults to the last 365 days', async () => {
    const a = (await activity({ granularity: 'MONTH' })).data!.user.user!.activity;
    expect(a.days).toBe(365);
    expect(a.to).toBe(new Date().toISOString().slice(0, 10));
  });

  it('refuses from after to, a range over three years and an invalid date', async () => {
    for (const variables of [
      { from: '2026-02-01', to: '2026-01-01', granularity: 'DAY' as const },
      { from: '2020-01-01', to: '2026-01-01', granularity: 'DAY' as const },
    ]) {
      const { errors } = await activity(variables);
      expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
    const invalid = await t.graphql(
      'query($d: Date) { user(login: "ada") { user { activity(from: $d) { days } } } }',
      { d: '2026-02-30' },
    );
    expect(invalid.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('User.languages and User.report', () => {
  it('shares of repositories and stars by primary language', async () => {
    const { data } = await t.execute(InsightsLanguagesDocument, { login: 'ada' });
    expect(data!.user.user!.languages).toEqual([
      {
        language: { name: 'TypeScript' },
        repositoryCount: 3,
        repositoryShare: 0.75,
        stargazerCount: 69,
        stargazerShare: 69 / 99,
      },
      {
        language: { name: 'Go' },
        repositoryCount: 1,
        repositoryShare: 0.25,
        stargazerCount: 30,
        stargazerShare: 30 / 99,
      },
    ]);
  });

  it('trophies and achievements from the stored data, at their boundaries', async () => {
    const { data, errors } = await t.execute(InsightsReportDocument, { login: 'ada' });
    expect(errors).toBeUndefined();
    const report = data!.user.user!.report;
    expect(report).toMatchObject({
      periodStart: '2025-07-01',
      periodEnd: '2026-06-30',
      score: null,
      globalRank: null,
      countryRank: null,
      percentileInCountry: null,
    });
    const trophies = Object.fromEntries(report.trophies.map((x) => [x.kind, [x.value, x.tier]]));
    expect(trophies).toEqual({
      SUPER_FOLLOWER: [1_000, 'BRONZE'], // exactly the first threshold
      CODE_CONTRIBUTOR: [1_000, 'BRONZE'], // 600 + 399 + 1 in the period; the 500 of 2025-06-30 is outside
      STAR_GAZER: [99, null], // one star short
      PROLIFIC_REPOSITORY_CREATOR: [19, null], // one repository short
    });
    const achievements = Object.fromEntries(report.achievements.map((x) => [x.kind, [x.value, x.level]]));
    expect(achievements).toEqual({
      JACK_OF_ALL_TRADES: [3, 1], // cli, graphql, web
      OPEN_SOURCE_BUG_HUNTER: [9, 0],
      PULL_REQUEST_PRO: [5, 1],
      REPOSITORY_FORKER: [99, 0],
    });
  });
});
