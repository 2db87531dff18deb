import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { QueryLimitsConfig } from '../config/config';
import type { GraphqlGuards } from './guards';
import { costLimitPlugin } from './query-limits/cost-plugin';
import { operationCost } from './query-limits/cost';
import { queryTooComplex } from './query-limits/limit-error';
import { structureRules } from './query-limits/structure-rules';
import { assertNoNulVariables, noNulCharactersRule, nulVariablesPlugin } from './query-limits/text-guard';

export { parseWithinTokenLimit } from './query-limits/tokens';

/**
 * Query limits, the same over HTTP and WebSocket (GraphQL Armor for depth, aliases, directives and
 * tokens; graphql-query-complexity for cost), each refusal a QUERY_TOO_COMPLEX error naming the
 * limit and the allowed value:
 *
 * - tokens: `parseWithinTokenLimit`, before anything else looks at the document (HTTP: before
 *   Apollo sees the request, since Apollo 5 turns an error thrown by a parsing hook into a 500;
 *   WebSocket: the socket's own parse);
 * - depth, aliases, directives: validation rules, run by Apollo and by graphql-ws's `onSubscribe`;
 * - cost: once variables are known (HTTP: an Apollo plugin; WebSocket: `beforeSocketOperation`).
 *
 * Along with them, text carrying U+0000 (which PostgreSQL cannot store) is refused as
 * BAD_USER_INPUT, in literals and variables alike (query-limits/text-guard.ts).
 */
export function createQueryLimits(schema: GraphQLSchema, limits: QueryLimitsConfig): Partial<GraphqlGuards> {
  return {
    validationRules: [...structureRules(limits), noNulCharactersRule],
    apolloPlugins: [costLimitPlugin(schema, limits.maxCost), nulVariablesPlugin()],
    async beforeSocketOperation(_context, document, variables) {
      assertNoNulVariables(variables);
      // graphql-ws has already picked the operation but does not pass its name to the guards: a
      // document with several operations is priced as all of them (never less than the one run).
      const cost = operationCost(schema, document, variables);
      if (cost > limits.maxCost) throw queryTooComplex('cost', limits.maxCost, cost);
    },
  };
}

/**
 * The cost of an operation (see query-limits/cost.ts for the model), at least 1, used by rate
 * limiting so an expensive query uses more of the budget: `{ systemHealth { status } }` costs 1,
 * a list of 100 items with one object field each about 100. Never throws; a document too large to
 * price (a fragment bomb) costs Number.MAX_SAFE_INTEGER (query limits refuse it anyway).
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  const cost = operationCost(schema, document, variables, operationName);
  return Number.isFinite(cost) ? Math.max(1, cost) : Number.MAX_SAFE_INTEGER;
}
