import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserHarvester } from '../../src/modules/harvest/user-harvester';
import { MemoryCache } from '../../src/platform/cache/memory-cache';
import { createGitHubClient } from '../../src/platform/github/github-client';
import { TokenPool } from '../../src/platform/github/token-pool';
import { createLogger } from '../../src/platform/logging/logger';
import {
  EVENTS_MAX_AGE_DAYS,
  type FakeGitHub,
  STANDARD_LOGINS,
  startFakeGitHub,
} from '../support/fake-github';

/**
 * With no token GitHub allows 60 requests an hour and no GraphQL: the harvest skips per-repository
 * commit counts and GraphQL counts, and takes activity from the public events feed.
 */
let fake: FakeGitHub;
let harvester: UserHarvester;

beforeAll(async () => {
  fake = await startFakeGitHub();
  const logger = createLogger('silent');
  const pool = new TokenPool({ provider: async () => [], logger });
  const github = await createGitHubClient({ baseUrl: fake.url, pool, cache: new MemoryCache(1000), logger });
  harvester = new UserHarvester({ github });
});

afterAll(async () => {
  await fake?.close();
});

describe('unauthenticated harvest', () => {
  it('uses REST and the events feed only, within the anonymous budget', async () => {
    const served = fake.data.users.find((u) => u.login === STANDARD_LOGINS.renamed)!;
    const outcome = await harvester.harvest(served.login, async () => {});
    if (outcome.kind !== 'found') throw new Error('expected a user');
    const { user } = outcome;
    expect(fake.counters.routeCount('POST /graphql')).toBe(0);
    expect(fake.counters.total).toBeLessThanOrEqual(10);
    expect(user.profile).toMatchObject({ githubId: served.id, followers: served.followers });
    expect(user.repositories).toHaveLength(served.repositories.length);
    expect(user.repositories.every((r) => r.commitCount === null && r.pullRequestCount === null)).toBe(true);

    expect(user.activity.source).toBe('events');
    const since = Date.now() - EVENTS_MAX_AGE_DAYS * 86_400_000;
    const recent = (at: string): boolean => Date.parse(at) >= since && Date.parse(at) <= Date.now();
    const sum = (key: 'commits' | 'pullRequests' | 'issuesOpened' | 'reviews'): number =>
      user.activity.days.reduce((n, d) => n + d[key], 0);
    // Events carry no commit counts since 2025: one push (one repository-day here) counts one.
    expect(sum('commits')).toBe(
      served.contributions.commits.filter((c) => recent(`${c.date}T12:00:00Z`)).length,
    );
    expect(sum('pullRequests')).toBe(
      served.contributions.pullRequests.filter((p) => recent(p.occurredAt)).length,
    );
    expect(sum('issuesOpened')).toBe(served.contributions.issues.filter((i) => recent(i.occurredAt)).length);
    expect(sum('reviews')).toBe(served.contributions.reviews.filter((r) => recent(r.occurredAt)).length);
  });

  it('an unknown login is not_found after one request', async () => {
    fake.counters.reset();
    expect(await harvester.harvest(STANDARD_LOGINS.unknown, async () => {})).toEqual({ kind: 'not_found' });
    expect(fake.counters.total).toBe(1);
  });
});
