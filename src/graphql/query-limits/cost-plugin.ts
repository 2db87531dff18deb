import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../context';
import { operationCost } from './cost';
import { queryTooComplex } from './limit-error';

/**
 * The cost limit over HTTP: after the operation is resolved, because the cost depends on the
 * request's variables (`first: $n`) and on which operation runs.
 */
export function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, response }) {
          if (!operation) return; // Apollo refuses an unknown operation itself.
          const cost = operationCost(schema, document, request.variables ?? {}, operation.name?.value);
          if (cost <= maxCost) return;
          // Set here rather than in `extensions.http`, which would reach the body.
          response.http.status = 400;
          throw queryTooComplex('cost', maxCost, cost);
        },
      };
    },
  };
}
