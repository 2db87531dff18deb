import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../platform/logging/logger';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import { publishEvent, TOPICS } from '../../core/topics';
import { GithubUser } from '../users/github-user.entity';
import { loginKey } from '../users/login';
import { toProgressPayload } from './harvest-progress';
import { GitHubRateLimitedError, GitHubTokensRejectedError } from '../../platform/github/github-errors';
import { isDatabaseUnavailable } from '../../platform/database/database-errors';
import { RetryLaterError, type RunningJob } from '../../platform/queue/job-queue';
import { statusOf } from './harvest-rest';
import { HarvestJob } from './harvest-job.entity';
import { type HarvestJobData, toHarvestState } from './harvest.service';
import type { HarvestState } from './harvest-requests';
import { type CountryLocator, writeHarvest } from './harvest-writer';
import type { UserHarvester } from './user-harvester';
import { type HarvestGate, WAITING_FOR_TOKEN } from './harvest-gate';
import { HARVEST_PRIORITY } from './harvest-priority';
import type { EventHooks } from '../../core/event-hooks';

export interface HarvestJobProcessorOptions {
  /** The global EntityManager: each job works on a fork of it. */
  readonly em: EntityManager;
  readonly harvester: UserHarvester;
  readonly pubSub: AppPubSub;
  readonly logger: Logger;
  readonly locate?: CountryLocator;
  /** Asked before a job is claimed: paused GitHub access, or a budget kept for higher priorities. */
  readonly gate?: HarvestGate;
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
 * Before claiming, the gate may send the job back to wait (no attempt spent, the record stays
 * `queued` with the reason as its stage): every GitHub token rejected, or the budget left kept
 * for higher priorities. Every token rejected or rate-limited mid-harvest waits the same way.
 */
/** Past GitHub's reset time before trying again (clocks differ a little). */
const RATE_LIMIT_MARGIN_MS = 2_000;
/** How long a harvest waits before trying again while the database is unreachable. */
const DATABASE_WAIT_MS = 5_000;

export class HarvestJobProcessor {
  constructor(private readonly options: HarvestJobProcessorOptions) {}

  readonly handle = async (job: RunningJob<HarvestJobData>): Promise<void> => {
    const { logger } = this.options;
    const now = this.options.now ?? (() => new Date());
    const em = this.options.em.fork();
    const attempt = job.attemptsMade + 1;
    const last = attempt >= job.data.attempts;
    const verdict = await this.options.gate?.check(job.data.priority ?? HARVEST_PRIORITY.auto);
    if (verdict && !verdict.go) {
      // Say why on the record (once, not on every look), then wait without spending an attempt.
      await em.nativeUpdate(
        HarvestJob,
        { id: job.data.jobId, status: 'queued', $or: [{ stage: null }, { stage: { $ne: verdict.stage } }] },
        { stage: verdict.stage },
      );
      throw new RetryLaterError(verdict.until, verdict.stage);
    }
    // The relay adds a job only after its record committed: the record is read once, never waited for.
    // A resumed attempt (its worker died mid-harvest and BullMQ gave the stalled job back, or it
    // waited for the database) takes over the record it left `running`. Any other state means the
    // job ran or runs elsewhere, so a job delivered twice runs once.
    const claimable = job.resumed
      ? { $or: [{ status: 'queued' as const }, { status: 'running' as const, attempts: attempt }] }
      : { status: 'queued' as const };
    const claimed = await em.nativeUpdate(
      HarvestJob,
      { id: job.data.jobId, ...claimable },
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
      const known = await em.findOne(
        GithubUser,
        { loginKey: loginKey(record.login) },
        { fields: ['githubId'] },
      );
      const outcome = await this.options.harvester.harvest(
        record.login,
        (progress, stage) => {
          reports = reports.then(async () => {
            if (progress < record.progress) return;
            record.progress = progress;
            record.stage = stage;
            await this.save(em, record);
            await job.updateProgress({ progress, stage });
          });
          return reports;
        },
        { githubId: known?.githubId == null ? null : Number(known.githubId) },
      );
      await reports;
      if (outcome.kind !== 'found') {
        // Final, not retried: no such login, or an organization's (GitHub said so in its first answer).
        Object.assign(record, {
          status: outcome.kind,
          progress: 100,
          stage: 'done',
          error: null,
          finishedAt: now(),
        });
        await this.save(em, record);
        log.info(
          outcome.kind === 'organization'
            ? 'harvest: the login is an organization; not harvested'
            : 'harvest: GitHub has no such login',
        );
        return;
      }
      record.progress = 95;
      record.stage = 'saving';
      await this.save(em, record);
      const result = await writeHarvest(em.fork(), record.id, outcome.user, now(), this.options.locate);
      // Told first (caches of every instance drop the developer's answers), then the record re-read.
      publishEvent(this.options.pubSub, TOPICS.USER_UPDATED, loginKey(record.login), {
        login: record.login,
        userId: result.userId,
        harvestJobId: record.id,
      });
      await em.refresh(record);
      this.publish(toHarvestState(record));
      log.info(
        { ...result, skippedRepositories: outcome.user.skipped, ms: Date.now() - started },
        'harvest stored',
      );
      await this.options.outcomes?.emit(toHarvestState(record));
    } catch (error) {
      await reports.catch(() => undefined); // a report still in flight from a concurrent request
      if (isDatabaseUnavailable(error)) {
        // Nothing can be written (not even the record): the job waits, its attempt not spent,
        // and runs again once PostgreSQL is back (the record is still `running` this attempt).
        log.warn('harvest waits for the database');
        throw new RetryLaterError(Date.now() + DATABASE_WAIT_MS, 'database unavailable');
      }
      if (error instanceof GitHubTokensRejectedError) {
        // No valid token left: wait for the secret to hold one, instead of failing on it.
        Object.assign(record, { status: 'queued', stage: WAITING_FOR_TOKEN, error: describe(error) });
        await this.save(em, record).catch((e: Error) =>
          log.error({ error: e.message }, 'harvest record not saved'),
        );
        log.warn('harvest waits for a valid GitHub token');
        const recheckMs = this.options.gate?.pausedRecheckMs ?? 30_000;
        throw new RetryLaterError(now().getTime() + recheckMs, error.message);
      }
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

  /** To the login's subscribers, and to the operators' every-login topic (harvestActivity). */
  private publish(state: HarvestState): void {
    const payload = toProgressPayload(state);
    publishEvent(this.options.pubSub, TOPICS.HARVEST_PROGRESS, loginKey(state.login), payload);
    publishEvent(this.options.pubSub, TOPICS.HARVEST_ACTIVITY, payload);
  }
}
