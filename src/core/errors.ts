/**
 * Every `extensions.code` a client can receive, with what it means, and the HTTP status a REST
 * route answers it with. docs/errors.md mirrors this list; clients branch on the code, never on the message.
 * This file knows no transport: GraphQL (`formatError`), HTTP routes and WebSocket map these at the edge.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument is invalid; the message says which and why.',
  NOT_FOUND: 'The requested object does not exist.',
  UNAUTHENTICATED: 'The API key is missing where required, unknown, revoked or expired.',
  FORBIDDEN: "The API key's role does not allow this field or mutation.",
  RATE_LIMITED: 'Too many requests; retry after the time given in `extensions.retryAfterSeconds`.',
  QUERY_TOO_COMPLEX: 'The query exceeds a depth, alias, directive, token or cost limit.',
  TOO_MANY_SUBSCRIPTIONS:
    'The WebSocket already runs as many subscriptions as it may (WS_MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one first.',
  GRAPHQL_PARSE_FAILED: 'The query is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: 'The query does not match the schema.',
  BAD_REQUEST: 'The HTTP request is malformed (body, content type, variables).',
  PAYLOAD_TOO_LARGE: 'The request body exceeds the size limit.',
  UNSUPPORTED_MEDIA_TYPE: 'The request content type is not accepted (use application/json).',
  PERSISTED_QUERY_NOT_FOUND: 'Automatic persisted query: send the full query with its hash.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Persisted queries are disabled.',
  OPERATION_RESOLUTION_FAILURE: 'The operation name does not match an operation in the document.',
  SERVICE_UNAVAILABLE: 'A dependency the request needs is down; retry later.',
  INTERNAL_SERVER_ERROR: 'An unexpected failure; it is logged with the request id (`x-request-id`).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status a REST route (health, webhooks, metrics) answers each code with. */
const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  TOO_MANY_SUBSCRIPTIONS: 429,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PERSISTED_QUERY_NOT_FOUND: 200,
  PERSISTED_QUERY_NOT_SUPPORTED: 200,
  OPERATION_RESOLUTION_FAILURE: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** The HTTP status a REST route (health, webhooks, metrics) answers a domain error with. */
export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/**
 * A failure a client caused or can act on. Its message is shown as written; write it for clients.
 * A plain error: `extensions` (the code and any details) is what graphql-js copies onto the
 * GraphQL error it wraps a resolver's throw in, and what the HTTP and WebSocket edges send.
 */
export class DomainError extends Error {
  readonly extensions: Readonly<Record<string, unknown>> & { readonly code: ErrorCode };

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.extensions = { ...details, code };
  }
}
