import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../core/viewer';
import type { Loaders } from '../core/loaders';

/**
 * What every resolver receives. Built once per HTTP request and once per WebSocket operation:
 * a forked EntityManager (never the global one), per-request DataLoaders, the caller, the request
 * id that ties log lines together, and a signal aborted when the client goes away.
 */
export interface GraphQLContext {
  readonly em: EntityManager;
  readonly loaders: Loaders;
  readonly viewer: Viewer;
  readonly requestId: string;
  readonly signal: AbortSignal;
}
