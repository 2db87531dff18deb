import { type ExecutionResult, GraphQLInt, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { openConnection } from '../../src/http/socket-connections';
import { subscribeFresh } from '../../src/http/socket-subscriptions';
import { EventStream } from '../../src/platform/pubsub/event-stream';

/**
 * Issue 11, the per-subscriber path (WS_SUBSCRIPTION_FANOUT=per-subscriber): a subscription listens
 * for its connection's key being refused through one listener, removed when it ends, so a
 * long-lived connection's memory does not grow with the events it received or the subscriptions it
 * ran; and a refused key still ends a subscription that is waiting for an event.
 */
const sources: EventStream[] = [];
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      tick: {
        type: GraphQLInt,
        subscribe: () => {
          const stream = new EventStream(() => undefined);
          sources.push(stream);
          return stream;
        },
        resolve: (event: number) => event,
      },
    },
  }),
});
const document = parse('subscription { tick }');

async function open(connection: ReturnType<typeof openConnection>) {
  const stream = await subscribeFresh(
    { schema, document, contextValue: {} },
    { fresh: () => ({}) as never, whenEnded: connection.whenEnded },
  );
  if (!(Symbol.asyncIterator in stream)) throw new Error('refused');
  return { stream: stream as AsyncIterableIterator<ExecutionResult>, source: sources.at(-1)! };
}

it('holds one listener per running subscription, whatever the events and subscriptions before', async () => {
  const connection = openConnection();
  for (let round = 0; round < 20; round++) {
    const { stream, source } = await open(connection);
    for (let n = 0; n < 50; n++) {
      source.push(n);
      expect((await stream.next()).value).toEqual({ data: { tick: n } });
    }
    expect(connection.listening).toBe(1);
    await stream.return!();
    expect(connection.listening).toBe(0);
  }
});

it('a refused key ends a subscription waiting for an event, with the refusal', async () => {
  const connection = openConnection();
  const { stream, source } = await open(connection);
  source.push(1);
  expect((await stream.next()).value).toEqual({ data: { tick: 1 } });
  const waiting = stream.next();
  connection.end(new DomainError('UNAUTHENTICATED', 'API key revoked'));
  await expect(waiting).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  expect(connection.listening).toBe(0);
  expect(source.isClosed).toBe(true);
  expect((await stream.next()).done).toBe(true);
});
