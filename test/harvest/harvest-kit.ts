import type { RetryPolicy } from '../../src/platform/github/github-request-hook';
import { Redis } from 'ioredis';
import type { EntityManager } from '@mikro-orm/postgresql';
import { appEntities } from '../../src/app';
import type { HarvestState } from '../../src/modules/harvest/harvest-requests';
import { openDatabase, type Database } from '../../src/platform/database/database';
import { createLogger } from '../../src/platform/logging/logger';
import { HarvestJobDocument, RefreshUserDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app-harness';
import { type FakeGitHub, type FakeUser, startFakeGitHub } from '../support/fake-github';
import { waitFor } from '../support/free-port';
import { SHARED_REDIS } from '../support/services';

export const TOKEN = 'ghp_harvesttesttoken0000000000000000000000';

/** The real app (api + worker) against the GitHub stand-in, real PostgreSQL and Redis. */
export interface HarvestKit {
  readonly t: TestApp;
  readonly fake: FakeGitHub;
  /** A database connection of the test's own, for assertions and direct service calls. */
  readonly db: Database;
  em(): EntityManager;
  refresh(login: string): Promise<{ id: string; status: string }>;
  /** Polls harvestJob until it finishes (completed, failed, not_found or organization). */
  finished(id: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Pub/sub events of HARVEST_PROGRESS, as the app's Redis pub/sub carries them. */
  readonly events: { channel: string; state: HarvestState }[];
  close(): Promise<void>;
}

export async function startHarvestKit(
  env: Record<string, string> = {},
  githubRetry: Partial<RetryPolicy> = {},
): Promise<HarvestKit> {
  const fake = await startFakeGitHub();
  const t = await startTestApp({
    role: 'all',
    env: {
      GITHUB_API_URL: fake.url,
      GITHUB_TOKENS: TOKEN,
      HARVEST_BACKOFF_MS: '20',
      REFRESH_USER_MIN_INTERVAL_MS: '0',
      RATE_LIMIT_ENABLED: 'false',
      ...env,
    },
    overrides: { githubRetry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, ...githubRetry } },
  });
  const db = await openDatabase(t.config, appEntities(), createLogger('silent'));
  const subscriber = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port, lazyConnect: true });
  await subscriber.connect();
  const events: HarvestKit['events'] = [];
  await subscriber.psubscribe(`${t.config.redis.keyPrefix}:events:HARVEST_PROGRESS:*`);
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    events.push({ channel, state: JSON.parse(message) as HarvestState });
  });
  return {
    t,
    fake,
    db,
    events,
    em: () => db.orm.em.fork() as EntityManager,
    async refresh(login) {
      const { data, errors } = await t.execute(RefreshUserDocument, { login });
      if (!data) throw new Error(`refreshUser failed: ${JSON.stringify(errors)}`);
      return data.refreshUser.harvest;
    },
    async finished(id, timeoutMs = 60_000) {
      let job: Record<string, unknown> | null = null;
      await waitFor(
        async () => {
          const { data } = await t.execute(HarvestJobDocument, { id });
          job = data?.harvestJob ?? null;
          return (
            job !== null && ['COMPLETED', 'FAILED', 'NOT_FOUND', 'ORGANIZATION'].includes(String(job.status))
          );
        },
        `harvest ${id} finished`,
        timeoutMs,
      );
      return job!;
    },
    async close() {
      await subscriber.quit().catch(() => undefined);
      await db.close();
      await t.close();
      await fake.close();
    },
  };
}

/** Per UTC day, what the stand-in's contributions say for the window a harvest covers. */
export function expectedActivity(
  user: FakeUser,
  firstDay: string,
  lastDay: string,
): Map<string, { commits: number; pullRequests: number; issuesOpened: number; reviews: number }> {
  const days = new Map<
    string,
    { commits: number; pullRequests: number; issuesOpened: number; reviews: number }
  >();
  const day = (date: string) => {
    let d = days.get(date);
    if (!d) days.set(date, (d = { commits: 0, pullRequests: 0, issuesOpened: 0, reviews: 0 }));
    return d;
  };
  const inRange = (date: string): boolean => date >= firstDay && date <= lastDay;
  for (const c of user.contributions.commits) if (inRange(c.date)) day(c.date).commits += c.commitCount;
  for (const p of user.contributions.pullRequests)
    if (inRange(p.occurredAt.slice(0, 10))) day(p.occurredAt.slice(0, 10)).pullRequests++;
  for (const i of user.contributions.issues)
    if (inRange(i.occurredAt.slice(0, 10))) day(i.occurredAt.slice(0, 10)).issuesOpened++;
  for (const r of user.contributions.reviews)
    if (inRange(r.occurredAt.slice(0, 10))) day(r.occurredAt.slice(0, 10)).reviews++;
  return days;
}
