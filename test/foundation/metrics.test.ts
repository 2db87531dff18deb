import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSecretStore } from '../../src/platform/secrets/aws-secrets-manager';
import { maskToken } from '../../src/platform/github/token-fingerprint';
import { HarvestJobDocument, RefreshUserDocument, UserUpdatedDocument } from '../generated/graphql';
import { connected, subscribe, wsClient } from '../realtime/subscription-client';
import { useFakeAwsCredentials } from '../config/aws-test-setup';
import { startTestApp, type TestApp } from '../support/app-harness';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';
import { waitFor } from '../support/free-port';
import { parseSamples as samples, sampleValue } from '../support/metrics-scrape';

/**
 * `GET /metrics` on the real app (api + worker, PostgreSQL, Redis, the GitHub and Secrets Manager
 * stand-ins): every metric family carries real values after real traffic, and access follows
 * METRICS_TOKEN / METRICS_ALLOWED_CIDRS.
 */
const GOOD = 'ghp_metricsgoodtoken111111111111111111111';
const REVOKED = 'ghp_metricsrevokedtoken2222222222222222222';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

let t: TestApp;
let github: FakeGitHub;
let sm: FakeSecretsManager;
let closeStore: () => void;
let secretStore: { get(name: string): Promise<string> };

const value = sampleValue;

async function scrape(headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) {
  return fetch(`${t.url}/metrics`, { headers });
}

beforeAll(async () => {
  github = await startFakeGitHub();
  sm = await startFakeSecretsManager();
  useFakeAwsCredentials();
  sm.setSecret('github-api/ses', { region: 'us-east-1', fromEmail: 'ops@example.com' });
  const aws = createAwsSecretStore({
    region: sm.region,
    endpoint: sm.endpoint,
    timeoutMs: 2_000,
    cacheTtlMs: 60_000,
  });
  closeStore = aws.close;
  secretStore = aws.store;
  t = await startTestApp({
    role: 'all',
    env: {
      GITHUB_API_URL: github.url,
      GITHUB_TOKENS: `${GOOD},${REVOKED}`,
      REFRESH_USER_MIN_INTERVAL_MS: '0',
      RATE_LIMIT_ENABLED: 'false',
      METRICS_TOKEN,
      METRICS_ALLOWED_CIDRS: '127.0.0.0/8,::1/128',
    },
    overrides: {
      secrets: aws.store,
      githubRetry: { maxAttempts: 2, baseDelayMs: 5 },
    },
  });
});

afterAll(async () => {
  await t?.close();
  closeStore?.();
  await github?.close();
  await sm?.close();
});

describe('GET /metrics', () => {
  it('refuses a scraper without the token', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.text()).not.toContain('insights_');
    expect((await scrape({ authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
  });

  it('serves every metric family with values from real traffic', async () => {
    // GraphQL over HTTP: a named query, an anonymous one, a validation error, an unknown route.
    expect((await t.graphql('query SystemHealth { systemHealth { status } }')).status).toBe(200);
    await t.graphql('{ systemHealth { status } }');
    await t.graphql('query Broken { noSuchField }');
    await fetch(`${t.url}/no-such-route`);
    // The shared cache: an automatic persisted query missed, stored, then hit.
    const query = 'query Persisted { systemHealth { status } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const apq = (body: object) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    await apq({ extensions });
    await apq({ query, extensions });
    expect((await apq({ extensions })).status).toBe(200);
    // A secret read through the Secrets Manager stand-in.
    await secretStore.get('github-api/ses');
    // WebSocket: one connection with one subscription.
    const client = wsClient(t.url);
    const ready = connected(client);
    const sub = subscribe(client, UserUpdatedDocument, { login: 'prolific-dev' });
    await ready;
    // A harvest through the worker: GitHub budgets, the queue, the ETag cache; one token revoked on the way.
    github.revokeToken(REVOKED);
    const refreshed = await t.execute(RefreshUserDocument, { login: 'prolific-dev' });
    const id = refreshed.data!.refreshUser.harvest.id;
    await waitFor(
      async () => {
        const job = await t.execute(HarvestJobDocument, { id });
        return ['COMPLETED', 'FAILED'].includes(String(job.data?.harvestJob?.status));
      },
      'the harvest to finish',
      30_000,
    );

    await waitFor(
      async () =>
        (value(samples(await (await scrape()).text()), 'insights_websocket_open', {
          kind: 'subscriptions',
        }) ?? 0) >= 1,
      'the subscription to be counted',
      10_000,
    );
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const text = await response.text();
    const all = samples(text);
    const v = (name: string, labels?: Record<string, string>) => value(all, name, labels);

    // Request and operation latency, by bounded labels.
    expect(
      v('insights_http_request_duration_seconds_count', {
        route: '/graphql',
        method: 'POST',
        status_code: '200',
      }),
    ).toBeGreaterThan(0);
    expect(
      v('insights_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }),
    ).toBe(1);
    expect(
      v('insights_graphql_operation_duration_seconds_count', {
        operation_name: 'SystemHealth',
        operation_type: 'query',
      }),
    ).toBe(1);
    expect(v('insights_graphql_operation_duration_seconds_count', { operation_name: 'anonymous' })).toBe(1);
    expect(
      v('insights_graphql_operation_duration_seconds_count', {
        operation_name: 'RefreshUser',
        operation_type: 'mutation',
      }),
    ).toBe(1);
    // Errors by code.
    expect(v('insights_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(v('insights_errors_total', { code: 'NOT_FOUND' })).toBe(1);
    expect(v('insights_errors_total', { code: 'PERSISTED_QUERY_NOT_FOUND' })).toBe(1);
    // Database pool.
    expect(
      (v('insights_db_pool_connections', { state: 'idle' }) ?? 0) +
        (v('insights_db_pool_connections', { state: 'in_use' }) ?? 0),
    ).toBeGreaterThan(0);
    expect(v('insights_db_pool_connections', { state: 'waiting' })).toBe(0);
    // Cache hit rate.
    expect(v('insights_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(v('insights_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
    const ratio = v('insights_cache_hit_ratio')!;
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    // Queue: per-state counts and this process's processing.
    expect(v('insights_queue_jobs', { queue: 'harvest', state: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(v('insights_queue_jobs', { queue: 'harvest', state: 'waiting' })).toBe(0);
    expect(v('insights_queue_jobs', { queue: 'harvest', state: 'failed' })).toBeDefined();
    expect(v('insights_queue_jobs_processed_total', { queue: 'harvest', outcome: 'completed' })).toBe(1);
    expect(v('insights_queue_job_duration_seconds_count', { queue: 'harvest' })).toBe(1);
    // Email delivery, contributed by the notifications module (its counts after real sends and
    // SES feedback: test/notifications/ses-webhook.test.ts); no e-mail went out here.
    for (const outcome of ['sent', 'failed', 'skipped', 'retried', 'bounced', 'complained'])
      expect(v('insights_email_messages_total', { outcome })).toBe(0);
    // GitHub budget per masked token, and the rejected token.
    const remaining = v('insights_github_budget_remaining', { token: maskToken(GOOD), resource: 'core' })!;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(
      v('insights_github_budget_limit', { token: maskToken(GOOD), resource: 'core' })!,
    );
    expect(v('insights_github_tokens', { state: 'invalid' })).toBe(1);
    expect(v('insights_github_tokens', { state: 'valid' })).toBe(1);
    expect(text).not.toContain(GOOD);
    expect(text).not.toContain(REVOKED);
    // Secret cache age, by secret name.
    const age = v('insights_secret_cache_age_seconds', { secret: 'github-api/ses' })!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(120);
    expect(v('insights_secret_read_failing', { secret: 'github-api/ses' })).toBe(0);
    // WebSocket connections and subscriptions.
    expect(v('insights_websocket_open', { kind: 'connections' })).toBe(1);
    expect(v('insights_websocket_open', { kind: 'subscriptions' })).toBe(1);
    // Process figures.
    expect(v('insights_process_resident_memory_bytes')).toBeGreaterThan(0);

    sub.stop();
    await client.dispose();
  });

  it('collapses operation names past the limit and names no one chose', async () => {
    for (let i = 0; i < 3; i += 1)
      await t.graphql(`query Odd${'x'.repeat(70)}${i} { systemHealth { status } }`);
    const all = samples(await (await scrape()).text());
    expect(value(all, 'insights_graphql_operation_duration_seconds_count', { operation_name: 'other' })).toBe(
      3,
    );
  });
});
