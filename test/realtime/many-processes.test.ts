import { print } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HarvestProgressDocument, RefreshUserDocument, UserUpdatedDocument } from '../generated/graphql';
import { type Child, spawnTs } from '../support/child-process';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { freePort } from '../support/free-port';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';
import { SHARED_REDIS, sharedServiceEnv, sharedValkeyEnv, uniqueName } from '../support/services';
import { subscribe, wsClient } from './subscription-client';

/**
 * Issue 11, item 4: two api processes and one worker process (real child processes) sharing
 * PostgreSQL and Redis. A harvest asked for on api A runs on the worker; clients on A and on B
 * both receive its progress, in order, and the stored user.
 */
let fake: FakeGitHub;
let database: MigratedDatabase;
const children: Child[] = [];
const ports: number[] = [];
const prefix = uniqueName('many');

beforeAll(async () => {
  fake = await startFakeGitHub();
  database = await openMigratedDatabase('realtime_many');
  const env = sharedServiceEnv(database.name, {
    ...sharedValkeyEnv(prefix),
    GITHUB_API_URL: fake.url,
    GITHUB_TOKENS: 'ghp_manyprocessestoken000000000000000000',
    RATE_LIMIT_ENABLED: 'false',
    REFRESH_USER_MIN_INTERVAL_MS: '0',
    HEALTH_WATCH_INTERVAL_MS: '0',
  });
  for (const role of ['api', 'api', 'worker']) {
    const port = await freePort();
    if (role === 'api') ports.push(port);
    children.push(spawnTs('test/support/role-main.ts', { ...env, ROLE: role, PORT: String(port) }));
  }
  await Promise.all(children.map((child) => child.waitForLine(/started \w+ \d+/, 90_000)));
}, 180_000);

afterAll(async () => {
  for (const child of children) {
    child.process.kill('SIGTERM');
    await child.exited(20_000).catch(() => child.kill());
  }
  await fake?.close();
  await database?.close();
});

it('a client on either api process receives the events of a harvest run by the worker', async () => {
  const login = STANDARD_LOGINS.empty;
  const [a, b] = ports.map((port) => wsClient(`http://127.0.0.1:${port}`));
  try {
    const onA = subscribe(a!, HarvestProgressDocument, { login });
    const onB = subscribe(b!, HarvestProgressDocument, { login });
    const userOnB = subscribe(b!, UserUpdatedDocument, { login });
    await waitSubscribed(login, 2);

    const response = await fetch(`http://127.0.0.1:${ports[0]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(RefreshUserDocument), variables: { login } }),
    });
    const jobId = ((await response.json()) as { data: { refreshUser: { harvest: { id: string } } } }).data
      .refreshUser.harvest.id;

    for (const received of [onA, onB]) {
      await received.until(
        (r) => r.results.some((x) => x.data?.harvestProgress.finished),
        'the finished event',
        60_000,
      );
      const events = received.results.map((r) => r.data!.harvestProgress);
      expect(events.every((e) => e.harvest?.id === jobId)).toBe(true);
      const percents = events.map((e) => e.harvest!.progress);
      expect([...percents].sort((x, y) => x - y)).toEqual(percents);
      expect(events.at(-1)).toMatchObject({ finished: true, harvest: { status: 'COMPLETED' } });
    }
    await userOnB.until((r) => r.results.length > 0, 'userUpdated on B', 30_000);
    expect(userOnB.results[0]?.data?.userUpdated.user?.login).toBe(login);
    // The worker ran it: the api processes have no worker part. (Its log line may wait up to a
    // second in the log buffer, LOG_BUFFER_BYTES.)
    await children[2]!.waitForLine(new RegExp(jobId), 10_000);
  } finally {
    await Promise.all([a!.dispose(), b!.dispose()]);
  }
}, 120_000);

/** `processes` api processes listen on the login's harvest channel (checked through Redis). */
async function waitSubscribed(login: string, processes: number): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const channel = `${prefix}:events:HARVEST_PROGRESS:${login}`;
      const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(count) >= processes) return;
      if (Date.now() > deadline) throw new Error('the api processes did not subscribe');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    redis.disconnect();
  }
}
