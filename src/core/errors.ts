/**
 * Every `extensions.code` a client can receive, what it means and the HTTP status a REST route
 * answers it with. docs/errors.md mirrors this list; clients branch on the code, never on the message.
 * This file knows no transport: GraphQL (`formatError`), HTTP routes and WebSocket map these at the edge.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: { status: 400, meaning: 'An argument is invalid; the message says which and why.' },
  NOT_FOUND: { status: 404, meaning: 'The requested object does not exist.' },
  UNAUTHENTICATED: {
    status: 401,
    meaning: 'The API key is missing where required, unknown, revoked or expired.',
  },
  FORBIDDEN: { status: 403, meaning: "The API key's role does not allow this field or mutation." },
  RATE_LIMITED: {
    status: 429,
    meaning: 'Too many requests; retry after the time given in `extensions.retryAfterSeconds`.',
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    meaning: 'The query exceeds a depth, alias, directive, token or cost limit.',
  },
  GRAPHQL_PARSE_FAILED: { status: 400, meaning: 'The query is not valid GraphQL syntax.' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, meaning: 'The query does not match the schema.' },
  BAD_REQUEST: { status: 400, meaning: 'The HTTP request is malformed (body, content type, variables).' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The request body exceeds the size limit.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning: 'The request content type is not accepted (use application/json).',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    status: 200,
    meaning: 'Automatic persisted query: send the full query with its hash.',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 200, meaning: 'Persisted queries are disabled.' },
  OPERATION_RESOLUTION_FAILURE: {
    status: 400,
    meaning: 'The operation name does not match an operation in the document.',
  },
  SERVICE_UNAVAILABLE: { status: 503, meaning: 'A dependency the request needs is down; retry later.' },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    meaning: 'An unexpected failure; it is logged with the request id (`x-request-id`).',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status a REST route (health, webhooks, metrics) answers a domain error with. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
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
