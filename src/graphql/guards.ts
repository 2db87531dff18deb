import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, ValidationRule } from 'graphql';
import type { GraphQLContext } from './context';

/**
 * What protects the GraphQL endpoint, applied the same way over HTTP and WebSocket: extra
 * validation rules (depth, aliases, directives, cost), Apollo plugins (HTTP accounting), and a
 * per-operation check for WebSocket operations (rate limits). Built in the composition root.
 */
export interface GraphqlGuards {
  readonly validationRules: readonly ValidationRule[];
  readonly apolloPlugins: readonly ApolloServerPlugin<GraphQLContext>[];
  /** Runs before each WebSocket operation executes; throws a DomainError to refuse it. */
  beforeSocketOperation(
    context: GraphQLContext,
    document: DocumentNode,
    variables: Record<string, unknown>,
  ): Promise<void>;
}

/** Joins guard parts: rules and plugins concatenated, socket checks run in order. */
export function combineGuards(...parts: readonly Partial<GraphqlGuards>[]): GraphqlGuards {
  return {
    validationRules: parts.flatMap((p) => p.validationRules ?? []),
    apolloPlugins: parts.flatMap((p) => p.apolloPlugins ?? []),
    async beforeSocketOperation(context, document, variables) {
      for (const part of parts) await part.beforeSocketOperation?.(context, document, variables);
    },
  };
}
