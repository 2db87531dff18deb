import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RankingRunService } from '../../src/modules/rankings/ranking-run.service';
import { scoreOf } from '../../src/modules/rankings/ranking-score';
import { createLogger } from '../../src/platform/logging/logger';
import { currentRanks, insertUsers, openRankingsDb, type RankingsDb } from './rankings-fixtures';

const SETTINGS = {
  minFollowers: 31,
  commitWindowDays: 90,
  runTimeoutMs: 60_000,
  workMemMb: 16,
  snapshotRetentionDays: 400,
};
const logger = createLogger('silent');

describe('ranking run (one set-based statement, atomic switch)', () => {
  let db: RankingsDb;
  const service = new RankingRunService(SETTINGS, logger);

  beforeAll(async () => {
    db = await openRankingsDb();
    await insertUsers(db.em(), [
      // score 100*2 + 2*5 + (10 + 2*2) + (5 + 7) = 236; old commits (120 days ago) do not count
      {
        login: 'ada',
        followers: 100,
        publicRepos: 2,
        country: 'DE',
        repositories: [[10, 2]],
        activity: [
          [1, 5],
          [30, 7],
          [120, 1000],
        ],
      },
      // same score as ada: 118*2 = 236
      { login: 'bob', followers: 118, country: 'DE' },
      { login: 'cyd', followers: 50, country: 'DE' }, // 100
      { login: 'dan', followers: 300, country: 'NG' }, // 600
      { login: 'eve', followers: 31, country: null }, // 62, exactly at the floor
      { login: 'fay', followers: 30, country: 'NG', repositories: [[100_000, 0]] }, // below the floor
    ]);
  });
  afterAll(() => db?.close());

  it('scores with the documented formula, ranks with ties, per country, above the floor only', async () => {
    const run = await service.run(db.em(), 'manual');
    expect(run).toMatchObject({ status: 'completed', rankedUsers: 5, countries: 2 });
    const ranks = await currentRanks(db.em());
    expect(ranks.get('ada')!.score).toBe(
      scoreOf({ followers: 100, publicRepos: 2, repositories: [{ stars: 10, forks: 2 }], recentCommits: 12 }),
    );
    const summary = Object.fromEntries(
      [...ranks.values()].map((r) => [r.login, [r.score, r.globalRank, r.countryCode, r.countryRank]]),
    );
    expect(summary).toEqual({
      dan: [600, 1, 'NG', 1],
      ada: [236, 2, 'DE', 1],
      bob: [236, 2, 'DE', 1],
      cyd: [100, 4, 'DE', 3],
      eve: [62, 5, null, null],
    });
    expect(ranks.has('fay')).toBe(false);
    const snapshots = await db.em().execute('select * from ranking_snapshot where run_id = ?', [run.id]);
    expect(snapshots).toHaveLength(5);
  });

  it('keeps the rank before, so rank change costs nothing; a user below the floor leaves', async () => {
    const em = db.em();
    await em.execute("update github_user set followers = 1000 where login = 'cyd'");
    await em.execute("update github_user set followers = 10 where login = 'eve'");
    const run = await service.run(db.em(), 'schedule');
    expect(run.status).toBe('completed');
    const ranks = await currentRanks(db.em());
    expect(ranks.get('cyd')).toMatchObject({ globalRank: 1, previousGlobalRank: 4, countryRank: 1 });
    expect(ranks.get('dan')).toMatchObject({ globalRank: 2, previousGlobalRank: 1 });
    expect(ranks.has('eve')).toBe(false);
    const history = await db
      .em()
      .execute(
        "select run_id, global_rank from ranking_snapshot s join github_user u on u.id = s.user_id where u.login = 'cyd' order by run_id",
      );
    expect(history.map((h) => Number(h.global_rank))).toEqual([4, 1]);
  });

  it('a run that fails midway leaves the previous ranks in place', async () => {
    const before = await currentRanks(db.em());
    const runsBefore = await db
      .em()
      .execute("select count(*)::int as n from ranking_run where status = 'completed'");
    await db.em().execute("update github_user set followers = 5000 where login = 'eve'");
    const failing = new RankingRunService(SETTINGS, logger, {
      afterStatement: async () => {
        throw new Error('injected failure after the statement');
      },
    });
    await expect(failing.run(db.em(), 'manual')).rejects.toThrow('injected failure');
    expect(await currentRanks(db.em())).toEqual(before);
    const [failed] = await db.em().execute('select status, error from ranking_run order by id desc limit 1');
    expect(failed).toMatchObject({ status: 'failed', error: 'injected failure after the statement' });
    const runsAfter = await db
      .em()
      .execute("select count(*)::int as n from ranking_run where status = 'completed'");
    expect(runsAfter).toEqual(runsBefore);

    // A statement timeout (the statement itself failing) is rolled back the same way.
    const slow = new RankingRunService(SETTINGS, logger, {
      afterStatement: async (tx) => {
        await tx.execute("select set_config('statement_timeout', '50', true)");
        await tx.execute('select pg_sleep(1)');
      },
    });
    await expect(slow.run(db.em(), 'manual')).rejects.toThrow(/statement timeout/);
    expect(await currentRanks(db.em())).toEqual(before);
  });

  it('never runs twice at once: a run that finds the lock taken is skipped', async () => {
    const holder = db.em();
    await holder.begin();
    try {
      await holder.execute('select pg_advisory_xact_lock(4172019381)');
      const run = await service.run(db.em(), 'schedule');
      expect(run.status).toBe('skipped');
    } finally {
      await holder.rollback();
    }
    expect((await service.run(db.em(), 'schedule')).status).toBe('completed');
  });

  it('a queued or running run nobody finished within twice the timeout no longer blocks new runs', async () => {
    const em = db.em();
    const stale = await service.queue(em, 'manual');
    expect((await service.pending(em))?.id).toBe(stale.id);
    const longAgo = new Date(Date.now() - 2 * SETTINGS.runTimeoutMs - 60_000);
    await em.execute('update ranking_run set started_at = ? where id = ?', [longAgo, stale.id]);
    expect(await service.pending(em)).toBeNull();
    const [row] = await em.execute<{ status: string; error: string }[]>(
      'select status, error from ranking_run where id = ?',
      [stale.id],
    );
    expect(row).toMatchObject({ status: 'failed', error: expect.stringContaining('abandoned') });
  });
});
