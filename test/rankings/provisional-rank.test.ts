import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEntities } from '../../src/app';
import { type Database, openDatabase } from '../../src/platform/database/database';
import { createLogger } from '../../src/platform/logging/logger';
import { InsightsReportDocument, RecomputeRankingsDocument, UserRankingDocument } from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { LogCapture, startTestApp, type TestApp } from '../support/app-harness';
import { plain } from '../insights/insights-kit';
import { currentRanks, insertUsers } from './rankings-fixtures';

/**
 * A developer harvested after the last ranking run is placed among that run's scores at once
 * (provisional), and ranked for real by the next run. Ten ranked developers: dev0..dev9 with
 * 40 + 10i followers (score 80 + 20i; dev9 also 9 recent commits: 269), countries DE (i % 3 = 0),
 * JP (i % 3 = 1) or none.
 */
describe('provisional rank of a developer harvested after the run', () => {
  let t: TestApp;
  let db: Database;
  let admin: Record<string, string>;
  const logs = new LogCapture('debug');
  const em = () => db.orm.em.fork() as EntityManager;
  let runFinishedAt: string;

  async function recompute(): Promise<void> {
    const { data, errors } = await t.execute(RecomputeRankingsDocument, {}, admin);
    expect(errors).toBeUndefined();
    const id = data!.recomputeRankings.run.id;
    for (let i = 0; i < 200; i++) {
      const [row] = await em().execute<{ status: string; finished_at: Date }[]>(
        'select status, finished_at from ranking_run where id = ?',
        [id],
      );
      if (row?.status === 'completed') {
        runFinishedAt = new Date(row.finished_at).toISOString();
        await new Promise((r) => setTimeout(r, 300)); // the job drops the current-run pointer after the switch
        return;
      }
      if (row?.status === 'failed') throw new Error('run failed');
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('run did not complete');
  }

  const ranking = async (login: string) => {
    const { data, errors } = await t.execute(UserRankingDocument, { login, historyFirst: 5 });
    expect(errors).toBeUndefined();
    return data!.user.user!.ranking;
  };

  beforeAll(async () => {
    t = await startTestApp({
      role: 'all',
      env: { DB_DEBUG: 'true', RATE_LIMIT_ENABLED: 'false', HARVEST_FRESHNESS_HOURS: '1000' },
      overrides: { logger: logs.logger },
    });
    db = await openDatabase(t.config, appEntities(), createLogger('silent'));
    admin = bearer((await createKeyWithCli(t.config, 'admin')).key);
    await insertUsers(
      em(),
      Array.from({ length: 10 }, (_, i) => ({
        login: `dev${i}`,
        followers: 40 + i * 10,
        country: i % 3 === 0 ? 'DE' : i % 3 === 1 ? 'JP' : null,
        activity: i === 9 ? [[3, 9] as const] : [],
      })),
    );
    await recompute();
    // Harvested after the run: nobody is in its snapshot.
    await insertUsers(em(), [
      // 100×2 + 2×5 + (10 + 5×2) + 7 commits in the window (not the 50 of 200 days ago) = 237
      {
        login: 'newcomer',
        followers: 100,
        publicRepos: 2,
        country: 'DE',
        repositories: [[10, 5]],
        activity: [
          [1, 7],
          [200, 50],
        ],
      },
      { login: 'twin', followers: 70 }, // 140: dev3's score exactly
      { login: 'tail', followers: 31, country: 'JP' }, // 62: below every ranked score
      { login: 'below', followers: 30 }, // under RANKING_MIN_FOLLOWERS (31): not ranked
    ]);
    await em().execute(
      `update daily_activity set pull_requests = 2, reviews = 1 where date > (now() at time zone 'utc')::date - 2
         and user_id = (select id from github_user where login_key = 'newcomer')`,
    );
  }, 90_000);
  afterAll(async () => {
    await db?.close();
    await t?.close();
  });

  it('ranked developers show the counts the run used and when it computed them', async () => {
    expect(await ranking('dev9')).toMatchObject({
      score: 269,
      globalRank: 1,
      countryRank: 1,
      totalCommitContributions: 9,
      totalContributions: 9,
      computedAt: runFinishedAt,
      provisional: false,
    });
  });

  it('places a new developer among the run scores: score, global and country rank, counts', async () => {
    const before = Date.now();
    const r = await ranking('newcomer');
    expect(r).toMatchObject({
      score: 237,
      globalRank: 3, // below 269 and 240
      countryRank: 2, // DE: below 269 (dev9)
      country: { code: 'DE', name: 'Germany' },
      percentileInCountry: 80, // 5 developers of DE with it: (5 - 2 + 1) / 5
      rankChange: null,
      totalCommitContributions: 7,
      totalContributions: 10,
      provisional: true,
      history: [],
    });
    expect(Date.parse(r!.computedAt)).toBeGreaterThanOrEqual(before - 1_000);
    const report = (await t.execute(InsightsReportDocument, { login: 'newcomer' })).data!.user.user!.report;
    expect(report).toMatchObject({ score: 237, globalRank: 3, countryRank: 2, provisional: true });
  });

  it('a tie shares the rank, a score below all comes after the last, and the floor still applies', async () => {
    const dev3 = await ranking('dev3');
    expect(await ranking('twin')).toMatchObject({
      score: 140,
      globalRank: dev3!.globalRank,
      countryRank: null,
      percentileInCountry: null,
      provisional: true,
    });
    expect(await ranking('tail')).toMatchObject({
      score: 62,
      globalRank: 11,
      countryRank: 4,
      provisional: true,
    });
    expect(await ranking('below')).toBeNull();
  });

  it('a completed harvest changes the cached placement (the key carries harvestedAt)', async () => {
    expect((await ranking('tail'))!.globalRank).toBe(11);
    await em().execute(
      "update github_user set followers = 1000, harvested_at = now() + interval '1 second' where login_key = 'tail'",
    );
    expect(await ranking('tail')).toMatchObject({
      score: 2000,
      globalRank: 1,
      countryRank: 1,
      provisional: true,
    });
  });

  it('a page of N developers costs the same queries for 3 as for 14, ranked and provisional alike', async () => {
    const query = `query($first: Int) { users(first: $first, orderBy: LOGIN) {
      nodes { login ranking { score globalRank provisional } report { score provisional } } } }`;
    const count = async (first: number) => {
      // A new harvest time for everybody: nothing of theirs is in the shared cache.
      await em().execute("update github_user set harvested_at = harvested_at + interval '1 second'");
      const start = logs.lines.length;
      const { body } = await t.graphql(query, { first });
      expect(body.errors).toBeUndefined();
      // Every SQL statement but the current-run pointer's (cached for a minute: it may expire between).
      const statements = logs.lines
        .slice(start)
        .map((l) => plain(String(l.msg)))
        .filter((msg) => msg.includes('[query]') && !msg.includes('from ranking_run'));
      const nodes = body.data.users.nodes as { login: string; ranking: { provisional: boolean } | null }[];
      return { statements, nodes };
    };
    const small = await count(3); // below, dev0, dev1: a provisional lookup and ranked rows
    const large = await count(14);
    expect(small.nodes.map((n) => n.ranking?.provisional ?? null)).toEqual([null, false, false]);
    expect(large.nodes.filter((n) => n.ranking?.provisional).map((n) => n.login)).toEqual([
      'newcomer',
      'tail',
      'twin',
    ]);
    expect(large.statements.length).toBe(small.statements.length);
    const provisionalStatements = large.statements.filter((msg) => msg.includes('with u as'));
    expect(provisionalStatements).toHaveLength(1);
  });

  it('the next run ranks them for real: no longer provisional, with the ranks the run computed', async () => {
    await recompute();
    const ranks = await currentRanks(em());
    for (const login of ['newcomer', 'twin', 'tail']) {
      const r = await ranking(login);
      expect(r).toMatchObject({
        provisional: false,
        globalRank: ranks.get(login)!.globalRank,
        score: ranks.get(login)!.score,
        computedAt: runFinishedAt,
      });
      expect(r!.history).toHaveLength(1);
    }
    expect((await ranking('newcomer'))!.totalContributions).toBe(10);
    expect(await ranking('below')).toBeNull();
  });
});
