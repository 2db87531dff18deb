import { type JobHandler, type QueueDriver, RetryLaterError } from '../queue/job-queue';
import type { Logger } from '../logging/logger';
import type { AppMetrics } from './metrics';

/**
 * The queue driver with each job this process runs counted (completed, failed, retry_later), timed
 * per queue and logged as one line with its job id; every other member is the driver's own.
 */
export function instrumentQueue(queue: QueueDriver, metrics: AppMetrics, logger: Logger): QueueDriver {
  const work: QueueDriver['work'] = <T>(
    name: string,
    handler: JobHandler<T>,
    options: { concurrency: number },
  ) =>
    queue.work<T>(
      name,
      async (job) => {
        const end = metrics.jobDuration.startTimer({ queue: name });
        const fields = { queue: name, jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 };
        try {
          const result = await handler(job);
          metrics.jobsProcessed.inc({ queue: name, outcome: 'completed' });
          logger.info({ ...fields, outcome: 'completed', ms: Math.round(end() * 1000) }, 'job finished');
          return result;
        } catch (error) {
          const outcome = error instanceof RetryLaterError ? 'retry_later' : 'failed';
          metrics.jobsProcessed.inc({ queue: name, outcome });
          const ms = Math.round(end() * 1000);
          logger.warn({ ...fields, outcome, ms, error: (error as Error).message }, 'job finished');
          throw error;
        }
      },
      options,
    );
  return new Proxy(queue, {
    get(target, property) {
      if (property === 'work') return work;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
