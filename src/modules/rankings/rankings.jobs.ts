import type { EntityManager } from '@mikro-orm/postgresql';
import type { Cache } from '../../platform/cache/cache';
import type { Logger } from '../../platform/logging/logger';
import type { JobOutbox } from '../../platform/outbox/job-outbox';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import { isoOrNull, publishEvent, TOPICS } from '../../core/topics';
import type { EventHooks } from '../../core/event-hooks';
import { RankingCountry } from './ranking-country.entity';
import type { QueueDriver, RunningJob } from '../../platform/queue/job-queue';
import type { RankingRunTrigger } from './ranking-run.entity';
import type { RankingRunResult, RankingRunService } from './ranking-run.service';
import { CURRENT_RUNS_CACHE_KEY } from './rankings-query.service';

export const RANKINGS_QUEUE = 'rankings';
/** The job scheduler's fixed key: every worker upserts the same schedule. */
export const RANKINGS_SCHEDULE_KEY = 'rankings-run';
/** Pub/sub topic published when a run ends (completed, failed or skipped); payload in core/topics.ts. */
export const RANKINGS_UPDATED = TOPICS.RANKINGS_UPDATED;
/** `pg_advisory_xact_lock` key of run requests: two recomputeRankings at once ask for one run. */
const RANKING_REQUEST_LOCK_KEY = 4_172_019_382;

export interface RankingJobData {
  readonly trigger: RankingRunTrigger;
  /** A run recorded by recomputeRankings; scheduled jobs record their own. */
  readonly runId?: number;
}

export interface RankingJobsOptions {
  readonly queue: QueueDriver;
  /** Manual runs' jobs are written here with their `ranking_run` record. */
  readonly outbox: JobOutbox;
  readonly runs: RankingRunService;
  readonly pubSub: AppPubSub;
  readonly cache: Cache;
  /** A fresh EntityManager for each job. */
  readonly fork: () => EntityManager;
  readonly cron: string;
  readonly logger: Logger;
  /** Told of every completed run, in the worker that ran it, after its commit. */
  readonly completed?: EventHooks<RankingRunResult>;
}

/**
 * Ranking runs as jobs: on a schedule (a repeatable job with a fixed key, so one job per period
 * however many workers are up; the run's advisory lock keeps two from ever overlapping) and on
 * demand (recomputeRankings). When a run ends its readers' cache pointer is dropped and
 * RANKINGS_UPDATED is published.
 */
export class RankingJobs {
  constructor(private readonly options: RankingJobsOptions) {}

  /**
   * Queues a run now, or returns the one already queued or running. The `ranking_run` record and
   * its job commit together (outbox); the relay adds the job after the commit.
   */
  async recompute(em: EntityManager): Promise<RankingRunResult> {
    return em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [RANKING_REQUEST_LOCK_KEY]);
      const pending = await this.options.runs.pending(tx);
      if (pending) return pending;
      const run = await this.options.runs.queue(tx, 'manual');
      await this.options.outbox.enqueue<RankingJobData>(tx, {
        queue: RANKINGS_QUEUE,
        name: 'run',
        data: { trigger: 'manual', runId: run.id },
        jobId: `manual-${run.id}`,
      });
      return run;
    });
  }

  /** The run that ended last (what a subscriber told to resync gets). */
  latest(em: EntityManager): Promise<RankingRunResult | null> {
    return this.options.runs.latestEnded(em);
  }

  /** Worker role: registers the schedule and processes runs (one at a time per worker). */
  async startWorker(): Promise<void> {
    await this.options.queue.schedule<RankingJobData>(
      RANKINGS_QUEUE,
      RANKINGS_SCHEDULE_KEY,
      this.options.cron,
      'run',
      { trigger: 'schedule' },
    );
    this.options.queue.work<RankingJobData>(RANKINGS_QUEUE, (job) => this.handle(job), { concurrency: 1 });
  }

  readonly handle = async (job: RunningJob<RankingJobData>): Promise<RankingRunResult> => {
    const em = this.options.fork();
    // Scheduled jobs record their run first, so a failure can be reported with it.
    const runId = job.data.runId ?? (await this.options.runs.queue(em, job.data.trigger)).id;
    if (!(await this.options.runs.claim(em, runId, job.id))) {
      // The same job delivered again (relayed twice, or retried by the queue): it ran, or runs, once.
      this.options.logger.warn({ runId, jobId: job.id }, 'ranking run is no longer queued; not run again');
      return (await this.options.runs.get(em, runId))!;
    }
    try {
      const run = await this.options.runs.run(em, job.data.trigger, job.id, runId);
      await this.ended(run);
      return run;
    } catch (error) {
      const failed = await this.options.runs.get(em, runId);
      if (failed) await this.ended(failed);
      throw error;
    }
  };

  private async ended(run: RankingRunResult): Promise<void> {
    await this.options.cache.delete(CURRENT_RUNS_CACHE_KEY);
    if (run.status === 'completed') await this.options.completed?.emit(run);
    const countryCodes =
      run.status === 'completed'
        ? (
            await this.options.fork().find(RankingCountry, { runId: run.id }, { fields: ['countryCode'] })
          ).map((row) => row.countryCode)
        : [];
    publishEvent(this.options.pubSub, TOPICS.RANKINGS_UPDATED, {
      ...run,
      countryCodes,
      startedAt: run.startedAt.toISOString(),
      finishedAt: isoOrNull(run.finishedAt),
    });
  }
}
