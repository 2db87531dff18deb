import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  GraphQLInt,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromAST,
} from 'graphql';
import type { GitHubGraphQLError } from './graphql-errors';

/**
 * GitHub's GraphQL resource limits, following its documentation ("Rate limits and node limits
 * for the GraphQL API"):
 * - every connection that selects `nodes` or `edges` needs `first` or `last`, within 1..100
 *   (GitHub in practice accepts a connection without them when it selects only `totalCount`,
 *   as in `followers { totalCount }`; so does the stand-in);
 * - at most 500,000 nodes per query: each connection contributes (product of the sizes of the
 *   connections above it) x its own size;
 * - cost: add up the requests needed to fulfil each connection (one per parent node, the parents
 *   assumed to fill their `first`/`last`), divide by 100, round; at least 1 point.
 *
 * Approximation: GitHub's real scorer is not published beyond those rules. Lists that are not
 * connections (`commitContributionsByRepository(maxRepositories:)`) do not multiply here, and a
 * connection queried only for `totalCount` counts like any other.
 */
export const MAX_PAGE_SIZE = 100;
export const MAX_NODES = 500_000;

export interface QueryLimits {
  readonly requests: number;
  readonly cost: number;
  readonly nodeCount: number;
  readonly errors: GitHubGraphQLError[];
}

export function analyseQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): QueryLimits {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation =
    operations.find((o) => !operationName || o.name?.value === operationName) ?? operations[0];
  const state = { requests: 0, nodes: 0, errors: [] as GitHubGraphQLError[], reportedNodeLimit: false };
  const root = operation?.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!operation || !root) return { requests: 0, cost: 1, nodeCount: 0, errors: [] };

  const intArgument = (field: FieldNode, name: string): number | undefined => {
    const node = field.arguments?.find((a) => a.name.value === name);
    const value = node ? valueFromAST(node.value, GraphQLInt, variables) : undefined;
    return typeof value === 'number' ? value : undefined;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType,
    multiplier: number,
    path: string[],
  ): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) walk(selection.selectionSet, type, multiplier, path);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) walk(fragment.selectionSet, type, multiplier, path);
        continue;
      }
      if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
      const definition = parent.getFields()[selection.name.value];
      if (!definition) continue;
      const type = getNamedType(definition.type);
      const fieldPath = [...path, selection.alias?.value ?? selection.name.value];
      let childMultiplier = multiplier;
      if (type.name.endsWith('Connection') && definition.args.some((a) => a.name === 'first')) {
        const first = intArgument(selection, 'first');
        const last = intArgument(selection, 'last');
        const size = first ?? last;
        const selectsItems = selection.selectionSet?.selections.some(
          (s) => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'),
        );
        const name = selection.name.value;
        if (size === undefined && selectsItems) {
          state.errors.push({
            type: 'MISSING_PAGINATION_BOUNDARIES',
            path: fieldPath,
            locations: [loc(selection)],
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
          });
        } else if (size !== undefined && (size < 0 || size > MAX_PAGE_SIZE)) {
          const argument = first !== undefined ? 'first' : 'last';
          state.errors.push({
            type: 'EXCESSIVE_PAGINATION',
            path: fieldPath,
            locations: [loc(selection)],
            message: `Requesting ${size} records on the \`${name}\` connection exceeds the \`${argument}\` limit of ${MAX_PAGE_SIZE} records.`,
          });
        }
        state.requests += multiplier;
        state.nodes += multiplier * (size ?? 0);
        childMultiplier = multiplier * Math.max(1, size ?? 1);
        if (state.nodes > MAX_NODES && !state.reportedNodeLimit) {
          state.reportedNodeLimit = true;
          state.errors.push({
            type: 'MAX_NODE_LIMIT_EXCEEDED',
            path: fieldPath,
            locations: [loc(selection)],
            message: `By the time this query traverses to the ${name} connection, it is requesting up to ${state.nodes.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString('en-US')}.`,
          });
        }
      }
      if (selection.selectionSet) walk(selection.selectionSet, type, childMultiplier, fieldPath);
    }
  };

  walk(operation.selectionSet, root, 1, []);
  return {
    requests: state.requests,
    cost: Math.max(1, Math.round(state.requests / 100)),
    nodeCount: state.nodes,
    errors: state.errors,
  };
}

function loc(node: FieldNode): { line: number; column: number } {
  const start = node.loc?.startToken;
  return { line: start?.line ?? 0, column: start?.column ?? 0 };
}
