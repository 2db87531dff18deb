import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** What a relayed job is added with besides its id (the queue driver's JobOptions). */
export interface OutboxJobOptions {
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly delayMs?: number;
  /** Queue priority: 1 runs first (BullMQ); none: before every prioritized job. */
  readonly priority?: number;
}

/**
 * A job written in the same transaction as the record it works on, and relayed to the queue
 * after commit (src/platform/outbox/outbox-relay.ts). `(queue, job_id)` is unique: asking for the
 * same job twice while its row is kept writes one row, and the queue dedups by the same id.
 * The relay reads and writes this table with SQL; the entity declares the schema.
 */
@Entity({ tableName: 'job_outbox' })
@Unique({ name: 'job_outbox_queue_job_id_unique', properties: ['queue', 'jobId'] })
// Pending rows (`relayed_at is null`) and retention (`relayed_at < cutoff`) both use it.
@Index({ name: 'job_outbox_relayed_at_index', properties: ['relayedAt', 'id'] })
export class OutboxMessage {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'text' })
  queue!: string;

  @Property({ type: 'text' })
  name!: string;

  /** The queue job's id: deterministic, so a row relayed twice adds one job. */
  @Property({ type: 'text' })
  jobId!: string;

  @Property({ type: 'jsonb' })
  data!: unknown;

  @Property({ type: 'jsonb' })
  options: OutboxJobOptions = {};

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** When the relay added it to the queue; null while pending. */
  @Property({ type: 'timestamptz', nullable: true })
  relayedAt: Date | null = null;

  /** Failed relay tries (the queue was unreachable or refused the job). */
  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;
}
