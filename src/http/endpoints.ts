import type { FastifyError, FastifyInstance } from 'fastify';
import type { HttpEndpoint } from '../core/http-endpoint';
import { errorBody } from './error-handler';

/**
 * Registers the modules' plain HTTP endpoints (core/http-endpoint.ts), each in a context of its
 * own: its body arrives as the raw string (a signature is computed over the exact bytes), bounded
 * by the endpoint's own limit, and only in the content types it names. Domain errors and anything
 * else go to the app's error handler.
 */
export function registerEndpoints(fastify: FastifyInstance, endpoints: readonly HttpEndpoint[]): void {
  for (const endpoint of endpoints) {
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      for (const type of endpoint.contentTypes) {
        scope.addContentTypeParser(
          type,
          { parseAs: 'string', bodyLimit: endpoint.bodyLimitBytes },
          (_request, body, done) => done(null, body),
        );
      }
      scope.setErrorHandler((error: FastifyError, _request, reply) => {
        if (error.statusCode === 413) {
          return reply
            .code(413)
            .send(
              errorBody(
                'PAYLOAD_TOO_LARGE',
                `The request body exceeds the limit of ${endpoint.bodyLimitBytes} bytes`,
              ),
            );
        }
        throw error; // the app's handler: domain errors, 415, 5xx logging
      });
      scope.route({
        method: endpoint.method,
        url: endpoint.path,
        bodyLimit: endpoint.bodyLimitBytes,
        async handler(request, reply) {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(request.headers)) {
            headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          const body = typeof request.body === 'string' ? request.body : '';
          const result = await endpoint.handle({ headers, body, requestId: request.id });
          return reply.code(result.status).header('cache-control', 'no-store').send(result.body);
        },
      });
    });
  }
}
