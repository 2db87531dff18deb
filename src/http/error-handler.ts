import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, httpStatusOf } from '../core/errors';
import type { Logger } from '../platform/logging/logger';

export interface ErrorHandlerOptions {
  readonly bodyLimitBytes: number;
  /** Sees the code of every error answered here (metrics). */
  readonly countError?: (code: string) => void;
}

/** Client-caused failures answered with a fixed message: Fastify's own may echo request input. */
const KNOWN_CLIENT_ERRORS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
  FST_ERR_BAD_URL: 'The URL is malformed', // its own message quotes the URL
};

// Other 4xx messages are shown, but never longer than this and without control characters
// (they are written for people, not to carry request input back).
const MAX_MESSAGE_LENGTH = 200;

function clientMessage(error: FastifyError, status: number, options: ErrorHandlerOptions): string {
  if (status === 413) return `The request body exceeds the limit of ${options.bodyLimitBytes} bytes`;
  if (status === 415) return KNOWN_CLIENT_ERRORS.FST_ERR_CTP_INVALID_MEDIA_TYPE;
  const known = error.code ? KNOWN_CLIENT_ERRORS[error.code] : undefined;
  if (known) return known;
  // secure-json-parse refuses `__proto__` / `constructor.prototype` keys (prototype poisoning).
  if (error.name === 'SyntaxError') return 'The request body is not acceptable JSON';
  return sanitize(error.message);
}

function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH)}...` : clean;
}

/**
 * HTTP-level failures (malformed body, wrong content type, oversize body, unknown route) in the
 * same shape as GraphQL errors, so clients parse one format. 5xx details are logged, never sent,
 * in every environment: no internal message, stack trace or file path reaches a client.
 */
export function registerErrorHandlers(
  fastify: FastifyInstance,
  logger: Logger,
  options: ErrorHandlerOptions,
): void {
  fastify.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    // A route's domain error: its code, and the status the code maps to (src/core/errors.ts).
    if (error instanceof DomainError) {
      options.countError?.(error.code);
      return reply
        .code(httpStatusOf(error.code))
        .send({ errors: [{ message: error.message, extensions: error.extensions }] });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      logger.error({ requestId: request.id, err: error }, 'unexpected HTTP error');
      options.countError?.('INTERNAL_SERVER_ERROR');
      return reply.code(status).send(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
    }
    const code =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    options.countError?.(code);
    return reply.code(status).send(errorBody(code, clientMessage(error, status, options)));
  });
  fastify.setNotFoundHandler((request, reply) => {
    options.countError?.('NOT_FOUND');
    return reply
      .code(404)
      .send(errorBody('NOT_FOUND', sanitize(`No route ${request.method} ${request.url.split('?')[0]}`)));
  });
}

export function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}
