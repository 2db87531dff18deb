import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { trustProxyHops } from './client-ip';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config';
import type { GraphqlGuards } from '../graphql/guards';
import { persistedQueryStore } from '../graphql/persisted-queries';
import type { HealthReporter } from '../core/health';
import type { HttpEndpoint } from '../core/http-endpoint';
import type { Cache } from '../platform/cache/cache';
import type { Logger } from '../platform/logging/logger';
import { clientErrorHandler } from './client-error-handler';
import { createClientErrorFormatter } from './client-errors';
import type { ContextFactory } from './context-factory';
import { registerCors } from './cors';
import { registerEndpoints } from './endpoints';
import { registerErrorHandlers } from './error-handler';
import { registerGraphqlHttp } from './graphql-http';
import { attachGraphqlWs } from './graphql-ws';
import { registerHealthRoutes } from './health.routes';
import { requestIdOf } from './request-id';
import { registerHandlerTimeout, socketTimeouts } from './request-timeout';
import { registerSecurityHeaders } from './security-headers';

export interface HttpServerOptions {
  readonly config: Config['http'];
  readonly websocket: Config['websocket'];
  readonly security: Config['security'];
  readonly limits: Config['limits'];
  readonly nodeEnv: string;
  readonly logger: Logger;
  readonly schema: GraphQLSchema;
  readonly health: HealthReporter;
  readonly context: ContextFactory;
  readonly guards: GraphqlGuards;
  /** The shared cache; automatic persisted queries are kept there. */
  readonly cache: Cache;
  /** The modules' plain HTTP endpoints (webhooks). */
  readonly endpoints?: readonly HttpEndpoint[];
  /** Extra routes (tests and later features); registered before listening. */
  readonly routes?: (fastify: FastifyInstance) => void;
}

export interface HttpServer {
  readonly fastify: FastifyInstance;
  /** Listens and resolves with the bound address (`http://host:port`). */
  listen(): Promise<string>;
  /** Stops accepting, finishes in-flight HTTP and WebSocket work, then closes. */
  close(): Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config, security, logger } = options;
  const fastify = Fastify({
    // Our pino (v10) and Fastify's logger type (its own pino) differ only in typings.
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // One log line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdOf,
    requestIdHeader: false,
    // Trust exactly N proxies in front (the ALB): the client IP is N hops back in X-Forwarded-For.
    trustProxy: trustProxyHops(config.trustProxyHops),
    bodyLimit: security.bodyLimitBytes,
    ...socketTimeouts(security),
    clientErrorHandler,
    return503OnClosing: true,
  });
  await registerSecurityHeaders(fastify, options.nodeEnv);
  await registerCors(fastify, security.corsOrigins);
  registerHandlerTimeout(fastify, security.handlerTimeoutMs, logger);

  let closing = false;
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // While draining, responses close their keep-alive connection, so in-flight requests on
  // otherwise idle connections do not hold the shutdown until the keep-alive timeout.
  fastify.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  fastify.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        requestId: request.id,
        method: request.method,
        url: request.url.split('?')[0],
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  registerErrorHandlers(fastify, logger, { bodyLimitBytes: security.bodyLimitBytes });
  const formatError = createClientErrorFormatter({ fieldSuggestions: security.fieldSuggestions });
  registerHealthRoutes(fastify, options.health, options.context);
  registerEndpoints(fastify, options.endpoints ?? []);
  const apollo = await registerGraphqlHttp(fastify, {
    schema: options.schema,
    introspection: config.introspection,
    fieldSuggestions: security.fieldSuggestions,
    persistedQueries: security.persistedQueries && {
      cache: persistedQueryStore(options.cache, security.persistedQueries.ttlMs),
    },
    maxTokens: options.limits.maxTokens,
    nodeEnv: options.nodeEnv,
    logger,
    context: options.context,
    guards: options.guards,
    formatError,
  });
  options.routes?.(fastify);
  const ws = attachGraphqlWs({
    server: fastify.server,
    schema: options.schema,
    logger,
    context: options.context,
    guards: options.guards,
    maxPayloadBytes: security.bodyLimitBytes,
    maxTokens: options.limits.maxTokens,
    introspection: config.introspection,
    formatError,
    limits: options.websocket,
  });

  return {
    fastify,
    async listen() {
      return fastify.listen({ host: config.host, port: config.port });
    },
    async close() {
      closing = true;
      await Promise.all([ws.close(), fastify.close()]);
      await apollo.stop();
    },
  };
}
