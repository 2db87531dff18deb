import type { ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, HeaderMap, type PersistedQueryOptions } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { httpStatusOf } from '../core/errors';
import type { GraphQLContext } from '../graphql/context';
import { DATABASE_RETRY_AFTER_SECONDS, domainErrorOf, isExpectedError } from '../graphql/errors';
import type { GraphqlGuards } from '../graphql/guards';
import type { Logger } from '../platform/logging/logger';
import type { ClientErrorFormatter } from './client-errors';
import type { ContextFactory } from './context-factory';
import { graphqlPrecheck, noSubscriptionsOverHttp } from './graphql-precheck';
import type { ResponseCacheHooks } from './response-cache';

export interface GraphqlHttpOptions {
  readonly schema: GraphQLSchema;
  readonly introspection: boolean;
  /** "Did you mean ...?" hints in validation errors. */
  readonly fieldSuggestions: boolean;
  /** Automatic persisted queries (store and TTL), or `false` to answer PERSISTED_QUERY_NOT_SUPPORTED. */
  readonly persistedQueries: PersistedQueryOptions | false;
  /** Token limit, checked before Apollo parses (the other query limits are in `guards`). */
  readonly maxTokens: number;
  readonly nodeEnv: string;
  readonly logger: Logger;
  readonly context: ContextFactory;
  readonly guards: GraphqlGuards;
  readonly formatError: ClientErrorFormatter;
  /** More Apollo plugins (operation metrics). */
  readonly plugins?: readonly ApolloServerPlugin<GraphQLContext>[];
  /** Answers cacheable queries before Apollo and stores Apollo's answers (absent: switched off). */
  readonly responseCache?: ResponseCacheHooks;
  /** Answers a browser's GET (GraphiQL, or 404 when it is off) before anything else (web-pages.ts). */
  readonly browserPage?: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
}

/** Why a request's signal is aborted: its response closed (answered, timed out, or the client left). */
const RESPONSE_CLOSED = Object.assign(new Error('the response closed'), { name: 'AbortError' });

/**
 * The request's signal, aborted when its response closes, made when something first reads it.
 * Every response closes, most after their work is done: making and aborting a signal for each
 * (an event dispatched per request) was 5 % of the busy CPU of `{ __typename }` under load, and
 * the shared reason spares an AbortError DOMException with its stack (docs/performance.md).
 */
export function closeSignal(response: ServerResponse): () => AbortSignal {
  let controller: AbortController | undefined;
  let closed = false;
  response.once('close', () => {
    closed = true;
    controller?.abort(RESPONSE_CLOSED);
  });
  return () => {
    if (!controller) {
      controller = new AbortController();
      if (closed) controller.abort(RESPONSE_CLOSED);
    }
    return controller.signal;
  };
}

/** Logs every unexpected error once, with the request id; clients get the masked form. */
function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    // A context that cannot be built (the database down while a key is checked) is masked by
    // Apollo; log why, with the request id, so it does not vanish.
    async contextCreationDidFail({ error }) {
      if (isExpectedError(error, (error as { extensions?: { code?: unknown } }).extensions?.code)) return;
      logger.error({ err: unwrapResolverError(error) }, 'cannot build the GraphQL request context');
    },
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (isExpectedError(error, error.extensions?.code)) continue;
            const original = unwrapResolverError(error);
            logger.error(
              { requestId: contextValue.requestId, operationName, path: error.path, err: original },
              'unexpected error in GraphQL request',
            );
          }
        },
      };
    },
  };
}

/**
 * An operation that produced no data because a dependency was down (SERVICE_UNAVAILABLE) is
 * answered HTTP 503 with `Retry-After`, so clients and load balancers see the outage as one; an
 * answer with data (served from the cache, or partial) stays 200, and one a resolver served from
 * the shared cache while the database was down says so: `extensions: { stale: true, servedFrom: "cache" }`.
 */
function unavailableStatus(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          if (contextValue.staleness?.stale) {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, stale: true, servedFrom: 'cache' };
          }
          const { data, errors } = response.body.singleResult;
          if (data != null || !errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/** Apollo Server on Fastify at `/graphql` (GET and POST). Returns Apollo, which the caller stops. */
export async function registerGraphqlHttp(
  fastify: FastifyInstance,
  options: GraphqlHttpOptions,
): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: !options.fieldSuggestions,
    includeStacktraceInErrorResponses: false,
    formatError: options.formatError,
    // CSRF: a GET or a "simple" POST (text/plain, forms) needs `apollo-require-preflight` or
    // `x-apollo-operation-name`, which a cross-site form or <img> cannot send.
    csrfPrevention: true,
    // One operation per request: a batch would multiply every per-request limit.
    allowBatchedHttpRequests: false,
    persistedQueries: options.persistedQueries,
    // A backstop for documents that skip the check below (persisted queries stored before the
    // limit was lowered): graphql-js stops parsing there too, as GRAPHQL_PARSE_FAILED.
    parseOptions: { maxTokens: options.maxTokens },
    stopOnTerminationSignals: false,
    nodeEnv: options.nodeEnv,
    validationRules: [...options.guards.validationRules],
    plugins: [
      errorLoggingPlugin(options.logger),
      noSubscriptionsOverHttp(),
      unavailableStatus(),
      // Apollo installs its cache-control plugin unless told not to; nothing here uses @cacheControl
      // (the response cache decides by its own policy), and it costs a walk of every result.
      ApolloServerPluginCacheControlDisabled(),
      // Never Apollo's landing page (its Sandbox loads scripts from Apollo's CDN): browsers get
      // the server's own GraphiQL from `browserPage` (src/http/web-pages.ts, docs/web.md).
      ApolloServerPluginLandingPageDisabled(),
      ...options.guards.apolloPlugins,
      ...(options.plugins ?? []),
    ],
    logger: options.logger,
  });
  await apollo.start();
  const apolloHandler = fastifyApolloHandler(apollo, {
    context: async (request, reply) => {
      try {
        return await options.context.forHttp(request, closeSignal(reply.raw));
      } catch (error) {
        // Apollo answers a failed context with the status in `extensions.http` (500 without one).
        // A database that cannot be reached (the API key is looked up there) is a 503.
        const domain = domainErrorOf(error);
        if (!domain) throw error;
        const status = httpStatusOf(domain.code);
        const headers = new HeaderMap(
          status === 503 ? [['retry-after', String(DATABASE_RETRY_AFTER_SECONDS)]] : [],
        );
        throw new GraphQLError(domain.message, {
          originalError: domain,
          extensions: { ...domain.extensions, http: { status, headers } },
        });
      }
    },
  });
  // When the handler timeout has already answered 503, Apollo's late answer is dropped quietly
  // (returning it would make Fastify warn that the reply was already sent).
  const handler: typeof apolloHandler = async function (this: FastifyInstance, request, reply) {
    const body = await apolloHandler.call(this, request, reply);
    return reply.sent ? undefined : body;
  };
  fastify.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    preHandler: [
      ...(options.browserPage ? [options.browserPage] : []),
      graphqlPrecheck({ maxTokens: options.maxTokens, formatError: options.formatError }),
      ...(options.responseCache ? [options.responseCache.preHandler] : []),
    ],
    ...(options.responseCache ? { onSend: options.responseCache.onSend } : {}),
    handler,
  });
  return apollo;
}
