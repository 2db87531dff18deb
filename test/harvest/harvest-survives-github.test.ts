import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HarvestOutcome } from '../../src/modules/harvest/harvest-data';
import { UserHarvester } from '../../src/modules/harvest/user-harvester';
import { MemoryCache } from '../../src/platform/cache/memory-cache';
import { GitHubRateLimitedError } from '../../src/platform/github/github-errors';
import { type ClientHarness, startClientHarness, staticTokens } from '../github/client-harness';
import { ManualClock } from '../github/github-test-kit';
import { STANDARD_LOGINS, type StandardDatasetOptions } from '../support/fake-github';

/**
 * The harvester (real GitHub client, token pool, conditional cache) against the stand-in playing
 * GitHub's documented behaviour (test/support/github/BEHAVIOUR.md): per-token ETags, forks of
 * large projects, blocked repositories, secondary limits. The clock is manual: waits take no time.
 */
vi.setConfig({ testTimeout: 120_000 });

const tokens = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `ghp_survivaltoken${String(i).padStart(24, '0')}`);

let harness: ClientHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(
  tokenCount: number,
  datasetOptions: StandardDatasetOptions = {},
): Promise<ClientHarness> {
  const clock = new ManualClock();
  harness = await startClientHarness({
    provider: staticTokens(...tokens(tokenCount)),
    cache: new MemoryCache(100_000, clock.now),
    clock,
    fake: { datasetOptions: { today: new Date(clock.now()), crowdSize: 0, ...datasetOptions } },
  });
  return harness;
}

function harvester(h: ClientHarness): UserHarvester {
  return new UserHarvester({ github: h.client, now: h.clock.now });
}

async function found(outcome: Promise<HarvestOutcome>) {
  const result = await outcome;
  if (result.kind !== 'found') throw new Error(`expected a found developer, got ${result.kind}`);
  return result.user;
}

describe('harvesting against GitHub as documented', () => {
  it.each([1, 3, 10])(
    'with %i token(s), re-harvests an unchanged developer for at most a tenth of the first harvest (ETags are per token)',
    async (count) => {
      const h = await start(count);
      const first = await found(harvester(h).harvest(STANDARD_LOGINS.prolific, async () => {}));
      const firstPoints = h.fake.counters.pointsSpent();
      h.fake.counters.reset();
      h.clock.advance(3_600_000);
      const second = await found(harvester(h).harvest(STANDARD_LOGINS.prolific, async () => {}));
      const secondPoints = h.fake.counters.pointsSpent();
      expect(second.repositories).toEqual(first.repositories);
      expect(h.fake.counters.notModified).toBeGreaterThan(0);
      expect(secondPoints).toBeLessThanOrEqual(firstPoints * 0.1);
    },
  );

  it("counts a fork's commits as the developer's own only, and survives a query GitHub times out", async () => {
    const h = await start(1);
    const user = await found(harvester(h).harvest(STANDARD_LOGINS.forkCollector, async () => {}));
    const served = h.fake.data.users.find((u) => u.login === STANDARD_LOGINS.forkCollector)!;
    expect(user.repositories).toHaveLength(served.repositories.length);
    for (const repository of served.repositories) {
      const harvested = user.repositories.find((r) => r.githubId === repository.id)!;
      expect(harvested.commitCount, repository.name).toBe(repository.authorCommits);
    }
    // The 100-repository page GitHub timed out was asked once, then in halves (not retried as is).
    expect(h.fake.counters.log.filter((r) => r.status === 502)).toHaveLength(1);
  });

  it('skips blocked and empty repositories and counts them, never failing the developer', async () => {
    const h = await start(1);
    const user = await found(harvester(h).harvest(STANDARD_LOGINS.blocked, async () => {}));
    const served = h.fake.data.users.find((u) => u.login === STANDARD_LOGINS.blocked)!;
    for (const repository of served.repositories) {
      const harvested = user.repositories.find((r) => r.githubId === repository.id)!;
      expect(harvested.commitCount, repository.name).toBe(
        repository.blocked ? null : repository.authorCommits,
      );
    }
    expect(user.skipped).toEqual({ unavailable: 2, empty: 1 });
  });

  it("keeps an opted-in developer's private contributions apart from the public activity", async () => {
    const h = await start(1);
    const user = await found(harvester(h).harvest(STANDARD_LOGINS.privateContributor, async () => {}));
    const served = h.fake.data.users.find((u) => u.login === STANDARD_LOGINS.privateContributor)!;
    const inWindow = (date: string) => date >= user.activity.firstDay && date <= user.activity.lastDay;
    expect(user.activity.restrictedContributions).toBe(
      served.privateContributions!.filter((c) => inWindow(c.date)).reduce((sum, c) => sum + c.count, 0),
    );
    const publicCommits = served.contributions.commits
      .filter((c) => inWindow(c.date))
      .reduce((sum, c) => sum + c.commitCount, 0);
    expect(user.activity.days.reduce((sum, d) => sum + d.commits, 0)).toBe(publicCommits);
  });

  it("shares one account's primary budget between its tokens: each is refused at most once, then the harvest waits", async () => {
    const clock = new ManualClock();
    const [a, b] = tokens(2) as [string, string];
    harness = await startClientHarness({
      provider: staticTokens(a, b),
      cache: new MemoryCache(1000, clock.now),
      clock,
      fake: { accounts: { [a]: 'octocat', [b]: 'octocat' }, datasetOptions: { crowdSize: 0 } },
    });
    harness.fake.setBudget(a, 'core', 3, clock.now() + 30 * 60_000);
    await expect(harvester(harness).harvest(STANDARD_LOGINS.prolific, async () => {})).rejects.toBeInstanceOf(
      GitHubRateLimitedError,
    );
    const refused = harness.fake.counters.log.filter((r) => r.status === 403 && !r.secondaryLimited);
    expect(refused.length).toBeLessThanOrEqual(1);
    expect(harness.fake.budget(b, 'core').remaining).toBe(0);
  });

  it('meets no secondary limit with the default concurrency (QUEUE_CONCURRENCY harvests at once)', async () => {
    const h = await start(1, { hugeRepositories: 700 });
    const logins = [
      STANDARD_LOGINS.prolific,
      STANDARD_LOGINS.huge,
      STANDARD_LOGINS.renamed,
      STANDARD_LOGINS.empty,
    ];
    // QUEUE_CONCURRENCY's default: 4 jobs at once per worker.
    const outcomes = await Promise.all(logins.map((login) => harvester(h).harvest(login, async () => {})));
    expect(outcomes.map((o) => o.kind)).toEqual(['found', 'found', 'found', 'found']);
    expect(h.fake.counters.secondaryLimited).toBe(0);
  });

  it('paces many small harvests under 900 REST points a minute per token', async () => {
    const h = await start(1, { usersPerLocation: 60 });
    const logins = h.fake.data.users.filter((u) => /-dev-\d+$/.test(u.login)).map((u) => u.login);
    expect(logins.length).toBe(240);
    const queue = [...logins];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let login = queue.shift(); login; login = queue.shift())
          await harvester(h).harvest(login, async () => {});
      }),
    );
    expect(h.fake.counters.total).toBeGreaterThan(900);
    expect(h.fake.counters.secondaryLimited).toBe(0);
  });
});
