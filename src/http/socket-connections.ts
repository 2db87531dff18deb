import type { GraphQLError } from 'graphql';
import { DomainError } from '../core/errors';
import { toGraphQLError } from '../graphql/errors';
import type { Logger } from '../platform/logging/logger';

/** One WebSocket's subscriptions and how they end when its key stops being valid. */
export interface SocketConnection {
  /** Operation ids of the subscriptions running on it. */
  readonly subscriptions: Set<string>;
  /**
   * Calls `listener` with the error its subscriptions end with once its key is refused (revoked or
   * expired; at once if it already was); returns how to stop listening. A listener, not a promise:
   * a subscription that ends removes it, so a long-lived connection holds nothing of past ones.
   */
  whenEnded(listener: (error: GraphQLError) => void): () => void;
  /** Listeners registered now (tests: bounded by the subscriptions running). */
  readonly listening: number;
  end(error: DomainError): void;
}

export function openConnection(): SocketConnection {
  let over: GraphQLError | undefined;
  const listeners = new Set<(error: GraphQLError) => void>();
  return {
    subscriptions: new Set(),
    get listening() {
      return listeners.size;
    },
    whenEnded(listener) {
      if (over) {
        listener(over);
        return () => undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    end(error) {
      if (over) return;
      over = toGraphQLError(error);
      for (const listener of [...listeners]) listener(over);
      listeners.clear();
    },
  };
}

/**
 * Re-checks, every `intervalMs`, the API keys of every connection that runs subscriptions, in ONE
 * query for all of them (`rejected` answers which key ids are no longer valid and why). A key
 * revoked, expired or deleted ends that connection's subscriptions with its error.
 */
export function startKeyRecheck(options: {
  readonly intervalMs: number;
  /** Open connections and the API key id each was opened with (undefined: anonymous). */
  readonly connections: () => Iterable<{ connection: SocketConnection; keyId: string | undefined }>;
  readonly rejected: (keyIds: readonly string[]) => Promise<ReadonlyMap<string, DomainError>>;
  readonly logger: Logger;
}): () => void {
  if (options.intervalMs <= 0) return () => undefined;
  let running = false;
  const recheck = async () => {
    const open = [...options.connections()].filter(
      ({ connection, keyId }) => keyId !== undefined && connection.subscriptions.size > 0,
    );
    if (open.length === 0) return;
    const rejected = await options.rejected(open.map(({ keyId }) => keyId!));
    for (const { connection, keyId } of open) {
      const error = rejected.get(keyId!);
      if (!error) continue;
      options.logger.info({ reason: error.message }, 'websocket key no longer valid: subscriptions ended');
      connection.end(error);
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    recheck()
      .catch((error: Error) => options.logger.warn({ error: error.message }, 'websocket key re-check failed'))
      .finally(() => (running = false));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
