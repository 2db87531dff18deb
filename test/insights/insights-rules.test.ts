import { describe, expect, it } from 'vitest';
import { summarize, type DayCounts } from '../../src/modules/activity/activity-calendar';
import { activityRange } from '../../src/modules/activity/activity.service';
import { ACHIEVEMENT_RULES, type ReportMetrics, TROPHY_RULES } from '../../src/modules/reports/report-rules';
import { badgeReport } from '../../src/modules/reports/report.service';
import { languageShares } from '../../src/modules/repositories/language-shares.service';
import { likePrefix, searchKey } from '../../src/modules/users/user-directory.service';
import { decodeGlobalId, encodeGlobalId } from '../../src/core/global-id';

const ZERO: ReportMetrics = {
  followers: 0,
  commits: 0,
  stars: 0,
  publicRepositories: 0,
  topics: 0,
  issuesOpened: 0,
  pullRequests: 0,
  forks: 0,
};

const day = (date: string, commits: number, extra: Partial<DayCounts> = {}): DayCounts => ({
  date,
  commits,
  pullRequests: 0,
  issuesOpened: 0,
  reviews: 0,
  ...extra,
});

describe('report rules (the old service thresholds)', () => {
  const table: [string, keyof ReportMetrics, number[]][] = [
    ['SUPER_FOLLOWER', 'followers', [1_000, 5_000, 10_000]],
    ['CODE_CONTRIBUTOR', 'commits', [1_000, 5_000, 10_000]],
    ['STAR_GAZER', 'stars', [100, 1_000, 5_000]],
    ['PROLIFIC_REPOSITORY_CREATOR', 'publicRepositories', [20, 50, 100]],
    ['JACK_OF_ALL_TRADES', 'topics', [3, 5, 10]],
    ['OPEN_SOURCE_BUG_HUNTER', 'issuesOpened', [10, 50, 100]],
    ['PULL_REQUEST_PRO', 'pullRequests', [5, 20, 50]],
    ['REPOSITORY_FORKER', 'forks', [100, 500, 1_000]],
  ];

  it('the table holds exactly these rules', () => {
    const rules = [...TROPHY_RULES, ...ACHIEVEMENT_RULES].map((r) => [r.id, r.metric, [...r.thresholds]]);
    expect(rules).toEqual(table);
  });

  it.each(table)(
    '%s: each threshold is reached at the value and not one below',
    (kind, metric, thresholds) => {
      const levelAt = (value: number) => {
        const report = badgeReport({ ...ZERO, [metric]: value }, '2026-06-30');
        const trophy = report.trophies.find((t) => t.kind === kind);
        if (trophy) return [null, 'BRONZE', 'SILVER', 'GOLD'].indexOf(trophy.tier);
        return report.achievements.find((a) => a.kind === kind)!.level;
      };
      expect(levelAt(0)).toBe(0);
      thresholds.forEach((threshold, index) => {
        expect(levelAt(threshold - 1)).toBe(index);
        expect(levelAt(threshold)).toBe(index + 1);
      });
      expect(levelAt(thresholds[2]! * 10)).toBe(3);
    },
  );

  it('reports the value, the next threshold and the period', () => {
    const report = badgeReport({ ...ZERO, followers: 4_999 }, '2026-06-30');
    expect(report.periodStart).toBe('2025-07-01');
    expect(report.periodEnd).toBe('2026-06-30');
    expect(report.trophies[0]).toMatchObject({ value: 4_999, tier: 'BRONZE', nextThreshold: 5_000 });
    const gold = badgeReport({ ...ZERO, followers: 10_000 }, '2026-06-30');
    expect(gold.trophies[0]).toMatchObject({ tier: 'GOLD', nextThreshold: null });
  });
});

describe('activity calendar', () => {
  const rows = [
    day('2026-03-01', 2), // Sunday
    day('2026-03-02', 1, { reviews: 1 }), // Monday
    day('2026-03-03', 0, { pullRequests: 1 }),
    day('2026-03-05', 4, { issuesOpened: 2 }),
    day('2026-03-30', 1),
    day('2026-03-31', 1),
    day('2026-04-01', 0), // no contribution: not active
  ];

  it('daily buckets cover every day, zeros included, with totals and averages', () => {
    const s = summarize(rows, '2026-03-01', '2026-03-10', 'DAY');
    expect(s.days).toBe(10);
    expect(s.buckets).toHaveLength(10);
    expect(s.buckets[3]).toMatchObject({ start: '2026-03-04', end: '2026-03-04', contributions: 0 });
    expect(s.totals).toEqual({ commits: 7, pullRequests: 1, issuesOpened: 2, reviews: 1, contributions: 11 });
    expect(s.activeDays).toBe(4);
    expect(s.dailyAverages.contributions).toBeCloseTo(1.1);
    expect(s.longestStreak).toEqual({ length: 3, start: '2026-03-01', end: '2026-03-03' });
  });

  it('weekly buckets are ISO weeks clipped to the range', () => {
    const s = summarize(rows, '2026-03-01', '2026-03-10', 'WEEK');
    expect(s.buckets.map((b) => [b.start, b.end, b.contributions])).toEqual([
      ['2026-03-01', '2026-03-01', 2],
      ['2026-03-02', '2026-03-08', 9],
      ['2026-03-09', '2026-03-10', 0],
    ]);
  });

  it('monthly buckets are calendar months clipped to the range', () => {
    const s = summarize(rows, '2026-02-15', '2026-04-02', 'MONTH');
    expect(s.buckets.map((b) => [b.start, b.end, b.contributions])).toEqual([
      ['2026-02-15', '2026-02-28', 0],
      ['2026-03-01', '2026-03-31', 13],
      ['2026-04-01', '2026-04-02', 0],
    ]);
  });

  it('the current streak ends on `to`, or the day before when `to` has nothing yet', () => {
    expect(summarize(rows, '2026-03-01', '2026-03-31', 'DAY').currentStreak).toEqual({
      length: 2,
      start: '2026-03-30',
      end: '2026-03-31',
    });
    expect(summarize(rows, '2026-03-01', '2026-04-01', 'DAY').currentStreak).toMatchObject({ length: 2 });
    expect(summarize(rows, '2026-03-01', '2026-04-02', 'DAY').currentStreak).toEqual({
      length: 0,
      start: null,
      end: null,
    });
    // clipped to the range
    expect(summarize(rows, '2026-03-31', '2026-03-31', 'DAY').currentStreak.length).toBe(1);
  });

  it('ranges default to the last 365 days and are bounded', () => {
    expect(activityRange({ granularity: 'DAY' as never }, new Date('2026-06-30T12:00:00Z'))).toEqual({
      from: '2025-07-01',
      to: '2026-06-30',
    });
    expect(() =>
      activityRange(
        { from: new Date('2026-02-01'), to: new Date('2026-01-01'), granularity: 'DAY' as never },
        new Date(),
      ),
    ).toThrow(/from must not be after to/);
    expect(() =>
      activityRange(
        { from: new Date('2020-01-01'), to: new Date('2026-01-01'), granularity: 'DAY' as never },
        new Date(),
      ),
    ).toThrow(/at most/);
  });
});

describe('small pieces', () => {
  it('language shares', () => {
    const shares = languageShares([
      { name: 'Go', repositories: 1, stars: 30 },
      { name: 'TypeScript', repositories: 3, stars: 10 },
    ]);
    expect(shares.map((s) => [s.language.name, s.repositoryShare, s.stargazerShare])).toEqual([
      ['TypeScript', 0.75, 0.25],
      ['Go', 0.25, 0.75],
    ]);
    expect(languageShares([{ name: 'C', repositories: 1, stars: 0 }])[0]!.stargazerShare).toBe(0);
  });

  it('search text escapes LIKE wildcards and is bounded', () => {
    expect(likePrefix('a_b%c\\')).toBe('a\\_b\\%c\\\\%');
    expect(searchKey('  Ada ')).toBe('ada');
    expect(searchKey('')).toBeNull();
    expect(() => searchKey('x'.repeat(65))).toThrow(/at most 64/);
  });

  it('global ids round-trip and refuse anything else', () => {
    expect(decodeGlobalId(encodeGlobalId('User', 42))).toEqual({ type: 'User', id: 42 });
    for (const bad of [
      '',
      'abc',
      Buffer.from('Team:1').toString('base64url'),
      Buffer.from('User:0').toString('base64url'),
    ])
      expect(() => decodeGlobalId(bad)).toThrow(/not a node id/);
  });
});
