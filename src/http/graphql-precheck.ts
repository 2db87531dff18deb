import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLContext } from '../graphql/context';
import { DomainError } from '../core/errors';
import { toGraphQLError } from '../graphql/errors';
import { parseWithinTokenLimit } from '../graphql/query-limits';
import type { ClientErrorFormatter } from './client-errors';

export interface GraphqlPrecheckOptions {
  readonly maxTokens: number;
  readonly formatError: ClientErrorFormatter;
}

/** The request's URL as the Apollo integration builds it; undefined when that would throw. */
function requestUrl(request: FastifyRequest): URL | undefined {
  try {
    return new URL(request.url, `${request.protocol}://${request.hostname}/`);
  } catch {
    return undefined;
  }
}

const PASSED_MEMO_SIZE = 500;

/**
 * Checks on `/graphql` before Apollo sees the request:
 * - a missing or malformed Host (an HTTP/1.0 request may omit it) would make the Fastify
 *   integration's URL parsing throw, i.e. a 500; it is a 400 here;
 * - the token limit: parsing stops at the limit instead of going through a huge document (Apollo
 *   5 turns an error thrown from its own parsing hooks into a 500, so this cannot be a plugin).
 */
export function graphqlPrecheck(options: GraphqlPrecheckOptions) {
  const refuse = (reply: FastifyReply, status: number, error: DomainError) => {
    // The route's reply type is Apollo's string body, hence the serialization here.
    const body = JSON.stringify({ errors: [options.formatError(toGraphQLError(error).toJSON(), error)] });
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  };
  // Documents that passed recently: a hot query is not lexed again on every request.
  const passed = new Set<string>();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!requestUrl(request)) {
      return refuse(reply, 400, new DomainError('BAD_REQUEST', 'The Host header is missing or malformed'));
    }
    const source = request.method === 'GET' ? request.query : request.body;
    const query =
      typeof source === 'object' && source !== null ? (source as { query?: unknown }).query : undefined;
    if (typeof query !== 'string' || passed.has(query)) return;
    try {
      parseWithinTokenLimit(query, options.maxTokens);
      passed.add(query);
      if (passed.size > PASSED_MEMO_SIZE) passed.delete(passed.values().next().value as string);
    } catch (error) {
      if (!(error instanceof DomainError)) return; // a syntax error: Apollo reports it
      return refuse(reply, 400, error);
    }
  };
}

/**
 * Subscriptions are served over WebSocket only. Over HTTP, graphql-js would run a subscription
 * like a query (or fail without a code when the schema has none), so it is refused up front.
 */
export function noSubscriptionsOverHttp(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, response }) {
          if (operation?.operation !== 'subscription') return;
          response.http.status = 400;
          throw new DomainError(
            'BAD_REQUEST',
            'Subscriptions run over WebSocket (graphql-transport-ws) at /graphql, not over HTTP',
          );
        },
      };
    },
  };
}
