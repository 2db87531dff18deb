import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { WAITING_FOR_BUDGET } from '../../src/modules/harvest/harvest-gate';
import { RefreshUserDocument, UserHarvestAdmissionDocument } from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { STANDARD_LOGINS } from '../support/fake-github';
import { waitFor } from '../support/free-port';
import { type HarvestKit, startHarvestKit, TOKEN } from './harvest-kit';

/**
 * HARVEST_RESERVED_POINTS: once fewer GitHub points are left than the reserve, only a key holder's
 * refreshUser spends them; an automatic harvest waits (queued, no attempt spent) until the budget
 * resets, then runs.
 */
let kit: HarvestKit;
let key: string;

beforeAll(async () => {
  kit = await startHarvestKit({ HARVEST_RESERVED_POINTS: '500' });
  key = (await createKeyWithCli(kit.t.config, 'reader')).key;
}, 120_000);

afterAll(() => kit?.close());

const refreshAsKeyHolder = async (login: string) => {
  const { data, errors } = await kit.t.execute(RefreshUserDocument, { login }, bearer(key));
  if (!data) throw new Error(JSON.stringify(errors));
  return data.refreshUser.harvest.id;
};

describe('the GitHub budget kept for key holders', () => {
  it('lets only a key holder’s refreshUser spend the last points; automatic harvests wait for the reset', async () => {
    // 300 points left on each resource, resetting in 20 s.
    const resetAt = Date.now() + 20_000;
    kit.fake.setBudget(TOKEN, 'core', 300, resetAt);
    kit.fake.setBudget(TOKEN, 'graphql', 300, resetAt);
    // The pool learns the budget from GitHub's answers: a key holder's harvest spends some.
    expect(await kit.finished(await refreshAsKeyHolder(STANDARD_LOGINS.empty))).toMatchObject({
      status: 'COMPLETED',
    });

    const lookup = await kit.t.execute(UserHarvestAdmissionDocument, { login: STANDARD_LOGINS.renamed });
    const autoId = lookup.data!.user.harvest!.id;
    await waitFor(
      async () => (await kit.em().findOneOrFail(HarvestJob, { id: autoId })).stage === WAITING_FOR_BUDGET,
      'automatic harvest waiting for the budget',
      20_000,
    );
    // Meanwhile a key holder's refresh still runs on the reserve.
    expect(await kit.finished(await refreshAsKeyHolder(STANDARD_LOGINS.empty))).toMatchObject({
      status: 'COMPLETED',
    });
    expect(Date.now()).toBeLessThan(resetAt); // (the reserve, not a reset, let it run)
    expect(await kit.em().findOneOrFail(HarvestJob, { id: autoId })).toMatchObject({
      status: 'queued',
      stage: WAITING_FOR_BUDGET,
    });

    // After the reset it runs by itself, having spent no attempt while it waited.
    expect(await kit.finished(autoId, 45_000)).toMatchObject({ status: 'COMPLETED', attempts: 1 });
  }, 90_000);
});
