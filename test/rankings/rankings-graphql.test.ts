import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEntities } from '../../src/app';
import { type Database, openDatabase } from '../../src/platform/database/database';
import { createLogger } from '../../src/platform/logging/logger';
import {
  CountriesDocument,
  HarvestCountryDocument,
  RankingsDocument,
  RankingsWithUserRankingDocument,
  RecomputeRankingsDocument,
} from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { LogCapture, startTestApp, type TestApp } from '../support/app-harness';
import { insertUsers } from './rankings-fixtures';

describe('rankings over GraphQL', () => {
  let t: TestApp;
  let db: Database;
  let admin: Record<string, string>;
  let reader: Record<string, string>;
  const logs = new LogCapture('debug');
  const em = () => db.orm.em.fork() as EntityManager;

  async function recompute(): Promise<number> {
    const { data, errors } = await t.execute(RecomputeRankingsDocument, {}, admin);
    expect(errors).toBeUndefined();
    const id = data!.recomputeRankings.run.id;
    for (let i = 0; i < 200; i++) {
      const [row] = await em().execute<{ status: string }[]>('select status from ranking_run where id = ?', [
        id,
      ]);
      if (row?.status === 'completed') {
        // Let the job finish after the switch (retention, cache pointer, event) before counting queries.
        await new Promise((r) => setTimeout(r, 500));
        return id;
      }
      if (row?.status === 'failed') throw new Error('run failed');
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('run did not complete');
  }

  /** SQL statements the app sent while `fn` ran (MikroORM's query log, DB_DEBUG). */
  async function countQueries(fn: () => Promise<unknown>): Promise<number> {
    const before = logs.lines.length;
    await fn();
    return logs.lines.slice(before).filter((l) => String(l.msg).includes('[query]')).length;
  }

  beforeAll(async () => {
    t = await startTestApp({
      role: 'all',
      env: { DB_DEBUG: 'true', RATE_LIMIT_ENABLED: 'false' },
      overrides: { logger: logs.logger },
    });
    db = await openDatabase(t.config, appEntities(), createLogger('silent'));
    admin = bearer((await createKeyWithCli(t.config, 'admin')).key);
    reader = bearer((await createKeyWithCli(t.config, 'reader')).key);
    const users = Array.from({ length: 60 }, (_, i) => ({
      login: `dev${i}`,
      followers: 40 + i * 10,
      country: i % 3 === 0 ? 'DE' : i % 3 === 1 ? 'JP' : null,
    }));
    // Two ties at the top: equal scores share rank 1.
    users.push(
      { login: 'tie-a', followers: 10_000, country: 'DE' },
      { login: 'tie-b', followers: 10_000, country: 'DE' },
    );
    users.push({ login: 'low', followers: 30, country: 'DE' });
    await insertUsers(em(), users);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await t?.close();
  });

  it('recomputeRankings needs an admin key', async () => {
    const anonymous = await t.execute(RecomputeRankingsDocument, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const asReader = await t.execute(RecomputeRankingsDocument, {}, reader);
    expect(asReader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('pages the global and a country ranking by rank, with ties, totals and opaque cursors', async () => {
    await recompute();
    const first = await t.execute(RankingsDocument, { first: 3 });
    expect(first.errors).toBeUndefined();
    const page = first.data!.rankings;
    expect(page.totalCount).toBe(62);
    expect(page.edges.map((e) => [e.node.rank, e.node.user.login])).toEqual([
      [1, 'tie-a'],
      [1, 'tie-b'],
      [3, 'dev59'],
    ]);
    expect(page.edges[0]!.node.rankChange).toBeNull();
    const next = await t.execute(RankingsDocument, { first: 2, after: page.pageInfo.endCursor });
    expect(next.data!.rankings.edges.map((e) => e.node.rank)).toEqual([4, 5]);
    expect(next.data!.rankings.pageInfo.hasPreviousPage).toBe(true);

    for (const country of ['DE', 'de', 'Germany']) {
      const de = await t.execute(RankingsDocument, { country, first: 100 });
      expect(de.data!.rankings.totalCount).toBe(22);
      expect(de.data!.rankings.edges.slice(0, 3).map((e) => e.node.rank)).toEqual([1, 1, 3]);
    }
    const countries = await t.execute(CountriesDocument, {});
    expect(countries.data!.countries).toEqual([
      { code: 'DE', name: 'Germany', rankedDevelopers: 22 },
      { code: 'JP', name: 'Japan', rankedDevelopers: 20 },
    ]);
  });

  it('rejects an unknown country and an oversized page with BAD_USER_INPUT', async () => {
    for (const country of ['Atlantis', 'XX', 'Berlin']) {
      const bad = await t.execute(RankingsDocument, { country });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message).toMatch(
        /ISO 3166-1 alpha-2 code \(such as DE\) or a country's English name/,
      );
    }
    const harvest = await t.execute(HarvestCountryDocument, { country: 'Atlantis' }, admin);
    expect(harvest.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const global = await t.execute(RankingsDocument, { first: 1 });
    const crossed = await t.execute(RankingsDocument, {
      country: 'DE',
      after: global.data!.rankings.pageInfo.endCursor,
    });
    expect(crossed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await t.execute(RankingsDocument, { first: 101 });
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows rank change since the previous run, User.ranking and its history', async () => {
    await em().execute("update github_user set followers = 20000 where login = 'dev0'");
    await recompute();
    const { data, errors } = await t.execute(RankingsWithUserRankingDocument, { first: 3, historyFirst: 5 });
    expect(errors).toBeUndefined();
    const top = data!.rankings.nodes[0]!;
    expect(top.user.login).toBe('dev0');
    expect(top.user.ranking).toMatchObject({
      globalRank: 1,
      countryRank: 1,
      rankChange: 62 - 1, // was last (62nd), now first
      country: { code: 'DE', name: 'Germany' },
      percentileInCountry: 100,
    });
    expect(top.user.ranking!.history.map((h) => h.globalRank)).toEqual([1, 62]);
    const page = await t.execute(RankingsDocument, { first: 1 });
    expect(page.data!.rankings.edges[0]!.node.rankChange).toBe(61);
  });

  it('a page costs a constant number of SQL queries whatever its size, and fewer once cached', async () => {
    // A new run: nothing cached. Then two pages of different developers and sizes.
    await recompute();
    const query = `query($first: Int, $after: String) { rankings(first: $first, after: $after) {
      pageInfo { endCursor } nodes { rank user { login ranking { score globalRank country { name }
      percentileInCountry history(first: 3) { globalRank } } } } } }`;
    let after: string | undefined;
    const small = await countQueries(async () => {
      after = (await t.graphql(query, { first: 2 })).body.data.rankings.pageInfo.endCursor;
    });
    const large = await countQueries(() => t.graphql(query, { first: 50, after }));
    expect(small).toBeGreaterThan(0);
    // The first read after a run also loads the current-run pointer (then cached): one more.
    expect(large).toBeLessThanOrEqual(small);
    expect(large).toBeLessThanOrEqual(4); // ranked rows, users, ranking batch, history batch
    const again = await countQueries(() => t.graphql(query, { first: 50, after }));
    expect(again).toBeLessThan(large);
  });

  it('skips a ranked developer deleted since the run and keeps the page full and paginable', async () => {
    await recompute();
    const before = await t.execute(RankingsDocument, { first: 4 });
    const removed = before.data!.rankings.edges[2]!.node.user.login;
    await em().nativeDelete('GithubUser', { loginKey: removed });
    const page = await t.execute(RankingsDocument, { first: 3 });
    expect(page.errors).toBeUndefined();
    const logins = page.data!.rankings.edges.map((e) => e.node.user.login);
    expect(logins).toHaveLength(3);
    expect(logins).not.toContain(removed);
    expect(logins[2]).toBe(before.data!.rankings.edges[3]!.node.user.login);
    expect(page.data!.rankings.pageInfo.hasNextPage).toBe(true);
  });
});
