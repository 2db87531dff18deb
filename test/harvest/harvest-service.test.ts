import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarvestConfig } from '../../src/config/config';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { HARVEST_QUEUE, HarvestService } from '../../src/modules/harvest/harvest.service';
import { createLogger } from '../../src/platform/logging/logger';
import { JobOutbox } from '../../src/platform/outbox/job-outbox';
import { OutboxRelay } from '../../src/platform/outbox/outbox-relay';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';

/**
 * HarvestService rules on a real PostgreSQL, with an in-process queue that has no worker. Jobs go
 * through the outbox; the tests relay them when they look at the queue.
 */
let db: MigratedDatabase;
const logger = createLogger('silent');
const CONFIG: HarvestConfig = {
  freshnessMs: 86_400_000,
  notFoundTtlMs: 3_600_000,
  attempts: 3,
  backoffMs: 100,
  refreshMinIntervalMs: 60_000,
  starts: { windowMs: 3_600_000, budgets: { anonymous: 2, reader: 5, operator: 5, admin: 5 } },
  reservedPoints: 500,
  pausedRecheckMs: 30_000,
};

beforeAll(async () => {
  db = await openMigratedDatabase('harvest_service', logger);
}, 60_000);

afterAll(() => db?.close());

function setup(now: { value: Date }) {
  const queue = new MemoryQueueDriver(logger);
  const outbox = new JobOutbox();
  const relay = new OutboxRelay({
    em: db.database.orm.em,
    queue,
    logger,
    settings: { batchSize: 100, sweepIntervalMs: 60_000, retentionMs: 3_600_000 },
  });
  const service = new HarvestService({ queue, outbox, config: CONFIG, logger, now: () => now.value });
  const em = (): EntityManager => db.em();
  return { queue, relay, service, em };
}

describe('HarvestService', () => {
  it('enqueues one job per login with the configured attempts; a queued one is returned again', async () => {
    const now = { value: new Date() };
    const { queue, relay, service, em } = setup(now);
    const states = await Promise.all(
      ['Octo-Cat', 'octo-cat', 'OCTO-CAT', 'octo-cat'].map((l) => service.request(em(), l, 'auto')),
    );
    expect(new Set(states.map((s) => s.jobId)).size).toBe(1);
    expect(states[0]).toMatchObject({ status: 'queued', trigger: 'auto', progress: 0 });
    await relay.relayPending();
    const job = await queue.get(HARVEST_QUEUE, states[0]!.jobId);
    expect(job?.data).toMatchObject({ jobId: states[0]!.jobId, attempts: 3 });
    expect(await service.latest(em(), 'OCTO-cat')).toMatchObject({ jobId: states[0]!.jobId });
    expect(await service.byId(em(), states[0]!.jobId)).toMatchObject({ login: 'Octo-Cat' });
    await queue.close();
  });

  it('refresh within REFRESH_USER_MIN_INTERVAL_MS returns the latest harvest; after it, a new one', async () => {
    const now = { value: new Date() };
    const { queue, service, em } = setup(now);
    const first = await service.refresh(em(), 'interval-user');
    await em().nativeUpdate(HarvestJob, { id: first.jobId }, { status: 'completed', finishedAt: now.value });
    now.value = new Date(now.value.getTime() + 30_000);
    expect(await service.refresh(em(), 'interval-user')).toMatchObject({
      jobId: first.jobId,
      status: 'completed',
    });
    now.value = new Date(now.value.getTime() + 31_000);
    const next = await service.refresh(em(), 'interval-user');
    expect(next.jobId).not.toBe(first.jobId);
    expect(next).toMatchObject({ status: 'queued', trigger: 'manual' });
    await queue.close();
  });

  it('does not repeat a failed harvest for automatic requests within the interval', async () => {
    const now = { value: new Date() };
    const { queue, service, em } = setup(now);
    const first = await service.request(em(), 'failing-user', 'auto');
    await em().nativeUpdate(HarvestJob, { id: first.jobId }, { status: 'failed', finishedAt: now.value });
    expect((await service.request(em(), 'failing-user', 'auto')).jobId).toBe(first.jobId);
    now.value = new Date(now.value.getTime() + CONFIG.refreshMinIntervalMs + 1);
    expect((await service.request(em(), 'failing-user', 'auto')).jobId).not.toBe(first.jobId);
    await queue.close();
  });

  it('remembers not_found for HARVEST_NOT_FOUND_TTL_HOURS, then asks GitHub again', async () => {
    const now = { value: new Date() };
    const { queue, service, em } = setup(now);
    const first = await service.request(em(), 'gone-user', 'auto');
    await em().nativeUpdate(HarvestJob, { id: first.jobId }, { status: 'not_found', finishedAt: now.value });
    now.value = new Date(now.value.getTime() + CONFIG.notFoundTtlMs - 1000);
    expect(await service.request(em(), 'gone-user', 'manual')).toMatchObject({
      jobId: first.jobId,
      status: 'not_found',
    });
    now.value = new Date(now.value.getTime() + 2000);
    expect((await service.request(em(), 'gone-user', 'manual')).jobId).not.toBe(first.jobId);
    await queue.close();
  });

  it('a queued record whose job the queue lost is marked failed and replaced', async () => {
    const now = { value: new Date() };
    const { queue, service, em } = setup(now);
    const orphan = Object.assign(new HarvestJob(), { login: 'orphan', loginKey: 'orphan', trigger: 'auto' });
    await em().persistAndFlush(orphan);
    const state = await service.request(em(), 'orphan', 'auto');
    expect(state.jobId).not.toBe(orphan.id);
    expect(await service.byId(em(), orphan.id)).toMatchObject({ status: 'failed' });
    await queue.close();
  });

  it('rejects an invalid login with BAD_USER_INPUT and writes nothing', async () => {
    const { queue, service, em } = setup({ value: new Date() });
    await expect(service.request(em(), '-bad-login', 'auto')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await em().count(HarvestJob, { loginKey: '-bad-login' })).toBe(0);
    await queue.close();
  });
});
