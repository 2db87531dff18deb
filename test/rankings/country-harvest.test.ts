import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import type { HarvestRequests, HarvestState } from '../../src/modules/harvest/harvest-requests';
import {
  type CountryDirectory,
  LocationCountryDirectory,
} from '../../src/modules/rankings/country-directory';
import { CountryHarvestService } from '../../src/modules/rankings/country-harvest.service';
import { createLocationResolver, packageLocationDataSource } from '../../src/modules/location';
import { createGitHubClient } from '../../src/platform/github/github-client';
import { TokenPool } from '../../src/platform/github/token-pool';
import { createTokenProvider } from '../../src/platform/github/token-provider';
import { createLogger } from '../../src/platform/logging/logger';
import {
  CROWDED_LOCATION,
  type FakeDataset,
  type FakeGitHub,
  generateStandardDataset,
  STANDARD_LOGINS,
  startFakeGitHub,
} from '../support/fake-github';
import { insertUsers, openRankingsDb, type RankingsDb } from './rankings-fixtures';

const logger = createLogger('silent');
const TOKEN = 'ghp_countryharvest0000000000000000000000';

/** Records what was asked for instead of queueing harvests. */
class RecordingHarvests implements HarvestRequests {
  readonly requested: string[] = [];
  async request(_em: EntityManager, login: string): Promise<HarvestState> {
    this.requested.push(login);
    const now = new Date();
    return {
      jobId: `job-${login}`,
      login,
      status: 'queued',
      trigger: 'country',
      progress: 0,
      stage: null,
      attempts: 0,
      error: null,
      enqueuedAt: now,
      startedAt: null,
      finishedAt: null,
    };
  }
  async latest(): Promise<HarvestState | null> {
    return null;
  }
  async byId(): Promise<HarvestState | null> {
    return null;
  }
}

const JAPAN: CountryDirectory = {
  resolve: (input) => (/^(jp|japan)$/i.test(input) ? 'JP' : null),
  name: (code) => (code === 'JP' ? 'Japan' : null),
  largestCities: () => ['Tokyo', 'Osaka'],
};

describe('country harvest', () => {
  let db: RankingsDb;
  let fake: FakeGitHub;
  let dataset: FakeDataset;
  beforeAll(async () => {
    db = await openRankingsDb();
    // 10 searches a second: the run needs more, so it must wait for the budget rather than fail.
    dataset = generateStandardDataset({ today: new Date() });
    fake = await startFakeGitHub({ dataset, limits: { search: { limit: 10, windowMs: 1_000 } } });
  });
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  it('splits a query above 1,000 results by follower ranges and asks for every new or stale developer', async () => {
    expect(CROWDED_LOCATION).toBe('Tokyo, Japan');
    // One crowd member harvested just now (fresh: not asked again), one long ago (stale: asked).
    await insertUsers(db.em(), [
      { login: 'tokyo-dev-0001', followers: 1 },
      { login: 'tokyo-dev-0002', followers: 1 },
    ]);
    await db
      .em()
      .execute(
        "update github_user set harvested_at = now() - interval '30 days' where login = 'tokyo-dev-0002'",
      );
    const pool = new TokenPool({ provider: createTokenProvider({ staticTokens: [TOKEN] }), logger });
    const github = await createGitHubClient({ baseUrl: fake.url, pool, logger });
    const harvests = new RecordingHarvests();
    const service = new CountryHarvestService({
      github,
      harvests,
      countries: JAPAN,
      settings: { minFollowers: 0, cities: 2, freshnessMs: 24 * 3_600_000 },
      logger,
    });
    const reports: number[] = [];
    const progress = await service.harvest(db.em(), 'JP', async (p) => void reports.push(p.searches));

    const crowd = dataset.users.filter((u) => u.location === CROWDED_LOCATION).map((u) => u.login);
    expect(crowd).toHaveLength(1100);
    const requested = new Set(harvests.requested);
    expect(requested.size).toBe(harvests.requested.length); // each developer once, across queries
    for (const login of crowd) if (login !== 'tokyo-dev-0001') expect(requested.has(login)).toBe(true);
    expect(requested.has('tokyo-dev-0001')).toBe(false);
    expect(progress.usersFound).toBe(crowd.length);
    expect(progress.harvestsRequested).toBe(crowd.length - 1);
    // "Japan" and "Tokyo" each match 1,100 (> 1,000): split, never paged past the cap (no 422).
    const searches = fake.counters.routeCount('GET /search/users');
    expect(searches).toBe(progress.searches);
    expect(searches).toBeGreaterThan(2 * 12);
    expect(searches).toBeLessThan(60);
    expect(reports).toHaveLength(3); // one report per location
    expect(github.stats().rateLimitWaits).toBeGreaterThan(0); // it waited for the budget, it did not fail
  }, 120_000);

  it('never takes a search GitHub answered incomplete (timed out) as complete: asks again, then splits', async () => {
    // A second stand-in whose user search times out on any query matching more than 300 users.
    const timingOut = await startFakeGitHub({
      dataset,
      limits: { search: { limit: 1_000, windowMs: 1_000 } },
    });
    try {
      const crowd = dataset.users.filter((u) => u.location === CROWDED_LOCATION);
      const perFollowerCount = new Map<number, number>();
      for (const u of crowd) perFollowerCount.set(u.followers, (perFollowerCount.get(u.followers) ?? 0) + 1);
      // Any query over more developers than one follower count holds times out: only splitting helps.
      const above = Math.max(...perFollowerCount.values());
      expect(above).toBeLessThan(crowd.length / 2);
      const pool = new TokenPool({ provider: createTokenProvider({ staticTokens: [TOKEN] }), logger });
      const github = await createGitHubClient({ baseUrl: timingOut.url, pool, logger });
      const run = async (harvests: RecordingHarvests) =>
        new CountryHarvestService({
          github,
          harvests,
          countries: { ...JAPAN, largestCities: () => ['Tokyo'] },
          settings: { minFollowers: 0, cities: 1, freshnessMs: 24 * 3_600_000 },
          logger,
        }).harvest(db.em(), 'JP', async () => undefined);

      timingOut.searchTimesOut({ above });
      const harvests = new RecordingHarvests();
      const progress = await run(harvests);
      // Taken as complete, each timed-out answer would have lost everyone past its first `above`.
      expect(progress.usersFound).toBe(crowd.length);
      const requested = new Set(harvests.requested);
      for (const { login } of crowd) if (login !== 'tokyo-dev-0001') expect(requested.has(login)).toBe(true);
      expect(progress.incompleteSearches).toBe(0); // every range was split until GitHub answered in full

      // Timeouts even on one follower count: used as they are, but counted, never passed off as complete.
      timingOut.searchTimesOut({ above: Math.floor(above / 2) });
      const partial = await run(new RecordingHarvests());
      expect(partial.incompleteSearches).toBeGreaterThan(0);
      expect(partial.usersFound).toBeLessThan(crowd.length);

      // A timeout that passes: the same search asked again, nothing split.
      timingOut.searchTimesOut({ above: 300, times: 1 });
      const before = timingOut.counters.routeCount('GET /search/users');
      const again = await new CountryHarvestService({
        github,
        harvests: new RecordingHarvests(),
        countries: { ...JAPAN, name: () => 'Osaka', largestCities: () => [] },
        settings: { minFollowers: 0, cities: 0, freshnessMs: 24 * 3_600_000 },
        logger,
      }).harvest(db.em(), 'JP', async () => undefined);
      expect(again.incompleteSearches).toBe(0);
      expect(timingOut.counters.routeCount('GET /search/users') - before).toBe(again.searches);
    } finally {
      await timingOut.close();
    }
  }, 120_000);

  it('skips and counts a login the harvest service refuses, never failing the country', async () => {
    /** Refuses logins with two hyphens in a row, as this service did before issue #9. */
    class StrictHarvests extends RecordingHarvests {
      override async request(em: EntityManager, login: string): Promise<HarvestState> {
        if (login.includes('--')) throw new DomainError('BAD_USER_INPUT', 'not a login');
        return super.request(em, login);
      }
    }
    const pool = new TokenPool({ provider: createTokenProvider({ staticTokens: [TOKEN] }), logger });
    const github = await createGitHubClient({ baseUrl: fake.url, pool, logger });
    const harvests = new StrictHarvests();
    const service = new CountryHarvestService({
      github,
      harvests,
      countries: {
        resolve: () => 'PT',
        name: () => 'Portugal',
        largestCities: () => ['Lisbon'],
      },
      settings: { minFollowers: 0, cities: 1, freshnessMs: 24 * 3_600_000 },
      logger,
    });
    const progress = await service.harvest(db.em(), 'PT', async () => {});
    expect(progress).toMatchObject({ usersFound: 3, harvestsRequested: 2, loginsSkipped: 1 });
    expect(harvests.requested.sort()).toEqual(
      [STANDARD_LOGINS.trailingHyphen, STANDARD_LOGINS.managedUser].sort(),
    );
  }, 60_000);

  it('searches the country by its name and its largest cities (location data)', () => {
    const directory = new LocationCountryDirectory(createLocationResolver(), () =>
      packageLocationDataSource().loadPlaces(),
    );
    expect(directory.resolve('Japan')).toBe('JP');
    expect(directory.resolve('jp')).toBe('JP');
    expect(directory.resolve('Tokyo')).toBeNull();
    const service = new CountryHarvestService({
      github: undefined as never,
      harvests: new RecordingHarvests(),
      countries: directory,
      settings: { minFollowers: 31, cities: 5, freshnessMs: 1 },
      logger,
    });
    const locations = service.locations('JP');
    expect(locations[0]).toBe('Japan');
    expect(locations).toContain('Tokyo');
    expect(locations.length).toBeGreaterThanOrEqual(4);
  }, 60_000);
});
