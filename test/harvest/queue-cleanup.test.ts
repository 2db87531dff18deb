import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config';
import { cleanQueueAtStartup } from '../../src/modules/harvest/queue-cleanup';
import { createLogger } from '../../src/platform/logging/logger';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import type { QueueDriver } from '../../src/platform/queue/job-queue';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { createRedisFactory } from '../../src/platform/redis/redis-factory';
import { SHARED_REDIS, uniqueName } from '../support/services';
import { loadConfig } from '../../src/config/load-config';

const logger = createLogger('silent');
const drivers: QueueDriver[] = [];

afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
});

function settings(
  env: Config['env'],
  mode: Config['queue']['cleanup']['mode'],
  statuses: string[],
  graceMs = 0,
): Pick<Config, 'env' | 'queue'> {
  return {
    env,
    queue: {
      concurrency: 1,
      stalled: { lockDurationMs: 30_000, intervalMs: 30_000 },
      cleanup: { mode, statuses, graceMs },
    },
  };
}

async function withFinishedJobs(driver: QueueDriver, queue: string): Promise<void> {
  driver.work(
    queue,
    async (job) => {
      if ((job.data as { fail: boolean }).fail) throw new Error('boom');
    },
    { concurrency: 2 },
  );
  await driver.add(queue, 'ok', { fail: false }, { jobId: 'ok' });
  await driver.add(queue, 'bad', { fail: true }, { jobId: 'bad' });
  for (let i = 0; i < 100; i++) {
    const counts = await driver.counts(queue);
    if (counts.completed === 1 && counts.failed === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('jobs did not finish');
}

describe.each([
  ['memory', () => new MemoryQueueDriver(logger)],
  [
    'bullmq',
    async () => {
      const { config } = await loadConfig({
        env: {
          NODE_ENV: 'test',
          REDIS_HOST: SHARED_REDIS.host,
          REDIS_PORT: String(SHARED_REDIS.port),
          REDIS_KEY_PREFIX: uniqueName('cleanup'),
        },
      });
      return new BullMqDriver(createRedisFactory(config.redis, logger), logger);
    },
  ],
] as const)('start-up queue clean-up (%s driver)', (_name, make) => {
  it('follows QUEUE_CLEANUP_MODE, QUEUE_CLEANUP_STATUSES and QUEUE_CLEANUP_GRACE_MS', async () => {
    const driver = await make();
    drivers.push(driver);
    const queue = 'cleanup-test';
    await withFinishedJobs(driver, queue);
    expect(
      await cleanQueueAtStartup(driver, queue, settings('production', 'nonprod', ['completed']), logger),
    ).toBe(0);
    expect(await cleanQueueAtStartup(driver, queue, settings('test', 'never', ['completed']), logger)).toBe(
      0,
    );
    expect(
      await cleanQueueAtStartup(driver, queue, settings('test', 'always', ['completed'], 3_600_000), logger),
    ).toBe(0);
    expect(await cleanQueueAtStartup(driver, queue, settings('test', 'nonprod', ['completed']), logger)).toBe(
      1,
    );
    expect(await driver.get(queue, 'ok')).toBeUndefined();
    expect(await driver.get(queue, 'bad')).toBeDefined();
    expect(
      await cleanQueueAtStartup(driver, queue, settings('production', 'always', ['failed']), logger),
    ).toBe(1);
    expect(await driver.get(queue, 'bad')).toBeUndefined();
  });
});
