import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/core/health';
import { defineModule, moduleKey } from '../../src/core/module';
import type { Incident, IncidentResolution } from '../../src/core/operator-alerts';
import { HarvestJobDocument, RefreshUserDocument } from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github';
import { waitFor } from '../support/free-port';

/**
 * Logs (docs/operations.md): one JSON object per line, request lines with their request id, job
 * lines with their job id, never a secret value; a component going down raises one operator
 * notification per incident, and its recovery resolves it.
 */
const GITHUB_TOKEN = 'ghp_logsecrettoken99999999999999999999999';
const DB_PASSWORD = 'db-password-that-must-not-leak-7731';
const METRICS_TOKEN = 'metrics-token-that-must-not-leak-4410';

let failing: CheckResult | undefined;
const opened: Incident[] = [];
const resolved: IncidentResolution[] = [];
const notifierModule = defineModule({
  key: moduleKey<undefined>('test-notifier'),
  entities: [],
  resolvers: [],
  create: () => ({
    operatorNotifier: {
      opened: async (incident: Incident) => void opened.push(incident),
      resolved: async (resolution: IncidentResolution) => void resolved.push(resolution),
    },
    exports: undefined,
  }),
});

let t: TestApp;
let github: FakeGitHub;
let apiKey: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  t = await startTestApp({
    role: 'all',
    env: {
      GITHUB_API_URL: github.url,
      GITHUB_TOKENS: GITHUB_TOKEN,
      DB_PASSWORD, // the shared PostgreSQL trusts local connections: any password is accepted
      METRICS_TOKEN,
      REFRESH_USER_MIN_INTERVAL_MS: '0',
      RATE_LIMIT_ENABLED: 'false',
      HEALTH_WATCH_INTERVAL_MS: '100',
    },
    overrides: {
      extraModules: [notifierModule],
      extraHealthChecks: [{ name: 'probe', required: false, check: async () => failing ?? { status: 'ok' } }],
    },
  });
  apiKey = (await createKeyWithCli(t.config, 'operator')).key;
});

afterAll(async () => {
  await t?.close();
  await github?.close();
});

describe('logs', () => {
  it('are JSON lines with request and job ids, and never carry a secret', async () => {
    await t.graphql('query Ok { systemHealth { status } }', {}, bearer(apiKey));
    await t.graphql('query Ok { systemHealth { status } }', {}, bearer(`${apiKey}x`));
    await t.graphql('query Bad($x: Int!) { systemHealth { status } }', { x: 'not a number' });
    await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}-wrong` } });
    const refreshed = await t.execute(RefreshUserDocument, { login: 'prolific-dev' }, bearer(apiKey));
    const id = refreshed.data!.refreshUser.harvest.id;
    await waitFor(
      async () => t.logs.lines.some((l) => l.msg === 'job finished' && l.queue === 'harvest'),
      'the harvest job to be logged',
      30_000,
    );
    expect((await t.execute(HarvestJobDocument, { id })).data?.harvestJob?.status).toBe('COMPLETED');

    const lines = t.logs.lines;
    for (const line of lines) {
      expect(line).toMatchObject({ service: 'github-insights-api' });
      expect(typeof line.level).toBe('string');
      expect(typeof line.time).toBe('string');
      expect(typeof line.msg).toBe('string');
    }
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const r of requests) expect(r.requestId).toMatch(/\S/);
    const job = lines.find((l) => l.msg === 'job finished')!;
    expect(job).toMatchObject({ queue: 'harvest', outcome: 'completed' });
    expect(String(job.jobId)).toMatch(/\S/);

    const text = t.logs.text();
    for (const secret of [GITHUB_TOKEN, DB_PASSWORD, METRICS_TOKEN, apiKey])
      expect(text).not.toContain(secret);
    // The key's secret part never appears, not even the refused variant's.
    expect(text).not.toContain(apiKey.split('_').at(-1));
  });

  it('raise one operator notification per incident and resolve it on recovery', async () => {
    failing = { status: 'degraded', message: 'probe lost its upstream' };
    await waitFor(async () => opened.length > 0, 'the incident to open', 10_000);
    // Several more watch rounds while it stays degraded: still one notification.
    const rounds = t.logs.lines.length;
    await waitFor(async () => t.logs.lines.length > rounds, 'more log lines', 5_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ key: 'health:probe', severity: 'warning' });
    expect(opened[0]!.summary).toMatch(/probe is degraded: probe lost its upstream/);
    const alertLines = t.logs.lines.filter((l) => l.alert === true && l.incident === 'health:probe');
    expect(alertLines).toHaveLength(1);
    expect(alertLines[0]!.level).toBe('error');

    failing = undefined;
    await waitFor(async () => resolved.length > 0, 'the incident to resolve', 10_000);
    expect(resolved[0]).toMatchObject({ key: 'health:probe', openedAt: opened[0]!.openedAt });

    // A new failure is a new incident.
    failing = { status: 'down', message: 'again' };
    await waitFor(async () => opened.length > 1, 'the second incident', 10_000);
    expect(opened).toHaveLength(2);
    failing = undefined;
  });
});
