import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A user's ranking in one run: the run's statement appends one row per ranked user, and the
 * current ranks are the rows of the current run (the latest `completed` one), so a run never
 * updates or deletes a row and its switch is the run's status flip. The rows of earlier runs are
 * the rank history, and the run before gives `rankChange` through the key (run, user).
 *
 * Every index starts with `run_id`, so a run's rows go to the right edge of each index. The two
 * score indexes place a developer the run did not rank (a provisional rank) with one index probe
 * each. Growth: about 200 bytes a row with its indexes, so about 200 MB per run per million
 * ranked users (a daily run: ~6 GB a month); `RANKING_SNAPSHOT_RETENTION_DAYS` deletes older
 * runs' rows after each run. No foreign keys: a run writes a million rows at once.
 */
@Entity({ tableName: 'ranking_snapshot' })
@Index({ name: 'ranking_snapshot_global_rank_index', properties: ['runId', 'globalRank', 'userId'] })
@Index({
  name: 'ranking_snapshot_country_rank_index',
  properties: ['runId', 'countryCode', 'countryRank', 'userId'],
})
@Index({ name: 'ranking_snapshot_score_index', properties: ['runId', 'score'] })
@Index({ name: 'ranking_snapshot_country_score_index', properties: ['runId', 'countryCode', 'score'] })
export class RankingSnapshot {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  runId!: number;

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: false })
  userId!: number;

  @Property({ type: new BigIntType('number') })
  score!: number;

  @Property({ type: 'integer' })
  globalRank!: number;

  /** ISO 3166-1 alpha-2, as resolved when the run ranked the user; null without a country. */
  @Property({ type: 'text', nullable: true })
  countryCode: string | null = null;

  /** Rank among the run's ranked users of `countryCode`; null without a country. */
  @Property({ type: 'integer', nullable: true })
  countryRank: number | null = null;

  /** Commits the score counted (the commit window's); null in rows of runs before it was kept. */
  @Property({ type: 'integer', nullable: true })
  commits: number | null = null;

  /** Contributions (commits, pull requests, issues, reviews) of the same window; null likewise. */
  @Property({ type: 'integer', nullable: true })
  contributions: number | null = null;
}
