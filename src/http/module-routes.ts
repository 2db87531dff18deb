import type { FastifyInstance } from 'fastify';
import type { ModuleRoute } from '../core/module';

/** Bodies of module routes are small (SNS notifications, one-click unsubscribe forms). */
const ROUTE_BODY_LIMIT = 256 * 1024;

function flat(record: Record<string, unknown>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      Array.isArray(v) ? String(v[0]) : v == null ? undefined : String(v),
    ]),
  );
}

/**
 * Registers the modules' REST routes in a scope of their own, where any content type is read as
 * text (SNS posts `text/plain`, RFC 8058 one-click posts a form): the GraphQL endpoint keeps its
 * JSON-only parsing.
 */
export async function registerModuleRoutes(
  fastify: FastifyInstance,
  routes: readonly ModuleRoute[],
): Promise<void> {
  if (routes.length === 0) return;
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: ROUTE_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    for (const route of routes) {
      scope.route({
        method: route.method,
        url: route.url,
        handler: async (request, reply) => {
          const response = await route.handle({
            query: flat((request.query ?? {}) as Record<string, unknown>),
            headers: flat(request.headers as Record<string, unknown>),
            body: typeof request.body === 'string' ? request.body : '',
          });
          return reply
            .code(response.status)
            .headers({ 'cache-control': 'no-store', ...response.headers })
            .send(response.body);
        },
      });
    }
  });
}
