import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, appEntities, createApp } from '../../src/app';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { openDatabase, type Database } from '../../src/platform/database/database';
import { createLogger } from '../../src/platform/logging/logger';
import { RefreshUserDocument, UserHarvestAdmissionDocument } from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { waitFor } from '../support/free-port';

/**
 * The GitHub budget as a shared resource: an anonymous script asking for 1,000 unknown logins in
 * a minute starts no more harvests than HARVEST_STARTS_ANONYMOUS (default), every other lookup
 * answers when to ask again, and a key holder's refreshUser asked meanwhile runs before all of
 * them. An api process takes the requests (no worker: jobs wait in BullMQ); then one worker with
 * QUEUE_CONCURRENCY=1 starts and the order it starts them in is read from the records.
 */
const TOKEN = 'ghp_budgettesttoken000000000000000000000';
const LOOKUPS = 1_000;
/** Every address of one IPv6 /64: one anonymous budget (an address per lookup changes nothing). */
const addressInSlash64 = (i: number) => `2001:db8:1:2:${(i + 1).toString(16)}::1`;

let fake: FakeGitHub;
let t: TestApp;
let db: Database;
let worker: App | undefined;

beforeAll(async () => {
  fake = await startFakeGitHub();
  t = await startTestApp({
    role: 'api',
    env: {
      GITHUB_API_URL: fake.url,
      GITHUB_TOKENS: TOKEN,
      TRUST_PROXY_HOPS: '1',
      // The query rate limit lets all 1,000 lookups through: what bounds the harvests is their own budget.
      RATE_LIMIT_MAX_REQUESTS: '100000',
      QUEUE_CONCURRENCY: '1',
      HARVEST_BACKOFF_MS: '20',
    },
  });
  db = await openDatabase(t.config, appEntities(), createLogger('silent'));
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await db?.close();
  await t?.close();
  await fake?.close();
});

const records = () => db.orm.em.fork().find(HarvestJob, {}, { orderBy: { startedAt: 'asc' } });

async function inBatches<T>(count: number, width: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, k) => run(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

describe('new harvests per caller, and queue priorities', () => {
  it('1,000 unknown logins from one anonymous /64 start HARVEST_STARTS_ANONYMOUS harvests; a key holder’s refreshUser runs first', async () => {
    const bound = t.config.harvest.starts.budgets.anonymous;
    const { windowMs } = t.config.harvest.starts;
    expect(bound).toBe(10); // the documented default (README configuration table)
    const started = Date.now();
    const answers = await inBatches(LOOKUPS, 10, (i) =>
      t.execute(
        UserHarvestAdmissionDocument,
        { login: `ghost-dev-${i}` },
        { 'x-forwarded-for': addressInSlash64(i) },
      ),
    );
    // Every lookup falls in one window (HARVEST_STARTS_WINDOW_MS, an hour), however slow the machine.
    expect(answers.every((a) => a.status === 200 && a.errors === undefined)).toBe(true);
    const queued = answers.filter((a) => a.data!.user.harvest?.status === 'QUEUED');
    const refused = answers.filter((a) => a.data!.user.harvestRefusal !== null);
    expect(queued).toHaveLength(bound);
    expect(refused).toHaveLength(LOOKUPS - bound);
    for (const { data } of refused) {
      const refusal = data!.user.harvestRefusal!;
      expect(data!.user.harvest).toBeNull(); // nothing was queued for it
      expect(refusal.retryAfterSeconds).toBeGreaterThan(0);
      // A start counts for the window and at most one slice more (sliding-window.ts: 20 slices).
      expect(refusal.retryAfterSeconds).toBeLessThanOrEqual((windowMs * 21) / 20 / 1000);
      expect(Date.parse(refusal.retryAt)).toBeGreaterThan(started);
      expect(refusal.message).toMatch(/You may start 10 new harvests per 3600 s/);
    }
    expect(await records()).toHaveLength(bound);

    // Another address has a budget of its own; the refused /64 is still refused.
    const other = await t.execute(
      UserHarvestAdmissionDocument,
      { login: 'ghost-elsewhere' },
      {
        'x-forwarded-for': '203.0.113.9',
      },
    );
    expect(other.data!.user.harvest).toMatchObject({ status: 'QUEUED', trigger: 'AUTO' });

    // A refreshUser over the budget is a RATE_LIMITED error saying when to ask again.
    const over = await t.execute(
      RefreshUserDocument,
      { login: 'ghost-refresh' },
      {
        'x-forwarded-for': addressInSlash64(5_000),
      },
    );
    expect(over.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'harvestStarts',
      allowed: bound,
    });
    expect(over.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);

    // Meanwhile a key holder asks for a refresh: it is queued last of all.
    const { key } = await createKeyWithCli(t.config, 'reader');
    const manual = await t.execute(RefreshUserDocument, { login: STANDARD_LOGINS.empty }, bearer(key));
    expect(manual.data!.refreshUser.harvest).toMatchObject({ status: 'QUEUED', trigger: 'MANUAL' });
    const manualId = manual.data!.refreshUser.harvest.id;
    await waitFor(
      async () =>
        Number(
          (
            await db.orm.em
              .fork()
              .execute<{ n: string }[]>('select count(*) as n from job_outbox where relayed_at is null')
          )[0]!.n,
        ) === 0,
      'every job relayed to the queue',
      30_000,
    );

    // One worker, one job at a time.
    worker = await createApp(t.config, { logger: createLogger('silent') });
    await worker.start('worker');
    await waitFor(
      async () => (await records()).every((r) => r.status !== 'queued' && r.status !== 'running'),
      'every harvest finished',
      60_000,
    );
    const order = await records();
    expect(order).toHaveLength(bound + 2);
    expect(order[0]).toMatchObject({ id: manualId, trigger: 'manual', status: 'completed' });
    for (const record of order.slice(1)) {
      expect(record).toMatchObject({ trigger: 'auto', status: 'not_found' });
      expect(record.startedAt!.getTime()).toBeGreaterThanOrEqual(order[0]!.startedAt!.getTime());
    }
  }, 180_000);
});
