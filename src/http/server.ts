import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config';
import type { GraphqlGuards } from '../graphql/guards';
import type { HealthService } from '../modules/system/health.service';
import type { Logger } from '../platform/logging/logger';
import type { ContextFactory } from './context-factory';
import { registerErrorHandlers } from './error-handler';
import { registerGraphqlHttp } from './graphql-http';
import { attachGraphqlWs } from './graphql-ws';
import { registerHealthRoutes } from './health.routes';
import { requestIdOf } from './request-id';

export interface HttpServerOptions {
  readonly config: Config['http'];
  readonly nodeEnv: string;
  readonly logger: Logger;
  readonly schema: GraphQLSchema;
  readonly health: HealthService;
  readonly context: ContextFactory;
  readonly guards: GraphqlGuards;
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

const MAX_BODY_BYTES = 1024 * 1024;

export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config, logger } = options;
  const fastify = Fastify({
    // Our pino (v10) and Fastify's logger type (its own pino) differ only in typings.
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // One log line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdOf,
    requestIdHeader: false,
    // Trust exactly N proxies in front (the ALB): the client IP is N hops back in X-Forwarded-For.
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    bodyLimit: MAX_BODY_BYTES,
    return503OnClosing: true,
  });

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

  registerErrorHandlers(fastify, logger);
  registerHealthRoutes(fastify, options.health, options.context);
  const apollo = await registerGraphqlHttp(fastify, {
    schema: options.schema,
    introspection: config.introspection,
    nodeEnv: options.nodeEnv,
    logger,
    context: options.context,
    guards: options.guards,
  });
  options.routes?.(fastify);
  const ws = attachGraphqlWs({
    server: fastify.server,
    schema: options.schema,
    logger,
    context: options.context,
    guards: options.guards,
    maxPayloadBytes: MAX_BODY_BYTES,
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
