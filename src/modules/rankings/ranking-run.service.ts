import type { EntityManager } from '@mikro-orm/postgresql';
import type { RankingsConfig } from '../../config/config';
import type { Logger } from '../../platform/logging/logger';
import { RankingRun, type RankingRunTrigger } from './ranking-run.entity';
import { RANKING_RUN_SQL, rankingRunParams } from './ranking-run.sql';

/** `pg_try_advisory_xact_lock` key of ranking runs: never two at once, across every process. */
export const RANKING_RUN_LOCK_KEY = 4_172_019_381;

export type RankingRunSettings = Pick<
  RankingsConfig,
  'minFollowers' | 'commitWindowDays' | 'runTimeoutMs' | 'workMemMb' | 'snapshotRetentionDays'
>;

export interface RankingRunHooks {
  /** Called inside the run's transaction after the statement, before the switch (tests inject failures). */
  readonly afterStatement?: (tx: EntityManager) => Promise<void>;
}

/** What a run did, as recorded in `ranking_run`. */
export interface RankingRunResult {
  readonly id: number;
  readonly status: RankingRun['status'];
  readonly trigger: RankingRun['trigger'];
  readonly jobId: string | null;
  readonly rankedUsers: number;
  readonly countries: number;
  readonly durationMs: number | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly error: string | null;
}

/**
 * Runs a ranking: records the run, then in ONE transaction takes the run lock, runs the set-based
 * statement (ranking-run.sql.ts) and flips the run to `completed`. A failure anywhere rolls the
 * whole transaction back, so the previous run's ranks stay current; the run is then `failed`.
 * Statements per run: record run, begin, lock, settings, the statement, update run, commit, then
 * one or two for retention.
 */
export class RankingRunService {
  constructor(
    private readonly settings: RankingRunSettings,
    private readonly logger: Logger,
    private readonly hooks: RankingRunHooks = {},
  ) {}

  /**
   * Records a run asked for now and run later (by the queue job that gets its id). Read back
   * through `em`, so it works inside the caller's transaction.
   */
  async queue(em: EntityManager, trigger: RankingRunTrigger): Promise<RankingRunResult> {
    const runId = await this.insertRun(em, trigger, 'queued');
    return toResult(await em.findOneOrFail(RankingRun, { id: runId }));
  }

  /**
   * Takes a queued run for a job (queued -> running, in one statement). False when the run is no
   * longer queued: the same job delivered again, or a run that ended; it is not run twice.
   */
  async claim(em: EntityManager, runId: number, jobId: string): Promise<boolean> {
    const claimed = await em.nativeUpdate(
      RankingRun,
      { id: runId, status: 'queued' },
      { status: 'running', startedAt: new Date(), jobId },
    );
    return claimed > 0;
  }

  /**
   * The run queued or running now, if any (so a second request joins it). A run no worker finished
   * within twice the run timeout (a crashed worker, a restart of the in-memory queue, a lost job) is
   * marked failed instead, so it cannot hold `recomputeRankings` forever.
   */
  async pending(em: EntityManager): Promise<RankingRunResult | null> {
    // In the caller's transaction, if any: one connection (embedded PGlite has only one).
    const run = await em
      .fork({ keepTransactionContext: true })
      .findOne(RankingRun, { status: { $in: ['queued', 'running'] } }, { orderBy: { id: 'desc' } });
    if (!run) return null;
    if (Date.now() - run.startedAt.getTime() > 2 * this.settings.runTimeoutMs) {
      await this.abandon(em, run.id, 'abandoned: no worker finished it within twice RANKING_RUN_TIMEOUT_MS');
      return null;
    }
    return toResult(run);
  }

  /** Marks a queued or running run failed (its job is gone or was never queued). */
  async abandon(em: EntityManager, runId: number, reason: string): Promise<void> {
    await em
      .fork({ keepTransactionContext: true })
      .nativeUpdate(
        RankingRun,
        { id: runId, status: { $in: ['queued', 'running'] } },
        { status: 'failed', finishedAt: new Date(), error: reason },
      );
  }

  /**
   * Runs a ranking now. `claimedRunId`: a run recorded by `queue` and taken by `claim`; otherwise a
   * new run is recorded. Resolves with the run as recorded (`completed` or `skipped`); rejects
   * when it failed.
   */
  async run(
    em: EntityManager,
    trigger: RankingRunTrigger,
    jobId: string | null = null,
    claimedRunId?: number,
  ): Promise<RankingRunResult> {
    const runId = claimedRunId ?? (await this.insertRun(em, trigger, 'running', jobId));
    const started = performance.now();
    try {
      const rankedUsers = await em.transactional(async (tx) => {
        const [lock] = await tx.execute<{ locked: boolean }[]>(
          'select pg_try_advisory_xact_lock(?) as locked',
          [RANKING_RUN_LOCK_KEY],
        );
        if (!lock?.locked) return undefined;
        await tx.execute("select set_config('statement_timeout', ?, true), set_config('work_mem', ?, true)", [
          String(this.settings.runTimeoutMs),
          `${this.settings.workMemMb}MB`,
        ]);
        const result = await tx.execute<{ affectedRows: number }>(
          RANKING_RUN_SQL,
          rankingRunParams(runId, this.settings.minFollowers, this.settings.commitWindowDays),
          'run',
        );
        await this.hooks.afterStatement?.(tx);
        // The switch: this run becomes the current one in the same transaction as its ranks.
        await tx.execute(
          `update ranking_run set status = 'completed', finished_at = clock_timestamp(), ranked_users = ?, duration_ms = ?,
             countries = (select count(*) from ranking_country where run_id = ?) where id = ?`,
          [result.affectedRows, Math.round(performance.now() - started), runId, runId],
        );
        return result.affectedRows;
      });
      if (rankedUsers === undefined) {
        await em.nativeUpdate(RankingRun, { id: runId }, { status: 'skipped', finishedAt: new Date() });
        this.logger.info({ runId, trigger }, 'ranking run skipped: another run holds the lock');
      } else {
        this.logger.info({ runId, trigger, rankedUsers }, 'ranking run completed');
        await this.applyRetention(em);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await em.nativeUpdate(
        RankingRun,
        { id: runId },
        { status: 'failed', finishedAt: new Date(), error: message.slice(0, 1000) },
      );
      this.logger.error(
        { runId, trigger, error: message },
        'ranking run failed; previous ranks stay current',
      );
      throw error;
    }
    return (await this.get(em, runId))!;
  }

  /** The run that ended last (completed, failed or skipped), or null before the first. */
  async latestEnded(em: EntityManager): Promise<RankingRunResult | null> {
    const run = await em
      .fork()
      .findOne(RankingRun, { finishedAt: { $ne: null } }, { orderBy: { finishedAt: 'desc', id: 'desc' } });
    return run ? toResult(run) : null;
  }

  /** The newest runs (any status), newest first: the operator console (`limit` is bounded by the caller). */
  async recent(em: EntityManager, limit: number): Promise<RankingRunResult[]> {
    const runs = await em.fork().find(RankingRun, {}, { orderBy: { id: 'desc' }, limit });
    return runs.map(toResult);
  }

  async get(em: EntityManager, runId: number): Promise<RankingRunResult | null> {
    const run = await em.fork().findOne(RankingRun, { id: runId });
    return run ? toResult(run) : null;
  }

  private async insertRun(
    em: EntityManager,
    trigger: RankingRunTrigger,
    status: 'queued' | 'running',
    jobId: string | null = null,
  ): Promise<number> {
    return (await em.insert(RankingRun, {
      trigger,
      jobId,
      startedAt: new Date(),
      status,
      rankedUsers: 0,
      countries: 0,
    })) as number;
  }

  /**
   * Rank history older than the retention goes (runs are kept: one small row each). The current
   * and the previous completed run are always kept (rankChange needs the one before).
   */
  private async applyRetention(em: EntityManager): Promise<void> {
    const cutoff = new Date(Date.now() - this.settings.snapshotRetentionDays * 86_400_000);
    const [row] = await em.execute<{ last: number | null }[]>(
      `select max(id) as last from ranking_run where started_at < ? and id < (
         select min(id) from (select id from ranking_run where status = 'completed' order by id desc limit 2) kept)`,
      [cutoff],
    );
    if (row?.last == null) return;
    // Every index starts with run_id: an old run's rows are one contiguous range.
    await em.execute('delete from ranking_snapshot where run_id <= ?', [row.last]);
    await em.execute('delete from ranking_country where run_id <= ?', [row.last]);
  }
}

export function toResult(run: RankingRun): RankingRunResult {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    jobId: run.jobId,
    rankedUsers: run.rankedUsers,
    countries: run.countries,
    durationMs: run.durationMs,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
  };
}
