import type { GraphQLError } from 'graphql';
import { DomainError } from '../core/errors';
import { toGraphQLError } from '../graphql/errors';
import type { Logger } from '../platform/logging/logger';

/** One WebSocket's subscriptions and how they end when its key stops being valid. */
export interface SocketConnection {
  /** Operation ids of the subscriptions running on it. */
  readonly subscriptions: Set<string>;
  /** Resolves with the error its subscriptions end with, once its key is revoked or expired. */
  readonly ended: Promise<GraphQLError>;
  end(error: DomainError): void;
}

export function openConnection(): SocketConnection {
  let settle!: (error: GraphQLError) => void;
  const ended = new Promise<GraphQLError>((resolve) => (settle = resolve));
  let over = false;
  return {
    subscriptions: new Set(),
    ended,
    end(error) {
      if (over) return;
      over = true;
      settle(toGraphQLError(error));
    },
  };
}

/**
 * Re-checks, every `intervalMs`, the key of each connection that runs subscriptions (`check`
 * resolves the viewer again from the connection's upgrade request and connectionParams). A key
 * refused with a DomainError (revoked, expired) ends that connection's subscriptions with it.
 */
export function startKeyRecheck(options: {
  readonly intervalMs: number;
  readonly connections: () => Iterable<{ connection: SocketConnection; check(): Promise<void> }>;
  readonly logger: Logger;
}): () => void {
  if (options.intervalMs <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const rounds = [...options.connections()]
      .filter(({ connection }) => connection.subscriptions.size > 0)
      .map(async ({ connection, check }) => {
        try {
          await check();
        } catch (error) {
          if (error instanceof DomainError) {
            options.logger.info(
              { reason: error.message },
              'websocket key no longer valid: subscriptions ended',
            );
            connection.end(error);
          } else {
            options.logger.warn({ error: (error as Error).message }, 'websocket key re-check failed');
          }
        }
      });
    void Promise.all(rounds).finally(() => (running = false));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
