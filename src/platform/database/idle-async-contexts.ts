import { AsyncLocalStorage } from 'node:async_hooks';

type Run = <R>(store: unknown, callback: (...args: unknown[]) => R, ...args: unknown[]) => R;

const installed = Symbol('releaseIdleAsyncContexts');

/**
 * MikroORM keeps a transaction's EntityManager and its "inside a flush" flag in AsyncLocalStorage.
 * On Node 20 a storage that has run once keeps promise hooks on for the rest of the process: every
 * promise of every request then pays for carrying contexts (about 8 % of the busy CPU of
 * `{ __typename }` under load, docs/performance.md), although a context is needed only while a
 * transaction or a flush runs. The first transaction (the instance's start notice) turned them on for good.
 *
 * Installed once by the entry point, this switches a storage off (`disable()`) when the last of its
 * `run`s has settled (the callback returned, or the promise it returned settled), and promise hooks
 * go off with the last enabled storage. While any run is under way nothing changes: Node's own
 * `run` enables the storage and carries the context through every promise made inside it. A storage
 * that `enterWith` was used on is left alone (its context has no end).
 *
 * What this gives up: a promise or callback that outlives the `run` it started in, not awaited by
 * it, reads no context once the storage is off. MikroORM awaits everything it starts inside its runs.
 * Node 22's AsyncContextFrame (the default from Node 24) makes all of this unnecessary.
 */
export function releaseIdleAsyncContexts(): void {
  const prototype = AsyncLocalStorage.prototype as unknown as {
    run: Run;
    enterWith(store: unknown): void;
    disable(): void;
    [installed]?: true;
  };
  if (prototype[installed]) return;
  prototype[installed] = true;
  const running = new WeakMap<object, number>();
  const endless = new WeakSet<object>();
  const nodeRun = prototype.run;
  const nodeEnterWith = prototype.enterWith;
  const settled = (storage: AsyncLocalStorage<unknown>) => {
    const left = (running.get(storage) ?? 1) - 1;
    if (left > 0) return void running.set(storage, left);
    running.delete(storage);
    if (!endless.has(storage)) storage.disable();
  };
  prototype.enterWith = function (this: AsyncLocalStorage<unknown>, store: unknown) {
    endless.add(this);
    return nodeEnterWith.call(this, store);
  };
  prototype.run = function <R>(
    this: AsyncLocalStorage<unknown>,
    store: unknown,
    callback: (...args: unknown[]) => R,
    ...args: unknown[]
  ): R {
    running.set(this, (running.get(this) ?? 0) + 1);
    let result: R;
    try {
      result = nodeRun.call(this, store, callback, ...args) as R;
    } catch (error) {
      settled(this);
      throw error;
    }
    if (result instanceof Promise) {
      const end = () => settled(this);
      // Seeing it settle attaches a handler: a rejection the caller never handles is then not
      // reported as unhandled. MikroORM awaits (and so handles) every run it makes.
      void result.then(end, end);
    } else {
      settled(this);
    }
    return result;
  };
}
