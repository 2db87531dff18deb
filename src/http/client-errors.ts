import type { GraphQLFormattedError } from 'graphql';
import { domainErrorOf, formatError } from '../graphql/errors';

export interface ClientErrorOptions {
  /** Keep graphql-js's "Did you mean ...?" hints (they reveal field and type names). */
  readonly fieldSuggestions: boolean;
}

export type ClientErrorFormatter = (
  formatted: GraphQLFormattedError,
  error: unknown,
) => GraphQLFormattedError;

// graphql-js ends a validation message with its hints: `... Did you mean "login" or "name"?`
const SUGGESTION = / ?Did you mean .+\?$/s;

/**
 * `formatError` for both transports, around the shared one in src/graphql/errors.ts: it keeps a
 * domain code through Apollo's wrappers, never lets the transport-only `http` extension reach the
 * body, and removes field suggestions unless they are enabled.
 */
export function createClientErrorFormatter(options: ClientErrorOptions): ClientErrorFormatter {
  return (formatted, error) => {
    const domain = domainErrorOf(error);
    let result: GraphQLFormattedError;
    if (domain) {
      result = formatError({ ...formatted, message: domain.message, extensions: domain.extensions }, domain);
    } else {
      result = formatError(formatted, error);
    }
    if (options.fieldSuggestions) return result;
    return { ...result, message: result.message.replace(SUGGESTION, '') };
  };
}
