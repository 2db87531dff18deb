import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import { type QueueDriver, RetryLaterError } from '../../src/platform/queue/job-queue';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { createRedisFactory } from '../../src/platform/redis/redis-factory';
import { LogCapture } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { SHARED_REDIS, uniqueName } from '../support/services';

const logger = new LogCapture('warn').logger;
const drivers: QueueDriver[] = [];
afterAll(() => Promise.all(drivers.map((d) => d.close())));

async function bullmq(): Promise<QueueDriver> {
  const { config } = await loadConfig({
    env: {
      REDIS_HOST: SHARED_REDIS.host,
      REDIS_PORT: String(SHARED_REDIS.port),
      REDIS_KEY_PREFIX: uniqueName('rl'),
    },
  });
  return new BullMqDriver(createRedisFactory(config.redis, logger), logger);
}

describe.each([
  ['memory', async () => new MemoryQueueDriver(logger)],
  ['bullmq', bullmq],
])('RetryLaterError on the %s driver', (_name, make) => {
  it('puts the job back until the given time without spending an attempt, then runs it', async () => {
    const driver = await make();
    drivers.push(driver);
    const runs: { at: number; attemptsMade: number }[] = [];
    const waitUntil = Date.now() + 600;
    driver.work<{ n: number }>(
      'retry-later',
      async (job) => {
        runs.push({ at: Date.now(), attemptsMade: job.attemptsMade });
        if (runs.length === 1) throw new RetryLaterError(waitUntil, 'rate limited');
      },
      { concurrency: 1 },
    );
    // One attempt only: a counted failure would fail the job for good.
    const added = await driver.add('retry-later', 'job', { n: 1 }, { attempts: 1 });
    await waitFor(
      async () => (await driver.get('retry-later', added.id))?.state === 'completed',
      'job completed',
      10_000,
    );
    expect(runs).toHaveLength(2);
    expect(runs[1].at).toBeGreaterThanOrEqual(waitUntil - 50);
    expect(runs[1].attemptsMade).toBe(0);
  });
});
