import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { DomainError } from '../core/errors';
import { CompiledDocuments } from '../graphql/compiled-documents';
import { toGraphQLError } from '../graphql/errors';
import type { GraphqlGuards } from '../graphql/guards';
import { parseWithinTokenLimit } from '../graphql/query-limits';
import type { Viewer } from '../core/viewer';
import type { Logger } from '../platform/logging/logger';
import type { ClientErrorFormatter } from './client-errors';
import type { ContextFactory } from './context-factory';
import { requestIdOf } from './request-id';
import { openConnection, type SocketConnection, startKeyRecheck } from './socket-connections';
import { subscribeFresh, type SubscriptionHooks } from './socket-subscriptions';
import { type FanoutSubscriber, fanoutKey, SubscriptionFanout } from './subscription-fanout';

export interface GraphqlWsOptions {
  readonly server: Server;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly context: ContextFactory;
  readonly guards: GraphqlGuards;
  /** Longest frame a client may send (a query or connection_init). */
  readonly maxPayloadBytes: number;
  /** Token limit applied while parsing (the other query limits are in `guards`). */
  readonly maxTokens: number;
  /** Schema introspection (`__schema`, `__type`); HTTP has the same setting through Apollo. */
  readonly introspection: boolean;
  readonly formatError: ClientErrorFormatter;
  readonly limits: WebSocketLimits;
}

/** Connection limits (config `websocket`, docs/realtime.md). */
export interface WebSocketLimits {
  readonly keepAliveMs: number;
  readonly connectionInitTimeoutMs: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly authRecheckIntervalMs: number;
  /** `shared`: one execution per (document, variables, role) per event (subscription-fanout.ts). */
  readonly fanout: 'shared' | 'per-subscriber';
}

/** Sockets written per turn of the event loop by the shared fan-out. */
const FANOUT_SLICE_SIZE = 200;
/** A socket with more than this unsent is too slow for the shared fan-out and is closed. */
const FANOUT_MAX_BUFFERED_BYTES = 1_048_576;
/** Distinct query texts whose parsed, validated document is kept for reuse. */
const VALID_DOCUMENTS_KEPT = 500;

export interface GraphqlWs {
  /** Open connections (past connection_init) and the subscriptions running on them (metrics). */
  stats(): { readonly connections: number; readonly subscriptions: number };
  /** Stops new connections, waits (bounded by the caller) for running queries and mutations, then closes sockets. */
  close(): Promise<void>;
}

type SocketExtra = {
  /** Ours, unique per connection: a client's request id may repeat across connections. */
  connectionId?: string;
  viewer?: Viewer;
  requestId?: string;
  connection?: SocketConnection;
};

/** A refusal before execution, in the formatted shape graphql-ws sends as an `error` message. */
function refusal(error: GraphQLError, fallbackCode: string): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: fallbackCode } });
}

/**
 * graphql-ws (the `graphql-transport-ws` protocol) on the same path as HTTP GraphQL. Each
 * operation is parsed (token limit) and validated here with the same rules as HTTP (graphql-ws
 * does not run Apollo's validation rules), its variables coerced, then checked by the guards (cost,
 * rate limits) before it executes.
 */
export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWs {
  const { schema, guards, logger, formatError } = options;
  const rules = [
    ...specifiedRules,
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ...guards.validationRules,
  ];
  const wss = new WebSocketServer({
    server: options.server,
    path: '/graphql',
    maxPayload: options.maxPayloadBytes,
  });
  let accepting = true;
  let drained: (() => void) | undefined;
  /** Every running operation by `<connectionId>:<operation id>`, aborted when it ends or its socket closes. */
  const operations = new Map<string, AbortController>();
  /** The queries and mutations among them (subscriptions do not hold up a drain). */
  const counted = new Set<string>();
  const finish = (key: string) => {
    const [connectionId, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    connections.get(connectionId)?.connection.subscriptions.delete(id);
    operations.get(key)?.abort();
    operations.delete(key);
    counted.delete(key);
    if (counted.size === 0) drained?.();
  };
  const keyOf = (extra: SocketExtra, id: string) => `${extra.connectionId}:${id}`;
  /** Open connections, for the key re-check. */
  const connections = new Map<string, { connection: SocketConnection; keyId: string | undefined }>();
  /** Per subscription, by its first context: fresh contexts per event and the end on a revoked key. */
  const hooksOf = new WeakMap<object, SubscriptionHooks>();
  /** Per subscription in the shared fan-out, by its first context: its group and its socket. */
  const sharedOf = new WeakMap<object, { key: string; viewer: Viewer; subscriber: FanoutSubscriber }>();
  /** Query texts that parsed and validated, by text (shared fan-out only; bounded, oldest out). */
  const validDocuments = options.limits.fanout === 'shared' ? new Map<string, DocumentNode>() : undefined;
  const remember = (query: string, document: DocumentNode) => {
    if (!validDocuments) return;
    if (validDocuments.size >= VALID_DOCUMENTS_KEPT)
      validDocuments.delete(validDocuments.keys().next().value!);
    validDocuments.set(query, document);
  };
  const formatResult = (result: ExecutionResult, requestId: string): FormattedExecutionResult => {
    if (!result.errors) return result;
    const errors = result.errors.map((e) => {
      const formatted = formatError(e instanceof GraphQLError ? e.toJSON() : e, e);
      if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
        logger.error({ requestId, err: unwrapResolverError(e) }, 'unexpected error in GraphQL operation');
      }
      return formatted;
    });
    return { ...result, errors };
  };
  const fanout =
    options.limits.fanout === 'shared'
      ? new SubscriptionFanout({
          context: (viewer, requestId, signal) =>
            options.context.forSocketOperation(viewer, requestId, signal),
          format: formatResult,
          sliceSize: FANOUT_SLICE_SIZE,
          maxBufferedBytes: FANOUT_MAX_BUFFERED_BYTES,
          logger,
          compiled: new CompiledDocuments(schema),
        })
      : undefined;
  const stopRecheck = startKeyRecheck({
    intervalMs: options.limits.authRecheckIntervalMs,
    connections: () => connections.values(),
    rejected: (keyIds) => options.context.rejectedKeys(keyIds),
    logger,
  });

  const cleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      connectionInitWaitTimeout: options.limits.connectionInitTimeoutMs,
      subscribe: (args) => {
        const shared = sharedOf.get(args.contextValue as object);
        if (shared && fanout) return fanout.join(shared.key, args, shared.viewer, shared.subscriber);
        return subscribeFresh(args, hooksOf.get(args.contextValue as object));
      },
      // Close reasons never carry an internal error's message (graphql-ws's default outside
      // NODE_ENV=production would); clients get codes, the log gets the details.
      isProd: true,
      async onConnect(ctx) {
        if (!accepting) return false;
        try {
          ctx.extra.viewer = await options.context.viewerForSocket(ctx.extra.request, ctx.connectionParams);
          ctx.extra.requestId = requestIdOf(ctx.extra.request);
          ctx.extra.connectionId = randomUUID();
          const connection = (ctx.extra.connection = openConnection());
          const viewer = ctx.extra.viewer;
          connections.set(ctx.extra.connectionId, {
            connection,
            keyId: viewer.kind === 'apiKey' ? viewer.keyId : undefined,
          });
          return true;
        } catch (error) {
          logger.info({ error: (error as Error).message }, 'websocket connection refused');
          return false;
        }
      },
      async onSubscribe(ctx, id, payload) {
        if (!accepting) {
          return [
            toGraphQLError(
              new DomainError('SERVICE_UNAVAILABLE', 'The server is shutting down: reconnect and retry'),
            ),
          ];
        }
        // A key revoked or expired after the connection opened is refused from its next operation on.
        if (ctx.extra.viewer?.kind === 'apiKey') {
          try {
            ctx.extra.viewer = await options.context.viewerForSocket(ctx.extra.request, ctx.connectionParams);
          } catch (error) {
            if (error instanceof DomainError) return [toGraphQLError(error)];
            throw error;
          }
        }
        // With the shared fan-out, a query text already parsed and validated is reused (one AST for
        // all its subscribers): validation depends on the document alone, costs on the variables.
        let document = validDocuments?.get(payload.query);
        if (!document) {
          try {
            document = parseWithinTokenLimit(payload.query, options.maxTokens);
          } catch (error) {
            if (error instanceof DomainError) return [toGraphQLError(error)];
            return [refusal(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
          }
          const errors = validate(schema, document, rules);
          if (errors.length > 0) return errors.map((e) => refusal(e, 'GRAPHQL_VALIDATION_FAILED'));
          remember(payload.query, document);
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return [
            toGraphQLError(
              new DomainError('OPERATION_RESOLUTION_FAILURE', 'Name the operation to run (operationName)'),
            ),
          ];
        }
        // Variables are coerced here, as Apollo does over HTTP: graphql-js would report a bad one
        // during execution without a code (masked as an internal error) instead of BAD_USER_INPUT.
        const coerced = getVariableValues(
          schema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
          {
            maxErrors: 20,
          },
        );
        if (coerced.errors) {
          return coerced.errors.map(
            (e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }),
          );
        }
        const subscription = operation.operation === 'subscription';
        const connection = ctx.extra.connection!;
        if (subscription && connection.subscriptions.size >= options.limits.maxSubscriptionsPerConnection) {
          return [
            toGraphQLError(
              new DomainError(
                'TOO_MANY_SUBSCRIPTIONS',
                `A connection may run ${options.limits.maxSubscriptionsPerConnection} subscriptions at once: complete one first`,
              ),
            ),
          ];
        }
        const key = keyOf(ctx.extra, id);
        const controller = new AbortController();
        operations.set(key, controller);
        // Subscriptions live until the client leaves; only queries and mutations hold up a drain.
        if (subscription) connection.subscriptions.add(id);
        else counted.add(key);
        const requestId = `${ctx.extra.requestId}:${id}`;
        const contextValue = options.context.forSocketOperation(
          ctx.extra.viewer!,
          requestId,
          controller.signal,
        );
        const variableValues = payload.variables ?? {};
        try {
          await guards.beforeSocketOperation(contextValue, document, variableValues);
        } catch (error) {
          finish(key);
          if (error instanceof DomainError) return [toGraphQLError(error)];
          throw error;
        }
        if (subscription && fanout) {
          // The group executes with contexts of its own: what graphql-ws keeps for this subscriber
          // is a token, so the operation's EntityManager and loaders are not held while it runs.
          const token = {};
          sharedOf.set(token, {
            key: fanoutKey(payload.query, payload.operationName, variableValues, ctx.extra.viewer!),
            viewer: ctx.extra.viewer!,
            subscriber: { socket: ctx.extra.socket, id, whenEnded: connection.whenEnded },
          });
          return {
            schema,
            document,
            variableValues,
            operationName: payload.operationName,
            contextValue: token,
          };
        } else if (subscription) {
          hooksOf.set(contextValue, {
            fresh: () => options.context.forSocketOperation(ctx.extra.viewer!, requestId, controller.signal),
            whenEnded: connection.whenEnded,
          });
        }
        return { schema, document, variableValues, operationName: payload.operationName, contextValue };
      },
      onComplete(ctx, id) {
        finish(keyOf(ctx.extra, id));
      },
      onClose(ctx) {
        // A socket that goes away stops its work: every operation's signal is aborted.
        const prefix = `${ctx.extra.connectionId}:`;
        for (const key of [...operations.keys()]) if (key.startsWith(prefix)) finish(key);
        if (ctx.extra.connectionId) connections.delete(ctx.extra.connectionId);
      },
      onError(ctx, id, _payload, errors): GraphQLFormattedError[] {
        finish(keyOf(ctx.extra, id));
        return errors.map((e) => {
          const formatted = formatError(e.toJSON(), e);
          if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
            logger.error(
              { requestId: `${ctx.extra.requestId}:${id}`, err: unwrapResolverError(e) },
              'unexpected error in GraphQL operation',
            );
          }
          return formatted;
        });
      },
      onNext(ctx, id, _payload, _args, result) {
        return formatResult(result, `${ctx.extra.requestId}:${id}`);
      },
    },
    wss,
    options.limits.keepAliveMs,
  );

  return {
    stats() {
      let subscriptions = 0;
      for (const { connection } of connections.values()) subscriptions += connection.subscriptions.size;
      return { connections: connections.size, subscriptions };
    },
    async close() {
      // Refuse new connections, let running operations finish, then say goodbye (code 1001).
      accepting = false;
      stopRecheck();
      if (counted.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      await cleanup.dispose();
    },
  };
}
