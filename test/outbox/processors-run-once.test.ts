import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarvestJob, type HarvestStatus } from '../../src/modules/harvest/harvest-job.entity';
import { HarvestJobProcessor } from '../../src/modules/harvest/harvest-job.processor';
import type { HarvestJobData } from '../../src/modules/harvest/harvest.service';
import type { UserHarvester } from '../../src/modules/harvest/user-harvester';
import { RankingRunService } from '../../src/modules/rankings/ranking-run.service';
import { type RankingJobData, RankingJobs } from '../../src/modules/rankings/rankings.jobs';
import { MemoryCache } from '../../src/platform/cache/memory-cache';
import { JobOutbox } from '../../src/platform/outbox/job-outbox';
import { createMemoryPubSub } from '../../src/platform/pubsub/pubsub';
import { RetryLaterError, type RunningJob } from '../../src/platform/queue/job-queue';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { LogCapture } from '../support/app-harness';
import { insertUsers, openRankingsDb, type RankingsDb } from '../rankings/rankings-fixtures';

/**
 * Processors are idempotent on the committed record: a job delivered twice (relayed again after
 * the queue forgot the first, or redelivered by the queue) runs once. Real PostgreSQL.
 */
let db: RankingsDb;
beforeAll(async () => {
  db = await openRankingsDb();
  await insertUsers(db.em(), [{ login: 'ada', followers: 100, country: 'DE' }]);
});
afterAll(() => db?.close());

function running<T>(id: string, data: T, attemptsMade = 0, resumed = false): RunningJob<T> {
  return { id, name: 'n', data, attemptsMade, resumed, updateProgress: async () => undefined };
}

describe('harvest job processor', () => {
  const logs = new LogCapture('info');
  const harvested: string[] = [];
  const harvester = {
    harvest: async (login: string) => {
      harvested.push(login);
      if (login === 'db-down-dev' && harvested.filter((l) => l === login).length === 1) {
        // What pg throws when PostgreSQL is down (here mid-harvest, as the writer would meet it).
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      }
      await new Promise((r) => setTimeout(r, 20)); // long enough for a second delivery to overlap
      return { kind: 'not_found' as const };
    },
  } as unknown as UserHarvester;
  const build = () =>
    new HarvestJobProcessor({
      em: db.database.orm.em as EntityManager,
      harvester,
      pubSub: createMemoryPubSub(logs.logger),
      logger: logs.logger,
    });

  async function saved(login: string, status: HarvestStatus): Promise<HarvestJob> {
    const job = Object.assign(new HarvestJob(), { login, loginKey: login, trigger: 'manual', status });
    await db.em().persistAndFlush(job);
    return job;
  }
  const data = (job: HarvestJob): HarvestJobData => ({ jobId: job.id, login: job.login, attempts: 3 });

  it('two deliveries of one queued harvest at once: one runs, the other sees it taken', async () => {
    const job = await saved('twice', 'queued');
    const handle = build().handle;
    await Promise.all([handle(running(job.id, data(job))), handle(running(job.id, data(job)))]);
    expect(harvested.filter((l) => l === 'twice')).toEqual(['twice']);
    expect(await db.em().findOne(HarvestJob, { id: job.id })).toMatchObject({
      status: 'not_found',
      attempts: 1,
    });
    expect(
      logs.lines.filter((l) => l.jobId === job.id && l.msg === 'harvest is no longer queued; not run again'),
    ).toHaveLength(1);
  });

  it.each(['running', 'completed', 'failed', 'not_found'] as const)(
    'a harvest already %s is not run again',
    async (status) => {
      const job = await saved(`already-${status.replace('_', '-')}`, status);
      await build().handle(running(job.id, data(job)));
      expect(harvested).not.toContain(job.login);
      expect(await db.em().findOne(HarvestJob, { id: job.id })).toMatchObject({ status, attempts: 0 });
    },
  );

  it('a resumed attempt (its worker died mid-harvest) takes over the record left running', async () => {
    const job = await saved('resumed-dev', 'running');
    await db.em().nativeUpdate(HarvestJob, { id: job.id }, { attempts: 1 });
    await build().handle(running(job.id, data(job), 0, true));
    expect(harvested).toContain('resumed-dev');
    expect(await db.em().findOne(HarvestJob, { id: job.id })).toMatchObject({
      status: 'not_found',
      attempts: 1,
    });
  });

  it('a harvest that meets an unreachable database waits (no attempt spent) and its resumed run finishes it', async () => {
    const job = await saved('db-down-dev', 'queued');
    const error = await build()
      .handle(running(job.id, data(job)))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(await db.em().findOne(HarvestJob, { id: job.id })).toMatchObject({
      status: 'running',
      attempts: 1,
    });
    await build().handle(running(job.id, data(job), 0, true));
    expect(await db.em().findOne(HarvestJob, { id: job.id })).toMatchObject({
      status: 'not_found',
      attempts: 1,
    });
  });

  it('a job whose record was never committed is skipped, not waited for', async () => {
    await build().handle(
      running('00000000-0000-4000-8000-000000000000', {
        jobId: '00000000-0000-4000-8000-000000000000',
        login: 'ghost',
        attempts: 1,
      }),
    );
    expect(harvested).not.toContain('ghost');
    expect(logs.lines.some((l) => l.msg === 'harvest job has no record; skipped')).toBe(true);
  });
});

describe('ranking job', () => {
  it('a manual run delivered twice runs once', async () => {
    const logs = new LogCapture('info');
    let statements = 0;
    const runs = new RankingRunService({ ...db.config.rankings, runTimeoutMs: 60_000 }, logs.logger, {
      afterStatement: async () => void statements++,
    });
    const jobs = new RankingJobs({
      queue: new MemoryQueueDriver(logs.logger),
      outbox: new JobOutbox(),
      runs,
      pubSub: createMemoryPubSub(logs.logger),
      cache: new MemoryCache(100),
      fork: () => db.em(),
      cron: '0 0 * * *',
      logger: logs.logger,
    });
    const run = await jobs.recompute(db.em());
    expect(run.status).toBe('queued');
    expect((await jobs.recompute(db.em())).id).toBe(run.id); // queued: asking again joins it
    const [row] = await db
      .em()
      .execute<{ job_id: string; data: RankingJobData }[]>(
        "select job_id, data from job_outbox where queue = 'rankings'",
      );
    const delivery = running(row!.job_id, row!.data);
    expect((await jobs.handle(delivery)).status).toBe('completed');
    expect((await jobs.handle(delivery)).status).toBe('completed');
    expect(statements).toBe(1);
    expect(logs.lines.filter((l) => l.msg === 'ranking run is no longer queued; not run again')).toHaveLength(
      1,
    );
    // Ended: asking again queues a new run.
    expect((await jobs.recompute(db.em())).id).not.toBe(run.id);
  });
});
