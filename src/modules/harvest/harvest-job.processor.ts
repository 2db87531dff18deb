import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../platform/logging/logger';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import { publishEvent, TOPICS } from '../../core/topics';
import { loginKey } from '../users/login';
import { toProgressPayload } from './harvest-progress';
import { GitHubRateLimitedError } from '../../platform/github/github-errors';
import { RetryLaterError, type RunningJob } from '../../platform/queue/job-queue';
import { statusOf } from './harvest-rest';
import { HarvestJob } from './harvest-job.entity';
import { type HarvestJobData, toHarvestState } from './harvest.service';
import type { HarvestState } from './harvest-requests';
import { type CountryLocator, writeHarvest } from './harvest-writer';
import type { UserHarvester } from './user-harvester';
import type { EventHooks } from '../../core/event-hooks';

export interface HarvestJobProcessorOptions {
  /** The global EntityManager: each job works on a fork of it. */
  readonly em: EntityManager;
  readonly harvester: UserHarvester;
  readonly pubSub: AppPubSub;
  readonly logger: Logger;
  readonly locate?: CountryLocator;
  readonly now?: () => Date;
  /** Told of harvests that completed or finally failed, after the commit. */
  readonly outcomes?: EventHooks<HarvestState>;
}

/** A GitHub 4xx other than rate limits will not change on a retry. */
function isPermanent(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 403 && status !== 429;
}

function describe(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return (status ? `GitHub answered ${status}: ${message}` : message).slice(0, 500);
}

/**
 * Runs one queued harvest: claims the committed record (queued -> running, in one statement; a
 * record in any other state is not run again, so a job delivered twice runs once), collects the
 * user from GitHub (reporting percent and stage on the record and on pub/sub topic
 * `HARVEST_PROGRESS:<login key>`; `USER_UPDATED:<login key>` once the user is stored), and writes everything in one transaction. A 404 ends as `not_found` (the negative cache). A failure writes
 * nothing: before the last attempt the record goes back to `queued` with the error and the queue
 * retries after its backoff; on the last attempt (or a permanent 4xx) it ends `failed`.
 */
/** Past GitHub's reset time before trying again (clocks differ a little). */
const RATE_LIMIT_MARGIN_MS = 2_000;

export class HarvestJobProcessor {
  constructor(private readonly options: HarvestJobProcessorOptions) {}

  readonly handle = async (job: RunningJob<HarvestJobData>): Promise<void> => {
    const { logger } = this.options;
    const now = this.options.now ?? (() => new Date());
    const em = this.options.em.fork();
    const attempt = job.attemptsMade + 1;
    const last = attempt >= job.data.attempts;
    // The relay adds a job only after its record committed: the record is read once, never waited for.
    const claimed = await em.nativeUpdate(
      HarvestJob,
      { id: job.data.jobId, status: 'queued' },
      { status: 'running', attempts: attempt, progress: 0, stage: 'starting' },
    );
    const record = await em.findOne(HarvestJob, { id: job.data.jobId });
    if (!record || claimed === 0) {
      logger.warn(
        { jobId: job.data.jobId, status: record?.status ?? null },
        record ? 'harvest is no longer queued; not run again' : 'harvest job has no record; skipped',
      );
      return;
    }
    record.startedAt ??= now();
    await this.save(em, record);
    const log = logger.child({ jobId: record.id, login: record.login, attempt });
    const started = Date.now();
    // Reports may come from concurrent requests: save them one after another, never two flushes at once.
    let reports = Promise.resolve();
    try {
      const outcome = await this.options.harvester.harvest(record.login, (progress, stage) => {
        reports = reports.then(async () => {
          if (progress < record.progress) return;
          record.progress = progress;
          record.stage = stage;
          await this.save(em, record);
          await job.updateProgress({ progress, stage });
        });
        return reports;
      });
      await reports;
      if (outcome.kind === 'not_found') {
        Object.assign(record, {
          status: 'not_found',
          progress: 100,
          stage: 'done',
          error: null,
          finishedAt: now(),
        });
        await this.save(em, record);
        log.info('harvest: GitHub has no such login');
        return;
      }
      record.progress = 95;
      record.stage = 'saving';
      await this.save(em, record);
      const result = await writeHarvest(em.fork(), record.id, outcome.user, now(), this.options.locate);
      await em.refresh(record);
      this.publish(toHarvestState(record));
      publishEvent(this.options.pubSub, TOPICS.USER_UPDATED, loginKey(record.login), {
        login: record.login,
        userId: result.userId,
        harvestJobId: record.id,
      });
      log.info({ ...result, ms: Date.now() - started }, 'harvest stored');
      await this.options.outcomes?.emit(toHarvestState(record));
    } catch (error) {
      await reports.catch(() => undefined); // a report still in flight from a concurrent request
      if (error instanceof GitHubRateLimitedError) {
        // Every token is spent: wait for the reset instead of burning the attempts on it.
        Object.assign(record, {
          status: 'queued',
          stage: 'waiting for GitHub rate limit',
          error: describe(error),
        });
        await this.save(em, record).catch((e: Error) =>
          log.error({ error: e.message }, 'harvest record not saved'),
        );
        log.warn(
          { resetAt: new Date(error.resetAt).toISOString() },
          'harvest waits for the GitHub rate limit',
        );
        throw new RetryLaterError(error.resetAt + RATE_LIMIT_MARGIN_MS, error.message);
      }
      const permanent = isPermanent(error);
      const final = last || permanent;
      Object.assign(record, {
        status: final ? 'failed' : 'queued',
        error: describe(error),
        finishedAt: final ? now() : null,
      });
      await this.save(em, record).catch((e: Error) =>
        log.error({ error: e.message }, 'harvest record not saved'),
      );
      log.warn(
        { error: record.error, final },
        final ? 'harvest failed' : 'harvest attempt failed; will retry',
      );
      if (final && record.status === 'failed') await this.options.outcomes?.emit(toHarvestState(record));
      // Permanent failures end here (the record says failed); others let the queue retry or fail.
      if (!permanent) throw error;
    }
  };

  private async save(em: EntityManager, record: HarvestJob): Promise<void> {
    await em.flush();
    this.publish(toHarvestState(record));
  }

  private publish(state: HarvestState): void {
    publishEvent(
      this.options.pubSub,
      TOPICS.HARVEST_PROGRESS,
      loginKey(state.login),
      toProgressPayload(state),
    );
  }
}
