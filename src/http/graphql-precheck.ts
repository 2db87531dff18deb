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

const PASSED_MEMO_SIZE = 500;

/**
 * Whether the Apollo integration can build the request's URL (`new URL(url, protocol://host/)`).
 * Parsing a URL per request is a visible cost under load, so bases that parsed are remembered: a
 * path (one leading `/`, not `//`, which would name a host) on a base that parsed always parses.
 */
function urlChecker(): (request: FastifyRequest) => boolean {
  const bases = new Set<string>();
  return (request) => {
    const base = `${request.protocol}://${request.hostname}/`;
    const { url } = request;
    if (bases.has(base) && url.startsWith('/') && !url.startsWith('//')) return true;
    try {
      new URL(url, base);
      new URL(base);
    } catch {
      return false;
    }
    if (bases.size >= PASSED_MEMO_SIZE) bases.clear();
    bases.add(base);
    return true;
  };
}

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
  const urlParses = urlChecker();
  // Callback style: an async hook costs a promise per request.
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (!urlParses(request)) {
      refuse(reply, 400, new DomainError('BAD_REQUEST', 'The Host header is missing or malformed'));
      return;
    }
    const source = request.method === 'GET' ? request.query : request.body;
    const query =
      typeof source === 'object' && source !== null ? (source as { query?: unknown }).query : undefined;
    if (typeof query !== 'string' || passed.has(query)) return done();
    try {
      parseWithinTokenLimit(query, options.maxTokens);
      passed.add(query);
      if (passed.size > PASSED_MEMO_SIZE) passed.delete(passed.values().next().value as string);
    } catch (error) {
      if (!(error instanceof DomainError)) return done(); // a syntax error: Apollo reports it
      refuse(reply, 400, error);
      return;
    }
    done();
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
