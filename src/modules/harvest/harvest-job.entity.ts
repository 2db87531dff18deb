import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const HARVEST_STATUSES = [
  'queued',
  'running',
  'completed',
  'failed',
  'not_found',
  'organization',
] as const;
export type HarvestStatus = (typeof HARVEST_STATUSES)[number];

export const HARVEST_TRIGGERS = ['auto', 'manual', 'country', 'import', 'webhook'] as const;
export type HarvestTrigger = (typeof HARVEST_TRIGGERS)[number];

/**
 * The durable record of a harvest (the queue keeps jobs only for a while): what was asked, by
 * which trigger, how it went, and why it failed.
 */
@Entity({ tableName: 'harvest_job' })
@Index({ name: 'harvest_job_login_key_index', properties: ['loginKey', 'enqueuedAt'] })
// The unfinished harvests, newest first (operations { harvests }), without scanning the history.
@Index({
  name: 'harvest_job_unfinished_index',
  expression:
    'create index "harvest_job_unfinished_index" on "harvest_job" ("enqueued_at" desc) where "status" in (\'queued\', \'running\')',
})
export class HarvestJob {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  login!: string;

  @Property({ type: 'text' })
  loginKey!: string;

  @Enum({ items: () => HARVEST_STATUSES, type: 'text' })
  status: HarvestStatus = 'queued';

  @Enum({ items: () => HARVEST_TRIGGERS, type: 'text' })
  trigger!: HarvestTrigger;

  /** 0-100. */
  @Property({ type: 'smallint' })
  progress: number = 0;

  /** What the job is doing now (`profile`, `repositories`, `activity`, `saving`, ...). */
  @Property({ type: 'text', nullable: true })
  stage: string | null = null;

  @Property({ type: 'smallint' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'timestamptz' })
  enqueuedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;
}
