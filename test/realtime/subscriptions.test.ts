import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HarvestProgressDocument,
  SystemHealthChangedDocument,
  UserUpdatedDocument,
} from '../generated/graphql';
import { runApiKeyCommand } from '../../src/cli/apikey.command';
import { createKeyWithCli } from '../support/api-keys';
import { LogCapture } from '../support/app-harness';
import { STANDARD_LOGINS } from '../support/fake-github';
import { SHARED_REDIS } from '../support/services';
import { startHarvestKit, type HarvestKit } from '../harvest/harvest-kit';
import { subscribe, wsClient } from './subscription-client';

/**
 * Issue 11, items 1-2: subscriptions over graphql-ws against the real app (api + worker), real
 * PostgreSQL and Redis and the GitHub stand-in, with the graphql-ws client.
 */
let kit: HarvestKit;
let redis: Redis;

beforeAll(async () => {
  kit = await startHarvestKit({
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
    WS_AUTH_RECHECK_INTERVAL_MS: '200',
  });
  redis = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port });
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await kit?.close();
});

/** Waits until the app's pub/sub listens on `<topic>:<key>` (its SUBSCRIBE reached Redis). */
async function listening(topic: string, key: string, count = 1): Promise<void> {
  const channel = `${kit.t.config.redis.keyPrefix}:events:${topic}:${key}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    if (Number(n) >= count) return;
    if (Date.now() > deadline) throw new Error(`nobody subscribed to ${channel}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until nothing in the app listens on `<topic>:<key>` any more. */
async function unsubscribed(topic: string, key: string): Promise<void> {
  const channel = `${kit.t.config.redis.keyPrefix}:events:${topic}:${key}`;
  const deadline = Date.now() + 5_000;
  while (Number(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]) > 0) {
    if (Date.now() > deadline) throw new Error(`still subscribed to ${channel}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('harvestProgress and userUpdated', () => {
  it("push a harvest's progress in order, ending with finished, then the fresh user", async () => {
    const login = STANDARD_LOGINS.empty;
    const client = wsClient(kit.t.url);
    try {
      const progress = subscribe(client, HarvestProgressDocument, { login: login.toUpperCase() });
      const updated = subscribe(client, UserUpdatedDocument, { login });
      await listening('HARVEST_PROGRESS', login);
      await listening('USER_UPDATED', login);
      const job = await kit.refresh(login);
      await progress.until((r) => r.results.some((x) => x.data?.harvestProgress.finished), 'finished');
      await updated.until((r) => r.results.length > 0, 'userUpdated');

      const events = progress.results.map((r) => r.data!.harvestProgress);
      expect(progress.results.every((r) => r.errors === undefined)).toBe(true);
      expect(events.every((e) => e.harvest?.id === job.id && !e.resync)).toBe(true);
      const percents = events.map((e) => e.harvest!.progress);
      expect([...percents].sort((a, b) => a - b)).toEqual(percents);
      expect(events.at(-1)).toMatchObject({
        finished: true,
        harvest: { status: 'COMPLETED', progress: 100 },
      });
      expect(events.filter((e) => e.finished)).toHaveLength(1);
      expect(new Set(events.map((e) => e.harvest!.stage)).size).toBeGreaterThan(2);

      expect(updated.results[0]).toEqual({
        data: { userUpdated: { login, resync: false, user: expect.objectContaining({ login }) } },
      });
    } finally {
      await client.dispose();
    }
  }, 60_000);

  it('refuses an invalid login or country with BAD_USER_INPUT', async () => {
    const client = wsClient(kit.t.url);
    try {
      for (const [query, variables] of [
        ['subscription($l: String!) { harvestProgress(login: $l) { resync } }', { l: '-bad-' }],
        ['subscription($l: String!) { userUpdated(login: $l) { resync } }', { l: 'a'.repeat(40) }],
        ['subscription($c: String) { rankingsUpdated(country: $c) { id } }', { c: 'XX' }],
      ] as const) {
        const result = await new Promise<unknown>((resolve) => {
          let last: unknown;
          client.subscribe(
            { query, variables },
            { next: (v) => (last = v), error: resolve, complete: () => resolve(last) },
          );
        });
        expect(JSON.stringify(result)).toContain('BAD_USER_INPUT');
        expect(JSON.stringify(result)).not.toContain('"data":{');
      }
    } finally {
      await client.dispose();
    }
  });
});

describe('systemHealthChanged', () => {
  it('is for operators: anonymous callers and readers are refused', async () => {
    const reader = (await createKeyWithCli(kit.t.config, 'reader')).key;
    for (const [params, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [{ apiKey: reader }, 'FORBIDDEN'],
    ] as const) {
      const client = wsClient(kit.t.url, params);
      try {
        const sub = subscribe(client, SystemHealthChangedDocument, {});
        await sub.until((r) => r.completed || r.errors !== undefined, 'refusal');
        expect(JSON.stringify([sub.results, sub.errors])).toContain(code);
      } finally {
        await client.dispose();
      }
    }
  });
});

describe('connection limits', () => {
  it('refuses a subscription over the query limits before it subscribes to anything', async () => {
    const client = wsClient(kit.t.url);
    try {
      // 20 aliases, over GRAPHQL_MAX_ALIASES (15): the same limits as HTTP, applied in onSubscribe.
      const fields = Array.from({ length: 20 }, (_, i) => `a${i}: login`).join(' ');
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: `subscription { userUpdated(login: "over-limits") { ${fields} } }` },
          { next: () => undefined, error: resolve, complete: () => resolve(undefined) },
        );
      });
      expect(errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' }),
        }),
      ]);
      const channel = `${kit.t.config.redis.keyPrefix}:events:USER_UPDATED:over-limits`;
      expect(((await redis.pubsub('NUMSUB', channel)) as [string, number])[1]).toBe(0);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a subscription beyond WS_MAX_SUBSCRIPTIONS_PER_CONNECTION, and admits one after a complete', async () => {
    const client = wsClient(kit.t.url);
    try {
      const subs = ['a-1', 'a-2', 'a-3'].map((login) => subscribe(client, UserUpdatedDocument, { login }));
      for (const login of ['a-1', 'a-2', 'a-3']) await listening('USER_UPDATED', login);
      const fourth = subscribe(client, UserUpdatedDocument, { login: 'a-4' });
      await fourth.until((r) => r.errors !== undefined, 'refusal');
      expect(fourth.errors?.[0]?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
      subs[0]!.stop();
      await unsubscribed('USER_UPDATED', 'a-1'); // the slot frees once the server ended it
      const fifth = subscribe(client, UserUpdatedDocument, { login: 'a-5' });
      await listening('USER_UPDATED', 'a-5');
      expect(fifth.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it("ends a connection's subscriptions with UNAUTHENTICATED soon after its key is revoked", async () => {
    const { key, prefix } = await createKeyWithCli(kit.t.config, 'operator', 'revoked while subscribed');
    const client = wsClient(kit.t.url, { apiKey: key });
    try {
      const health = subscribe(client, SystemHealthChangedDocument, {});
      const user = subscribe(client, UserUpdatedDocument, { login: 'revoked-watch' });
      await listening('USER_UPDATED', 'revoked-watch');
      expect(health.errors).toBeUndefined();
      await runApiKeyCommand(
        kit.t.config,
        new LogCapture('warn').logger,
        ['revoke', prefix],
        () => {},
        () => {},
      );
      await user.until((r) => r.errors !== undefined, 'subscription ended', 5_000);
      await health.until((r) => r.errors !== undefined, 'subscription ended', 5_000);
      expect(user.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(health.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // Nothing listens for it any more on the server.
      await unsubscribed('USER_UPDATED', 'revoked-watch');
    } finally {
      await client.dispose();
    }
  });
});
