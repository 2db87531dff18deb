import { CronExpressionParser } from 'cron-parser';
import type { Logger } from '../logging/logger';
import type { QueueDriver, QueueStats } from './job-queue';
import type { CleanOptions, JobHandler, JobInfo, JobOptions, JobState, WorkOptions } from './job-queue';
import { JOB_STATES, RetryLaterError } from './job-queue';

interface MemoryJob {
  id: string;
  name: string;
  data: unknown;
  state: JobState;
  attemptsMade: number;
  /** The current attempt was put back by RetryLaterError. */
  resumed: boolean;
  progress: unknown;
  failedReason: string | undefined;
  createdAt: Date;
  finishedAt: Date | undefined;
  options: JobOptions;
}

interface MemoryQueue {
  jobs: Map<string, MemoryJob>;
  waiting: MemoryJob[];
  handler?: JobHandler<unknown>;
  concurrency: number;
  active: number;
  /** Rate limit: the time between two job starts, and when the next may start. */
  gapMs?: number;
  nextStartMs?: number;
}

/**
 * Jobs in this process only (embedded development mode): the same semantics as the BullMQ driver
 * for what features use (dedup by job id, attempts with exponential backoff, progress, bounded
 * history), nothing survives a restart.
 */
export class MemoryQueueDriver implements QueueDriver {
  readonly kind = 'memory' as const;
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  /** Repeatable jobs' next timers, by queue and key (a new `schedule` of a key replaces its timer). */
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  /** When each repeatable job runs next (epoch ms), by queue and key. */
  private readonly nextRuns = new Map<string, number>();
  private closed = false;
  private nextId = 1;

  constructor(
    private readonly logger: Logger,
    private readonly maxFinishedPerQueue = 1_000,
  ) {}

  private queue(name: string): MemoryQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { jobs: new Map(), waiting: [], concurrency: 1, active: 0 };
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<T>(queueName: string, name: string, data: T, options: JobOptions = {}): Promise<JobInfo<T>> {
    const queue = this.queue(queueName);
    const existing = options.jobId ? queue.jobs.get(options.jobId) : undefined;
    if (existing) return toInfo<T>(existing);
    const job: MemoryJob = {
      id: options.jobId ?? String(this.nextId++),
      name,
      data,
      state: options.delayMs ? 'delayed' : 'waiting',
      attemptsMade: 0,
      resumed: false,
      progress: 0,
      failedReason: undefined,
      createdAt: options.createdAt ?? new Date(),
      finishedAt: undefined,
      options,
    };
    queue.jobs.set(job.id, job);
    if (options.delayMs) this.later(options.delayMs, () => this.enqueue(queueName, job));
    else this.enqueue(queueName, job);
    return toInfo<T>(job);
  }

  async schedule<T>(queueName: string, key: string, cron: string, name: string, data: T): Promise<void> {
    const expression = CronExpressionParser.parse(cron, { tz: 'UTC' });
    const id = `${queueName}:${key}`;
    const arm = (): void => {
      const previous = this.schedules.get(id);
      if (previous) {
        clearTimeout(previous);
        this.timers.delete(previous);
      }
      if (this.closed) return;
      const at = expression.next().getTime();
      this.nextRuns.set(id, at);
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          // The period's time in the job id: one job per period, as BullMQ's job schedulers do.
          void this.add(queueName, name, data, { jobId: `repeat:${key}:${at}` });
          arm();
        },
        Math.max(0, at - Date.now()),
      );
      this.timers.add(timer);
      this.schedules.set(id, timer);
    };
    arm();
  }

  async get<T>(queueName: string, id: string): Promise<JobInfo<T> | undefined> {
    const job = this.queue(queueName).jobs.get(id);
    return job ? toInfo<T>(job) : undefined;
  }

  async counts(queueName: string): Promise<Record<JobState, number>> {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const job of this.queue(queueName).jobs.values()) counts[job.state]++;
    return counts;
  }

  async list<T>(queueName: string, states: readonly JobState[], limit: number): Promise<JobInfo<T>[]> {
    return [...this.queue(queueName).jobs.values()]
      .filter((job) => states.includes(job.state))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit)
      .map((job) => toInfo<T>(job));
  }

  async stats(queueName: string): Promise<QueueStats> {
    // Nothing pauses an in-process queue; its one possible worker is this process.
    return {
      counts: await this.counts(queueName),
      paused: false,
      workers: this.queue(queueName).handler ? 1 : 0,
    };
  }

  async nextScheduled(queueName: string, key: string): Promise<Date | undefined> {
    const at = this.closed ? undefined : this.nextRuns.get(`${queueName}:${key}`);
    return at === undefined ? undefined : new Date(at);
  }

  work<T>(queueName: string, handler: JobHandler<T>, options: WorkOptions): void {
    const queue = this.queue(queueName);
    queue.handler = handler as JobHandler<unknown>;
    queue.concurrency = options.concurrency;
    queue.gapMs = options.rate ? options.rate.durationMs / options.rate.max : 0;
    this.drain(queueName);
  }

  async clean(queueName: string, options: CleanOptions): Promise<number> {
    // BullMQ's state names onto ours; running jobs are never removed in process.
    const states = new Set(
      options.statuses.map((s) => (s === 'wait' ? 'waiting' : s)).filter((s) => s !== 'active'),
    );
    const queue = this.queue(queueName);
    const cutoff = Date.now() - options.graceMs;
    let removed = 0;
    for (const job of [...queue.jobs.values()]) {
      const at = (job.finishedAt ?? job.createdAt).getTime();
      if (!states.has(job.state) || at > cutoff) continue;
      queue.jobs.delete(job.id);
      queue.waiting = queue.waiting.filter((j) => j !== job);
      removed++;
    }
    return removed;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running);
  }

  private later(ms: number, fn: () => void): void {
    if (this.closed) return; // nothing new is scheduled once closing began
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private enqueue(queueName: string, job: MemoryJob): void {
    job.state = 'waiting';
    const { waiting } = this.queue(queueName);
    // BullMQ's order: jobs without a priority first, then by priority, each in order of arrival.
    const rank = (j: MemoryJob) => j.options.priority ?? 0;
    const before = waiting.findIndex((j) => rank(j) > rank(job));
    waiting.splice(before === -1 ? waiting.length : before, 0, job);
    this.drain(queueName);
  }

  private drain(queueName: string): void {
    const queue = this.queue(queueName);
    while (!this.closed && queue.handler && queue.active < queue.concurrency && queue.waiting.length > 0) {
      const job = queue.waiting.shift()!;
      queue.active++;
      const run = this.run(queueName, queue.handler, job).finally(() => {
        queue.active--;
        this.running.delete(run);
        this.drain(queueName);
      });
      this.running.add(run);
    }
  }

  private async run(queueName: string, handler: JobHandler<unknown>, job: MemoryJob): Promise<void> {
    job.state = 'active';
    const queue = this.queue(queueName);
    if (queue.gapMs) {
      const start = Math.max(Date.now(), queue.nextStartMs ?? 0);
      queue.nextStartMs = start + queue.gapMs;
      if (start > Date.now()) await new Promise((resolve) => setTimeout(resolve, start - Date.now()));
    }
    try {
      await handler({
        id: job.id,
        name: job.name,
        data: job.data,
        attemptsMade: job.attemptsMade,
        resumed: job.resumed,
        updateProgress: async (progress) => {
          job.progress = progress;
        },
      });
      job.attemptsMade++;
      job.resumed = false;
      this.finish(queueName, job, 'completed', undefined);
    } catch (error) {
      if (error instanceof RetryLaterError) {
        // Waits for an outside limit: back to delayed until then, no attempt spent.
        job.state = 'delayed';
        job.resumed = true;
        this.later(Math.max(0, error.untilMs - Date.now()), () => this.enqueue(queueName, job));
        return;
      }
      job.attemptsMade++;
      job.resumed = false;
      const message = error instanceof Error ? error.message : String(error);
      if (job.attemptsMade < (job.options.attempts ?? 1) && !this.closed) {
        job.state = 'delayed';
        job.failedReason = message;
        const delay = (job.options.backoffMs ?? 0) * 2 ** (job.attemptsMade - 1);
        this.later(delay, () => this.enqueue(queueName, job));
      } else {
        this.logger.warn(
          { queue: queueName, jobId: job.id, attemptsMade: job.attemptsMade, error: message },
          'job failed',
        );
        this.finish(queueName, job, 'failed', message);
      }
    }
  }

  private finish(
    queueName: string,
    job: MemoryJob,
    state: 'completed' | 'failed',
    reason: string | undefined,
  ): void {
    job.state = state;
    job.failedReason = reason;
    job.finishedAt = new Date();
    // Keep history bounded: drop the oldest finished jobs beyond the limit.
    const queue = this.queue(queueName);
    const finished = [...queue.jobs.values()].filter((j) => j.state === 'completed' || j.state === 'failed');
    for (const old of finished.slice(0, Math.max(0, finished.length - this.maxFinishedPerQueue)))
      queue.jobs.delete(old.id);
  }
}

function toInfo<T>(job: MemoryJob): JobInfo<T> {
  return {
    id: job.id,
    name: job.name,
    data: job.data as T,
    state: job.state,
    attemptsMade: job.attemptsMade,
    progress: job.progress,
    failedReason: job.failedReason,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}
