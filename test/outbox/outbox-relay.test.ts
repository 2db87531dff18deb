import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../../src/config/load-config';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { createLogger } from '../../src/platform/logging/logger';
import { JobOutbox } from '../../src/platform/outbox/job-outbox';
import {
  OutboxRelay,
  type OutboxRelayHooks,
  type OutboxRelaySettings,
} from '../../src/platform/outbox/outbox-relay';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import type { QueueDriver } from '../../src/platform/queue/job-queue';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { createRedisFactory } from '../../src/platform/redis/redis-factory';
import { waitFor } from '../support/free-port';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';
import { SHARED_REDIS, uniqueName } from '../support/services';

/** The outbox on a real PostgreSQL, relayed to BullMQ on a real Redis (and to the memory driver). */
const logger = createLogger('silent');
const SETTINGS: OutboxRelaySettings = { batchSize: 100, sweepIntervalMs: 60_000, retentionMs: 3_600_000 };
let db: MigratedDatabase;
const em = (): EntityManager => db.em();
const rows = (): Promise<
  { job_id: string; relayed_at: Date | null; attempts: number; last_error: string | null }[]
> => em().execute('select job_id, relayed_at, attempts, last_error from job_outbox order by id');

beforeAll(async () => {
  db = await openMigratedDatabase('outbox', logger);
}, 60_000);

afterAll(() => db?.close());

beforeEach(async () => {
  await em().execute('delete from job_outbox');
});

function relay(queue: QueueDriver, settings: Partial<OutboxRelaySettings> = {}, hooks?: OutboxRelayHooks) {
  return new OutboxRelay({
    em: db.database.orm.em,
    queue,
    logger,
    settings: { ...SETTINGS, ...settings },
    hooks,
  });
}

async function bullmq(): Promise<BullMqDriver> {
  const { config } = await loadConfig({
    env: {
      REDIS_HOST: SHARED_REDIS.host,
      REDIS_PORT: String(SHARED_REDIS.port),
      REDIS_KEY_PREFIX: uniqueName('ob'),
    },
  });
  return new BullMqDriver(createRedisFactory(config.redis, logger), logger);
}

const record = (login: string) =>
  Object.assign(new HarvestJob(), { login, loginKey: login, trigger: 'auto' });

describe('JobOutbox.enqueue', () => {
  it('commits the row with the record, and wakes the relay only once both are visible to others', async () => {
    const seen: number[] = [];
    const outbox = new JobOutbox(() => {
      // Another connection: the wake comes after the commit, never before.
      void em()
        .execute<{ n: string }[]>('select count(*) as n from job_outbox where job_id = ?', ['with-record'])
        .then(([r]) => seen.push(Number(r!.n)));
    });
    const job = record('committed-user');
    await em().transactional(async (tx) => {
      await tx.persistAndFlush(job);
      expect(
        await outbox.enqueue(tx, { queue: 'q', name: 'n', data: { id: job.id }, jobId: 'with-record' }),
      ).toBe(true);
      expect(seen).toEqual([]);
    });
    await waitFor(async () => seen.length > 0, 'wake', 5_000);
    expect(seen).toEqual([1]);
    expect(await em().count(HarvestJob, { id: job.id })).toBe(1);
    expect((await rows()).map((r) => r.job_id)).toEqual(['with-record']);
  });

  it('rolls the row back with the record: there is nothing to relay', async () => {
    const outbox = new JobOutbox();
    const job = record('rolled-back-user');
    await expect(
      em().transactional(async (tx) => {
        await tx.persistAndFlush(job);
        await outbox.enqueue(tx, { queue: 'q', name: 'n', data: {}, jobId: 'rolled-back' });
        throw new Error('the feature failed after asking for its job');
      }),
    ).rejects.toThrow('the feature failed');
    expect(await em().count(HarvestJob, { id: job.id })).toBe(0);
    expect(await rows()).toEqual([]);
    const queue = new MemoryQueueDriver(logger);
    expect(await relay(queue).relayPending()).toBe(0);
    expect(await queue.get('q', 'rolled-back')).toBeUndefined();
  });

  it('writes one row per queue and job id (asking again is the same job)', async () => {
    const outbox = new JobOutbox();
    expect(await outbox.enqueue(em(), { queue: 'q', name: 'n', data: { n: 1 }, jobId: 'same' })).toBe(true);
    expect(await outbox.enqueue(em(), { queue: 'q', name: 'n', data: { n: 2 }, jobId: 'same' })).toBe(false);
    expect(await outbox.enqueue(em(), { queue: 'other', name: 'n', data: {}, jobId: 'same' })).toBe(true);
    expect(await rows()).toHaveLength(2);
    expect(await outbox.pending(em(), 'q', 'same')).toMatchObject({ jobId: 'same', data: { n: 1 } });
  });
});

describe('OutboxRelay', () => {
  it('a relay that fails between adding the job and marking the row adds it again, and it runs once', async () => {
    const queue = await bullmq();
    const runs: string[] = [];
    try {
      queue.work<{ n: number }>('once', async (job) => void runs.push(job.id), { concurrency: 2 });
      await new JobOutbox().enqueue(em(), {
        queue: 'once',
        name: 'n',
        data: { n: 1 },
        jobId: 'job-1',
        opts: { attempts: 2 },
      });
      const crashing = relay(
        queue,
        {},
        {
          beforeMark: async () => {
            throw new Error('crashed after the add, before the mark');
          },
        },
      );
      await expect(crashing.relayPending()).rejects.toThrow('crashed after the add');
      expect((await rows())[0]).toMatchObject({ job_id: 'job-1', relayed_at: null });
      expect((await queue.get('once', 'job-1'))?.data).toEqual({ n: 1 });

      expect(await relay(queue).relayPending()).toBe(1);
      expect((await rows())[0]!.relayed_at).not.toBeNull();
      await waitFor(async () => (await queue.counts('once')).completed === 1, 'job done', 15_000);
      expect(await queue.counts('once')).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 1 });
      expect(runs).toEqual(['job-1']);
    } finally {
      await queue.close();
    }
  });

  it('relays on several processes at once add each job once (FOR UPDATE SKIP LOCKED)', async () => {
    const outbox = new JobOutbox();
    for (let i = 0; i < 60; i++)
      await outbox.enqueue(em(), { queue: 'many', name: 'n', data: { i }, jobId: `m-${i}` });
    const adds = new Map<string, number>();
    const counting = (): QueueDriver => {
      const inner = new MemoryQueueDriver(logger);
      return Object.assign(Object.create(inner) as QueueDriver, {
        add: async (queue: string, name: string, data: unknown, options?: { jobId?: string }) => {
          adds.set(options!.jobId!, (adds.get(options!.jobId!) ?? 0) + 1);
          await new Promise((r) => setImmediate(r)); // let the other relay interleave
          return inner.add(queue, name, data, options);
        },
      });
    };
    const relays = [relay(counting(), { batchSize: 7 }), relay(counting(), { batchSize: 7 })];
    const [a, b] = await Promise.all(relays.map((r) => r.relayPending()));
    expect(a! + b!).toBe(60);
    expect(adds.size).toBe(60);
    expect([...adds.values()].every((n) => n === 1)).toBe(true);
    expect((await rows()).every((r) => r.relayed_at !== null)).toBe(true);
  });

  it('a queue that refuses a job leaves its row pending with the error; a later pass relays it', async () => {
    await new JobOutbox().enqueue(em(), { queue: 'q', name: 'n', data: {}, jobId: 'refused' });
    const down = Object.assign(new MemoryQueueDriver(logger), {
      add: async () => {
        throw new Error('queue unreachable');
      },
    });
    expect(await relay(down).relayPending()).toBe(0);
    expect((await rows())[0]).toMatchObject({
      relayed_at: null,
      attempts: 1,
      last_error: 'queue unreachable',
    });
    const up = new MemoryQueueDriver(logger);
    expect(await relay(up).relayPending()).toBe(1);
    expect(await up.get('q', 'refused')).toBeDefined();
  });

  it('relays at start what a crashed process left, with no wake', async () => {
    await new JobOutbox().enqueue(em(), { queue: 'q', name: 'n', data: {}, jobId: 'left-behind' });
    const queue = new MemoryQueueDriver(logger);
    const started = relay(queue);
    started.start();
    try {
      await waitFor(
        async () => (await queue.get('q', 'left-behind')) !== undefined,
        'relayed at start',
        10_000,
      );
    } finally {
      await started.close();
    }
  });

  it('keeps relayed rows for OUTBOX_RETENTION_HOURS, or not at all when it is 0', async () => {
    const outbox = new JobOutbox();
    await outbox.enqueue(em(), { queue: 'q', name: 'n', data: {}, jobId: 'kept' });
    await relay(new MemoryQueueDriver(logger)).relayPending();
    expect(await rows()).toHaveLength(1);
    // Past the retention: the next sweep deletes it.
    await em().execute("update job_outbox set relayed_at = now() - interval '2 hours'");
    const sweeping = relay(new MemoryQueueDriver(logger), { sweepIntervalMs: 100 });
    sweeping.start();
    try {
      await waitFor(async () => (await rows()).length === 0, 'expired row deleted', 10_000);
    } finally {
      await sweeping.close();
    }
    await outbox.enqueue(em(), { queue: 'q', name: 'n', data: {}, jobId: 'not-kept' });
    expect(await relay(new MemoryQueueDriver(logger), { retentionMs: 0 }).relayPending()).toBe(1);
    expect(await rows()).toEqual([]);
  });
});
