import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger';
import type { QueueDriver } from '../queue/job-queue';
import type { OutboxJobOptions } from './outbox-message.entity';

export interface OutboxRelaySettings {
  /** Rows relayed per transaction. */
  readonly batchSize: number;
  /** How often pending rows are looked for without a wake (rows left by a crashed process). */
  readonly sweepIntervalMs: number;
  /** How long relayed rows are kept; 0 deletes them as they are relayed. */
  readonly retentionMs: number;
}

/** A row the relay added to the queue. */
export interface RelayedJob {
  readonly id: string;
  readonly queue: string;
  readonly jobId: string;
}

/** Points where tests stop or kill the relay: rows locked but not added; added but not marked. */
export interface OutboxRelayHooks {
  /** After a batch's rows were locked, before any job is added. */
  readonly beforeAdd?: (jobs: readonly RelayedJob[]) => Promise<void>;
  /** After a batch's jobs were added, before they are marked relayed. */
  readonly beforeMark?: (jobs: readonly RelayedJob[]) => Promise<void>;
}

export interface OutboxRelayOptions {
  /** The global EntityManager: the relay uses its connection pool, never a request's. */
  readonly em: EntityManager;
  readonly queue: QueueDriver;
  readonly logger: Logger;
  readonly settings: OutboxRelaySettings;
  readonly hooks?: OutboxRelayHooks;
}

interface OutboxRow {
  id: string;
  queue: string;
  name: string;
  job_id: string;
  data: unknown;
  options: OutboxJobOptions;
  created_at: Date;
}

/** A queue that answers nothing within this long counts as failed for this pass. */
const ADD_TIMEOUT_MS = 5_000;
/** Failed adds after which a pass stops (the queue is likely down; the next sweep tries again). */
const MAX_FAILURES_PER_PASS = 3;
/** Relayed rows deleted per statement by the retention. */
const RETENTION_CHUNK = 1_000;

/**
 * Moves committed outbox rows to the queue. A pass locks up to `batchSize` pending rows
 * (`FOR UPDATE SKIP LOCKED`: relays in other processes take other rows), adds each job under its
 * deterministic id, and marks them relayed in the same transaction. A crash before the mark
 * leaves the rows pending: they are added again, and the queue returns the job it already holds.
 * Passes run one at a time per process: on a wake (after a commit in this process), on every
 * sweep, and at start. Queries go through knex, not MikroORM, so they stay out of the ORM's query
 * log.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Relays now what is pending, then every `sweepIntervalMs` (and deletes expired relayed rows). */
  start(): void {
    if (this.closed || this.timer) return;
    this.timer = setInterval(() => this.sweep(), this.options.settings.sweepIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** A commit wrote rows: relay them (coalesced with a pass already running). */
  readonly wake = (): void => {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
  };

  /** Relays every pending row now; resolves with how many were added (tests, tools). */
  async relayPending(): Promise<number> {
    await this.running;
    return this.relayAll();
  }

  private async relayAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const { fetched, relayed } = await this.pass();
      total += relayed;
      if (fetched < this.options.settings.batchSize || relayed < fetched) return total;
    }
  }

  /** Stops sweeping and waits for the pass in flight; pending rows wait for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private sweep(): void {
    this.wake();
    if (this.options.settings.retentionMs > 0)
      void this.deleteExpired().catch((error: Error) =>
        this.options.logger.warn({ error: error.message }, 'outbox retention failed'),
      );
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.relayAll();
      } catch (error) {
        this.options.logger.warn({ error: (error as Error).message }, 'outbox relay pass failed');
        return; // the next sweep tries again
      }
    } while (this.again && !this.closed);
  }

  private pass(): Promise<{ fetched: number; relayed: number }> {
    const { queue, logger, settings, hooks } = this.options;
    return this.options.em.getKnex().transaction(async (trx) => {
      const { rows } = (await trx.raw(
        `select id, queue, name, job_id, data, options, created_at from job_outbox
           where relayed_at is null order by id limit ? for update skip locked`,
        [settings.batchSize],
      )) as { rows: OutboxRow[] };
      await hooks?.beforeAdd?.(rows.map(toRelayed));
      const relayed: RelayedJob[] = [];
      let failures = 0;
      for (const row of rows) {
        try {
          await withTimeout(
            queue.add(row.queue, row.name, row.data, {
              ...row.options,
              jobId: row.job_id,
              createdAt: new Date(row.created_at),
            }),
            ADD_TIMEOUT_MS,
          );
          relayed.push(toRelayed(row));
        } catch (error) {
          const message = (error as Error).message;
          logger.warn({ queue: row.queue, jobId: row.job_id, error: message }, 'outbox job not relayed');
          await trx.raw('update job_outbox set attempts = attempts + 1, last_error = ? where id = ?', [
            message.slice(0, 500),
            row.id,
          ]);
          if (++failures >= MAX_FAILURES_PER_PASS) break;
        }
      }
      await hooks?.beforeMark?.(relayed);
      if (relayed.length > 0) {
        const ids = relayed.map((r) => r.id);
        const where = `id in (${ids.map(() => '?').join(', ')})`;
        await trx.raw(
          settings.retentionMs > 0
            ? `update job_outbox set relayed_at = now() where ${where}`
            : `delete from job_outbox where ${where}`,
          ids,
        );
        logger.debug({ jobs: relayed.length }, 'outbox jobs relayed');
      }
      return { fetched: rows.length, relayed: relayed.length };
    });
  }

  private async deleteExpired(): Promise<void> {
    const cutoff = new Date(Date.now() - this.options.settings.retentionMs);
    const knex = this.options.em.getKnex();
    for (;;) {
      const deleted = await knex.raw(
        `delete from job_outbox where id in (
           select id from job_outbox where relayed_at < ? order by relayed_at limit ?)`,
        [cutoff, RETENTION_CHUNK],
      );
      if (((deleted as { rowCount?: number }).rowCount ?? 0) < RETENTION_CHUNK || this.closed) return;
    }
  }
}

function toRelayed(row: OutboxRow): RelayedJob {
  return { id: String(row.id), queue: row.queue, jobId: row.job_id };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
