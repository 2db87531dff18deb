import type { FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainError } from '../core/errors';
import type { Loaders } from '../core/loaders';
import type { Viewer } from '../core/viewer';
import type { GraphQLContext } from '../graphql/context';
import { clientIp } from './client-ip';
import type { ContextFactory } from './context-factory';

/** What the composition root hands the edges to build contexts; no feature is imported here. */
export interface ContextSources {
  /** A fresh fork of the global EntityManager. */
  readonly fork: () => EntityManager;
  /**
   * The caller behind a credential (`Authorization` value); rejects with UNAUTHENTICATED for a bad
   * one. `em` is called only when the credential has to be looked up; without one, no promise.
   */
  readonly resolveViewer: (
    em: () => EntityManager,
    credential: string | undefined,
    ip: string,
  ) => Viewer | Promise<Viewer>;
  /** Of these key ids, the ones no longer valid (revoked, expired, deleted) and why: one query. */
  readonly rejectedKeys: (em: EntityManager, keyIds: readonly string[]) => Promise<Map<string, DomainError>>;
  /** The request's loaders (the modules' typed loaders, built on first use). */
  readonly createLoaders: (em: EntityManager) => Loaders;
  readonly trustedProxyHops: number;
}

/** The credential in WebSocket `connectionParams`: `authorization` ("Bearer <key>") or `apiKey`. */
export function credentialFromConnectionParams(
  params: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  const value = params?.authorization ?? params?.Authorization ?? params?.apiKey;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Per-request contexts: a fresh EntityManager fork and fresh loaders for every HTTP request and
 * every WebSocket operation; the caller resolved from `Authorization` (HTTP) or once per
 * connection from `connectionParams` (WebSocket).
 */
export function createContextFactory(sources: ContextSources): ContextFactory {
  const { fork, resolveViewer } = sources;
  /**
   * A context whose EntityManager fork and loaders are made on first use: a request or a
   * subscription event whose resolvers read nothing from the database (`{ __typename }`, a
   * harvest's progress) costs neither.
   */
  const build = (
    makeEm: () => EntityManager,
    viewer: Viewer,
    requestId: string,
    makeSignal: () => AbortSignal,
  ): GraphQLContext =>
    new LazyContext({ makeEm, makeSignal, createLoaders: sources.createLoaders }, viewer, requestId);
  /**
   * The caller of each HTTP request, once: the response cache asks before Apollo's context does,
   * and with an API key each asking was a key lookup in PostgreSQL.
   */
  const viewers = new WeakMap<FastifyRequest, Viewer | Promise<Viewer>>();
  return {
    async forHttp(request, signal) {
      // One fork for the viewer's lookup and the operation, made only if either needs it.
      let em: EntityManager | undefined;
      const forkOnce = () => (em ??= fork());
      const viewer = await (viewers.get(request) ??
        resolveViewer(forkOnce, request.headers.authorization, request.ip));
      return build(forkOnce, viewer, request.id, signal);
    },
    viewerForHttp(request) {
      let viewer = viewers.get(request);
      if (!viewer) {
        viewer = resolveViewer(fork, request.headers.authorization, request.ip);
        viewers.set(request, viewer);
      }
      return viewer;
    },
    async viewerForSocket(request, connectionParams) {
      return resolveViewer(
        fork,
        credentialFromConnectionParams(connectionParams),
        clientIp(request, sources.trustedProxyHops),
      );
    },
    rejectedKeys(keyIds) {
      return sources.rejectedKeys(fork(), keyIds);
    },
    forSocketOperation(viewer, requestId, signal) {
      return build(fork, viewer, requestId, () => signal);
    },
  };
}

/** What a context makes on first use; shared by the context and its copies. */
interface Made {
  readonly makeEm: () => EntityManager;
  readonly makeSignal: () => AbortSignal;
  readonly createLoaders: (em: EntityManager) => Loaders;
  em?: EntityManager;
  loaders?: Loaders;
  signal?: AbortSignal;
}

/**
 * The getters live on the prototype: Apollo copies the context for each operation
 * (`Object.assign(Object.create(prototype), context)`), which would call own getters, making the
 * fork and the loaders for every request; the copy shares `made` with the original.
 */
class LazyContext implements GraphQLContext {
  readonly staleness = { stale: false };

  constructor(
    private readonly made: Made,
    readonly viewer: Viewer,
    readonly requestId: string,
  ) {}

  get signal(): AbortSignal {
    return (this.made.signal ??= this.made.makeSignal());
  }

  get em(): EntityManager {
    return (this.made.em ??= this.made.makeEm());
  }

  get loaders(): Loaders {
    return (this.made.loaders ??= this.made.createLoaders(this.em));
  }
}
