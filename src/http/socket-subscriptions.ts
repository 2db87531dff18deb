import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
} from 'graphql';
import type { GraphQLContext } from '../graphql/context';

/** What the subscription runner needs of one subscription operation, keyed by its first context. */
export interface SubscriptionHooks {
  /** A context for each event: its own EntityManager and loaders, so every event reads fresh data. */
  fresh(): GraphQLContext;
  /** Resolves (never rejects) with the error that ends the subscription: the key was revoked or expired. */
  readonly ended: Promise<GraphQLError>;
}

const ENDED = Symbol('ended');

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * graphql-js's `subscribe`, with two differences: each event is executed with a fresh context
 * (graphql-js reuses the subscription's one, whose identity map and loaders would serve the data
 * of the first event forever), and the stream ends with an error (UNAUTHENTICATED) as soon as
 * `hooks.ended` resolves, even while no event arrives. `return()` ends it at once, also while it
 * waits for an event (an async generator would wait for that event first).
 */
export async function subscribeFresh(
  args: ExecutionArgs,
  hooks: SubscriptionHooks | undefined,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  const stop = async (): Promise<IteratorResult<ExecutionResult>> => {
    if (!done) {
      done = true;
      await iterator.return?.();
    }
    return { value: undefined, done: true };
  };
  const ended = hooks ? hooks.ended.then((error) => ({ [ENDED]: error })) : new Promise<never>(() => {});
  const stream: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (done) return { value: undefined, done: true };
      const step = await Promise.race([iterator.next(), ended]);
      if (ENDED in step) {
        await stop();
        throw step[ENDED];
      }
      if (step.done || done) return stop();
      const contextValue = hooks ? hooks.fresh() : args.contextValue;
      const value = await execute({ ...args, rootValue: step.value, contextValue });
      return { value, done: false };
    },
    return: stop,
    async throw(error?: unknown) {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return stream;
}
