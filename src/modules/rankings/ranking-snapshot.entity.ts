import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A user's ranking in one run: the run's statement appends one row per ranked user, and the
 * current ranks are the rows of the current run (the latest `completed` one), so a run never
 * updates or deletes a row and its switch is the run's status flip. The rows of earlier runs are
 * the rank history, and the run before gives `rankChange` through the key (run, user).
 *
 * Every index starts with `run_id`, so a run's rows go to the right edge of each index. Growth:
 * about 150 bytes a row with its indexes, so about 150 MB per run per million ranked users (a
 * daily run: ~4.5 GB a month); `RANKING_SNAPSHOT_RETENTION_DAYS` deletes older runs' rows after
 * each run. No foreign keys: a run writes a million rows at once.
 */
@Entity({ tableName: 'ranking_snapshot' })
@Index({ name: 'ranking_snapshot_global_rank_index', properties: ['runId', 'globalRank', 'userId'] })
@Index({
  name: 'ranking_snapshot_country_rank_index',
  properties: ['runId', 'countryCode', 'countryRank', 'userId'],
})
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
}
