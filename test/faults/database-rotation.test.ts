import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';
import { logFaultFigures, sleep, startLoad } from '../support/request-load';
import { startSecretBackedApp, type SecretBackedApp } from '../support/secret-backed-app';
import { rotationClient, type RotationClient } from '../support/secret-rotation';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres';

/**
 * Database password rotation on a PostgreSQL of this file's own (password logins over TCP, as on
 * RDS), with the Secrets Manager stand-in driven through the four rotation steps by the real SDK.
 * The app reads its database login from the secret; a load of queries runs through each rotation.
 */
const ADMIN_PASSWORD = 'admin-pw-for-tests-only';
const SECRET = 'prod/insights/db';
const QUERY = '{ users(first: 5) { totalCount } }';

let pg: ThrowawayPostgres;
let fake: FakeSecretsManager;
let rotation: RotationClient;
let t: SecretBackedApp;

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ host: pg.host, port: pg.port, user: 'postgres', password: ADMIN_PASSWORD });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** testSecret: a rotation function logs in with the pending value before finishing. */
async function canLogIn(user: string, password: string): Promise<boolean> {
  const client = new Client({ host: pg.host, port: pg.port, user, password, database: 'insights' });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const secretValue = (username: string, password: string) => ({
  engine: 'postgres',
  host: pg.host,
  port: pg.port,
  dbname: 'insights',
  username,
  password,
});

const rotationsLogged = () =>
  t.logs.lines.filter((l) => l.msg?.toString().startsWith('database login rotated'));

beforeAll(async () => {
  pg = await startThrowawayPostgres({ superuserPassword: ADMIN_PASSWORD });
  await admin(async (c) => {
    await c.query(`CREATE ROLE app_user LOGIN PASSWORD 'app-pw-1'`);
    // The alternating-users strategy's clone: same rights (membership), its own password.
    await c.query(`CREATE ROLE app_user_clone LOGIN PASSWORD 'clone-pw-1' IN ROLE app_user`);
    await c.query('CREATE DATABASE insights OWNER app_user');
  });
  fake = await startFakeSecretsManager();
  fake.setSecret(SECRET, secretValue('app_user', 'app-pw-1'));
  rotation = rotationClient(fake.endpoint);
  t = await startSecretBackedApp({
    AWS_DB_SECRET_NAME: SECRET,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint,
    // Small pool whose connections are replaced every few hundred ms: new logins happen all the time.
    DB_POOL_MAX: '4',
    DB_POOL_MAX_LIFETIME_MS: '300',
    RATE_LIMIT_ENABLED: 'false',
  });
}, 120_000);

afterAll(async () => {
  await t?.close();
  rotation?.close();
  await fake?.close();
  await pg?.dispose();
});

describe('database password rotation under load', () => {
  it('single user: gets through the window between setSecret and finishSecret with AWSPENDING, no request fails', async () => {
    const load = startLoad({ url: t.url, query: QUERY, concurrency: 6 });
    await sleep(500);
    const started = Date.now();
    // createSecret
    const pending = await rotation.createSecret(SECRET, secretValue('app_user', 'app-pw-2'));
    // setSecret: the database takes the new password while AWSCURRENT still holds the old one.
    await admin((c) => c.query(`ALTER ROLE app_user PASSWORD 'app-pw-2'`));
    // testSecret
    expect(await canLogIn('app_user', 'app-pw-2')).toBe(true);
    await sleep(1_500); // the window: every new connection is refused the AWSCURRENT password
    // finishSecret
    await pending.finish();
    await sleep(1_000);
    const report = await load.stop();
    logFaultFigures('db-rotation-single-user', report, started);

    expect(report.sent).toBeGreaterThan(30);
    expect(report.failuresByKind).toEqual({});
    expect(report.failed).toBe(0);
    expect(rotationsLogged().length).toBeGreaterThanOrEqual(1);
    expect(t.logs.text()).not.toContain('app-pw-2');
  }, 60_000);

  it('alternating users: the secret switches to the clone user; the old user’s next password change costs nothing', async () => {
    const load = startLoad({ url: t.url, query: QUERY, concurrency: 6 });
    await sleep(500);
    const started = Date.now();
    const pending = await rotation.createSecret(SECRET, secretValue('app_user_clone', 'clone-pw-2'));
    await admin((c) => c.query(`ALTER ROLE app_user_clone PASSWORD 'clone-pw-2'`));
    expect(await canLogIn('app_user_clone', 'clone-pw-2')).toBe(true);
    await pending.finish();
    await sleep(500);
    // The next rotation changes the user that is not current any more (here at once, to see it):
    // connections still logging in as app_user are refused and switch to the clone.
    await admin((c) => c.query(`ALTER ROLE app_user PASSWORD 'app-pw-3'`));
    await sleep(1_500);
    const report = await load.stop();
    logFaultFigures('db-rotation-alternating-users', report, started);

    expect(report.sent).toBeGreaterThan(30);
    expect(report.failuresByKind).toEqual({});
    const switched = rotationsLogged().filter((l) => l.user === 'app_user_clone');
    expect(switched.length).toBeGreaterThanOrEqual(1);
    expect(switched[0]).toMatchObject({ userChanged: true });
    const sessions = await admin((c) =>
      c.query<{ usename: string }>(
        "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'insights' AND usename IS NOT NULL",
      ),
    );
    expect(sessions.rows.map((r) => r.usename)).toEqual(['app_user_clone']);
  }, 60_000);

  it('a secret that no longer works: bounded attempts, a clear error, the database down in health', async () => {
    // The role changes but nobody updates the secret: no login the secret offers can work.
    await admin((c) => c.query(`ALTER ROLE app_user_clone PASSWORD 'nobody-knows-this'`));
    await sleep(400); // every pooled connection is past its lifetime
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { errors?: { message: string; extensions: { code: string } }[] };
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toMatch(/nobody-knows|28P01|password/);
    const refused = t.logs.lines.find((l) => l.msg === 'database refused every login the secret offers');
    expect(refused).toMatchObject({ user: 'app_user_clone' });
    expect(refused!.attempts).toBeLessThanOrEqual(7);
    const health = await fetch(`${t.url}/api/system/health`);
    expect(health.status).toBe(503);
    expect(
      ((await health.json()) as { components: Record<string, { status: string }> }).components.database
        .status,
    ).toBe('down');

    // Fixing the secret (a new AWSCURRENT) is enough: the next request re-reads it and works.
    fake.setSecret(SECRET, secretValue('app_user', 'app-pw-3'));
    const fixed = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(((await fixed.json()) as { errors?: unknown }).errors).toBeUndefined();
  }, 60_000);
});
