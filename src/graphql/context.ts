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
  /**
   * Set by a resolver that answered from the shared cache because the database was unreachable;
   * the HTTP edge then says so in the response's `extensions` (`stale: true`, `servedFrom: "cache"`).
   */
  readonly staleness: { stale: boolean };
}
