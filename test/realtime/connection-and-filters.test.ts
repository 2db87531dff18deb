import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SystemHealthChangedDocument } from '../generated/graphql';
import { createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';
import { channelSubscribers, subscribe, wsClient } from './subscription-client';

/**
 * Issue 11: keep-alive pings, the connection-init timeout, the rankingsUpdated country filter
 * (by code or name), and a real health change (its own Redis stopped and started) pushed as
 * systemHealthChanged.
 */
const KEEPALIVE_MS = 200;
let redis: ThrowawayRedis;
let t: TestApp;

beforeAll(async () => {
  redis = await startThrowawayRedis();
  t = await startTestApp({
    role: 'api',
    env: {
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      RATE_LIMIT_ENABLED: 'false',
      WS_KEEPALIVE_MS: String(KEEPALIVE_MS),
      WS_CONNECTION_INIT_TIMEOUT_MS: '300',
      HEALTH_WATCH_INTERVAL_MS: '200',
      HEALTH_COMPONENT_TIMEOUT_MS: '500',
    },
  });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await redis?.dispose();
});

const wsUrl = () => `${t.url.replace(/^http/, 'ws')}/graphql`;

function rawSocket(options: WebSocket.ClientOptions = {}): WebSocket {
  return new WebSocket(wsUrl(), 'graphql-transport-ws', options);
}

const closed = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

describe('connections', () => {
  it('pings every WS_KEEPALIVE_MS; a client that never answers is closed', async () => {
    const live = rawSocket();
    let pings = 0;
    live.on('ping', () => pings++);
    live.on('open', () => live.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    const silent = rawSocket({ autoPong: false });
    silent.on('open', () => silent.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    const silentClosed = closed(silent);
    try {
      await waitFor(async () => pings >= 3, 'three pings', 10_000);
      // No pong by the next ping: the server drops the socket (terminate: no close frame, 1006).
      expect((await silentClosed).code).toBe(1006);
      expect(live.readyState).toBe(WebSocket.OPEN);
    } finally {
      live.terminate();
      silent.terminate();
    }
  });

  it('closes a socket that sends no connection_init within WS_CONNECTION_INIT_TIMEOUT_MS with 4408', async () => {
    const socket = rawSocket();
    const result = await closed(socket);
    expect(result).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });
});

describe('rankingsUpdated(country:)', () => {
  const channel = () => `${t.config.redis.keyPrefix}:events:RANKINGS_UPDATED`;
  const run = (id: number, countryCodes: string[]) =>
    JSON.stringify({
      id,
      status: 'completed',
      trigger: 'schedule',
      jobId: null,
      rankedUsers: 10,
      countries: countryCodes.length,
      countryCodes,
      durationMs: 5,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      error: null,
    });
  const query = 'subscription($c: String) { rankingsUpdated(country: $c) { id } }';

  it('sends only runs that ranked the country, named by code or English name; refuses unknown ones', async () => {
    const client = wsClient(t.url);
    const publisher = new Redis({ host: redis.host, port: redis.port });
    try {
      const received: Record<string, number[]> = { DE: [], germany: [], all: [] };
      const stops = Object.keys(received).map((name) =>
        client.subscribe(
          { query, variables: { c: name === 'all' ? null : name } },
          {
            next: (value) => {
              const id = (value.data as { rankingsUpdated: { id: number } } | null)?.rankingsUpdated.id;
              if (id !== undefined) received[name]!.push(Number(id));
            },
            error: () => undefined,
            complete: () => undefined,
          },
        ),
      );
      // Warm-up: until every subscription runs (each receives a German run).
      await waitFor(
        async () => {
          await publisher.publish(channel(), run(100, ['DE']));
          return Object.values(received).every((ids) => ids.length > 0);
        },
        'every subscription to run',
        15_000,
      );
      for (const ids of Object.values(received)) ids.length = 0;
      await publisher.publish(channel(), run(2, ['FR']));
      await publisher.publish(channel(), run(3, ['DE', 'FR']));
      await waitFor(
        async () => received.all!.includes(3) && received.DE!.includes(3) && received.germany!.includes(3),
        'run 3',
        10_000,
      );
      const after = (ids: number[]) => ids.filter((id) => id !== 100);
      expect(after(received.all!)).toEqual([2, 3]);
      expect(after(received.DE!)).toEqual([3]);
      expect(after(received.germany!)).toEqual([3]);
      stops.forEach((stop) => stop());

      const refused = await new Promise<unknown>((resolve) => {
        let last: unknown;
        client.subscribe(
          { query, variables: { c: 'Atlantis' } },
          { next: (v) => (last = v), error: resolve, complete: () => resolve(last) },
        );
      });
      expect(JSON.stringify(refused)).toContain('BAD_USER_INPUT');
      expect(JSON.stringify(refused)).toContain('English name');
    } finally {
      publisher.disconnect();
      await client.dispose();
    }
  });
});

describe('systemHealthChanged', () => {
  it('pushes a real change: its Redis stopped (ok -> down, delivered by the instance itself), then back (down -> ok)', async () => {
    const operator = (await createKeyWithCli(t.config, 'operator')).key;
    const client = wsClient(t.url, { apiKey: operator });
    try {
      const changes = subscribe(client, SystemHealthChangedDocument, {});
      const subscribed = async () =>
        (await channelSubscribers(redis, `${t.config.redis.keyPrefix}:events:SYSTEM_HEALTH_CHANGED`)) > 0;
      await waitFor(subscribed, 'the server to subscribe', 15_000);
      await redis.stop();
      // The event cannot travel through Valkey while it is down; the instance delivers what it
      // publishes then to its own subscribers (pubsub.ts), so the change still arrives.
      await changes.until(
        (r) => r.results.some((x) => x.data?.systemHealthChanged.changes.some((c) => c.to === 'DOWN')),
        'an ok -> down change while Valkey is down',
        30_000,
      );
      await redis.start();
      await changes.until(
        (r) =>
          r.results.some((x) =>
            x.data?.systemHealthChanged.changes.some((c) => c.from === 'DOWN' && c.to === 'OK'),
          ),
        'a down -> ok change',
        30_000,
      );
      const change = changes.results
        .map((x) => x.data!.systemHealthChanged)
        .find((e) => e.changes.some((c) => c.from === 'DOWN' && c.to === 'OK'))!;
      expect(change.resync).toBe(false);
      expect(change.instance).toContain(String(process.pid));
      expect(changes.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
  }, 90_000);
});
