import { Redis } from 'ioredis';
import { Arg, Int, Resolver, Root, Subscription } from 'type-graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defineModule, moduleKey } from '../../src/core/module';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { SHARED_REDIS } from '../support/services';

/**
 * Issue 11 (docs/realtime.md, fan-out): a subscriber that stops reading its socket is closed with
 * 1013 once more than 1 MiB waits to be written to it, instead of growing the server's memory
 * without bound; the other subscribers of its group keep receiving every event.
 */
@Resolver()
class BlobResolver {
  @Subscription(() => String, { topics: 'FANOUT_BLOB', description: 'Test only: a large result per event.' })
  fanoutBlob(@Root() event: { n: number }, @Arg('size', () => Int) size: number): string {
    return `${event.n}:${'x'.repeat(size)}`;
  }
}

const blobModule = defineModule({
  key: moduleKey<undefined>('blob'),
  entities: [],
  resolvers: [BlobResolver],
  create: () => ({ resolvers: [new BlobResolver()], exports: undefined }),
});

/** A raw graphql-transport-ws client (the graphql-ws client cannot stop reading its socket). */
function rawSubscriber(url: string, size: number) {
  const socket = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const state = { events: 0, closeCode: undefined as number | undefined };
  socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { type: string };
    if (message.type === 'connection_ack') {
      socket.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: 'subscription($size: Int!) { fanoutBlob(size: $size) }', variables: { size } },
        }),
      );
    } else if (message.type === 'next') state.events++;
    else if (message.type === 'ping') socket.send('{"type":"pong"}');
  });
  socket.on('close', (code) => (state.closeCode = code));
  socket.on('error', () => undefined);
  return { socket, state };
}

let t: TestApp;
const redis = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port });

beforeAll(async () => {
  t = await startTestApp({
    role: 'api',
    env: { WS_SUBSCRIPTION_FANOUT: 'shared', RATE_LIMIT_ENABLED: 'false' },
    overrides: { extraModules: [blobModule] },
  });
});

afterAll(async () => {
  redis.disconnect();
  await t?.close();
});

it('a subscriber that stops reading is closed with 1013; the others keep receiving', async () => {
  const SIZE = 512 * 1024;
  const EVENTS = 64; // 32 MiB to each subscriber: more than the kernel's socket buffers hold
  const publish = (n: number) =>
    redis.publish(`${t.config.redis.keyPrefix}:events:FANOUT_BLOB`, JSON.stringify({ n }));
  const reader = rawSubscriber(t.url, SIZE);
  const stalled = rawSubscriber(t.url, SIZE);
  try {
    await waitFor(
      async () => {
        await publish(0);
        return reader.state.events > 0 && stalled.state.events > 0;
      },
      'both subscriptions to run',
      15_000,
    );
    await new Promise((r) => setTimeout(r, 300)); // warm-up events still on their way
    const before = reader.state.events;
    stalled.socket.pause(); // stops reading its socket: what the server writes piles up
    for (let n = 1; n <= EVENTS; n++) await publish(n);
    await waitFor(async () => reader.state.events >= before + EVENTS, 'every event at the reader', 60_000);
    expect(reader.state.closeCode).toBeUndefined();

    // Reading again, the stalled one gets what the kernel held, then the server's close (1013).
    const stalledBefore = stalled.state.events;
    stalled.socket.resume();
    await waitFor(async () => stalled.state.closeCode !== undefined, 'the stalled subscriber closed', 60_000);
    expect(stalled.state.closeCode).toBe(1013);
    expect(stalled.state.events - stalledBefore).toBeLessThan(EVENTS);
  } finally {
    reader.socket.terminate();
    stalled.socket.terminate();
  }
}, 180_000);
