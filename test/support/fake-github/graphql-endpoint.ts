import { randomUUID } from 'node:crypto';
import { execute, type GraphQLFieldResolver, isNonNullType } from 'graphql';
import type { FakeDataset } from './dataset-types';
import { userByLogin, repositoryByName } from './dataset-queries';
import { executionErrorToGitHub, GitHubTypedError } from './graphql-errors';
import { checkGitHubQuery, gitHubSchema } from './github-graphql-schema';
import { organizationModel, repositoryModel, userModel, type ModelContext } from './graphql-user-model';
import type { RateWindow } from './rate-limit-ledger';

/**
 * POST /graphql: the query is parsed, validated against GitHub's schema and its connection
 * limits, priced (graphql-limits.ts), charged, then executed for real with graphql-js over the
 * dataset. Answers have GitHub's shapes: HTTP 200 with `errors` for invalid queries, for
 * `NOT_FOUND` and for `RATE_LIMITED`; 400 for a body that is not JSON.
 */
export interface GraphQLCall {
  readonly body: string;
  readonly data: FakeDataset;
  readonly now: number;
  /** The caller's user id for GitHub's "API rate limit exceeded for user ID n." message. */
  readonly userIdForMessages: number;
  readonly budget: () => RateWindow;
  readonly spend: (points: number) => RateWindow;
  /** Commits walked by author-filtered history counts past which the query times out (502). */
  readonly heavyQueryCommits: number;
}

export interface GraphQLAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly points: number;
}

interface RequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** Resolves a field from the model object: a value, or a function of the arguments. */
const fieldResolver: GraphQLFieldResolver<unknown, ModelContext> = (source, args, _context, info) => {
  if (source !== null && typeof source === 'object') {
    const value = (source as Record<string, unknown>)[info.fieldName];
    if (typeof value === 'function') return (value as (a: unknown) => unknown)(args);
    if (value !== undefined) return value;
  }
  if (isNonNullType(info.returnType)) {
    throw new Error(
      `The GitHub stand-in does not serve ${info.parentType.name}.${info.fieldName}; add it in test/support/fake-github/graphql-*.ts`,
    );
  }
  return null;
};

export async function answerGraphQL(call: GraphQLCall): Promise<GraphQLAnswer> {
  let request: RequestBody;
  try {
    request = JSON.parse(call.body) as RequestBody;
  } catch {
    return {
      status: 400,
      body: {
        message: 'Problems parsing JSON',
        documentation_url: 'https://docs.github.com/graphql',
        status: '400',
      },
      points: 0,
    };
  }
  if (typeof request.query !== 'string') {
    return {
      status: 200,
      body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] },
      points: 0,
    };
  }
  const variables =
    request.variables !== null && typeof request.variables === 'object'
      ? (request.variables as Record<string, unknown>)
      : {};
  const check = checkGitHubQuery(request.query, variables);
  const window = call.budget();
  if (window.remaining < Math.max(1, check.cost)) {
    return {
      status: 200,
      body: {
        errors: [
          {
            type: 'RATE_LIMITED',
            message: `API rate limit already exceeded for user ID ${call.userIdForMessages}.`,
          },
        ],
      },
      points: 0,
    };
  }
  // A rejected query still costs the minimum point (GitHub's "1 point per query minimum").
  if (!check.document || check.errors.length > 0) {
    call.spend(1);
    return { status: 200, body: { errors: check.errors }, points: 1 };
  }
  const after = call.spend(check.cost);
  const context: ModelContext = { data: call.data, now: call.now, work: { commitsWalked: 0 } };
  const rootValue = {
    user: ({ login }: { login: string }) => {
      const user = userByLogin(call.data, login);
      // An organization is not a User: GitHub answers NOT_FOUND (REST GET /users/{login} serves it).
      if (!user || user.type === 'Organization')
        throw new GitHubTypedError('NOT_FOUND', `Could not resolve to a User with the login of '${login}'.`);
      return userModel(user, context);
    },
    organization: ({ login }: { login: string }) => {
      const asAccount = userByLogin(call.data, login);
      const org =
        call.data.organizations.find((o) => o.login.toLowerCase() === login.toLowerCase()) ??
        (asAccount?.type === 'Organization'
          ? { id: asAccount.id, login: asAccount.login, name: asAccount.name, description: asAccount.bio }
          : undefined);
      if (!org)
        throw new GitHubTypedError(
          'NOT_FOUND',
          `Could not resolve to an Organization with the login of '${login}'.`,
        );
      return organizationModel(org);
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const found = repositoryByName(call.data, owner, name);
      if (!found)
        throw new GitHubTypedError(
          'NOT_FOUND',
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      if (found.repository.blocked) throw new GitHubTypedError('FORBIDDEN', 'Repository access blocked');
      return repositoryModel(found.repository, found.owner, context);
    },
    rateLimit: {
      cost: check.cost,
      limit: after.limit,
      remaining: after.remaining,
      used: after.used,
      resetAt: new Date(after.resetAt).toISOString().replace('.000Z', 'Z'),
      nodeCount: check.nodeCount,
    },
  };
  const result = await execute({
    schema: gitHubSchema(),
    document: check.document,
    rootValue,
    contextValue: context,
    variableValues: variables,
    operationName: typeof request.operationName === 'string' ? request.operationName : undefined,
    fieldResolver,
  });
  if (context.work.commitsWalked > call.heavyQueryCommits) {
    // GitHub stops a query after 10 seconds and answers 502 with this message (points are spent).
    return {
      status: 502,
      body: {
        data: null,
        errors: [
          {
            message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${randomUUID().toUpperCase()}\` when reporting this issue.`,
          },
        ],
      },
      points: check.cost,
    };
  }
  const body: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors?.length) body.errors = result.errors.map(executionErrorToGitHub);
  return { status: 200, body, points: check.cost };
}
