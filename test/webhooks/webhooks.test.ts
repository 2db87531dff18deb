import { createHmac, randomUUID } from 'node:crypto';
import webhookExamples from '@octokit/webhooks-examples';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserUpdatedDocument } from '../generated/graphql';
import { Repository } from '../../src/modules/repositories/repository.entity';
import { startTestApp, type TestApp } from '../support/app-harness';
import { SHARED_REDIS } from '../support/services';
import { makeRepository, makeUser, seed } from '../insights/insights-kit';
import { subscribe, wsClient } from '../realtime/subscription-client';

/**
 * Issue 11, item 4: `POST /webhooks/github` against the real app (PostgreSQL, Redis), with real
 * payloads from @octokit/webhooks-examples, signed as GitHub documents it: `sha256=` and the
 * hex HMAC-SHA256 of the raw body with the webhook's secret.
 */
const SECRET = 'webhook-test-secret';

type Example = Record<string, unknown> & { action?: string };
function example(event: string, action?: string): Example {
  const group = (webhookExamples as unknown as { name: string; examples: Example[] }[]).find(
    (e) => e.name === event,
  );
  const found = group?.examples.find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`no example of ${event} ${action ?? ''}`);
  return found;
}

const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function deliver(
  t: TestApp,
  event: string,
  payload: unknown,
  options: { id?: string; signature?: string | null; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = options.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.id ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/test',
  };
  const signature = options.signature === undefined ? sign(body) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(`${t.url}/webhooks/github`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// The examples' repositories: Codertocat/Hello-World (star, fork, issues, push) and
// Octocoders/Hello-World (renamed).
const star = example('star', 'created');
const codertocatRepo = star.repository as { id: number; owner: { id: number; login: string } };
const renamed = example('repository', 'renamed');
const octocodersRepo = renamed.repository as { id: number; owner: { id: number; login: string } };

let t: TestApp;
let redis: Redis;

async function repository(githubId: number) {
  return seed(t.config, (em) => em.findOneOrFail(Repository, { githubId }));
}

async function counts() {
  const rows = await seed(t.config, (em) =>
    em.getConnection().execute<{ n: string; name: string }[]>(
      `select 'deliveries' as name, count(*)::text as n from webhook_delivery
       union all select 'harvests', count(*)::text from harvest_job
       union all select 'outbox', count(*)::text from job_outbox`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

beforeAll(async () => {
  t = await startTestApp({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  redis = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port });
  await seed(t.config, (em) => {
    for (const [repo, name] of [
      [codertocatRepo, 'Hello-World'],
      [octocodersRepo, 'Old-Name'],
    ] as const) {
      const owner = makeUser(em, repo.owner.login, { githubId: repo.owner.id });
      makeRepository(em, owner, name, { githubId: repo.id });
    }
  });
}, 60_000);
afterAll(async () => {
  redis?.disconnect();
  await t?.close();
});

describe('POST /webhooks/github', () => {
  it('a star updates the stored count and publishes userUpdated for the owner', async () => {
    const login = codertocatRepo.owner.login;
    const client = wsClient(t.url);
    try {
      const updated = subscribe(client, UserUpdatedDocument, { login });
      const channel = `${t.config.redis.keyPrefix}:events:USER_UPDATED:${login.toLowerCase()}`;
      await expect
        .poll(async () => Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]))
        .toBeGreaterThan(0);
      expect((await repository(codertocatRepo.id)).stargazerCount).toBe(0);

      const response = await deliver(t, 'star', star);
      expect(response).toMatchObject({ status: 200, body: { status: 'processed', updated: [login] } });
      expect((await repository(codertocatRepo.id)).stargazerCount).toBe(
        (star.repository as { stargazers_count: number }).stargazers_count,
      );
      await updated.until((r) => r.results.length > 0, 'userUpdated');
      expect(updated.results[0]!.data!.userUpdated).toMatchObject({ login, resync: false, user: { login } });
    } finally {
      await client.dispose();
    }
  });

  it('fork, issues and repository renamed update what their payloads carry', async () => {
    const fork = example('fork');
    expect((await deliver(t, 'fork', fork)).status).toBe(200);
    expect((await repository(codertocatRepo.id)).forkCount).toBe(
      (fork.repository as { forks_count: number }).forks_count,
    );

    const opened = example('issues', 'opened');
    expect((await deliver(t, 'issues', opened)).status).toBe(200);
    expect((await repository(codertocatRepo.id)).openIssuesCount).toBe(
      (opened.repository as { open_issues_count: number }).open_issues_count,
    );

    expect((await deliver(t, 'repository', renamed)).body).toMatchObject({
      status: 'processed',
      updated: [octocodersRepo.owner.login],
    });
    expect((await repository(octocodersRepo.id)).name).toBe((renamed.repository as { name: string }).name);
  });

  it('a push asks for a harvest of the stored owner through the outbox (one per login at a time)', async () => {
    const before = await counts();
    const response = await deliver(t, 'push', example('push'));
    expect(response.body).toMatchObject({ status: 'processed', refreshed: [codertocatRepo.owner.login] });
    const jobs = await seed(t.config, (em) =>
      em.getConnection().execute<{ id: string; login: string; outbox: string }[]>(
        `select h.id, h.login, (select count(*) from job_outbox o where o.job_id = h.id::text)::text as outbox
         from harvest_job h where h.trigger = 'webhook'`,
      ),
    );
    // The issue opened earlier asked for it already; while it is queued the push gets the same one.
    expect(jobs).toEqual([{ id: expect.any(String), login: codertocatRepo.owner.login, outbox: '1' }]);
    expect(await counts()).toEqual({ ...before, deliveries: before.deliveries! + 1 });
  });

  it('a replayed delivery changes nothing', async () => {
    const id = randomUUID();
    const watch = example('watch', 'started');
    expect((await deliver(t, 'watch', watch, { id })).body).toMatchObject({ status: 'processed' });
    // Someone (a harvest) stores another count meanwhile; the redelivery must not overwrite it.
    await seed(t.config, (em) =>
      em.nativeUpdate(Repository, { githubId: codertocatRepo.id }, { stargazerCount: 41 }),
    );
    const before = await counts();
    const replay = await deliver(t, 'watch', watch, { id });
    expect(replay).toMatchObject({ status: 200, body: { status: 'duplicate', deliveryId: id } });
    expect((await repository(codertocatRepo.id)).stargazerCount).toBe(41);
    // A replayed push asks for no second harvest either.
    const pushId = randomUUID();
    await deliver(t, 'push', example('push'), { id: pushId });
    const afterPush = await counts();
    expect((await deliver(t, 'push', example('push'), { id: pushId })).body.status).toBe('duplicate');
    expect(await counts()).toEqual(afterPush);
    expect(afterPush.deliveries).toBe(before.deliveries! + 1);
  });

  it('a forged or missing signature is refused with 401 and nothing is stored', async () => {
    await seed(t.config, (em) =>
      em.nativeUpdate(Repository, { githubId: codertocatRepo.id }, { stargazerCount: 7 }),
    );
    const before = await counts();
    const forged = await deliver(t, 'star', star, {
      signature: sign(JSON.stringify(star), 'not-the-secret'),
    });
    expect(forged).toMatchObject({
      status: 401,
      body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    // The right signature over another body (a tampered payload) is refused too.
    const tampered = JSON.stringify({ ...star, action: 'deleted' });
    expect(
      (await deliver(t, 'star', star, { body: tampered, signature: sign(JSON.stringify(star)) })).status,
    ).toBe(401);
    expect((await deliver(t, 'star', star, { signature: null })).status).toBe(401);
    expect((await deliver(t, 'star', star, { signature: 'sha256=zz' })).status).toBe(401);
    expect((await repository(codertocatRepo.id)).stargazerCount).toBe(7);
    expect(await counts()).toEqual(before);
  });

  it('acknowledges and ignores an event it does not act on; bounds the body size', async () => {
    const before = await counts();
    const ping = await deliver(t, 'deployment', example('deployment'));
    expect(ping).toMatchObject({ status: 202, body: { status: 'ignored', event: 'deployment' } });
    expect(await counts()).toEqual(before);

    const huge = JSON.stringify({ ...star, padding: 'x'.repeat(t.config.webhooks.bodyLimitBytes) });
    const tooLarge = await deliver(t, 'star', undefined, { body: huge });
    expect(tooLarge).toMatchObject({
      status: 413,
      body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
    });
    expect(await counts()).toEqual(before);
  });
});

describe('without GITHUB_WEBHOOK_SECRET', () => {
  it('answers 404 NOT_FOUND, saying webhooks are not enabled', async () => {
    const off = await startTestApp();
    try {
      const response = await deliver(off, 'star', star);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
      expect(JSON.stringify(response.body)).toContain('GITHUB_WEBHOOK_SECRET');
    } finally {
      await off.close();
    }
  });
});
