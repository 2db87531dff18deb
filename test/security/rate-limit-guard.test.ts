import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { type GraphQLFormattedError, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config';
import { loadConfig } from '../../src/config/load-config';
import type { GraphQLContext } from '../../src/graphql/context';
import { DomainError } from '../../src/core/errors';
import { formatError } from '../../src/graphql/errors';
import { createRateLimitGuard, rateLimitSubject } from '../../src/graphql/rate-limit-guard';
import { createRateLimitStore } from '../../src/platform/rate-limit/rate-limit-store';
import type { Viewer } from '../../src/core/viewer';
import { addressGroup } from '../../src/platform/rate-limit/client-address';
import { LogCapture } from '../support/app-harness';

/**
 * The guard on a one-field schema whose resolver counts its calls, with the cost of an operation
 * chosen by the test: costs weigh, a refused operation never executes, budgets follow the caller
 * (address group or API key and role), and HTTP responses carry the headers. Embedded settings, so
 * the limiter is in memory; the Valkey store is covered by the other rate-limit tests.
 */
let executed = 0;
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: {
        type: GraphQLString,
        resolve: () => {
          executed++;
          return 'world';
        },
      },
    },
  }),
});

async function settings(env: Record<string, string> = {}): Promise<Config> {
  const { config } = await loadConfig({
    env: {
      RATE_LIMIT_WINDOW_MS: '60000',
      RATE_LIMIT_MAX_REQUESTS: '12',
      RATE_LIMIT_MAX_READER: '20',
      RATE_LIMIT_MAX_OPERATOR: '30',
      RATE_LIMIT_MAX_ADMIN: '40',
      ...env,
    },
  });
  return config;
}

const anonymous = (ip: string): Viewer => ({ kind: 'anonymous', ip });
const keyHolder = (keyId: string, role: 'reader' | 'operator' | 'admin', ip = '192.0.2.1'): Viewer => ({
  kind: 'apiKey',
  ip,
  keyId,
  keyPrefix: 'gi_test',
  role,
});
const contextFor = (viewer: Viewer) =>
  ({ viewer, requestId: 'test', signal: new AbortController().signal }) as unknown as GraphQLContext;

interface Harness {
  run(
    viewer: Viewer,
    query?: string,
  ): Promise<{
    status: number | undefined;
    headers: Map<string, string>;
    data: unknown;
    errors: readonly GraphQLFormattedError[] | undefined;
  }>;
  guard: ReturnType<typeof createRateLimitGuard>;
  logs: LogCapture;
}

async function harness(
  options: {
    env?: Record<string, string>;
    cost?: () => number;
    /** Plugins that run before the guard's (as the query limits' do in the app). */
    before?: ApolloServerPlugin<GraphQLContext>[];
  } = {},
): Promise<Harness> {
  const logs = new LogCapture('debug');
  const config = await settings(options.env);
  const guard = createRateLimitGuard({
    config,
    schema,
    logger: logs.logger,
    // Embedded settings: the per-process store, no connection to close.
    store: createRateLimitStore({ config: config.rateLimit, redis: undefined, logger: logs.logger }),
    estimate: options.cost ?? (() => 5),
  });
  const server = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    plugins: [...(options.before ?? []), ...(guard.apolloPlugins ?? [])],
  });
  await server.start();
  return {
    guard,
    logs,
    async run(viewer, query = '{ hello }') {
      const response = await server.executeOperation({ query }, { contextValue: contextFor(viewer) });
      const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
      return {
        status: response.http.status,
        headers: response.http.headers,
        data: body?.data,
        errors: body?.errors,
      };
    },
  };
}

beforeEach(() => {
  executed = 0;
});

describe('rate-limit guard over HTTP (Apollo plugin)', () => {
  it('spends the operation cost: a cost-5 operation uses 5 units, shown in the headers', async () => {
    const h = await harness();
    const first = await h.run(anonymous('198.51.100.1'));
    expect(first.data).toEqual({ hello: 'world' });
    expect(first.headers.get('ratelimit-limit')).toBe('12');
    expect(first.headers.get('ratelimit-remaining')).toBe('7');
    expect(first.headers.get('ratelimit-policy')).toBe('12;w=60');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(60);
    expect(first.headers.has('retry-after')).toBe(false);
    expect((await h.run(anonymous('198.51.100.1'))).headers.get('ratelimit-remaining')).toBe('2');
    expect(executed).toBe(2);
  });

  it('refuses with 429, Retry-After and RATE_LIMITED, without executing the operation', async () => {
    const h = await harness();
    await h.run(anonymous('198.51.100.2'));
    await h.run(anonymous('198.51.100.2'));
    const refused = await h.run(anonymous('198.51.100.2'));
    expect(refused.status).toBe(429);
    expect(refused.data).toBeUndefined();
    expect(executed).toBe(2);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(63);
    expect(refused.headers.get('ratelimit-remaining')).toBe('2');
    expect(refused.errors).toEqual([
      {
        message: expect.stringContaining('Rate limit exceeded'),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
      },
    ]);
  });

  it('still lets a cheaper operation use what is left', async () => {
    let cost = 5;
    const h = await harness({ cost: () => cost });
    await h.run(anonymous('198.51.100.3'));
    await h.run(anonymous('198.51.100.3'));
    expect((await h.run(anonymous('198.51.100.3'))).status).toBe(429);
    cost = 2;
    const cheap = await h.run(anonymous('198.51.100.3'));
    expect(cheap.data).toEqual({ hello: 'world' });
    expect(cheap.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('refuses an operation dearer than the whole budget as QUERY_TOO_COMPLEX (waiting cannot help)', async () => {
    const h = await harness({ cost: () => 13 });
    const response = await h.run(anonymous('198.51.100.4'));
    expect(response.status).toBe(400);
    expect(response.errors?.[0].extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'budget',
      allowed: 12,
      actual: 13,
    });
    expect(executed).toBe(0);
    // The attempt itself still counts as one request.
    expect(response.headers.get('ratelimit-remaining')).toBe('11');
  });

  it('gives API keys their role budget, per key whatever the address', async () => {
    const h = await harness();
    expect((await h.run(keyHolder('k-reader', 'reader'))).headers.get('ratelimit-limit')).toBe('20');
    expect((await h.run(keyHolder('k-operator', 'operator'))).headers.get('ratelimit-limit')).toBe('30');
    const admin = await h.run(keyHolder('k-admin', 'admin'));
    expect(admin.headers.get('ratelimit-limit')).toBe('40');
    expect(admin.headers.get('ratelimit-remaining')).toBe('35');
    // Same address, another key: a budget of its own; the first key's spending is its own too.
    expect((await h.run(keyHolder('k-reader-2', 'reader'))).headers.get('ratelimit-remaining')).toBe('15');
    expect(
      (await h.run(keyHolder('k-reader', 'reader', '203.0.113.9'))).headers.get('ratelimit-remaining'),
    ).toBe('10');
    // Anonymous callers from that address are not charged for key holders.
    expect((await h.run(anonymous('192.0.2.1'))).headers.get('ratelimit-remaining')).toBe('7');
  });

  it('charges 1, not the cost, for an operation another guard refuses (a query limit)', async () => {
    const queryLimit: ApolloServerPlugin<GraphQLContext> = {
      async requestDidStart() {
        return {
          async didResolveOperation() {
            throw new DomainError('QUERY_TOO_COMPLEX', 'Query exceeds the cost limit of 4 (found 5).');
          },
        };
      },
    };
    const h = await harness({ before: [queryLimit] });
    const response = await h.run(anonymous('198.51.100.9'));
    expect(response.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(executed).toBe(0);
    expect(response.headers.get('ratelimit-remaining')).toBe('11');
  });

  it('charges 1 to requests that fail before an operation is known (parse errors), with headers', async () => {
    const h = await harness();
    const response = await h.run(anonymous('198.51.100.5'), '{ hello ');
    expect(response.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.headers.get('ratelimit-remaining')).toBe('11');
  });

  it('charges at least 1, and 1 when the cost cannot be estimated', async () => {
    const free = await harness({ cost: () => 0 });
    expect((await free.run(anonymous('198.51.100.6'))).headers.get('ratelimit-remaining')).toBe('11');
    const broken = await harness({
      cost: () => {
        throw new Error('bad variables');
      },
    });
    expect((await broken.run(anonymous('198.51.100.6'))).headers.get('ratelimit-remaining')).toBe('11');
    const fractional = await harness({ cost: () => 2.2 });
    expect((await fractional.run(anonymous('198.51.100.6'))).headers.get('ratelimit-remaining')).toBe('9');
  });

  it('does nothing when RATE_LIMIT_ENABLED=false, and says so in the log', async () => {
    const h = await harness({ env: { RATE_LIMIT_ENABLED: 'false' } });
    expect(h.guard).toEqual({});
    expect(h.logs.text()).toContain('rate limits are off');
  });
});

describe('rate-limit guard over WebSocket (beforeSocketOperation)', () => {
  it('refuses an over-budget operation with RATE_LIMITED and retryAfterSeconds', async () => {
    const h = await harness();
    const check = () =>
      h.guard.beforeSocketOperation!(contextFor(anonymous('198.51.100.8')), parse('{ hello }'), {});
    await check();
    await check();
    const refusal = await check().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({
      name: 'DomainError',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
    });
  });
});

describe('whose budget', () => {
  const budgets = { anonymous: 1, reader: 2, operator: 3, admin: 4 };

  it('is the key for key holders and the address group for anonymous callers', () => {
    expect(rateLimitSubject(keyHolder('abc', 'operator'), budgets)).toEqual({
      identity: 'key:abc',
      limit: 3,
    });
    expect(rateLimitSubject(anonymous('203.0.113.5'), budgets)).toEqual({
      identity: 'ip:203.0.113.5',
      limit: 1,
    });
  });

  it('groups IPv6 by /64 so one host cannot rotate addresses, and keeps IPv4 per address', () => {
    expect(addressGroup('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressGroup('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup(' 192.0.2.8 ')).toBe('192.0.2.8');
  });

  it('puts anything that is not an address into one group', () => {
    expect(addressGroup('unknown')).toBe('unknown');
    expect(addressGroup('x'.repeat(5000))).toBe('unknown');
    expect(addressGroup('1.2.3.4, 5.6.7.8')).toBe('unknown');
  });
});
