import type { FastifyError, FastifyInstance } from 'fastify';
import type { ModuleRoute } from '../core/module';
import { errorBody } from './error-handler';

/** Bodies of module routes are small unless a route says otherwise (SNS notifications, one-click forms). */
const DEFAULT_BODY_LIMIT = 256 * 1024;

function flat(record: Record<string, unknown>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map(String).join(', ') : v == null ? undefined : String(v),
    ]),
  );
}

/**
 * Registers the modules' REST routes, each in a scope of its own where its body is read as the raw
 * text (a signature is computed over the exact bytes; SNS posts `text/plain`, RFC 8058 one-click
 * posts a form), bounded by the route's limit and limited to the content types it names: the
 * GraphQL endpoint keeps its JSON-only parsing. Domain errors go to the app's error handler.
 */
export async function registerModuleRoutes(
  fastify: FastifyInstance,
  routes: readonly ModuleRoute[],
): Promise<void> {
  for (const route of routes) {
    const bodyLimit = route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
    await fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      for (const type of route.contentTypes ?? ['*']) {
        scope.addContentTypeParser(type, { parseAs: 'string', bodyLimit }, (_request, body, done) =>
          done(null, body),
        );
      }
      scope.setErrorHandler((error: FastifyError, _request, reply) => {
        if (error.statusCode === 413) {
          return reply
            .code(413)
            .send(errorBody('PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${bodyLimit} bytes`));
        }
        throw error; // the app's handler: domain errors, 415, 5xx logging
      });
      scope.route({
        method: route.method,
        url: route.url,
        bodyLimit,
        handler: async (request, reply) => {
          const response = await route.handle({
            query: flat((request.query ?? {}) as Record<string, unknown>),
            headers: flat(request.headers as Record<string, unknown>),
            body: typeof request.body === 'string' ? request.body : '',
            requestId: request.id,
          });
          return reply
            .code(response.status)
            .headers({ 'cache-control': 'no-store', ...response.headers })
            .send(response.body);
        },
      });
    });
  }
}
