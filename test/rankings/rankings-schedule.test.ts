import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { RankingRunService } from '../../src/modules/rankings/ranking-run.service';
import { RANKINGS_UPDATED, RankingJobs } from '../../src/modules/rankings/rankings.jobs';
import { MemoryCache } from '../../src/platform/cache/memory-cache';
import { createLogger } from '../../src/platform/logging/logger';
import { JobOutbox } from '../../src/platform/outbox/job-outbox';
import { createMemoryPubSub } from '../../src/platform/pubsub/pubsub';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import type { QueueDriver } from '../../src/platform/queue/job-queue';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { createRedisFactory } from '../../src/platform/redis/redis-factory';
import { SHARED_REDIS, uniqueName } from '../support/services';
import { insertUsers, openRankingsDb, type RankingsDb } from './rankings-fixtures';

const logger = createLogger('silent');
const EVERY_SECOND = '* * * * * *';

describe('ranking schedule', () => {
  let db: RankingsDb;
  beforeAll(async () => {
    db = await openRankingsDb();
    await insertUsers(db.em(), [
      { login: 'ada', followers: 100, country: 'DE' },
      { login: 'bob', followers: 50, country: 'NG' },
    ]);
  });
  afterAll(() => db?.close());

  function worker(queue: QueueDriver, published: unknown[]): RankingJobs {
    const pubSub = createMemoryPubSub(logger);
    const publish = pubSub.publish.bind(pubSub);
    pubSub.publish = (topic: string, ...args: unknown[]) => {
      if (topic === RANKINGS_UPDATED) published.push(args[0]);
      publish(topic, ...args);
    };
    return new RankingJobs({
      queue,
      outbox: new JobOutbox(), // scheduled runs do not go through it
      runs: new RankingRunService({ ...db.config.rankings, runTimeoutMs: 60_000 }, logger),
      pubSub,
      cache: new MemoryCache(100),
      fork: () => db.em() as EntityManager,
      cron: EVERY_SECOND,
      logger,
    });
  }

  it('two workers on one Valkey with the schedule produce exactly one run per period', async () => {
    const { config } = await loadConfig({
      env: {
        NODE_ENV: 'test',
        REDIS_HOST: SHARED_REDIS.host,
        REDIS_PORT: String(SHARED_REDIS.port),
        REDIS_KEY_PREFIX: uniqueName('rk'),
      },
    });
    const drivers = [0, 1].map(() => new BullMqDriver(createRedisFactory(config.redis, logger), logger));
    const published: unknown[] = [];
    try {
      // Both workers register the schedule (as every worker process does at start) and process runs.
      await Promise.all(drivers.map((driver) => worker(driver, published).startWorker()));
      await new Promise((resolve) => setTimeout(resolve, 5_500));
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
    }
    const runs = await db
      .em()
      .execute<{ status: string; job_id: string; trigger: string }[]>(
        'select status, job_id, trigger from ranking_run order by id',
      );
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(7);
    expect(runs.every((r) => r.status === 'completed' && r.trigger === 'schedule')).toBe(true);
    // One job per period: each job id names its period, and no period ran twice.
    const periods = runs.map((r) => r.job_id.split(':').at(-1));
    expect(new Set(periods).size).toBe(runs.length);
    expect(published).toHaveLength(runs.length);
  }, 30_000);

  it('the memory driver repeats a schedule too (embedded mode), one job per period', async () => {
    const queue = new MemoryQueueDriver(logger);
    const seen: string[] = [];
    try {
      await queue.schedule('q', 'key', EVERY_SECOND, 'tick', {});
      await queue.schedule('q', 'key', EVERY_SECOND, 'tick', {}); // a second call replaces, never doubles
      queue.work('q', async (job) => void seen.push(job.id), { concurrency: 2 });
      await new Promise((resolve) => setTimeout(resolve, 2_600));
    } finally {
      await queue.close();
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
