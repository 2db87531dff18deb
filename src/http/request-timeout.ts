import type { FastifyInstance } from 'fastify';
import type { Logger } from '../platform/logging/logger';
import { errorBody } from './error-handler';

/**
 * Answers 503 SERVICE_UNAVAILABLE when a request has no response after `timeoutMs`, so a stuck
 * dependency holds neither the client nor the load balancer's connection. The response closing
 * aborts the GraphQL context's signal, which stops the work that is still running.
 *
 * Fastify's own `handlerTimeout` is not used: on Node 20 it is cleared as soon as a POST body has
 * been read (the request stream's `close`), so it never fires for GraphQL POSTs.
 */
export function registerHandlerTimeout(fastify: FastifyInstance, timeoutMs: number, logger: Logger): void {
  if (timeoutMs <= 0) return;
  fastify.addHook('onRequest', (request, reply, done) => {
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      logger.warn({ requestId: request.id, timeoutMs }, 'request timed out');
      void reply
        .code(503)
        .header('retry-after', '1')
        .send(
          errorBody(
            'SERVICE_UNAVAILABLE',
            `The request did not complete within ${timeoutMs} ms; retry later`,
          ),
        );
    }, timeoutMs);
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
}

/**
 * Socket-level timeouts for Fastify's Node server:
 * - `requestTimeout`: the whole request (headers and body) must arrive in time, so slow senders
 *   (slowloris) cannot hold connections; Node answers 408 and closes. Node checks it every
 *   `connectionsCheckingInterval` (30 s by default, far coarser than the limit): a quarter of it.
 * - `keepAliveTimeout`: longer than the load balancer's idle timeout (ALB: 60 s), so the ALB never
 *   reuses a connection we are closing (which it would answer with a 502).
 * - no `connectionTimeout` (socket inactivity): it would also cut idle keep-alive and WebSocket
 *   connections; the handler timeout bounds slow responses instead.
 */
export function socketTimeouts(security: {
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}): {
  requestTimeout: number;
  keepAliveTimeout: number;
  http: { connectionsCheckingInterval: number; headersTimeout: number; requestTimeout: number };
} {
  const { requestTimeoutMs, keepAliveTimeoutMs } = security;
  return {
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: {
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(requestTimeoutMs / 4))),
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
    },
  };
}
