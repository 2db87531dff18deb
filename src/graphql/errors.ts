import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

/**
 * Every `extensions.code` a client can receive, with what it means. docs/errors.md mirrors this
 * list; clients branch on the code, never on the message.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument is invalid; the message says which and why.',
  NOT_FOUND: 'The requested object does not exist.',
  UNAUTHENTICATED: 'The API key is missing where required, unknown, revoked or expired.',
  FORBIDDEN: "The API key's role does not allow this field or mutation.",
  RATE_LIMITED: 'Too many requests; retry after the time given in `extensions.retryAfterSeconds`.',
  QUERY_TOO_COMPLEX: 'The query exceeds a depth, alias, directive, token or cost limit.',
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

/** A failure a client caused or can act on. Its message is shown as written; write it for clients. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'DomainError';
  }
}

/** Codes whose message graphql-js, Apollo or type-graphql write for clients; shown unchanged. */
const CLIENT_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
]);

/** type-graphql's codes mapped onto ours. */
const CODE_ALIASES: Record<string, ErrorCode> = { UNAUTHORIZED: 'FORBIDDEN' };

interface ValidationErrorLike {
  property?: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

function fieldProblems(errors: ValidationErrorLike[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property ?? ''}` : (e.property ?? '');
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });
}

/**
 * True when the error is one we expect (client-caused); anything else is logged and masked.
 * `code` is the one Apollo has settled on (it adds INTERNAL_SERVER_ERROR to errors without one).
 */
export function isExpectedError(error: unknown, code: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return true;
  const name = String(code ?? '');
  return CLIENT_CODES.has(name) || name in CODE_ALIASES;
}

/**
 * Apollo's `formatError`: a client sees a message and a code, never a stack trace, SQL or an
 * internal message. Unexpected errors are logged elsewhere (with the request id) and masked here.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };
  if (!isExpectedError(error, formatted.extensions?.code)) {
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const graphqlError = original instanceof GraphQLError ? original : undefined;
  const { validationErrors, ...rest } = graphqlError?.extensions ?? {};
  const rawCode = String(formatted.extensions?.code);
  const code = CODE_ALIASES[rawCode] ?? rawCode;
  const extensions: Record<string, unknown> = { code };
  if (graphqlError instanceof DomainError) Object.assign(extensions, rest);
  if (Array.isArray(validationErrors))
    extensions.fields = fieldProblems(validationErrors as ValidationErrorLike[]);
  const message = Array.isArray(validationErrors)
    ? `Invalid input: ${(extensions.fields as { field: string; message: string }[]).map((f) => f.message).join('; ')}`
    : formatted.message;
  return { ...base, message, extensions };
}
