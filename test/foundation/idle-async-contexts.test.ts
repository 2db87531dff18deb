import { AsyncLocalStorage } from 'node:async_hooks';
import { expect, it } from 'vitest';
import { releaseIdleAsyncContexts } from '../../src/platform/database/idle-async-contexts';

/**
 * Issue 10: AsyncLocalStorage (MikroORM's transaction and flush contexts) no longer keeps promise
 * hooks on after its runs have ended, and contexts still work while runs are under way.
 */
releaseIdleAsyncContexts();

/** Node's own flag: an enabled storage keeps promise hooks on (Node 20). */
const enabled = (storage: AsyncLocalStorage<unknown>) => (storage as unknown as { enabled: boolean }).enabled;
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

it('carries each run its own context across awaits while runs overlap, and switches off after the last', async () => {
  const storage = new AsyncLocalStorage<string>();
  const seen: (string | undefined)[] = [];
  const job = (name: string, waits: number) =>
    storage.run(name, async () => {
      for (let i = 0; i < waits; i++) {
        await tick();
        seen.push(`${name}:${storage.getStore()}`);
      }
      return name;
    });
  const a = job('a', 2);
  const b = job('b', 5);
  expect(await a).toBe('a');
  expect(enabled(storage)).toBe(true); // b is still running
  expect(await b).toBe('b');
  await tick();
  expect(enabled(storage)).toBe(false);
  expect(seen.sort()).toEqual(['a:a', 'a:a', 'b:b', 'b:b', 'b:b', 'b:b', 'b:b']);
  // Outside any run: no context. A later run works again.
  expect(storage.getStore()).toBeUndefined();
  expect(await storage.run('c', async () => (await tick(), storage.getStore()))).toBe('c');
});

it('a synchronous run and a throwing run end too; enterWith is left alone', async () => {
  const storage = new AsyncLocalStorage<number>();
  expect(storage.run(1, () => storage.getStore())).toBe(1);
  expect(enabled(storage)).toBe(false);
  expect(() =>
    storage.run(2, () => {
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(enabled(storage)).toBe(false);
  await expect(storage.run(3, async () => Promise.reject(new Error('late')))).rejects.toThrow('late');
  await tick();
  expect(enabled(storage)).toBe(false);
  const endless = new AsyncLocalStorage<number>();
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      endless.enterWith(4);
      void endless
        .run(5, async () => tick())
        .then(() => {
          expect(enabled(endless)).toBe(true);
          resolve();
        });
    }),
  );
});
