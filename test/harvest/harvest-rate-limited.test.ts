import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarvestKit, TOKEN, type HarvestKit } from './harvest-kit';

let kit: HarvestKit;
beforeAll(async () => {
  // The client gives up on a spent rate limit after 100 ms instead of waiting for the reset itself.
  kit = await startHarvestKit({ HARVEST_ATTEMPTS: '1' }, { maxRateLimitWaitMs: 100 });
}, 60_000);
afterAll(() => kit?.close());

describe('harvest when every token is rate-limited', () => {
  it('waits for the reset instead of failing, spending no attempt, then completes', async () => {
    // One attempt only: if the rate limit counted as a failure, the job would end FAILED.
    const resetAt = Date.now() + 2_000;
    kit.fake.exhaust(TOKEN, 'core', resetAt);
    kit.fake.exhaust(TOKEN, 'graphql', resetAt);
    const job = await kit.refresh('empty-dev');
    const done = await kit.finished(job.id, 30_000);
    expect(done.status).toBe('COMPLETED');
    expect(
      kit.events.some((e) => e.state.jobId === job.id && e.state.stage === 'waiting for GitHub rate limit'),
    ).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt);
  }, 60_000);
});
