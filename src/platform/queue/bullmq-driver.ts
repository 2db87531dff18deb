import { DelayedError, type Job, type JobType, Queue, Worker } from 'bullmq';
import type { Logger } from '../logging/logger';
import { closeRedis, type RedisClient, type RedisFactory } from '../redis/redis-factory';
import type {
  CleanOptions,
  JobHandler,
  JobInfo,
  JobOptions,
  JobState,
  QueueDriver,
  QueueStats,
  WorkOptions,
} from './job-queue';
import { JOB_STATES, RetryLaterError } from './job-queue';

/** Finished jobs are kept for inspection (`harvestJob(id)`), bounded in age and number. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10_000 };
/** Job states `Queue.clean` accepts. */
const CLEANABLE = ['completed', 'failed', 'wait', 'delayed', 'paused', 'active'] as const;
/** BullMQ's states of jobs that wait for a worker besides `wait` (reported as `waiting`). */
const WAITING_TOO = ['prioritized', 'waiting-children'] as const;

export class BullMqDriver implements QueueDriver {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly producer: RedisClient;
  private workerConnection: RedisClient | undefined;
  /** BullMQ keys share the service prefix; in cluster mode a hash tag keeps a queue in one slot. */
  private readonly prefix: string;

  constructor(
    private readonly factory: RedisFactory,
    private readonly logger: Logger,
    /** Stalled-job recovery (QUEUE_LOCK_DURATION_MS, QUEUE_STALLED_INTERVAL_MS); BullMQ's defaults otherwise. */
    private readonly stalled: { readonly lockDurationMs: number; readonly intervalMs: number } = {
      lockDurationMs: 30_000,
      intervalMs: 30_000,
    },
  ) {
    this.producer = factory.create('queue');
    this.prefix = factory.config.cluster ? `{${factory.keyPrefix}}` : factory.keyPrefix;
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producer, prefix: this.prefix });
      queue.on('error', (error) => this.logger.warn({ queue: name, error: error.message }, 'queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions = {}): Promise<JobInfo<T>> {
    const job = await this.queue(queue).add(name, data, {
      jobId: options.jobId,
      attempts: options.attempts ?? 1,
      backoff: options.backoffMs ? { type: 'exponential', delay: options.backoffMs } : undefined,
      delay: options.delayMs,
      priority: options.priority,
      timestamp: options.createdAt?.getTime(),
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
    });
    return toInfo<T>(job, await job.getState());
  }

  async schedule<T>(queue: string, key: string, cron: string, name: string, data: T): Promise<void> {
    // A job scheduler with a fixed id: every process upserts the same one, and each period's job
    // has a deterministic id, so a period yields one job however many processes are up.
    await this.queue(queue).upsertJobScheduler(
      key,
      { pattern: cron, tz: 'UTC' },
      { name, data, opts: { removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED } },
    );
  }

  async get<T>(queue: string, id: string): Promise<JobInfo<T> | undefined> {
    const job = await this.queue(queue).getJob(id);
    return job ? toInfo<T>(job, await job.getState()) : undefined;
  }

  async counts(queue: string): Promise<Record<JobState, number>> {
    const counts = await this.queue(queue).getJobCounts(
      ...JOB_STATES.filter((s) => s !== 'unknown'),
      ...WAITING_TOO,
    );
    const out = Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>;
    // Jobs with a priority wait in BullMQ's `prioritized` set, not in `wait`: they are waiting too.
    out.waiting += WAITING_TOO.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
    return out;
  }

  async list<T>(queue: string, states: readonly JobState[], limit: number): Promise<JobInfo<T>[]> {
    const types = states.flatMap((s) => (s === 'waiting' ? ['waiting', ...WAITING_TOO] : [s]));
    // Newest `limit` of each state (bounded reads), then the newest `limit` of them all.
    const jobs = (await this.queue(queue).getJobs(types as JobType[], 0, limit - 1, false))
      .filter((job): job is Job => !!job)
      .sort((a, b) => b.timestamp - a.timestamp)
      .slice(0, limit);
    return Promise.all(jobs.map(async (job) => toInfo<T>(job, await job.getState())));
  }

  async stats(queue: string): Promise<QueueStats> {
    const [counts, paused, workers] = await Promise.all([
      this.counts(queue),
      this.queue(queue).isPaused(),
      // CLIENT LIST: the worker connections of every process (names carry the queue).
      this.queue(queue).getWorkersCount(),
    ]);
    return { counts, paused, workers };
  }

  async nextScheduled(queue: string, key: string): Promise<Date | undefined> {
    const scheduler = await this.queue(queue).getJobScheduler(key);
    return scheduler?.next ? new Date(scheduler.next) : undefined;
  }

  work<T>(queue: string, handler: JobHandler<T>, options: WorkOptions): void {
    this.workerConnection ??= this.factory.create('worker');
    const worker = new Worker<T>(
      queue,
      async (job, token) => {
        try {
          return await handler({
            id: job.id!,
            name: job.name,
            data: job.data,
            attemptsMade: job.attemptsMade,
            // Given back after its worker died, or moved to delayed by RetryLaterError (a retry
            // after a failure spends an attempt, so its record is no longer `running` this attempt).
            resumed: job.stalledCounter > 0 || job.delay > 0,
            updateProgress: (progress) => job.updateProgress(progress),
          });
        } catch (error) {
          if (!(error instanceof RetryLaterError)) throw error;
          // Back to delayed until then; BullMQ counts no attempt for a DelayedError.
          await job.moveToDelayed(error.untilMs, token);
          throw new DelayedError(error.message);
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.prefix,
        concurrency: options.concurrency,
        lockDuration: this.stalled.lockDurationMs,
        stalledInterval: this.stalled.intervalMs,
        // A job whose worker died once is run again; one that kills its workers twice fails.
        maxStalledCount: 1,
        ...(options.rate ? { limiter: { max: options.rate.max, duration: options.rate.durationMs } } : {}),
      },
    );
    worker.on('failed', (job, error) =>
      this.logger.warn(
        { queue, jobId: job?.id, attemptsMade: job?.attemptsMade, error: error.message },
        'job failed',
      ),
    );
    worker.on('error', (error) => this.logger.warn({ queue, error: error.message }, 'worker error'));
    worker.on('stalled', (jobId) =>
      this.logger.warn({ queue, jobId }, 'job stalled (its worker died): back to waiting'),
    );
    this.workers.push(worker);
  }

  async clean(queue: string, options: CleanOptions): Promise<number> {
    let removed = 0;
    for (const status of options.statuses) {
      if (!(CLEANABLE as readonly string[]).includes(status)) continue;
      // limit 0: every matching job.
      const ids = await this.queue(queue).clean(options.graceMs, 0, status as (typeof CLEANABLE)[number]);
      removed += ids.length;
    }
    return removed;
  }

  async ping(): Promise<void> {
    await this.producer.ping();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    const connections = [this.producer, this.workerConnection].filter(
      (c): c is RedisClient => c !== undefined,
    );
    await Promise.all(connections.map(closeRedis));
  }
}

function toInfo<T>(job: Job, state: string): JobInfo<T> {
  return {
    id: job.id!,
    name: job.name,
    data: job.data as T,
    state: (JOB_STATES as readonly string[]).includes(state)
      ? (state as JobState)
      : state === 'prioritized' || state === 'waiting-children'
        ? 'waiting'
        : 'unknown',
    attemptsMade: job.attemptsMade,
    progress: job.progress,
    failedReason: job.failedReason || undefined,
    createdAt: new Date(job.timestamp),
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : undefined,
  };
}
