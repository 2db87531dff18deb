import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEntities } from '../../src/app';
import { HarvestJob } from '../../src/modules/harvest/harvest-job.entity';
import { WAITING_FOR_TOKEN } from '../../src/modules/harvest/harvest-gate';
import { maskToken } from '../../src/platform/github/token-fingerprint';
import { openDatabase, type Database } from '../../src/platform/database/database';
import { createLogger } from '../../src/platform/logging/logger';
import { awsStoreFactory, type StoreFactory, useFakeAwsCredentials } from '../config/aws-test-setup';
import { RefreshUserDocument } from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';
import { waitFor } from '../support/free-port';

/**
 * #13 bullet 3 with the real app, the GitHub stand-in and the Secrets Manager stand-in: the only
 * token is revoked at GitHub; harvests pause (they wait, queued, without spending attempts) and
 * health's github component says why; an operator puts a new token in the secret and harvesting
 * resumes by itself within the secret cache TTL, without a restart.
 */
const SECRET = 'insights/github';
const REVOKED = 'ghp_revokedtoken0000000000000000000000001';
const ROTATED = 'ghp_rotatedtoken0000000000000000000000002';

let fake: FakeGitHub;
let secrets: FakeSecretsManager;
let stores: StoreFactory;
let t: TestApp;
let db: Database;
let operatorKey: string;

interface GitHubComponent {
  status: string;
  message?: string;
  details?: Record<string, unknown>;
}

async function githubHealth(): Promise<GitHubComponent> {
  const response = await fetch(`${t.url}/api/system/health`, { headers: bearer(operatorKey) });
  const body = (await response.json()) as { components: Record<string, GitHubComponent> };
  return body.components.github!;
}

const record = (id: string) => db.orm.em.fork().findOneOrFail(HarvestJob, { id });

beforeAll(async () => {
  useFakeAwsCredentials();
  [fake, secrets] = await Promise.all([startFakeGitHub(), startFakeSecretsManager()]);
  secrets.setSecret(SECRET, { tokens: [REVOKED] });
  stores = awsStoreFactory();
  t = await startTestApp({
    role: 'all',
    env: {
      GITHUB_API_URL: fake.url,
      GITHUB_TOKENS: undefined,
      AWS_GITHUB_SECRET_NAME: SECRET,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REGION: secrets.region,
      SECRETS_CACHE_TTL_MS: '1000',
      HARVEST_PAUSED_RECHECK_MS: '200',
      HARVEST_ATTEMPTS: '2',
      RATE_LIMIT_ENABLED: 'false',
    },
    secretStore: stores.factory,
  });
  db = await openDatabase(t.config, appEntities(), createLogger('silent'));
  operatorKey = (await createKeyWithCli(t.config, 'operator')).key;
}, 120_000);

afterAll(async () => {
  await db?.close();
  await t?.close();
  stores?.close();
  await Promise.all([fake?.close(), secrets?.close()]);
});

describe('a revoked GitHub token', () => {
  it('pauses harvesting (jobs wait, health says why) until the secret holds a valid token', async () => {
    expect((await githubHealth()).status).toBe('ok');
    fake.revokeToken(REVOKED);

    const { data } = await t.execute(RefreshUserDocument, { login: STANDARD_LOGINS.empty });
    const id = data!.refreshUser.harvest.id;
    await waitFor(async () => (await record(id)).stage === WAITING_FOR_TOKEN, 'harvest waiting', 30_000);

    const paused = await githubHealth();
    expect(paused.status).toBe('down');
    expect(paused.message).toMatch(/harvesting is paused: every GitHub token was rejected \(401\)/);
    expect(paused.details).toMatchObject({ mode: 'paused', validTokens: 0, invalidTokens: 1 });
    expect(JSON.stringify(paused)).not.toContain(REVOKED);

    // Well past HARVEST_ATTEMPTS rechecks and several secret TTLs: still waiting, never failed.
    const secretReads = secrets.calls(SECRET);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await record(id)).toMatchObject({ status: 'queued', stage: WAITING_FOR_TOKEN });
    expect(secrets.calls(SECRET)).toBeGreaterThan(secretReads); // re-read on the TTL meanwhile
    const sentWithRevoked = fake.counters.requestsFor(REVOKED);

    // The operator rotates: a new token in the secret (the revoked one is no longer listed).
    fake.acceptToken(ROTATED);
    secrets.setSecret(SECRET, { tokens: [ROTATED] });
    await waitFor(async () => (await record(id)).status === 'completed', 'harvest completed', 30_000);
    expect(fake.counters.requestsFor(ROTATED)).toBeGreaterThan(0);
    // While paused nothing was sent with the revoked token (one 401 per look would be a flood).
    expect(fake.counters.requestsFor(REVOKED)).toBe(sentWithRevoked);
    const resumed = await githubHealth();
    expect(resumed).toMatchObject({ status: 'ok', details: { mode: 'authenticated', validTokens: 1 } });
    expect(Object.keys(resumed.details ?? {})).toContain(`token ${maskToken(ROTATED)}`);
  }, 90_000);
});
