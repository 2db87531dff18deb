import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { trustProxyHops } from './client-ip';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config';
import type { GraphqlGuards } from '../graphql/guards';
import { persistedQueryStore } from '../graphql/persisted-queries';
import type { ResponseCachePolicy } from '../graphql/cacheable-operation';
import { estimateCost } from '../graphql/query-limits';
import type { AdmitCached } from '../graphql/rate-limit-guard';
import type { ResponseCache } from '../platform/response-cache/response-cache';
import type { HealthReporter } from '../core/health';
import type { Cache } from '../platform/cache/cache';
import type { Logger } from '../platform/logging/logger';
import { requestLineWriter } from '../platform/logging/request-line';
import { clientErrorHandler } from './client-error-handler';
import { createClientErrorFormatter } from './client-errors';
import type { ContextFactory } from './context-factory';
import { registerCors } from './cors';
import { registerErrorHandlers } from './error-handler';
import { registerGraphqlHttp } from './graphql-http';
import { attachGraphqlWs } from './graphql-ws';
import { registerHealthRoutes } from './health.routes';
import { countingErrorFormatter, graphqlMetricsPlugin, registerMetricsRoutes } from './metrics.routes';
import type { AppMetrics } from '../platform/metrics/metrics';
import { registerModuleRoutes } from './module-routes';
import type { ModuleRoute } from '../core/module';
import { requestIdOf } from './request-id';
import { registerHandlerTimeout, socketTimeouts } from './request-timeout';
import { responseCacheHooks } from './response-cache';
import { lazyRequestLogger } from './request-logger';
import { registerSecurityHeaders } from './security-headers';
import { registerWebPages } from './web-pages';

export interface HttpServerOptions {
  readonly config: Config['http'];
  readonly websocket: Config['websocket'];
  readonly security: Config['security'];
  readonly limits: Config['limits'];
  /** Who may read `GET /metrics`. */
  readonly metricsAccess: Config['metrics'];
  readonly metrics: AppMetrics;
  readonly nodeEnv: string;
  readonly logger: Logger;
  readonly schema: GraphQLSchema;
  readonly health: HealthReporter;
  readonly context: ContextFactory;
  readonly guards: GraphqlGuards;
  /** The shared cache; automatic persisted queries are kept there. */
  readonly cache: Cache;
  /** The modules' REST routes (webhooks, links in e-mails). */
  readonly moduleRoutes?: readonly ModuleRoute[];
  /** The response cache and what may use it; absent when it is switched off. */
  readonly responseCache?: {
    readonly cache: ResponseCache;
    readonly policy: ResponseCachePolicy;
    /** The rate limit's charge for a cached answer; absent when rate limits are off. */
    readonly admit?: AdmitCached;
  };
  /** The browser pages (GraphiQL, console): where their build is and which are on (docs/web.md). */
  readonly web: { readonly dir: string; readonly console: boolean };
  /** Extra routes (tests and later features); registered before listening. */
  readonly routes?: (fastify: FastifyInstance) => void;
}

export interface HttpServer {
  readonly fastify: FastifyInstance;
  /** Listens and resolves with the bound address (`http://host:port`). */
  listen(): Promise<string>;
  /** WebSocket connections and subscriptions open now (metrics). */
  websocketStats(): { readonly connections: number; readonly subscriptions: number };
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
    childLoggerFactory: lazyRequestLogger,
    genReqId: requestIdOf,
    requestIdHeader: false,
    // Trust exactly N proxies in front (the ALB): the client IP is N hops back in X-Forwarded-For.
    trustProxy: trustProxyHops(config.trustProxyHops),
    bodyLimit: security.bodyLimitBytes,
    ...socketTimeouts(security),
    clientErrorHandler,
    return503OnClosing: true,
  });
  registerSecurityHeaders(fastify);
  await registerCors(fastify, security.corsOrigins);
  registerHandlerTimeout(fastify, security.handlerTimeoutMs, logger);

  let closing = false;
  // Hooks in callback style: an async hook costs a promise (and its async-hook bookkeeping) per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // While draining, responses close their keep-alive connection, so in-flight requests on
  // otherwise idle connections do not hold the shutdown until the keep-alive timeout.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  const writeRequestLine = requestLineWriter(logger);
  fastify.addHook('onResponse', (request, reply, done) => {
    const { url } = request;
    const query = url.indexOf('?');
    writeRequestLine({
      requestId: request.id,
      method: request.method,
      url: query < 0 ? url : url.slice(0, query),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    });
    done();
  });

  const { metrics } = options;
  registerErrorHandlers(fastify, logger, {
    bodyLimitBytes: security.bodyLimitBytes,
    countError: (code) => metrics.countError(code),
  });
  const formatError = countingErrorFormatter(
    createClientErrorFormatter({ fieldSuggestions: security.fieldSuggestions }),
    metrics,
  );
  registerHealthRoutes(fastify, options.health, options.context);
  registerMetricsRoutes(fastify, metrics, options.metricsAccess);
  const persistedQueries = persistedQueryStore(
    options.cache,
    security.persistedQueries ? security.persistedQueries.ttlMs : 0,
  );
  const responseCache =
    options.responseCache &&
    responseCacheHooks({
      ...options.responseCache,
      maxTokens: options.limits.maxTokens,
      viewer: (request) => options.context.viewerForHttp(request),
      price: (document, variables, operationName) =>
        estimateCost(options.schema, document, variables, operationName),
      persistedQuery: async (hash) =>
        security.persistedQueries ? persistedQueries.get(`apq:${hash}`) : undefined,
    });
  const web = registerWebPages(fastify, {
    dir: options.web.dir,
    graphiql: config.introspection,
    console: options.web.console,
    logger,
  });
  const apollo = await registerGraphqlHttp(fastify, {
    schema: options.schema,
    introspection: config.introspection,
    fieldSuggestions: security.fieldSuggestions,
    persistedQueries: security.persistedQueries && { cache: persistedQueries },
    maxTokens: options.limits.maxTokens,
    nodeEnv: options.nodeEnv,
    logger,
    context: options.context,
    guards: options.guards,
    formatError,
    plugins: [graphqlMetricsPlugin(metrics)],
    responseCache,
    browserPage: web.graphqlBrowserPage,
  });
  await registerModuleRoutes(fastify, options.moduleRoutes ?? []);
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
    websocketStats: () => ws.stats(),
    async close() {
      closing = true;
      await Promise.all([ws.close(), fastify.close()]);
      await apollo.stop();
    },
  };
}
