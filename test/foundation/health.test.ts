import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';

/**
 * Health against servers this file owns: a throw-away Redis and PostgreSQL that it stops and
 * starts again. The shared services are never touched.
 */
let redis: ThrowawayRedis;
let postgres: ThrowawayPostgres;
let t: TestApp;

interface HealthBody {
  status: string;
  components: Record<string, { status: string; required: boolean; latencyMs: number; message?: string }>;
}

let operatorKey: string;

/** The health endpoint as an operator sees it (messages and details included). */
async function health(): Promise<{ status: number; body: HealthBody; text: string }> {
  const response = await fetch(`${t.url}/api/system/health`, { headers: bearer(operatorKey) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as HealthBody, text };
}

async function until(expected: string, timeoutMs = 30_000): Promise<{ status: number; body: HealthBody }> {
  let last: { status: number; body: HealthBody } | undefined;
  await waitFor(
    async () => {
      last = await health();
      return last.body.status === expected;
    },
    `health ${expected}`,
    timeoutMs,
  );
  return last!;
}

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
      DB_PASSWORD: 'never-shown-pw-1234',
    },
  });
  operatorKey = (await createKeyWithCli(t.config, 'operator')).key;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await Promise.all([redis?.dispose(), postgres?.dispose()]);
});

describe('GET /api/system/health', () => {
  it('is ok with every component up, with latency per component and no secret', async () => {
    const { status, body, text } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.components)).toEqual([
      'database',
      'cache',
      'queue',
      'secrets',
      'github',
      'mail',
      'rateLimits',
    ]);
    expect(body.components.database).toMatchObject({ status: 'ok', required: true });
    expect(body.components.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(text).not.toContain('never-shown-pw-1234');
    expect(text).not.toContain('ghp_testtoken');
  });

  it('shows statuses to anyone but messages and details only to operator keys', async () => {
    const anonymous = (await (await fetch(`${t.url}/api/system/health`)).json()) as HealthBody;
    expect(anonymous.components.secrets).toEqual({
      required: false,
      latencyMs: expect.any(Number),
      status: 'disabled',
    });
    const operator = await health();
    expect(operator.body.components.secrets.message).toBe('no AWS_*_SECRET_NAME configured');
    const bad = await fetch(`${t.url}/api/system/health`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
  });

  it('is degraded (200) while Redis is stopped, and ok again when it is back', async () => {
    await redis.stop();
    const degraded = await until('degraded');
    expect(degraded.status).toBe(200);
    expect(degraded.body.components.cache.status).toBe('down');
    expect(degraded.body.components.queue.status).toBe('down');
    expect(degraded.body.components.database.status).toBe('ok');

    const gql = await t.graphql('{ systemHealth { status components { name status } } }');
    expect(gql.body.data.systemHealth.status).toBe('DEGRADED');
    // That request was rate-limited in process memory, which health now reports.
    const afterRequest = await health();
    expect(afterRequest.body.components.rateLimits.status).toBe('degraded');

    await redis.start();
    const ok = await until('ok');
    expect(ok.status).toBe(200);
    expect(ok.body.components.cache.status).toBe('ok');
  }, 90_000);

  it('is down (503) while the database is unreachable, and ok again when it is back', async () => {
    await postgres.stop();
    const down = await until('down');
    expect(down.status).toBe(503);
    expect(down.body.components.database.status).toBe('down');
    // The operator key cannot be checked without the database, so no details are shown.
    expect(down.body.components.database.message).toBeUndefined();

    await postgres.start();
    const ok = await until('ok');
    expect(ok.status).toBe(200);
    expect(ok.body.components.database.status).toBe('ok');
  }, 90_000);
});
