import { TOPICS } from '../../core/topics';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { HarvestConfig } from '../../config/config';
import type { Logger } from '../../platform/logging/logger';
import type { JobOutbox } from '../../platform/outbox/job-outbox';
import type { QueueDriver } from '../../platform/queue/job-queue';
import { assertValidLogin, loginKey } from '../users/login';
import { HarvestJob, type HarvestTrigger } from './harvest-job.entity';
import type { HarvestRequests, HarvestState } from './harvest-requests';
import { harvestPriority } from './harvest-priority';
import type { HarvestCaller, HarvestStartLimit } from './harvest-starts';

export const HARVEST_QUEUE = 'harvest';
export const HARVEST_JOB_NAME = 'harvest-user';
/** Pub/sub topic of harvest progress: `HARVEST_PROGRESS:<login key>` (payload in core/topics.ts). */
export const HARVEST_PROGRESS = TOPICS.HARVEST_PROGRESS;

/** What a queued harvest carries (the durable record holds the rest). */
export interface HarvestJobData {
  readonly jobId: string;
  readonly login: string;
  /** Tries the job was enqueued with (the processor knows its last attempt from it). */
  readonly attempts: number;
  /** Its queue priority (harvest-priority.ts); absent on jobs queued before priorities existed. */
  readonly priority?: number;
}

export function toHarvestState(job: HarvestJob): HarvestState {
  return {
    jobId: job.id,
    login: job.login,
    status: job.status,
    trigger: job.trigger,
    progress: job.progress,
    stage: job.stage,
    attempts: job.attempts,
    error: job.error,
    enqueuedAt: job.enqueuedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

export interface HarvestServiceOptions {
  /** Where the job is looked for once relayed (a record whose job is gone is replaced). */
  readonly queue: QueueDriver;
  /** Where the job is written, in the transaction of its record. */
  readonly outbox: JobOutbox;
  readonly config: HarvestConfig;
  readonly logger: Logger;
  /** Bounds the new harvests each caller may start (requests without a caller are the server's own). */
  readonly starts?: HarvestStartLimit;
  readonly now?: () => Date;
}

/**
 * Asks for harvests and reads their records. Per login (case-insensitively), under a PostgreSQL
 * advisory lock so concurrent requests on any number of processes agree:
 * - a queued or running harvest is returned instead of a new one (one job per login at a time);
 * - a login GitHub did not know, or knew as an organization's, within `notFoundTtlMs` returns
 *   that record (no job, no GitHub call: the negative cache);
 * - a login whose latest harvest failed is not asked again within `refreshMinIntervalMs`, by any
 *   trigger (a login GitHub keeps failing for must not cost a harvest on every read);
 * - otherwise, when the caller (if any) may still start a harvest in its window (HARVEST_STARTS_*;
 *   refused: HarvestStartRefusedError and nothing is written), a `harvest_job` record and its job
 *   (with `attempts`, exponential backoff from `backoffMs`, and the trigger's queue priority) are
 *   committed together through the outbox; the relay adds the job to the queue after the commit,
 *   under the record's id.
 * An invalid login is rejected with BAD_USER_INPUT before anything is read or sent.
 */
export class HarvestService implements HarvestRequests {
  private readonly now: () => Date;

  constructor(private readonly options: HarvestServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  request(
    em: EntityManager,
    login: string,
    trigger: HarvestTrigger,
    caller?: HarvestCaller,
  ): Promise<HarvestState> {
    return this.enqueue(em, login, trigger, 0, caller);
  }

  /**
   * `refreshUser`: like `request` with the `manual` trigger, at most once per
   * `refreshMinIntervalMs` per login: within it, the latest harvest is returned unchanged.
   */
  refresh(em: EntityManager, login: string, caller?: HarvestCaller): Promise<HarvestState> {
    return this.enqueue(em, login, 'manual', this.options.config.refreshMinIntervalMs, caller);
  }

  async latest(em: EntityManager, login: string): Promise<HarvestState | null> {
    const job = await this.latestRecord(em, loginKey(login));
    return job ? toHarvestState(job) : null;
  }

  async byId(em: EntityManager, jobId: string): Promise<HarvestState | null> {
    const job = await em.findOne(HarvestJob, { id: jobId });
    return job ? toHarvestState(job) : null;
  }

  private latestRecord(em: EntityManager, key: string): Promise<HarvestJob | null> {
    return em.findOne(HarvestJob, { loginKey: key }, { orderBy: { enqueuedAt: 'desc', id: 'desc' } });
  }

  private async enqueue(
    em: EntityManager,
    login: string,
    trigger: HarvestTrigger,
    minIntervalMs: number,
    caller: HarvestCaller | undefined,
  ): Promise<HarvestState> {
    assertValidLogin(login);
    const key = loginKey(login);
    const { config, outbox, logger } = this.options;
    return em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`harvest:${key}`]);
      const now = this.now();
      const latest = await this.latestRecord(tx, key);
      if (latest && (latest.status === 'queued' || latest.status === 'running')) {
        if (await this.stillQueued(tx, latest)) return toHarvestState(latest);
        latest.status = 'failed';
        latest.error =
          'the job queue no longer holds this harvest (cleaned or lost); a new one was asked for';
        latest.finishedAt = now;
        logger.warn({ jobId: latest.id, login }, 'harvest record without a queued job marked failed');
      } else if (
        (latest?.status === 'not_found' || latest?.status === 'organization') &&
        now.getTime() - (latest.finishedAt ?? latest.enqueuedAt).getTime() < config.notFoundTtlMs
      ) {
        return toHarvestState(latest);
      } else if (latest) {
        // A failed harvest is not retried by automatic requests more often than refreshUser may be.
        const interval = Math.max(
          minIntervalMs,
          latest.status === 'failed' ? config.refreshMinIntervalMs : 0,
        );
        if (now.getTime() - latest.enqueuedAt.getTime() < interval) return toHarvestState(latest);
      }
      // Only a harvest that would really start spends the caller's budget (refused: a rollback).
      if (caller) await this.options.starts?.admit(caller);
      const job = Object.assign(new HarvestJob(), { login, loginKey: key, trigger, enqueuedAt: now });
      await tx.persistAndFlush(job);
      // The job commits with the record (or neither does); the relay adds it after the commit.
      const priority = harvestPriority(trigger, caller);
      const data: HarvestJobData = { jobId: job.id, login, attempts: config.attempts, priority };
      await outbox.enqueue(tx, {
        queue: HARVEST_QUEUE,
        name: HARVEST_JOB_NAME,
        data,
        jobId: job.id,
        opts: { attempts: config.attempts, backoffMs: config.backoffMs, priority },
      });
      logger.info({ jobId: job.id, login, trigger, priority }, 'harvest enqueued');
      return toHarvestState(job);
    });
  }

  /** Its job waits in the outbox or is in the queue, unfinished (outbox first: a relay may be adding it). */
  private async stillQueued(em: EntityManager, record: HarvestJob): Promise<boolean> {
    if (await this.options.outbox.pending(em, HARVEST_QUEUE, record.id)) return true;
    const job = await this.options.queue.get(HARVEST_QUEUE, record.id);
    return (
      job !== undefined && job.state !== 'completed' && job.state !== 'failed' && job.state !== 'unknown'
    );
  }
}
