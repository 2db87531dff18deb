/**
 * Background jobs. BullMQ over Valkey in production (any number of workers share the queues);
 * an in-process driver for the embedded development mode. Features depend on this interface.
 */
export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'delayed' | 'unknown';

export const JOB_STATES: readonly JobState[] = [
  'waiting',
  'active',
  'completed',
  'failed',
  'delayed',
  'unknown',
];

export interface JobOptions {
  /** While a job with this id exists (finished ones included, until they leave the history), adding it again returns that job. */
  readonly jobId?: string;
  /** Total tries, the first included (default 1). */
  readonly attempts?: number;
  /** First retry delay; doubles for each further retry. */
  readonly backoffMs?: number;
  readonly delayMs?: number;
  /**
   * 1 runs first, then 2, ...; equal priorities in order of arrival. A job without one runs before
   * every prioritized job (BullMQ's rule), so a queue either uses priorities for all its jobs or none.
   */
  readonly priority?: number;
  /** When the work was asked for (the outbox row's time, so a job keeps it); now by default. */
  readonly createdAt?: Date;
}

export interface JobInfo<T = unknown> {
  readonly id: string;
  readonly name: string;
  readonly data: T;
  readonly state: JobState;
  readonly attemptsMade: number;
  readonly progress: unknown;
  readonly failedReason: string | undefined;
  readonly createdAt: Date;
  readonly finishedAt: Date | undefined;
}

export interface RunningJob<T> {
  readonly id: string;
  readonly name: string;
  readonly data: T;
  /** Tries made before this one. */
  readonly attemptsMade: number;
  /**
   * This attempt ran before and was cut off without finishing: its worker died (a stalled job
   * BullMQ gave back) or it asked to retry later. A handler may then take over what the earlier
   * run left `running`; a second delivery of a job that is running elsewhere is never `resumed`.
   */
  readonly resumed: boolean;
  updateProgress(progress: number | object): Promise<void>;
}

export interface CleanOptions {
  /** BullMQ's names: `completed`, `failed`, `wait`, `delayed`, `paused`, `active`; others are ignored. */
  readonly statuses: readonly string[];
  readonly graceMs: number;
}

export interface WorkOptions {
  readonly concurrency: number;
  /**
   * At most `max` jobs started per `durationMs` (BullMQ: across every worker of the queue; memory:
   * this process). Jobs wait their turn; none fails for it.
   */
  readonly rate?: { readonly max: number; readonly durationMs: number };
}

export type JobHandler<T> = (job: RunningJob<T>) => Promise<unknown>;

/** What an operator sees of one queue (health). */
export interface QueueStats {
  readonly counts: Record<JobState, number>;
  /** Whether the queue is paused (BullMQ: by an operator; workers take no job meanwhile). */
  readonly paused: boolean;
  /** Worker processes connected to the queue now (BullMQ: every process; memory: this one). */
  readonly workers: number;
}

export interface QueueDriver {
  readonly kind: 'bullmq' | 'memory';
  add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<JobInfo<T>>;
  get<T>(queue: string, id: string): Promise<JobInfo<T> | undefined>;
  counts(queue: string): Promise<Record<JobState, number>>;
  /** Jobs in the given states, newest first, at most `limit` (the operator console's lists). */
  list<T>(queue: string, states: readonly JobState[], limit: number): Promise<JobInfo<T>[]>;
  /** Jobs per state, whether the queue is paused and how many workers it has (health). */
  stats(queue: string): Promise<QueueStats>;
  /** When the repeatable job `key` (see `schedule`) runs next; undefined when none is scheduled. */
  nextScheduled(queue: string, key: string): Promise<Date | undefined>;
  /**
   * Adds (or updates) a repeatable job under a fixed `key`: one job per `cron` period (UTC; 5
   * fields, or 6 with seconds first) however many processes call this, run by one worker.
   */
  schedule<T>(queue: string, key: string, cron: string, name: string, data: T): Promise<void>;
  /** Starts processing a queue in this process (worker role). */
  work<T>(queue: string, handler: JobHandler<T>, options: WorkOptions): void;
  /**
   * Removes jobs in the given states (`completed`, `failed`, `wait`, `delayed`, `paused`,
   * `active`) older than `graceMs`; returns how many were removed (start-up clean-up).
   */
  clean(queue: string, options: CleanOptions): Promise<number>;
  /** Round-trip to the backend; throws when it is unreachable (health). */
  ping(): Promise<void>;
  /** Stops taking jobs, waits for running ones to finish, then disconnects. */
  close(): Promise<void>;
}

/**
 * Thrown by a handler to put its job back until `untilMs` (epoch ms) without spending an attempt:
 * the job waits on an outside limit (GitHub's rate limit) rather than failing on it.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly untilMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
