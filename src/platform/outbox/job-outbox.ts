import type { EntityManager } from '@mikro-orm/postgresql';
import type { OutboxJobOptions } from './outbox-message.entity';

/** A job to add to a queue once the caller's transaction commits. */
export interface OutboxJob<T> {
  readonly queue: string;
  /** The job name the queue driver is given. */
  readonly name: string;
  readonly data: T;
  /**
   * Deterministic id: the record's id (or a period key). The queue adds one job per id, so a row
   * relayed twice (a crash after the add, before the mark) still makes one job.
   */
  readonly jobId: string;
  readonly opts?: OutboxJobOptions;
}

/** A row not relayed yet: the job is asked for and committed, but not in the queue yet. */
export interface PendingJob {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  readonly jobId: string;
  readonly data: unknown;
  readonly createdAt: Date;
}

interface PendingRow {
  id: string;
  queue: string;
  name: string;
  job_id: string;
  data: unknown;
  created_at: Date | string;
}

/**
 * The writing side of the transactional outbox: features call `enqueue` with the EntityManager of
 * the transaction that writes their record, so the job and the record commit or roll back
 * together. After the commit, `committed` wakes this process's relay (a hint: the relay's
 * periodic sweep relays what a wake missed, and what a crashed process left).
 */
export class JobOutbox {
  constructor(private readonly committed: () => void = () => undefined) {}

  /**
   * Writes the job in `em`'s transaction (or on its own when `em` is in none). Returns false when
   * a row for the same queue and job id is already kept (the same job was asked for: one job).
   */
  async enqueue<T>(em: EntityManager, job: OutboxJob<T>): Promise<boolean> {
    const rows = await em.execute<{ id: string }[]>(
      `insert into job_outbox (queue, name, job_id, data, options, created_at)
         values (?, ?, ?, ?::jsonb, ?::jsonb, now())
         on conflict (queue, job_id) do nothing returning id`,
      [job.queue, job.name, job.jobId, JSON.stringify(job.data), JSON.stringify(job.opts ?? {})],
    );
    this.afterCommit(em);
    return rows.length > 0;
  }

  /** The job's row while it waits for the relay; null once relayed (or when never asked for). */
  async pending(em: EntityManager, queue: string, jobId: string): Promise<PendingJob | null> {
    const [row] = await em.execute<PendingRow[]>(
      `select id, queue, name, job_id, data, created_at from job_outbox
         where queue = ? and job_id = ? and relayed_at is null`,
      [queue, jobId],
    );
    return row ? toPendingJob(row) : null;
  }

  /** A queue's rows waiting for the relay, newest first, at most `limit` (the operator console). */
  async pendingOf(em: EntityManager, queue: string, limit: number): Promise<PendingJob[]> {
    const rows = await em.execute<PendingRow[]>(
      `select id, queue, name, job_id, data, created_at from job_outbox
         where queue = ? and relayed_at is null order by id desc limit ?`,
      [queue, limit],
    );
    return rows.map(toPendingJob);
  }

  private afterCommit(em: EntityManager): void {
    // MikroORM's transaction context is a knex transaction: its executionPromise settles once the
    // transaction ended. knex resolves it on a plain rollback too, so a rolled-back transaction
    // wakes the relay for nothing (one indexed select); the wake is a hint, never the guarantee.
    // Outside a transaction the row is committed already.
    const trx = em.getTransactionContext<{ executionPromise?: Promise<unknown> }>();
    if (trx?.executionPromise) trx.executionPromise.then(this.committed, this.committed);
    else this.committed();
  }
}

function toPendingJob(row: PendingRow): PendingJob {
  return {
    id: String(row.id),
    queue: row.queue,
    name: row.name,
    jobId: row.job_id,
    data: row.data,
    createdAt: new Date(row.created_at),
  };
}
