import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const RANKING_RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'skipped'] as const;
export type RankingRunStatus = (typeof RANKING_RUN_STATUSES)[number];

export const RANKING_RUN_TRIGGERS = ['schedule', 'manual'] as const;
export type RankingRunTrigger = (typeof RANKING_RUN_TRIGGERS)[number];

/**
 * One ranking run. The current ranks are those of the latest `completed` run: a run's ranks and
 * its `completed` status are committed in one transaction, so readers switch to them atomically.
 * `queued`: asked for (recomputeRankings), not started; `skipped`: another run held the lock
 * (never two at once).
 */
@Entity({ tableName: 'ranking_run' })
@Index({ name: 'ranking_run_status_index', properties: ['status', 'id'] })
export class RankingRun {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Enum({ items: () => RANKING_RUN_STATUSES, type: 'text' })
  status: RankingRunStatus = 'running';

  @Enum({ items: () => RANKING_RUN_TRIGGERS, type: 'text' })
  trigger!: RankingRunTrigger;

  /** The queue job that ran it, when it ran as a job. */
  @Property({ type: 'text', nullable: true })
  jobId: string | null = null;

  /** When it was asked for (queued) or, once running, when it started. */
  @Property({ type: 'timestamptz' })
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;

  /** Users ranked by this run (0 until it completes). */
  @Property({ type: 'integer' })
  rankedUsers: number = 0;

  /** Countries with at least one ranked user. */
  @Property({ type: 'integer' })
  countries: number = 0;

  @Property({ type: 'integer', nullable: true })
  durationMs: number | null = null;

  @Property({ type: 'text', nullable: true })
  error: string | null = null;
}
