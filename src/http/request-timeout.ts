import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../platform/logging/logger';
import { errorBody } from './error-handler';

/**
 * Answers 503 SERVICE_UNAVAILABLE when a request has no response after `timeoutMs`, so a stuck
 * dependency holds neither the client nor the load balancer's connection. The response closing
 * aborts the GraphQL context's signal, which stops the work that is still running.
 *
 * One sweep every `timeoutMs / 10` (at most a second) over the requests in flight, oldest first,
 * rather than a timer and a `close` listener per request (a visible share of a cached answer's CPU,
 * docs/performance.md): a request times out between `timeoutMs` and `timeoutMs` plus the sweep's
 * period. The sweep runs only while requests are in flight.
 *
 * Fastify's own `handlerTimeout` is not used: on Node 20 it is cleared as soon as a POST body has
 * been read (the request stream's `close`), so it never fires for GraphQL POSTs.
 */
export function registerHandlerTimeout(fastify: FastifyInstance, timeoutMs: number, logger: Logger): void {
  if (timeoutMs <= 0) return;
  const sweepMs = Math.max(10, Math.min(1_000, Math.floor(timeoutMs / 10)));
  /** In-flight requests and their deadlines, in arrival order (so in deadline order). */
  const inFlight = new Map<FastifyReply, number>();
  let sweeper: NodeJS.Timeout | undefined;
  const answerTimedOut = (reply: FastifyReply) => {
    // Answered meanwhile, or the client is gone (a response that never finishes leaves it here).
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
    logger.warn({ requestId: reply.request.id, timeoutMs }, 'request timed out');
    void reply
      .code(503)
      .header('retry-after', '1')
      .send(
        errorBody('SERVICE_UNAVAILABLE', `The request did not complete within ${timeoutMs} ms; retry later`),
      );
  };
  const sweep = () => {
    const now = Date.now();
    for (const [reply, deadline] of inFlight) {
      if (deadline > now) break;
      inFlight.delete(reply);
      answerTimedOut(reply);
    }
    if (inFlight.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  fastify.addHook('onRequest', (_request, reply, done) => {
    inFlight.set(reply, Date.now() + timeoutMs);
    sweeper ??= setInterval(sweep, sweepMs).unref();
    done();
  });
  fastify.addHook('onResponse', (_request, reply, done) => {
    inFlight.delete(reply);
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
