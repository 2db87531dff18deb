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
  /** Calls back with the error that ends the subscription (the key was revoked or expired); returns how to stop listening. */
  whenEnded(listener: (error: GraphQLError) => void): () => void;
}

/** What a pending `next` is woken with when the subscription is ended from outside. */
const ENDED = Symbol('ended');

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * graphql-js's `subscribe`, with two differences: each event is executed with a fresh context
 * (graphql-js reuses the subscription's one, whose identity map and loaders would serve the data
 * of the first event forever), and the stream ends with an error (UNAUTHENTICATED) as soon as
 * `hooks.whenEnded` calls back, even while no event arrives. `return()` ends it at once, also while
 * it waits for an event (an async generator would wait for that event first). It listens through
 * one removable listener, not a race against a promise that may never settle (each race would
 * leave a reaction on it: one per event, for as long as the connection lives).
 */
export async function subscribeFresh(
  args: ExecutionArgs,
  hooks: SubscriptionHooks | undefined,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  let failure: GraphQLError | undefined;
  let wake: ((ended: typeof ENDED) => void) | undefined;
  const unlisten = hooks?.whenEnded((error) => {
    failure = error;
    wake?.(ENDED);
  });
  const stop = async (): Promise<IteratorResult<ExecutionResult>> => {
    if (!done) {
      done = true;
      unlisten?.();
      await iterator.return?.();
    }
    return { value: undefined, done: true };
  };
  const stream: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (done) return { value: undefined, done: true };
      const step = failure
        ? ENDED
        : await new Promise<IteratorResult<unknown> | typeof ENDED>((resolve, reject) => {
            wake = resolve;
            iterator.next().then(resolve, reject);
          });
      wake = undefined;
      if (step === ENDED) {
        await stop();
        throw failure!;
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
