import { print } from 'graphql';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { HARVEST_QUEUE } from '../../src/modules/harvest/harvest.service';
import { createLogger } from '../../src/platform/logging/logger';
import { BullMqDriver } from '../../src/platform/queue/bullmq-driver';
import { createRedisFactory } from '../../src/platform/redis/redis-factory';
import { HarvestJobDocument, RefreshUserDocument } from '../generated/graphql';
import { startTestApp } from '../support/app-harness';
import { spawnTs } from '../support/child-process';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { freePort, waitFor } from '../support/free-port';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';
import { SHARED_PG, SHARED_REDIS, uniqueName } from '../support/services';

/**
 * The Must-show of issue 8: a real process is SIGKILLed after `refreshUser` committed the harvest
 * record and its outbox row, at the two points where a queue written beside the database loses or
 * doubles a job: before the job reached the queue, and after it did but before the row was marked
 * relayed. A fresh process then relays it, and the harvest runs exactly once.
 */
const TOKEN = 'ghp_outboxcrashtoken00000000000000000000';
const logger = createLogger('silent');
let fake: FakeGitHub;
let db: MigratedDatabase | undefined;
const sql = <T>(query: string, params: unknown[] = []): Promise<T[]> =>
  db!.em().getConnection().execute(query, params);

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(() => fake?.close());

// Each scenario on a database of its own: a row one left must not be relayed by the other.
beforeEach(async () => {
  db = await openMigratedDatabase('outbox_crash', logger);
}, 60_000);
afterEach(() => db?.close());

async function queueOf(prefix: string): Promise<BullMqDriver> {
  const { config } = await loadConfig({
    env: { REDIS_HOST: SHARED_REDIS.host, REDIS_PORT: String(SHARED_REDIS.port), REDIS_KEY_PREFIX: prefix },
  });
  return new BullMqDriver(createRedisFactory(config.redis, logger), logger);
}

describe.each([
  { stage: 'beforeAdd', inQueueAtCrash: false },
  { stage: 'beforeMark', inQueueAtCrash: true },
])('a process killed after the commit, relay stopped at $stage', ({ stage, inQueueAtCrash }) => {
  it('loses no job and runs none twice', async () => {
    const prefix = uniqueName('outbox');
    const env = {
      NODE_ENV: 'test',
      DB_HOST: SHARED_PG.host,
      DB_NAME: db!.name,
      REDIS_HOST: SHARED_REDIS.host,
      REDIS_PORT: String(SHARED_REDIS.port),
      REDIS_KEY_PREFIX: prefix,
      GITHUB_API_URL: fake.url,
      GITHUB_TOKENS: TOKEN,
      RATE_LIMIT_ENABLED: 'false',
      REFRESH_USER_MIN_INTERVAL_MS: '0',
    };
    const login = STANDARD_LOGINS.empty;
    const port = await freePort();
    const child = spawnTs('test/support/outbox-crash-main.ts', {
      ...env,
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      OUTBOX_STOP_AT: stage,
    });
    const queue = await queueOf(prefix);
    let jobId: string;
    try {
      await child.waitForLine(/listening http/, 60_000);
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: print(RefreshUserDocument), variables: { login } }),
      });
      const body = (await response.json()) as {
        data: { refreshUser: { harvest: { id: string; status: string } } };
      };
      jobId = body.data.refreshUser.harvest.id;
      expect(body.data.refreshUser.harvest.status).toBe('QUEUED');
      await child.waitForLine(new RegExp(`outbox stopped ${stage} ${jobId}`), 30_000);
      child.process.kill('SIGKILL');
      expect(await child.exited(10_000)).toBe('SIGKILL');

      // Killed there: the record and its job are committed, the row is not marked relayed.
      const [record] = await sql<{ status: string }>('select status from harvest_job where id = ?', [jobId]);
      expect(record?.status).toBe('queued');
      const [row] = await sql<{ relayed_at: Date | null }>(
        'select relayed_at from job_outbox where queue = ? and job_id = ?',
        [HARVEST_QUEUE, jobId],
      );
      expect(row).toEqual({ relayed_at: null });
      expect((await queue.get(HARVEST_QUEUE, jobId)) !== undefined).toBe(inQueueAtCrash);
    } finally {
      child.kill();
    }

    // A fresh process (api + worker) relays it at start (or on its sweep once the dead
    // process's row locks are gone) and runs it.
    const before = fake.counters.log.filter((r) => r.route === 'GET /users/{username}').length;
    const t = await startTestApp({
      ownDatabase: false,
      role: 'all',
      env: { ...env, OUTBOX_SWEEP_INTERVAL_MS: '200' },
    });
    try {
      await waitFor(
        async () => {
          const { data } = await t.execute(HarvestJobDocument, { id: jobId });
          return data?.harvestJob?.status === 'COMPLETED';
        },
        `harvest ${jobId} completed`,
        60_000,
      );
      await waitFor(
        async () => {
          const counts = await queue.counts(HARVEST_QUEUE);
          const [pending] = await sql<{ n: string }>(
            'select count(*) as n from job_outbox where relayed_at is null',
          );
          return counts.completed === 1 && Number(pending?.n) === 0;
        },
        'job finished and row marked relayed',
        30_000,
      );
      // Exactly once: one job in the queue, finished; nothing left to relay; one harvest ran.
      const counts = await queue.counts(HARVEST_QUEUE);
      expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 1 });
      const [record] = await sql<{ status: string; attempts: number }>(
        'select status, attempts from harvest_job where id = ?',
        [jobId],
      );
      expect(record).toEqual({ status: 'completed', attempts: 1 });
      const runs = t.logs.lines.filter((l) => l.jobId === jobId && l.msg === 'harvest stored');
      expect(runs).toHaveLength(1);
      expect(t.logs.lines.filter((l) => l.msg === 'harvest is no longer queued; not run again')).toEqual([]);
      const profileReads = fake.counters.log.filter((r) => r.route === 'GET /users/{username}').length;
      expect(profileReads - before).toBe(1);
    } finally {
      await t.close();
      await queue.close();
    }
  }, 180_000);
});
