import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskToken } from '../../src/platform/github/token-fingerprint';
import {
  HarvestCountryDocument,
  OperationsConsoleDocument,
  RecomputeRankingsDocument,
  RefreshUserDocument,
} from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';

/**
 * Issue 16 (backend): the operator console's `operations` query on the real app (api role: jobs
 * stay queued, no worker takes them) over real PostgreSQL and Redis, with the response cache on.
 */
const TOKEN = 'ghp_operationsconsole00000000000000000000';
let t: TestApp;
let operator: Record<string, string>;
let admin: Record<string, string>;
let reader: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp({
    role: 'api',
    env: {
      GITHUB_TOKENS: TOKEN,
      HEALTH_WATCH_INTERVAL_MS: '100',
      RATE_LIMIT_ENABLED: 'false',
      RESPONSE_CACHE_ENABLED: 'true',
    },
  });
  operator = bearer((await createKeyWithCli(t.config, 'operator')).key);
  admin = bearer((await createKeyWithCli(t.config, 'admin')).key);
  reader = bearer((await createKeyWithCli(t.config, 'reader')).key);
}, 120_000);
afterAll(() => t?.close());

const console_ = (headers: Record<string, string>, variables: { first?: number; minutes?: number } = {}) =>
  t.execute(OperationsConsoleDocument, variables, headers);

describe('operations: who may read it', () => {
  it('refuses anonymous callers (UNAUTHENTICATED) and reader keys (FORBIDDEN)', async () => {
    const anonymous = await console_({});
    expect(anonymous.data?.operations ?? null).toBeNull();
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const asReader = await console_(reader);
    expect(asReader.data?.operations ?? null).toBeNull();
    expect(asReader.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('answers operator and admin keys', async () => {
    for (const key of [operator, admin]) {
      const { data, errors } = await console_(key);
      expect(errors).toBeUndefined();
      expect(data?.operations.instance).toMatch(/^.+:\d+$/);
      expect(data?.operations.queues.map((q) => q.name).sort()).toEqual([
        'country-harvest',
        'harvest',
        'rankings',
      ]);
    }
  });
});

describe('operations: figures from the real sources', () => {
  it('counts the jobs it enqueued, per queue, and lists the queued harvests, country harvest and ranking run (never from the response cache)', async () => {
    const before = (await console_(operator)).data!.operations;
    expect(before.harvests).toEqual([]);
    expect(before.countryHarvests).toEqual([]);
    expect(before.rankingRuns).toEqual([]);
    expect(before.queues.every((q) => q.waiting === 0 && !q.paused)).toBe(true);

    const first = await t.execute(RefreshUserDocument, { login: 'ops-first' }, operator);
    const second = await t.execute(RefreshUserDocument, { login: 'ops-second' }, operator);
    const country = await t.execute(HarvestCountryDocument, { country: 'IS' }, admin);
    const run = await t.execute(RecomputeRankingsDocument, {}, admin);
    expect([first.errors, second.errors, country.errors, run.errors]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);

    // The outbox relay adds the committed jobs to BullMQ; then the counts are BullMQ's.
    let figures = before;
    await waitFor(
      async () => {
        figures = (await console_(operator)).data!.operations;
        const waiting = Object.fromEntries(figures.queues.map((q) => [q.name, q.waiting]));
        return waiting.harvest === 2 && waiting['country-harvest'] === 1 && waiting.rankings === 1;
      },
      'the queues to count the enqueued jobs',
      20_000,
    );
    for (const q of figures.queues)
      expect(q).toMatchObject({ active: 0, delayed: 0, failed: 0, completed: 0, paused: false, workers: 0 });

    expect(figures.harvests.map((h) => [h.login, h.status, h.trigger])).toEqual([
      ['ops-second', 'QUEUED', 'MANUAL'],
      ['ops-first', 'QUEUED', 'MANUAL'],
    ]);
    expect(figures.harvests.map((h) => h.id)).toEqual([
      second.data!.refreshUser.harvest.id,
      first.data!.refreshUser.harvest.id,
    ]);
    expect(figures.countryHarvests).toEqual([
      expect.objectContaining({
        id: country.data!.harvestCountry.countryHarvest.id,
        country: { code: 'IS', name: 'Iceland' },
        state: 'QUEUED',
      }),
    ]);
    expect(figures.rankingRuns).toEqual([
      expect.objectContaining({
        id: run.data!.recomputeRankings.run.id,
        status: 'QUEUED',
        trigger: 'MANUAL',
      }),
    ]);
  });

  it('shows GitHub token budgets masked: never the token itself', async () => {
    const response = await t.graphql(
      '{ operations { githubTokens { token valid remaining limit resetAt graphqlRemaining graphqlLimit } } }',
      {},
      operator,
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.operations.githubTokens).toEqual([
      expect.objectContaining({ token: maskToken(TOKEN), valid: true }),
    ]);
    expect(maskToken(TOKEN)).toMatch(/^ghp_…[0-9a-f]{8}$/);
    expect(JSON.stringify(response.body)).not.toContain(TOKEN);
    expect(JSON.stringify(response.body)).not.toContain(TOKEN.slice(4, 20));
  });

  it('refuses rankingRuns(first:) outside 1..50 and minutes outside 1..60 (BAD_USER_INPUT)', async () => {
    for (const variables of [{ first: 51 }, { first: 0 }, { minutes: 61 }, { minutes: 0 }]) {
      const { errors } = await console_(operator, variables);
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const fifty = await t.graphql('{ operations { rankingRuns(first: 50) { id } } }', {}, operator);
    expect(fifty.body.errors).toBeUndefined();
  });

  it('counts the errors this instance answered, by code, most first', async () => {
    const codes = async () =>
      Object.fromEntries(
        (await console_(operator, { minutes: 5 })).data!.operations.recentErrors.map((e) => [
          e.code,
          e.count,
        ]),
      );
    const start = await codes();
    const bad = '{ operations { rankingRuns(first: 51) { id } } }';
    for (let i = 0; i < 3; i++) await t.graphql(bad, {}, operator);
    await t.graphql('{ operations { queues { name } } }', {}, reader);
    const now = await codes();
    expect((now.BAD_USER_INPUT ?? 0) - (start.BAD_USER_INPUT ?? 0)).toBe(3);
    expect((now.FORBIDDEN ?? 0) - (start.FORBIDDEN ?? 0)).toBe(1);
    const list = (await console_(operator)).data!.operations.recentErrors;
    expect(list.map((e) => e.count)).toEqual([...list.map((e) => e.count)].sort((a, b) => b - a));
    const lastSeen = new Date(list.find((e) => e.code === 'BAD_USER_INPUT')!.lastSeenAt).getTime();
    expect(Date.now() - lastSeen).toBeLessThan(5 * 60_000);
  });

  it("keeps the health watch's rounds per component (this instance)", async () => {
    let history: { component: string; samples: { at: string; status: string }[] }[] = [];
    await waitFor(
      async () => {
        history = (await console_(operator, { minutes: 1 })).data!.operations.healthHistory;
        return (history.find((h) => h.component === 'database')?.samples.length ?? 0) >= 3;
      },
      'three health watch rounds',
      20_000,
    );
    const components = history.map((h) => h.component);
    expect(components).toEqual(expect.arrayContaining(['database', 'cache', 'queue']));
    const database = history.find((h) => h.component === 'database')!;
    expect(database.samples.every((s) => s.status === 'OK')).toBe(true);
    const times = database.samples.map((s) => new Date(s.at).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
