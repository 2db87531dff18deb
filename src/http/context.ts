import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { GraphQLContext } from '../graphql/context';
import type { ApiKeyService } from '../modules/auth/api-key.service';
import type { Viewer } from '../core/viewer';
import { credentialFromConnectionParams, resolveViewer } from '../modules/auth/viewer-resolver';
import { createLoaders } from '../modules/loaders';
import { clientIp } from './client-ip';
import type { ContextFactory } from './context-factory';

/**
 * Per-request contexts: a fresh EntityManager fork and fresh loaders for every HTTP request and
 * every WebSocket operation; the caller resolved from `Authorization` (HTTP) or once per
 * connection from `connectionParams` (WebSocket).
 */
export function createContextFactory(
  orm: MikroORM<PostgreSqlDriver>,
  keys: ApiKeyService,
  trustedProxyHops: number,
): ContextFactory {
  const fork = () => orm.em.fork() as EntityManager;
  const build = (
    em: EntityManager,
    viewer: Viewer,
    requestId: string,
    signal: AbortSignal,
  ): GraphQLContext => ({
    em,
    loaders: createLoaders(em),
    viewer,
    requestId,
    signal,
  });
  return {
    async forHttp(request, signal) {
      const em = fork();
      const viewer = await resolveViewer(keys, em, request.headers.authorization, request.ip);
      return build(em, viewer, request.id, signal);
    },
    viewerForHttp(request) {
      return resolveViewer(keys, fork(), request.headers.authorization, request.ip);
    },
    async viewerForSocket(request, connectionParams) {
      return resolveViewer(
        keys,
        fork(),
        credentialFromConnectionParams(connectionParams),
        clientIp(request, trustedProxyHops),
      );
    },
    forSocketOperation(viewer, requestId, signal) {
      return build(fork(), viewer, requestId, signal);
    },
  };
}
