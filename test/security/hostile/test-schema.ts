import {
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import type { GraphQLContext } from '../../../src/graphql/context';

/**
 * A small schema shaped like the paginated lists later issues add (`first`/`last` on lists, nested
 * lists, a recursive field), so query limits and the cost model are tested before the real schema
 * has such fields. Resolvers return made-up data; `slow` and `boom` exercise timeouts and masking.
 */
export function buildTestSchema(): GraphQLSchema {
  const repository: GraphQLObjectType = new GraphQLObjectType({
    name: 'Repository',
    fields: { name: { type: GraphQLString }, stargazerCount: { type: GraphQLInt } },
  });
  const repositoryConnection = new GraphQLObjectType({
    name: 'RepositoryConnection',
    fields: { totalCount: { type: GraphQLInt }, nodes: { type: new GraphQLList(repository) } },
  });
  const page = (size: unknown, available: number): number[] =>
    Array.from({ length: Math.min(typeof size === 'number' ? size : 1, available) }, (_, i) => i);
  const user: GraphQLObjectType = new GraphQLObjectType({
    name: 'User',
    fields: () => ({
      login: { type: GraphQLString },
      name: { type: GraphQLString },
      friend: { type: user, resolve: () => ({ login: 'friend', name: 'Friend' }) },
      repositories: {
        type: repositoryConnection,
        args: { first: { type: GraphQLInt, defaultValue: 20 } },
        resolve: (_user, args: { first?: number }) => ({
          totalCount: 3,
          nodes: page(args.first, 3).map((i) => ({ name: `repo${i}`, stargazerCount: i })),
        }),
      },
    }),
  });
  const userConnection = new GraphQLObjectType({
    name: 'UserConnection',
    fields: { totalCount: { type: GraphQLInt }, nodes: { type: new GraphQLList(user) } },
  });
  const query = new GraphQLObjectType<unknown, GraphQLContext>({
    name: 'Query',
    fields: {
      viewer: { type: user, resolve: () => ({ login: 'octocat', name: 'The Octocat' }) },
      users: {
        type: userConnection,
        args: { first: { type: GraphQLInt }, last: { type: GraphQLInt } },
        resolve: (_root, args: { first?: number; last?: number }) => ({
          totalCount: 5,
          nodes: page(args.first ?? args.last, 5).map((i) => ({ login: `user${i}`, name: `User ${i}` })),
        }),
      },
      node: { type: user, args: { id: { type: new GraphQLNonNull(GraphQLID) } }, resolve: () => null },
      search: {
        type: new GraphQLList(user),
        args: { text: { type: GraphQLString } },
        resolve: () => [],
      },
      expensive: { type: GraphQLInt, extensions: { complexity: 50 }, resolve: () => 1 },
      slow: {
        type: GraphQLString,
        args: { ms: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: (_root, args: { ms: number }, context) =>
          new Promise<string>((resolve) => {
            const timer = setTimeout(() => resolve('done'), args.ms);
            context.signal.addEventListener('abort', () => {
              clearTimeout(timer);
              resolve('aborted');
            });
          }),
      },
      boom: {
        type: GraphQLString,
        resolve: () => {
          throw new Error('insert into "user" ("login") values ($1) - relation "user" does not exist');
        },
      },
    },
  });
  const mutation = new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      echo: { type: GraphQLString, args: { text: { type: GraphQLString } }, resolve: (_r, a) => a.text },
    },
  });
  const subscription = new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: {
        type: GraphQLInt,
        args: { count: { type: new GraphQLNonNull(GraphQLInt) } },
        subscribe: async function* (_root: unknown, args: { count: number }) {
          for (let i = 1; i <= Math.min(args.count, 10); i++) yield { ticks: i };
        },
      },
    },
  });
  return new GraphQLSchema({ query, mutation, subscription });
}
