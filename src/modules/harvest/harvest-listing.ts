import type { EntityManager } from '@mikro-orm/postgresql';
import { HarvestJob } from './harvest-job.entity';
import type { HarvestState } from './harvest-requests';
import { toHarvestState } from './harvest.service';

/** The most harvests `unfinishedHarvests` returns. */
export const MAX_LISTED_HARVESTS = 50;

/** Queued or running developer harvests of any login, newest first, at most `limit` (<= 50). */
export async function unfinishedHarvests(em: EntityManager, limit: number): Promise<HarvestState[]> {
  const jobs = await em.find(
    HarvestJob,
    { status: { $in: ['queued', 'running'] } },
    { orderBy: { enqueuedAt: 'desc', id: 'desc' }, limit: Math.min(limit, MAX_LISTED_HARVESTS) },
  );
  return jobs.map(toHarvestState);
}
