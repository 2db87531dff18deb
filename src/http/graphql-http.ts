import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLContext } from '../graphql/context';
import { formatError, isExpectedError } from '../graphql/errors';
import type { GraphqlGuards } from '../graphql/guards';
import type { Logger } from '../platform/logging/logger';
import type { ContextFactory } from './context-factory';

export interface GraphqlHttpOptions {
  readonly schema: GraphQLSchema;
  readonly introspection: boolean;
  readonly nodeEnv: string;
  readonly logger: Logger;
  readonly context: ContextFactory;
  readonly guards: GraphqlGuards;
}

/** Logs every unexpected error once, with the request id; clients get the masked form. */
function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (isExpectedError(error, error.extensions?.code)) continue;
            const original = unwrapResolverError(error);
            logger.error(
              { requestId: contextValue.requestId, operationName, path: error.path, err: original },
              'unexpected error in GraphQL request',
            );
          }
        },
      };
    },
  };
}

/** Apollo Server on Fastify at `/graphql` (GET and POST). Returns Apollo, which the caller stops. */
export async function registerGraphqlHttp(
  fastify: FastifyInstance,
  options: GraphqlHttpOptions,
): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    formatError,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    stopOnTerminationSignals: false,
    nodeEnv: options.nodeEnv,
    validationRules: [...options.guards.validationRules],
    plugins: [errorLoggingPlugin(options.logger), ...options.guards.apolloPlugins],
    logger: options.logger,
  });
  await apollo.start();
  const handler = fastifyApolloHandler(apollo, {
    context: async (request, reply) => {
      const aborted = new AbortController();
      reply.raw.once('close', () => aborted.abort());
      return options.context.forHttp(request, aborted.signal);
    },
  });
  fastify.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/graphql', handler });
  return apollo;
}
