import type { Config } from '../../config/config';
import type { Logger } from '../../platform/logging/logger';
import type { QueueDriver } from '../../platform/queue/job-queue';

/**
 * Start-up clean-up of a queue, as the old service did: `QUEUE_CLEANUP_MODE` `always`, `nonprod`
 * (not when NODE_ENV=production) or `never`; removes jobs in `QUEUE_CLEANUP_STATUSES` older than
 * `QUEUE_CLEANUP_GRACE_MS`. Records of removed waiting jobs are noticed and replaced on the next
 * request for their login (HarvestService). Returns how many jobs were removed.
 */
export async function cleanQueueAtStartup(
  queue: QueueDriver,
  name: string,
  config: Pick<Config, 'env' | 'queue'>,
  logger: Logger,
): Promise<number> {
  const { mode, statuses, graceMs } = config.queue.cleanup;
  if (mode === 'never' || (mode === 'nonprod' && config.env === 'production') || statuses.length === 0)
    return 0;
  const removed = await queue.clean(name, { statuses, graceMs });
  logger.info({ queue: name, removed, statuses, graceMs }, 'queue cleaned at start-up');
  return removed;
}
