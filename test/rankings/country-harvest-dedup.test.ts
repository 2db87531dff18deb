import { describe, expect, it } from 'vitest';
import { CountryHarvestJobs } from '../../src/modules/rankings/country-harvest.jobs';
import type { CountryHarvestService } from '../../src/modules/rankings/country-harvest.service';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { LogCapture } from '../support/app-harness';

describe('country harvest jobs', () => {
  it('asking for the same country twice within the hour returns the same job (no second search sweep)', async () => {
    const logger = new LogCapture('warn').logger;
    const queue = new MemoryQueueDriver(logger);
    const jobs = new CountryHarvestJobs({
      queue,
      logger,
      service: {} as CountryHarvestService,
      countries: { resolve: () => null, name: (code: string) => code, largestCities: () => [] },
      fork: () => {
        throw new Error('no worker runs in this test');
      },
    });
    try {
      const first = await jobs.enqueue('JP');
      await new Promise((r) => setTimeout(r, 20)); // a later request, not the same instant
      const second = await jobs.enqueue('JP');
      const other = await jobs.enqueue('DE');
      expect(second.id).toBe(first.id);
      expect(other.id).not.toBe(first.id);
      expect((await queue.counts('country-harvest')).waiting).toBe(2);
    } finally {
      await queue.close();
    }
  });
});
