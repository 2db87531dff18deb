import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { GraphqlGuards } from './guards';

/** Query limits (depth, aliases, directives, tokens, cost). Placeholder until the limits land. */
export function createQueryLimits(_schema: GraphQLSchema): Partial<GraphqlGuards> {
  return {};
}

/** The cost of an operation, used by rate limiting (an expensive query uses more of the budget). */
export function estimateCost(
  _schema: GraphQLSchema,
  _document: DocumentNode,
  _variables: Record<string, unknown>,
): number {
  return 1;
}
