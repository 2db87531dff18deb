import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
  parse,
  Source,
  validate,
} from 'graphql';
import { analyseQueryLimits } from './graphql-limits';
import { type GitHubGraphQLError, parseErrorToGitHub, validationErrorToGitHub } from './graphql-errors';

/**
 * GitHub's GraphQL schema from @octokit/graphql-schema, built with `buildClientSchema` from its
 * introspection JSON (its SDL file repeats some field definitions, which `buildSchema` rejects).
 *
 * The package's `exports` map exposes only an ESM entry that reads the file itself, so the JSON is
 * located on disk through Node's module search paths; that works the same under tsc, tsx and Vitest.
 */
function schemaJsonPath(): string {
  for (const dir of require.resolve.paths('@octokit/graphql-schema') ?? []) {
    const candidate = join(dir, '@octokit', 'graphql-schema', 'schema.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('@octokit/graphql-schema is not installed (npm install)');
}

// The schema is immutable; building it takes ~150 ms, so one copy per process is kept.
let cachedSchema: GraphQLSchema | undefined;

export function gitHubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    const json = JSON.parse(readFileSync(schemaJsonPath(), 'utf8')) as
      IntrospectionQuery | { data: IntrospectionQuery };
    cachedSchema = buildClientSchema('data' in json ? json.data : json);
  }
  return cachedSchema;
}

export interface GitHubQueryCheck {
  readonly document: DocumentNode | undefined;
  /** GitHub-shaped errors (empty when the query would be accepted). */
  readonly errors: readonly GitHubGraphQLError[];
  /** Rate-limit points GitHub would charge (see graphql-limits.ts for the approximation). */
  readonly cost: number;
  readonly nodeCount: number;
}

/**
 * Checks a query as GitHub does before running it: syntax, schema validation (a misspelt field
 * fails), and the connection rules (`first`/`last` on connections that select nodes, 1..100,
 * at most 500,000 nodes). Variables are used for `first`/`last` given as `$variables`.
 */
export function checkGitHubQuery(
  query: string | DocumentNode,
  variables: Record<string, unknown> = {},
): GitHubQueryCheck {
  let document: DocumentNode;
  try {
    document = typeof query === 'string' ? parse(new Source(query, 'GitHub query')) : query;
  } catch (error) {
    return { document: undefined, errors: [parseErrorToGitHub(error)], cost: 0, nodeCount: 0 };
  }
  const schema = gitHubSchema();
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    return {
      document,
      errors: invalid.map((e) => validationErrorToGitHub(e, document)),
      cost: 0,
      nodeCount: 0,
    };
  }
  const limits = analyseQueryLimits(schema, document, variables);
  return { document, errors: limits.errors, cost: limits.cost, nodeCount: limits.nodeCount };
}

/** The errors GitHub would answer for this query; an empty list means it is valid. */
export function validateGitHubQuery(
  query: string | DocumentNode,
  variables: Record<string, unknown> = {},
): readonly GitHubGraphQLError[] {
  return checkGitHubQuery(query, variables).errors;
}

/** Throws with GitHub's messages when the query is not valid against GitHub's schema. */
export function assertValidGitHubQuery(
  query: string | DocumentNode,
  variables: Record<string, unknown> = {},
): void {
  const errors = validateGitHubQuery(query, variables);
  if (errors.length > 0) {
    throw new Error(`GitHub would reject this query:\n  - ${errors.map((e) => e.message).join('\n  - ')}`);
  }
}
