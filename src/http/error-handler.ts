import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../platform/logging/logger';

/**
 * HTTP-level failures (malformed body, wrong content type, oversize body, unknown route) in the
 * same shape as GraphQL errors, so clients parse one format. 5xx details are logged, not sent.
 */
export function registerErrorHandlers(fastify: FastifyInstance, logger: Logger): void {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      logger.error({ requestId: request.id, err: error }, 'unexpected HTTP error');
      return reply.code(status).send(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
    }
    const code =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return reply.code(status).send(errorBody(code, error.message));
  });
  fastify.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}
