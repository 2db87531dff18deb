import { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { queueCheck } from '../../src/modules/system/health-checks';
import { createLogger } from '../../src/platform/logging/logger';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import type { QueueDriver } from '../../src/platform/queue/job-queue';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { createRedisFactory } from '../../src/platform/redis/redis-factory';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { SHARED_REDIS, uniqueName } from '../support/services';

const logger = createLogger('silent');
const nextMidnight = () => CronExpressionParser.parse('0 0 * * *', { tz: 'UTC' }).next().toISOString();

async function bullmqDriver(): Promise<{ driver: BullMqDriver; prefix: string }> {
  const prefix = uniqueName('hq');
  const { config } = await loadConfig({
    env: {
      NODE_ENV: 'test',
      REDIS_HOST: SHARED_REDIS.host,
      REDIS_PORT: String(SHARED_REDIS.port),
      REDIS_KEY_PREFIX: prefix,
    },
  });
  return { driver: new BullMqDriver(createRedisFactory(config.redis, logger), logger), prefix };
}

describe.each(['bullmq', 'memory'] as const)('queue health figures (%s driver)', (kind) => {
  let driver: QueueDriver;
  let release: () => void = () => {};
  beforeAll(async () => {
    if (kind === 'bullmq') ({ driver } = await bullmqDriver());
    else driver = new MemoryQueueDriver(logger);
  });
  afterAll(async () => {
    release();
    await driver?.close();
  });

  it('counts waiting and delayed jobs of a queue nobody works on, with no worker', async () => {
    await driver.add('idle', 'job', { n: 1 });
    await driver.add('idle', 'job', { n: 2 });
    await driver.add('idle', 'job', { n: 3 }, { delayMs: 60_000 });
    const check = await queueCheck(driver, { queues: ['idle'] }).check();
    expect(check.details!.queues).toEqual({
      idle: { waiting: 2, active: 0, delayed: 1, failed: 0, paused: false, workers: 0 },
    });
  });

  it('counts active and failed jobs and the worker taking them', async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    driver.work<{ fail: boolean }>(
      'busy',
      async (job) => {
        if (job.data.fail) throw new Error('no');
        await held;
      },
      { concurrency: 2 },
    );
    await driver.add('busy', 'job', { fail: true });
    await driver.add('busy', 'job', { fail: false });
    let stats = await driver.stats('busy');
    await waitFor(
      async () => {
        stats = await driver.stats('busy');
        return stats.counts.failed === 1 && stats.counts.active === 1;
      },
      'one failed, one active',
      10_000,
    );
    expect(stats).toMatchObject({ paused: false, workers: 1 });
    expect(stats.counts).toMatchObject({ waiting: 0, delayed: 0 });
    release();
  });

  it('reports when a scheduled job runs next, and nothing for an unknown one', async () => {
    await driver.schedule('rankings', 'rankings-run', '0 0 * * *', 'run', {});
    const check = await queueCheck(driver, {
      queues: [],
      schedules: {
        nextRankingRun: { queue: 'rankings', key: 'rankings-run' },
        nextOther: { queue: 'rankings', key: 'none' },
      },
    }).check();
    expect(check.details).toEqual({ driver: kind, nextRankingRun: nextMidnight(), nextOther: null });
  });
});

describe('queue health figures (bullmq driver, paused)', () => {
  it('shows a queue an operator paused, and resumed', async () => {
    const { driver, prefix } = await bullmqDriver();
    const queue = new Queue('idle', { connection: { ...SHARED_REDIS }, prefix });
    try {
      await queue.pause();
      expect(await driver.stats('idle')).toMatchObject({ paused: true });
      await queue.resume();
      expect(await driver.stats('idle')).toMatchObject({ paused: false });
    } finally {
      await queue.close();
      await driver.close();
    }
  });
});

describe('health shows the queues to operators', () => {
  let t: TestApp;
  let operator: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ role: 'all' });
    operator = bearer((await createKeyWithCli(t.config, 'operator')).key);
  }, 60_000);
  afterAll(() => t?.close());

  it('per queue waiting, active, delayed, failed, paused and workers, and the next ranking run', async () => {
    const response = await fetch(`${t.url}/api/system/health`, { headers: operator });
    const body = (await response.json()) as { components: Record<string, { details?: unknown }> };
    const idle = { waiting: 0, active: 0, delayed: 0, failed: 0, paused: false, workers: 1 };
    expect(body.components.queue!.details).toEqual({
      driver: 'bullmq',
      // BullMQ keeps the scheduled run as a job delayed until its time.
      queues: { harvest: idle, rankings: { ...idle, delayed: 1 }, 'country-harvest': idle },
      nextRankingRun: nextMidnight(),
    });
    const anonymous = (await (await fetch(`${t.url}/api/system/health`)).json()) as typeof body;
    expect(anonymous.components.queue!.details).toBeUndefined();
    const gql = await t.graphql('{ systemHealth { components { name details } } }', {}, operator);
    const queue = (gql.body.data.systemHealth.components as { name: string; details: unknown }[]).find(
      (c) => c.name === 'queue',
    );
    expect(queue!.details).toEqual(body.components.queue!.details);
  });
});
