import type { FastifyInstance } from 'fastify';
import { AppMetrics } from '../../../src/platform/metrics/metrics';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, type RawEnv } from '../../../src/config/load-config';
import type { Config } from '../../../src/config/config';
import type { GraphQLContext } from '../../../src/graphql/context';
import { combineGuards } from '../../../src/graphql/guards';
import { createQueryLimits } from '../../../src/graphql/query-limits';
import type { ContextFactory } from '../../../src/http/context-factory';
import { WEB_BUILD_DIR } from '../../../src/platform/paths';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { anonymousViewer } from '../../../src/core/viewer';
import { HealthService } from '../../../src/modules/system/health.service';
import { MemoryCache } from '../../../src/platform/cache/memory-cache';
import { LogCapture } from '../../support/app-harness';
import { freePort } from '../../support/free-port';
import { buildTestSchema } from './test-schema';

export interface TestSchemaServer {
  readonly url: string;
  readonly config: Config;
  readonly http: HttpServer;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

/** Only what the test schema's resolvers use: the request id and the abort signal. */
const contextFactory: ContextFactory = {
  async forHttp(request, signal) {
    return {
      viewer: anonymousViewer(request.ip),
      requestId: request.id,
      get signal() {
        return signal();
      },
    } as unknown as GraphQLContext;
  },
  async viewerForHttp(request) {
    return anonymousViewer(request.ip);
  },
  async viewerForSocket(request) {
    return anonymousViewer(request.socket.remoteAddress ?? 'unknown');
  },
  forSocketOperation(viewer, requestId, signal) {
    return { viewer, requestId, signal } as unknown as GraphQLContext;
  },
  async rejectedKeys() {
    return new Map();
  },
};

/**
 * The real HTTP server (Fastify, Apollo, graphql-ws, query limits, hardening) around the test
 * schema, configured from environment-style settings like the app; no database or Valkey.
 */
export async function startTestSchemaServer(
  env: RawEnv = {},
  routes?: (fastify: FastifyInstance) => void,
): Promise<TestSchemaServer> {
  const { config } = await loadConfig({
    env: { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(await freePort()), ...env },
  });
  const schema = buildTestSchema();
  const logs = new LogCapture();
  const http = await createHttpServer({
    config: config.http,
    websocket: config.websocket,
    security: config.security,
    limits: config.limits,
    metricsAccess: config.metrics,
    metrics: new AppMetrics({ maxOperationNames: config.metrics.maxOperationNames }),
    nodeEnv: config.env,
    logger: logs.logger,
    schema,
    health: new HealthService([], 1_000, '0.0.0-test'),
    context: contextFactory,
    guards: combineGuards(createQueryLimits(schema, config.limits)),
    cache: new MemoryCache(1_000),
    web: { dir: WEB_BUILD_DIR, console: config.http.console },
    routes,
  });
  const url = await http.listen();
  return { url, config, http, logs, close: () => http.close() };
}

export interface SocketResult {
  readonly data?: unknown;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** A graphql-ws client for `url` (http://...), failing fast instead of retrying. */
export function socketClient(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams,
  });
}

/**
 * Runs one operation over the socket and resolves with its result or its refusal (graphql-ws
 * reports a refused operation as an `error` message holding GraphQL errors).
 */
export function overSocket(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
  timeoutMs = 5_000,
): Promise<SocketResult> {
  return new Promise<SocketResult>((resolve, reject) => {
    let last: SocketResult = {};
    const timer = setTimeout(
      () => reject(new Error(`no answer over WebSocket in ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.subscribe(payload, {
      next: (value) => {
        last = value as SocketResult;
      },
      error: (error) => {
        clearTimeout(timer);
        if (Array.isArray(error)) resolve({ errors: error });
        else if (error instanceof Error) reject(error);
        else {
          const closed = error as { code?: number; reason?: string };
          reject(new Error(`socket closed: ${closed.code} ${closed.reason ?? ''}`));
        }
      },
      complete: () => {
        clearTimeout(timer);
        resolve(last);
      },
    });
  });
}
