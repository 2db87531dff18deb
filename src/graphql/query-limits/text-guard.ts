import type { ApolloServerPlugin } from '@apollo/server';
import { type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import type { GraphQLContext } from '../context';
import { DomainError } from '../../core/errors';
import { toGraphQLError } from '../errors';

const NUL = '\u0000';

function nulRefusal(): DomainError {
  return new DomainError('BAD_USER_INPUT', 'Text must not contain NUL (U+0000) characters.');
}

/**
 * True when any string (or object key) in `value` holds U+0000. Iterative: variables may nest
 * thousands of levels deep, and this runs before anything has bounded them.
 */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes(NUL)) return true;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, item] of Object.entries(next)) {
        if (key.includes(NUL)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb: a NUL reaching a query is an internal error
 * there, so it is refused at the edge as BAD_USER_INPUT, for every field present and future. In
 * string literals (`"\u0000"`) by this validation rule; in variables by the checks below.
 */
export const noNulCharactersRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  StringValue(node) {
    if (node.value.includes(NUL)) context.reportError(toGraphQLError(nulRefusal(), [node]));
  },
});

/** The variables check over HTTP, once the operation is known (before anything executes). */
export function nulVariablesPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, response }) {
          if (!containsNul(request.variables)) return;
          response.http.status = 400;
          throw nulRefusal();
        },
      };
    },
  };
}

/** The variables check over WebSocket. */
export function assertNoNulVariables(variables: Record<string, unknown>): void {
  if (containsNul(variables)) throw nulRefusal();
}
