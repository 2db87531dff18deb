import { Redis } from 'ioredis';
import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { defineModule, moduleKey } from '../../src/core/module';
import { TurnPacer } from '../../src/http/subscription-fanout';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { SHARED_REDIS } from '../support/services';
import { wsClient } from './subscription-client';

/**
 * Issue 11: with the shared fan-out a subscription document is executed once per distinct
 * (document, variables, role) per event, whatever the number of subscribers; per-subscriber (the
 * stock way, kept as the yardstick) executes it once per subscriber.
 */
let executions = 0;

@Resolver()
class TickResolver {
  @Subscription(() => String, { topics: 'FANOUT_TICK', description: 'Test only: counts its executions.' })
  fanoutTick(@Root() event: { n: number }, @Arg('tag', () => String) tag: string): string {
    executions++;
    return `${tag}:${event.n}`;
  }
}

const tickModule = defineModule({
  key: moduleKey<undefined>('tick'),
  entities: [],
  resolvers: [TickResolver],
  create: () => ({ resolvers: [new TickResolver()], exports: undefined }),
});

const apps: TestApp[] = [];
const redis = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port });
afterAll(async () => {
  redis.disconnect();
  await Promise.all(apps.map((a) => a.close()));
});

async function executionsPerEvent(fanout: 'shared' | 'per-subscriber') {
  const t = await startTestApp({
    role: 'api',
    env: { WS_SUBSCRIPTION_FANOUT: fanout, RATE_LIMIT_ENABLED: 'false' },
    overrides: { extraModules: [tickModule] },
  });
  apps.push(t);
  const tags = ['a', 'a', 'a', 'a', 'a', 'b'];
  const clients = tags.map(() => wsClient(t.url));
  const received = tags.map(() => [] as string[]);
  try {
    tags.forEach((tag, i) =>
      clients[i]!.subscribe(
        { query: 'subscription($tag: String!) { fanoutTick(tag: $tag) }', variables: { tag } },
        {
          next: (v) => void received[i]!.push((v.data as { fanoutTick: string }).fanoutTick),
          error: () => undefined,
          complete: () => undefined,
        },
      ),
    );
    const publish = (n: number) =>
      redis.publish(`${t.config.redis.keyPrefix}:events:FANOUT_TICK`, JSON.stringify({ n }));
    await waitFor(
      async () => {
        await publish(0);
        return received.every((r) => r.length > 0);
      },
      'every subscription to run',
      15_000,
    );
    await new Promise((r) => setTimeout(r, 300)); // warm-up events still on their way
    executions = 0;
    await publish(1);
    await waitFor(async () => received.every((r, i) => r.includes(`${tags[i]}:1`)), 'event 1', 10_000);
    expect(received.map((r) => r.at(-1))).toEqual(['a:1', 'a:1', 'a:1', 'a:1', 'a:1', 'b:1']);
    return executions;
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

describe('subscription fan-out', () => {
  it('shared: one execution per (document, variables, role) per event', async () => {
    expect(await executionsPerEvent('shared')).toBe(2);
  });

  it('per-subscriber: one execution per subscriber per event (the yardstick)', async () => {
    expect(await executionsPerEvent('per-subscriber')).toBe(6);
  });
});

describe('TurnPacer', () => {
  it('lets timers and I/O run between bursts of work instead of running a burst in one turn', async () => {
    const pacer = new TurnPacer(10);
    const order: string[] = [];
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    setTimeout(() => order.push('timer'), 0);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pacer.run(async () => {
          busy(3);
          order.push(`task${i}`);
        }),
      ),
    );
    // 20 tasks of 3 ms with a 10 ms budget: the timer runs after the first few, long before the last.
    expect(order.indexOf('timer')).toBeGreaterThan(0);
    expect(order.indexOf('timer')).toBeLessThan(10);
    expect(order.filter((o) => o.startsWith('task'))).toEqual(
      Array.from({ length: 20 }, (_, i) => `task${i}`),
    );
  });
});
