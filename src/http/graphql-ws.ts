import type { Server } from 'node:http';
import { getOperationAST, GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { unwrapResolverError } from '@apollo/server/errors';
import { WebSocketServer } from 'ws';
import { formatError } from '../graphql/errors';
import type { Viewer } from '../modules/auth/viewer';
import type { Logger } from '../platform/logging/logger';
import type { ContextFactory } from './context-factory';
import { requestIdOf } from './request-id';

export interface GraphqlWsOptions {
  readonly server: Server;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly context: ContextFactory;
  /** Longest frame a client may send (a query or connection_init). */
  readonly maxPayloadBytes: number;
}

export interface GraphqlWs {
  /** Stops new connections, waits (bounded by the caller) for running queries and mutations, then closes sockets. */
  close(): Promise<void>;
}

type SocketExtra = {
  viewer?: Viewer;
  requestId?: string;
};

/** graphql-ws (the `graphql-transport-ws` protocol) on the same path as HTTP GraphQL. */
export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWs {
  const wss = new WebSocketServer({
    server: options.server,
    path: '/graphql',
    maxPayload: options.maxPayloadBytes,
  });
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const operations = new Map<string, AbortController>();
  const counted = new Set<string>();
  const finish = (key: string) => {
    operations.get(key)?.abort();
    operations.delete(key);
    if (counted.delete(key)) inFlight--;
    if (inFlight === 0) drained?.();
  };

  const cleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema: options.schema,
      async onConnect(ctx) {
        try {
          ctx.extra.viewer = await options.context.viewerForSocket(ctx.extra.request, ctx.connectionParams);
          ctx.extra.requestId = requestIdOf(ctx.extra.request);
          return true;
        } catch (error) {
          options.logger.info({ error: (error as Error).message }, 'websocket connection refused');
          return false;
        }
      },
      context(ctx, id, _payload, args) {
        const controller = new AbortController();
        const key = `${ctx.extra.requestId}:${id}`;
        // Subscriptions live until the client leaves; only queries and mutations hold up a drain.
        const operation = getOperationAST(args.document, args.operationName);
        if (operation?.operation !== 'subscription' && !counted.has(key)) {
          counted.add(key);
          inFlight++;
        }
        operations.set(key, controller);
        return options.context.forSocketOperation(ctx.extra.viewer!, key, controller.signal);
      },
      onComplete(ctx, id) {
        finish(`${ctx.extra.requestId}:${id}`);
      },
      onError(ctx, id, _payload, errors) {
        finish(`${ctx.extra.requestId}:${id}`);
        // graphql-ws reports here only what its own parse and validation rejected.
        return errors.map((e) =>
          formatError(
            { ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...e.extensions } },
            e,
          ),
        );
      },
      onNext(ctx, id, _payload, _args, result) {
        if (!result.errors) return result;
        const errors = result.errors.map((e) => {
          const formatted = formatError(e instanceof GraphQLError ? e.toJSON() : e, e);
          if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
            options.logger.error(
              { requestId: `${ctx.extra.requestId}:${id}`, err: unwrapResolverError(e) },
              'unexpected error in GraphQL operation',
            );
          }
          return formatted;
        });
        return { ...result, errors };
      },
    },
    wss,
  );

  return {
    async close() {
      // Refuse new connections, let running operations finish, then say goodbye (code 1001).
      wss.options.verifyClient = () => false;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await cleanup.dispose();
    },
  };
}
