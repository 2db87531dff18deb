import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskToken } from '../../src/platform/github/token-fingerprint';
import {
  CountryHarvestActivityDocument,
  HarvestActivityDocument,
  HarvestCountryDocument,
  OperationsConsoleDocument,
  RecomputeRankingsDocument,
} from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { STANDARD_LOGINS } from '../support/fake-github';
import { waitFor } from '../support/free-port';
import { SHARED_REDIS } from '../support/services';
import { startHarvestKit, TOKEN, type HarvestKit } from '../harvest/harvest-kit';
import type { Client } from 'graphql-ws';
import { type Received, subscribe, wsClient } from '../realtime/subscription-client';

/**
 * Issue 16 (backend): the operator console's live feeds and the figures a worker changes, on the
 * real app (api + worker) with the GitHub stand-in, real PostgreSQL and Redis, through the
 * graphql-ws client.
 */
let kit: HarvestKit;
let redis: Redis;
let keys: Record<'reader' | 'operator' | 'admin', string>;

beforeAll(async () => {
  kit = await startHarvestKit();
  redis = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port });
  keys = {
    reader: (await createKeyWithCli(kit.t.config, 'reader')).key,
    operator: (await createKeyWithCli(kit.t.config, 'operator')).key,
    admin: (await createKeyWithCli(kit.t.config, 'admin')).key,
  };
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await kit?.close();
});

/** Waits until the app's pub/sub listens on `topic` (its SUBSCRIBE reached Redis). */
async function listening(topic: string): Promise<void> {
  const channel = `${kit.t.config.redis.keyPrefix}:events:${topic}`;
  await waitFor(
    async () => Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]) >= 1,
    `a subscriber of ${channel}`,
    10_000,
  );
}

describe('harvestActivity and countryHarvestActivity: who may subscribe', () => {
  it('refuses anonymous callers (UNAUTHENTICATED) and reader keys (FORBIDDEN)', async () => {
    const opens: ((client: Client) => Received<unknown>)[] = [
      (client) => subscribe(client, HarvestActivityDocument, {}),
      (client) => subscribe(client, CountryHarvestActivityDocument, {}),
    ];
    for (const open of opens) {
      for (const [params, code] of [
        [undefined, 'UNAUTHENTICATED'],
        [{ apiKey: keys.reader }, 'FORBIDDEN'],
      ] as const) {
        const client = wsClient(kit.t.url, params);
        try {
          const sub = open(client);
          await sub.until((r) => r.completed || r.errors !== undefined, 'refusal');
          expect(JSON.stringify([sub.results, sub.errors])).toContain(code);
          expect(sub.results.every((r) => r.data == null)).toBe(true);
        } finally {
          await client.dispose();
        }
      }
    }
  });
});

describe('harvestActivity', () => {
  it('pushes the progress of harvests of any login to an operator, each ending finished', async () => {
    const client = wsClient(kit.t.url, { apiKey: keys.operator });
    try {
      const activity = subscribe(client, HarvestActivityDocument, {});
      await listening('HARVEST_ACTIVITY');
      const logins = [STANDARD_LOGINS.empty, STANDARD_LOGINS.renamed];
      const jobs = await Promise.all(logins.map((login) => kit.refresh(login)));
      const finishedOf = (id: string) =>
        activity.results.some(
          (r) => r.data?.harvestActivity.finished && r.data.harvestActivity.harvest?.id === id,
        );
      await activity.until(
        (r) => jobs.every((job) => finishedOf(job.id)) || r.errors !== undefined,
        'both finished',
        60_000,
      );

      expect(activity.errors).toBeUndefined();
      const events = activity.results.map((r) => r.data!.harvestActivity);
      expect(events.every((e) => !e.resync && e.harvest !== null)).toBe(true);
      for (const [i, login] of logins.entries()) {
        const mine = events.filter((e) => e.harvest!.id === jobs[i]!.id);
        expect(mine.every((e) => e.login === login && e.harvest!.login === login)).toBe(true);
        expect(mine.map((e) => e.harvest!.status)).toContain('RUNNING');
        expect(mine.at(-1)).toMatchObject({
          finished: true,
          harvest: { status: 'COMPLETED', progress: 100 },
        });
      }
    } finally {
      await client.dispose();
    }
  });

  it('shows the budgets GitHub reported for the token, masked', async () => {
    const { data, errors } = await kit.t.execute(OperationsConsoleDocument, {}, bearer(keys.operator));
    expect(errors).toBeUndefined();
    const [budget] = data!.operations.githubTokens;
    expect(data!.operations.githubTokens).toHaveLength(1);
    expect(budget).toMatchObject({ token: maskToken(TOKEN), valid: true });
    // The harvests above were answered with rate-limit headers: the budget is known now.
    expect(typeof budget!.remaining === 'number' || typeof budget!.graphqlRemaining === 'number').toBe(true);
    expect(JSON.stringify(data)).not.toContain(TOKEN);
  });
});

describe('countryHarvestActivity', () => {
  it("pushes a country harvest's changes to an operator: running, then completed", async () => {
    const client = wsClient(kit.t.url, { apiKey: keys.operator });
    try {
      const activity = subscribe(client, CountryHarvestActivityDocument, {});
      await listening('COUNTRY_HARVEST_ACTIVITY');
      const asked = await kit.t.execute(HarvestCountryDocument, { country: 'IS' }, bearer(keys.admin));
      expect(asked.errors).toBeUndefined();
      const id = asked.data!.harvestCountry.countryHarvest.id;
      await activity.until(
        (r) =>
          r.errors !== undefined ||
          r.results.some((x) => x.data?.countryHarvestActivity.state === 'COMPLETED'),
        'the country harvest completed',
        90_000,
      );
      expect(activity.errors).toBeUndefined();
      const events = activity.results.map((r) => r.data!.countryHarvestActivity);
      expect(events.every((e) => e.id === id && e.country.code === 'IS')).toBe(true);
      expect(events[0]!.state).toBe('RUNNING');
      expect(events.at(-1)).toMatchObject({ state: 'COMPLETED', error: null });
      expect(events.at(-1)!.finishedAt).not.toBeNull();
      expect(events.at(-1)!.progress.searches).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
    // Finished: no longer among the unfinished country harvests.
    const { data } = await kit.t.execute(OperationsConsoleDocument, {}, bearer(keys.operator));
    expect(data!.operations.countryHarvests).toEqual([]);
  }, 120_000);
});

describe('rankingRuns', () => {
  it('lists a ranking run once a worker ran it, newest first', async () => {
    const asked = await kit.t.execute(RecomputeRankingsDocument, {}, bearer(keys.admin));
    const id = asked.data!.recomputeRankings.run.id;
    let runs: { id: number; status: string; rankedUsers: number }[] = [];
    await waitFor(
      async () => {
        const { data } = await kit.t.execute(OperationsConsoleDocument, { first: 1 }, bearer(keys.operator));
        runs = data!.operations.rankingRuns;
        return runs[0]?.id === id && runs[0].status === 'COMPLETED';
      },
      'the ranking run to complete',
      60_000,
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]!.rankedUsers).toBeGreaterThan(0);
  }, 90_000);
});
