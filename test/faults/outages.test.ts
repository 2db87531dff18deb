import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { logFaultFigures, sleep, startLoad } from '../support/request-load';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';
import { seedDevelopers } from '../insights/developers.fixture';
import { seed } from '../insights/insights-kit';

/**
 * Outages under load, on a PostgreSQL and a Redis of this file's own that it stops and starts
 * again: requests keep being sent throughout, and each answer is classified.
 */
let redis: ThrowawayRedis;
let postgres: ThrowawayPostgres;
let t: TestApp;

const DEVELOPER = `query Developer($login: String!) {
  user(login: $login) { login user { login name languages { repositoryCount } repositories(first: 3) { totalCount nodes { name } } } }
}`;
const DIRECTORY = '{ users(first: 5) { totalCount nodes { login } } }';
const OUTAGE_MS = 6_000;

async function healthStatus(): Promise<{ status: number; body: { status: string } }> {
  const response = await fetch(`${t.url}/api/system/health`);
  return { status: response.status, body: (await response.json()) as { status: string } };
}

const healthIs = (expected: string) =>
  waitFor(async () => (await healthStatus()).body.status === expected, `health ${expected}`, 30_000);

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startThrowawayRedis(), startThrowawayPostgres()]);
  t = await startTestApp({
    ownDatabase: false,
    env: {
      DB_PORT: String(postgres.port),
      DB_NAME: postgres.database,
      REDIS_PORT: String(redis.port),
      HEALTH_COMPONENT_TIMEOUT_MS: '1000',
      DB_CONNECT_TIMEOUT_MS: '1000',
      RATE_LIMIT_ENABLED: 'false',
      // The fixture's developers count as fresh: reads ask for no harvest.
      HARVEST_FRESHNESS_HOURS: '8760',
    },
  });
  await seed(t.config, seedDevelopers);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await Promise.all([redis?.dispose(), postgres?.dispose()]);
});

describe('PostgreSQL stopped and started again under load', () => {
  it('fails fast with 503 SERVICE_UNAVAILABLE, serves known developers from the cache (stale), recovers by itself', async () => {
    // A developer read once is in the shared cache: profile and the insights of its harvest.
    const warm = await t.graphql(DEVELOPER, { login: 'ada' });
    expect(warm.body.errors).toBeUndefined();

    const known = startLoad({ url: t.url, query: DEVELOPER, variables: { login: 'ada' }, concurrency: 3 });
    const directory = startLoad({ url: t.url, query: DIRECTORY, concurrency: 3, pauseMs: 20 });
    await sleep(500);
    await postgres.stop();
    const stoppedAt = Date.now();
    await healthIs('down');
    expect((await healthStatus()).status).toBe(503);

    // While it is down: a known developer from the cache, marked stale; the rest a fast 503.
    const stale = await t.graphql(DEVELOPER, { login: 'ada' });
    expect(stale.status).toBe(200);
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.data.user.user.login).toBe('ada');
    expect(stale.body.data.user.user.repositories.totalCount).toBe(5);
    expect((stale.body as { extensions?: unknown }).extensions).toEqual({ stale: true, servedFrom: 'cache' });
    const unknown = await t.graphql(DEVELOPER, { login: 'never-read' });
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get('retry-after')).toBe('5');
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(unknown.body.errors?.[0]?.message).toBe('The database is unavailable; retry later.');

    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    await postgres.start();
    const restartedAt = Date.now();
    await healthIs('ok');
    const healthyMs = Date.now() - restartedAt;
    await sleep(1_000);
    const [knownReport, directoryReport] = await Promise.all([known.stop(), directory.stop()]);
    logFaultFigures('postgres-stop-known-developer', knownReport, restartedAt, { outageMs: OUTAGE_MS });
    logFaultFigures('postgres-stop-directory', directoryReport, restartedAt, {
      outageMs: OUTAGE_MS,
      healthyMs,
    });

    const unexpected = t.logs.lines.filter((l) => l.msg === 'unexpected error in GraphQL request');
    expect(unexpected.map((l) => JSON.stringify(l.err).slice(0, 400))).toEqual([]);
    expect(knownReport.failed).toBe(0);
    expect(knownReport.stale).toBeGreaterThan(0);
    expect(Object.keys(directoryReport.failuresByKind)).toEqual(['503/SERVICE_UNAVAILABLE']);
    expect(directoryReport.recoveryMs(restartedAt)).toBeDefined();
    const after = await t.graphql(DIRECTORY);
    expect(after.status).toBe(200);
    expect(after.body.data.users.totalCount).toBeGreaterThan(0);
  }, 90_000);
});

describe('Redis stopped and started again under load', () => {
  it('loses no request (cache bypassed, rate limits in memory), is degraded, and recovers by itself', async () => {
    const load = startLoad({ url: t.url, query: DEVELOPER, variables: { login: 'ada' }, concurrency: 4 });
    await sleep(500);
    await redis.stop();
    const stoppedAt = Date.now();
    await healthIs('degraded');
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    await redis.start();
    const restartedAt = Date.now();
    await healthIs('ok');
    const healthyMs = Date.now() - restartedAt;
    await sleep(1_000);
    const report = await load.stop();
    logFaultFigures('redis-stop', report, restartedAt, { outageMs: OUTAGE_MS, healthyMs });
    expect(report.sent).toBeGreaterThan(50);
    expect(report.failuresByKind).toEqual({});
  }, 90_000);
});
