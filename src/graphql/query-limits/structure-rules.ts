import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule, type MaxDepthOptions } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ValidationRule } from 'graphql';
import type { QueryLimitsConfig } from '../../config/config';
import { toGraphQLError } from '../errors';
import { queryTooComplex, type QueryLimitName } from './limit-error';

type RejectCallback = NonNullable<MaxDepthOptions['onReject']>[number];

/**
 * GraphQL Armor's counters report "... limit of N exceeded, found M." and, by default, throw out of
 * `validate` (Apollo would answer 500). Instead each refusal is reported as a validation error
 * carrying our code, so HTTP and WebSocket refuse the same way.
 */
function reportAs(limit: QueryLimitName, allowed: number): RejectCallback {
  return (context, error) => {
    const found = /found (\d+)/.exec(error.message);
    context?.reportError(
      toGraphQLError(queryTooComplex(limit, allowed, found ? Number(found[1]) : undefined)),
    );
  };
}

/** Depth, alias and directive limits as validation rules (cheap walks with fragments memoised). */
export function structureRules(limits: QueryLimitsConfig): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  return [
    maxDepthRule({
      ...common,
      n: limits.maxDepth,
      // Tools' introspection query nests `ofType` deeply; it is bounded by its own shape.
      ignoreIntrospection: true,
      // A fragment spread is not a level of nesting: `{ a { ...F } }` is as deep as F's fields.
      flattenFragments: true,
      onReject: [reportAs('depth', limits.maxDepth)],
    }),
    maxAliasesRule({
      ...common,
      n: limits.maxAliases,
      // Armor exempts `__typename` by default; aliasing it hundreds of times is still a bomb.
      allowList: [],
      onReject: [reportAs('aliases', limits.maxAliases)],
    }),
    maxDirectivesRule({
      ...common,
      n: limits.maxDirectives,
      onReject: [reportAs('directives', limits.maxDirectives)],
    }),
  ];
}
