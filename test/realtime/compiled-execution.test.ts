import { Redis } from 'ioredis';
import {
  Arg,
  Field,
  FieldResolver,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { afterAll, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { defineModule, moduleKey } from '../../src/core/module';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitFor } from '../support/free-port';
import { SHARED_REDIS } from '../support/services';
import { wsClient } from './subscription-client';

/**
 * Issue 11: the shared fan-out runs each event through a compiled plan of the subscription's
 * document (graphql-jit) instead of graphql-js `execute`. Clients must not see a difference: the
 * same events through the per-subscriber fan-out (graphql-js) and the shared one (compiled) give
 * the same messages, errors and nulls included.
 */
enum Shade {
  LIGHT = 'light',
  DARK = 'dark',
}
registerEnumType(Shade, { name: 'ParityShade', description: 'Test only.' });

@ObjectType('ParityPart', { description: 'Test only.' })
class Part {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { nullable: true })
  size!: number | null;
}

@ObjectType('ParityEvent', { description: 'Test only.' })
class ParityEvent {
  @Field(() => Int)
  n!: number;

  @Field(() => Date)
  at!: Date;

  @Field(() => Shade)
  shade!: Shade;

  @Field(() => [Part])
  parts!: Part[];

  /** Null on event 3 although declared non-null: the error nulls the nearest nullable parent. */
  @Field(() => String)
  label!: string | null;
}

@ObjectType('ParityWrapper', { description: 'Test only.' })
class ParityWrapper {
  @Field(() => ParityEvent, { nullable: true })
  event!: ParityEvent;

  @Field(() => String)
  tag!: string;
}

interface Tick {
  n: number;
}

@Resolver(() => ParityWrapper)
class ParityResolver {
  @Subscription(() => ParityWrapper, { topics: 'PARITY_TICK', description: 'Test only.' })
  parityTick(@Root() tick: Tick, @Arg('tag', () => String) tag: string): ParityWrapper {
    if (tick.n === 4) throw new DomainError('BAD_USER_INPUT', `event ${tick.n} refused`);
    if (tick.n === 5) throw new Error('an internal failure the client must not read');
    const event = Object.assign(new ParityEvent(), {
      n: tick.n,
      at: new Date(Date.UTC(2026, 11, 6, 0, 0, tick.n)),
      shade: tick.n % 2 === 0 ? Shade.DARK : Shade.LIGHT,
      parts: [
        { name: 'a', size: tick.n },
        { name: 'b', size: null },
      ],
      label: tick.n === 3 ? null : `label-${tick.n}`,
    });
    return Object.assign(new ParityWrapper(), { event, tag });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Test only: a field resolver that fails on event 2.',
  })
  async echo(@Root() wrapper: ParityWrapper, @Arg('times', () => Int) times: number): Promise<string | null> {
    if (wrapper.event.n === 2) throw new DomainError('NOT_FOUND', 'nothing to echo on event 2');
    return wrapper.tag.repeat(times);
  }
}

const parityModule = defineModule({
  key: moduleKey<undefined>('parity'),
  entities: [],
  resolvers: [ParityResolver],
  create: () => ({ resolvers: [new ParityResolver()], exports: undefined }),
});

const QUERY = `subscription Parity($tag: String!, $times: Int!) {
  parityTick(tag: $tag) {
    tag
    echo(times: $times)
    again: echo(times: 1)
    event { n at shade label parts { name size } ... on ParityEvent { __typename } }
  }
}`;

const apps: TestApp[] = [];
const redis = new Redis({ host: SHARED_REDIS.host, port: SHARED_REDIS.port });
afterAll(async () => {
  redis.disconnect();
  await Promise.all(apps.map((a) => a.close()));
});

async function messagesFor(fanout: 'shared' | 'per-subscriber'): Promise<unknown[]> {
  const app = await startTestApp({
    role: 'api',
    env: { WS_SUBSCRIPTION_FANOUT: fanout, RATE_LIMIT_ENABLED: 'false' },
    overrides: { extraModules: [parityModule] },
  });
  apps.push(app);
  const client = wsClient(app.url);
  const received: unknown[] = [];
  try {
    client.subscribe(
      { query: QUERY, variables: { tag: 'x', times: 2 } },
      { next: (value) => void received.push(value), error: () => undefined, complete: () => undefined },
    );
    const publish = (n: number) =>
      redis.publish(`${app.config.redis.keyPrefix}:events:PARITY_TICK`, JSON.stringify({ n }));
    await waitFor(
      async () => {
        await publish(0);
        return received.length > 0;
      },
      'the subscription to run',
      15_000,
    );
    await new Promise((r) => setTimeout(r, 200));
    received.length = 0;
    for (let n = 1; n <= 6; n++) await publish(n);
    await waitFor(async () => received.length >= 6, 'six events', 10_000);
    return received;
  } finally {
    await client.dispose();
  }
}

it('the compiled execution (shared) sends what graphql-js execution (per-subscriber) sends', async () => {
  const [compiled, stock] = await Promise.all([messagesFor('shared'), messagesFor('per-subscriber')]);
  expect(compiled).toEqual(stock);
  // And what both send is right: data, a field error with its path, null bubbling, refusals.
  expect(stock[0]).toEqual({
    data: {
      parityTick: {
        tag: 'x',
        echo: 'xx',
        again: 'x',
        event: {
          n: 1,
          at: '2026-12-06T00:00:01.000Z',
          shade: 'LIGHT',
          label: 'label-1',
          parts: [
            { name: 'a', size: 1 },
            { name: 'b', size: null },
          ],
          __typename: 'ParityEvent',
        },
      },
    },
  });
  expect(stock[1]).toMatchObject({
    data: { parityTick: { echo: null, again: null, event: { n: 2, shade: 'DARK' } } },
    errors: [
      {
        message: 'nothing to echo on event 2',
        path: ['parityTick', 'echo'],
        extensions: { code: 'NOT_FOUND' },
      },
      {
        message: 'nothing to echo on event 2',
        path: ['parityTick', 'again'],
        extensions: { code: 'NOT_FOUND' },
      },
    ],
  });
  expect(stock[2]).toMatchObject({
    data: { parityTick: { event: null } },
    errors: [{ path: ['parityTick', 'event', 'label'] }],
  });
  expect(stock[3]).toMatchObject({
    data: null,
    errors: [{ message: 'event 4 refused', extensions: { code: 'BAD_USER_INPUT' } }],
  });
  expect(stock[4]).toMatchObject({
    data: null,
    errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
  });
  expect(JSON.stringify(stock[4])).not.toContain('must not read');
  expect(stock[5]).toMatchObject({ data: { parityTick: { event: { n: 6 } } } });
}, 60_000);
