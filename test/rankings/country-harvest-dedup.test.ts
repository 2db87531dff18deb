import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountryHarvestJobs } from '../../src/modules/rankings/country-harvest.jobs';
import type { CountryHarvestService } from '../../src/modules/rankings/country-harvest.service';
import { JobOutbox } from '../../src/platform/outbox/job-outbox';
import { OutboxRelay } from '../../src/platform/outbox/outbox-relay';
import { createMemoryPubSub } from '../../src/platform/pubsub/pubsub';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { LogCapture } from '../support/app-harness';
import { openRankingsDb, type RankingsDb } from './rankings-fixtures';

let db: RankingsDb;
beforeAll(async () => {
  db = await openRankingsDb();
});
afterAll(() => db?.close());

describe('country harvest jobs', () => {
  it('asking for the same country twice within the hour returns the same job (no second search sweep)', async () => {
    const logger = new LogCapture('warn').logger;
    const queue = new MemoryQueueDriver(logger);
    const relay = new OutboxRelay({
      em: db.database.orm.em,
      queue,
      logger,
      settings: { batchSize: 100, sweepIntervalMs: 60_000, retentionMs: 3_600_000 },
    });
    const jobs = new CountryHarvestJobs({
      queue,
      outbox: new JobOutbox(),
      logger,
      pubSub: createMemoryPubSub(logger),
      service: {} as CountryHarvestService,
      countries: { resolve: () => null, name: (code: string) => code, largestCities: () => [] },
      fork: () => {
        throw new Error('no worker runs in this test');
      },
    });
    try {
      const first = await jobs.enqueue(db.em(), 'JP');
      expect(first.state).toBe('QUEUED'); // committed, not relayed yet
      await relay.relayPending();
      await new Promise((r) => setTimeout(r, 20)); // a later request, not the same instant
      const second = await jobs.enqueue(db.em(), 'JP');
      const other = await jobs.enqueue(db.em(), 'DE');
      expect(second.id).toBe(first.id);
      expect(other.id).not.toBe(first.id);
      await relay.relayPending();
      expect((await queue.counts('country-harvest')).waiting).toBe(2);
    } finally {
      await relay.close();
      await queue.close();
    }
  });
});
