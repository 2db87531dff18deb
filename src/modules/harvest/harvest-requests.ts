import type { EntityManager } from '@mikro-orm/postgresql';
import type { HarvestStatus, HarvestTrigger } from './harvest-job.entity';
import type { HarvestCaller } from './harvest-starts';

/** Where a harvest of one login stands (from the durable `harvest_job` record). */
export interface HarvestState {
  readonly jobId: string;
  readonly login: string;
  readonly status: HarvestStatus;
  readonly trigger: HarvestTrigger;
  /** 0-100. */
  readonly progress: number;
  readonly stage: string | null;
  readonly attempts: number;
  readonly error: string | null;
  readonly enqueuedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/**
 * What other features need from harvesting: ask for a harvest (deduplicated: while one is queued
 * or running for the login, that one is returned) and read where it stands. The read API uses it
 * to refresh unknown or stale users; rankings use it for country harvests.
 */
export interface HarvestRequests {
  /**
   * `caller`: who asked (an API caller: the new harvest spends its HARVEST_STARTS_* budget, and a
   * spent budget throws HarvestStartRefusedError); none for the server's own harvests.
   */
  request(
    em: EntityManager,
    login: string,
    trigger: HarvestTrigger,
    caller?: HarvestCaller,
  ): Promise<HarvestState>;
  /** The latest harvest of a login (by case-insensitive key), or null when none was ever asked. */
  latest(em: EntityManager, login: string): Promise<HarvestState | null>;
  byId(em: EntityManager, jobId: string): Promise<HarvestState | null>;
}
