import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, type ErrorCode } from '../core/errors';
import { isDatabaseUnavailable } from '../platform/database/database-errors';

export { ERROR_CODES, type ErrorCode } from '../core/errors';

/** The GraphQL error for a domain error raised outside a resolver (validation rules, plugins). */
export function toGraphQLError(error: DomainError, nodes?: GraphQLError['nodes']): GraphQLError {
  return new GraphQLError(error.message, { nodes, originalError: error, extensions: error.extensions });
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
 * Apollo's own refusals of a request before it runs (an automatic-persisted-query hash that does
 * not match the query, an unsupported APQ version) carry an HTTP 4xx status and no code.
 */
function isApolloRequestRefusal(original: unknown): boolean {
  if (!(original instanceof GraphQLError) || original.path || original.originalError) return false;
  const status = (original.extensions?.http as { status?: unknown } | undefined)?.status;
  return (
    original.extensions?.code === undefined && typeof status === 'number' && status >= 400 && status < 500
  );
}

/** How long clients are asked to wait (`Retry-After`) while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** What a client sees when PostgreSQL cannot be reached: fail fast, retry later. */
export function databaseUnavailable(): DomainError {
  return new DomainError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry later.', {
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  });
}

/**
 * The DomainError behind `error`, if any (a database that cannot be reached becomes
 * SERVICE_UNAVAILABLE): thrown by a resolver (graphql-js wraps it with a path),
 * or by a validation rule or plugin (Apollo wraps it without one, and a validation error's code
 * would be GRAPHQL_VALIDATION_FAILED: the domain's code, e.g. QUERY_TOO_COMPLEX, is the one kept).
 */
export function domainErrorOf(error: unknown): DomainError | undefined {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  if (original instanceof GraphQLError && original.originalError instanceof DomainError) {
    return original.originalError;
  }
  return isDatabaseUnavailable(original) ? databaseUnavailable() : undefined;
}

/**
 * True when the error is one we expect (client-caused); anything else is logged and masked.
 * `code` is the one Apollo has settled on (it adds INTERNAL_SERVER_ERROR to errors without one).
 */
export function isExpectedError(error: unknown, code: unknown): boolean {
  if (domainErrorOf(error)) return true;
  if (isApolloRequestRefusal(unwrapResolverError(error))) return true;
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
  const domain = domainErrorOf(error);
  const graphqlError = original instanceof GraphQLError ? original : undefined;
  const { validationErrors, ...rest } = domain?.extensions ?? graphqlError?.extensions ?? {};
  const rawCode = String(formatted.extensions?.code);
  const code = isApolloRequestRefusal(original) ? 'BAD_REQUEST' : (CODE_ALIASES[rawCode] ?? rawCode);
  const extensions: Record<string, unknown> = { code };
  if (domain) Object.assign(extensions, rest);
  if (Array.isArray(validationErrors))
    extensions.fields = fieldProblems(validationErrors as ValidationErrorLike[]);
  const message = Array.isArray(validationErrors)
    ? `Invalid input: ${(extensions.fields as { field: string; message: string }[]).map((f) => f.message).join('; ')}`
    : formatted.message;
  return { ...base, message, extensions };
}
