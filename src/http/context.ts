import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { anonymousViewer } from '../modules/auth/viewer';
import { createLoaders } from '../modules/loaders';
import type { ContextFactory } from './context-factory';

/** Per-request contexts: a fresh EntityManager fork and fresh loaders for every request or operation. */
export function createContextFactory(orm: MikroORM<PostgreSqlDriver>): ContextFactory {
  const build = (
    viewer: Parameters<ContextFactory['forSocketOperation']>[0],
    requestId: string,
    signal: AbortSignal,
  ) => {
    const em = orm.em.fork() as EntityManager;
    return { em, loaders: createLoaders(em), viewer, requestId, signal };
  };
  return {
    async forHttp(request, signal) {
      return build(anonymousViewer(request.ip), request.id, signal);
    },
    async viewerForSocket(request) {
      return anonymousViewer(request.socket.remoteAddress ?? 'unknown');
    },
    forSocketOperation: build,
  };
}
