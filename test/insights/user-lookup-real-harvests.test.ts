import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { InsightsUserLookupDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app-harness';
import { makeUser, seed } from './insights-kit';

/**
 * user(login:) against the real harvest service wired in app.ts (role `api`: no worker runs, so
 * jobs stay queued and GitHub is never called).
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
  await seed(t.config, (em) => {
    makeUser(em, 'fresh-one', { harvestedAt: new Date() });
    makeUser(em, 'stale-one', { harvestedAt: new Date(Date.now() - 48 * 3_600_000) });
  });
});

afterAll(async () => {
  await t?.close();
});

const jobs = (loginKey: string) => seed(t.config, (em) => em.find(HarvestJob, { loginKey }));

describe('user(login:) with the real harvest service', () => {
  it('asks once for an unknown login: a second read returns the same queued job', async () => {
    const first = await t.execute(InsightsUserLookupDocument, { login: 'Brand-New' });
    expect(first.errors).toBeUndefined();
    expect(first.data!.user.user).toBeNull();
    expect(first.data!.user.harvest).toMatchObject({ status: 'QUEUED', trigger: 'AUTO', progress: 0 });
    const second = await t.execute(InsightsUserLookupDocument, { login: 'brand-new' });
    expect(second.data!.user.harvest!.id).toBe(first.data!.user.harvest!.id);
    expect(await jobs('brand-new')).toHaveLength(1);
  });

  it('refreshes a stale developer and leaves a fresh one alone', async () => {
    const stale = await t.execute(InsightsUserLookupDocument, { login: 'stale-one' });
    expect(stale.data!.user.user!.login).toBe('stale-one');
    expect(stale.data!.user.harvest).toMatchObject({ status: 'QUEUED', trigger: 'AUTO' });
    const fresh = await t.execute(InsightsUserLookupDocument, { login: 'fresh-one' });
    expect(fresh.data!.user.harvest).toBeNull();
    expect(await jobs('fresh-one')).toHaveLength(0);
  });
});
