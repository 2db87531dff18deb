import type { EntityManager } from '@mikro-orm/postgresql';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Loaders } from '../../src/core/loaders';
import { anonymousViewer } from '../../src/core/viewer';
import { createContextFactory } from '../../src/http/context';
import { closeSignal } from '../../src/http/graphql-http';

/**
 * Issue 10: a request whose resolvers read nothing forks no EntityManager and builds no loaders,
 * also after Apollo copies the context for the operation (it did, through own getters: 1.7 % of
 * the busy CPU of `{ __typename }` under load was that fork).
 */
function factory() {
  const counts = { forks: 0, loaders: 0, signals: 0, viewers: 0 };
  const contexts = createContextFactory({
    fork: () => {
      counts.forks++;
      return { id: counts.forks } as unknown as EntityManager;
    },
    resolveViewer: async (_em, credential, ip) => {
      counts.viewers++;
      expect(credential).toBeUndefined(); // anonymous: no lookup, so `em` is never called
      return anonymousViewer(ip);
    },
    rejectedKeys: async () => new Map(),
    createLoaders: () => {
      counts.loaders++;
      return {} as Loaders;
    },
    trustedProxyHops: 0,
  });
  return { contexts, counts };
}

const request = { headers: {}, ip: '203.0.113.9', id: 'req-1' } as unknown as FastifyRequest;
const countedSignal = (counts: { signals: number }) => () => {
  counts.signals++;
  return new AbortController().signal;
};
/** What Apollo Server does with the context of each operation (ApolloServer.cloneObject). */
const apolloCopy = <T extends object>(object: T): T =>
  Object.assign(Object.create(Object.getPrototypeOf(object) as object) as T, object);

describe('per-request context', () => {
  it('forks nothing and makes no signal for an anonymous caller, nor when Apollo copies the context', async () => {
    const { contexts, counts } = factory();
    const context = await contexts.forHttp(request, countedSignal(counts));
    const copy = apolloCopy(context);
    expect(copy.viewer.kind).toBe('anonymous');
    expect(copy.requestId).toBe('req-1');
    expect(counts).toEqual({ forks: 0, loaders: 0, signals: 0, viewers: 1 });
  });

  it('makes one fork and one set of loaders on first use, shared by the context and its copy', async () => {
    const { contexts, counts } = factory();
    const context = await contexts.forHttp(request, countedSignal(counts));
    const copy = apolloCopy(context);
    const em = copy.em;
    expect(copy.loaders).toBe(context.loaders);
    expect(context.em).toBe(em);
    expect(copy.signal).toBe(context.signal);
    expect(counts).toEqual({ forks: 1, loaders: 1, signals: 1, viewers: 1 });
    // A socket operation's context is its own.
    const other = contexts.forSocketOperation(anonymousViewer('::1'), 'ws-1', new AbortController().signal);
    expect(other.em).not.toBe(em);
    expect(counts.forks).toBe(2);
  });

  it('resolves the caller of a request once, when the response cache asked before the context', async () => {
    const { contexts, counts } = factory();
    const viewer = await contexts.viewerForHttp(request);
    const context = await contexts.forHttp(request, countedSignal(counts));
    expect(context.viewer).toBe(viewer);
    expect(counts.viewers).toBe(1);
    const other = { ...request, id: 'req-2' } as FastifyRequest;
    await contexts.forHttp(other, countedSignal(counts));
    expect(counts.viewers).toBe(2);
  });

  it('aborts the signal when the response closes, also when it is first read after that', () => {
    const response = () => new EventEmitter() as unknown as ServerResponse;
    const early = response();
    const readEarly = closeSignal(early)();
    expect(readEarly.aborted).toBe(false);
    early.emit('close');
    expect(readEarly.aborted).toBe(true);
    expect((readEarly.reason as Error).name).toBe('AbortError');

    const late = response();
    const signalOf = closeSignal(late);
    late.emit('close');
    expect(signalOf().aborted).toBe(true);
    expect(signalOf()).toBe(signalOf());
  });
});
