import { print } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { Repository } from '../../src/modules/repositories/repository.entity';
import { GithubUser } from '../../src/modules/users/github-user.entity';
import { HarvestJobDocument, RefreshUserDocument } from '../generated/graphql';
import { type Child, spawnTs } from '../support/child-process';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { freePort, waitFor } from '../support/free-port';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';
import { sharedServiceEnv, sharedValkeyEnv, uniqueName } from '../support/services';
import { type SlowProxy, startSlowProxy } from '../support/slow-proxy';

/**
 * A worker process killed with SIGKILL in the middle of a harvest (real child processes on the
 * shared PostgreSQL and Redis, GitHub's stand-in behind a proxy that slows every request): BullMQ's
 * stalled-job check gives the job back once the dead worker's lock expires, a second worker takes
 * it over, and the developer is stored exactly once.
 */
let fake: FakeGitHub;
let proxy: SlowProxy;
let database: MigratedDatabase;
let api: Child;
const workers: Child[] = [];
let apiPort: number;
let env: NodeJS.ProcessEnv;

const startWorker = async (): Promise<Child> => {
  const worker = spawnTs('test/support/role-main.ts', {
    ...env,
    ROLE: 'worker',
    PORT: String(await freePort()),
  });
  workers.push(worker);
  await worker.waitForLine(/started worker/, 90_000);
  return worker;
};

async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return ((await response.json()) as { data: T }).data;
}

beforeAll(async () => {
  fake = await startFakeGitHub();
  proxy = await startSlowProxy(fake.url, 300);
  database = await openMigratedDatabase('faults_worker_kill');
  apiPort = await freePort();
  env = sharedServiceEnv(database.name, {
    ...sharedValkeyEnv(uniqueName('kill')),
    GITHUB_API_URL: proxy.url,
    GITHUB_TOKENS: 'ghp_workerkilltoken00000000000000000000',
    RATE_LIMIT_ENABLED: 'false',
    REFRESH_USER_MIN_INTERVAL_MS: '0',
    HEALTH_WATCH_INTERVAL_MS: '0',
    // A dead worker's job is free again within about 3 s (instead of BullMQ's 30 s + 30 s).
    QUEUE_LOCK_DURATION_MS: '2000',
    QUEUE_STALLED_INTERVAL_MS: '1000',
  });
  api = spawnTs('test/support/role-main.ts', { ...env, ROLE: 'api', PORT: String(apiPort) });
  await api.waitForLine(/started api/, 90_000);
}, 180_000);

afterAll(async () => {
  for (const child of [api, ...workers].filter(Boolean)) {
    child.process.kill('SIGTERM');
    await child.exited(20_000).catch(() => child.kill());
  }
  await proxy?.close();
  await fake?.close();
  await database?.close();
});

it('a harvest whose worker is SIGKILLed mid-way is run again by another worker and stored once', async () => {
  const login = STANDARD_LOGINS.prolific;
  const first = await startWorker();
  const { refreshUser } = await graphql<{ refreshUser: { harvest: { id: string } } }>(
    print(RefreshUserDocument),
    {
      login,
    },
  );
  const jobId = refreshUser.harvest.id;
  // Mid-harvest: the record is running and GitHub has been asked a few times already.
  await waitFor(
    async () => {
      const job = await database.em().findOne(HarvestJob, { id: jobId });
      return job?.status === 'running' && proxy.requests >= 3;
    },
    'the harvest to be under way',
    60_000,
  );
  const requestsBeforeKill = proxy.requests;
  first.process.kill('SIGKILL');
  proxy.delayMs = 0;
  const killedAt = Date.now();
  expect(await first.exited(10_000)).toBe('SIGKILL');
  const running = await database.em().findOne(HarvestJob, { id: jobId });
  expect(running).toMatchObject({ status: 'running', attempts: 1 });

  // Another worker (its start-up counts in the recovery time printed below).
  const second = await startWorker();

  let finished: { status: string; attempts: number } | undefined;
  await waitFor(
    async () => {
      const data = await graphql<{ harvestJob: { status: string; attempts: number } | null }>(
        print(HarvestJobDocument),
        { id: jobId },
      );
      finished = data.harvestJob ?? undefined;
      return ['COMPLETED', 'FAILED', 'NOT_FOUND'].includes(finished?.status ?? '');
    },
    'the harvest to finish on the second worker',
    90_000,
  );
  const recoveryMs = Date.now() - killedAt;
  expect(finished).toMatchObject({ status: 'COMPLETED', attempts: 1 });
  // Its log lines are all out once it has exited (they may wait in the log buffer until then).
  second.process.kill('SIGTERM');
  expect(await second.exited(20_000)).toBe(0);
  expect(second.output()).not.toContain('not run again');

  // Stored once: one developer row, each repository once.
  const em = database.em();
  const users = await em.find(GithubUser, { loginKey: login.toLowerCase() });
  expect(users).toHaveLength(1);
  const repositories = await em.find(Repository, { owner: users[0]! });
  expect(repositories.length).toBeGreaterThan(0);
  expect(new Set(repositories.map((r) => r.githubId)).size).toBe(repositories.length);
  console.log(
    `FAULT-FIGURES ${JSON.stringify({ fault: 'worker-sigkill-mid-harvest', githubRequestsBeforeKill: requestsBeforeKill, githubRequestsTotal: proxy.requests, recoveryMs, lockDurationMs: 2000, stalledIntervalMs: 1000 })}`,
  );
}, 240_000);
