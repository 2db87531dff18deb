import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/config';
import { DomainError } from '../core/errors';
import type { GraphQLContext } from '../graphql/context';
import type { AppMetrics } from '../platform/metrics/metrics';
import type { ClientErrorFormatter } from './client-errors';

type MetricsAccess = Config['metrics'];

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), isIPv6(network) ? 'ipv6' : 'ipv4');
  }
  return list;
}

const LOOPBACK = blockListOf(['127.0.0.0/8', '::1/128']);

function contains(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may read `/metrics` (docs/operations.md): with `METRICS_TOKEN`, callers sending it as a
 * bearer token; with `METRICS_ALLOWED_CIDRS`, callers from those ranges (both when both are set).
 * With neither: loopback callers outside production, nobody in production.
 */
export function metricsAccess(access: MetricsAccess): (request: FastifyRequest) => void {
  const allowed = access.allowedCidrs.length > 0 ? blockListOf(access.allowedCidrs) : undefined;
  return (request) => {
    if (!access.token && !allowed) {
      if (access.production)
        throw new DomainError('FORBIDDEN', 'Metrics are closed: set METRICS_TOKEN or METRICS_ALLOWED_CIDRS');
      if (!contains(LOOPBACK, request.ip))
        throw new DomainError('FORBIDDEN', 'Metrics are open to loopback callers only');
      return;
    }
    if (allowed && !contains(allowed, request.ip))
      throw new DomainError('FORBIDDEN', 'This address may not read metrics');
    if (access.token) {
      const header = request.headers.authorization ?? '';
      const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
      if (!sameSecret(given, access.token))
        throw new DomainError('UNAUTHENTICATED', 'Send the metrics token as a bearer token');
    }
  };
}

/**
 * `GET /metrics` (Prometheus text) behind `metricsAccess`, plus the HTTP request histogram
 * (by method, matched route and status: bounded labels). Not registered when metrics are off.
 */
export function registerMetricsRoutes(
  fastify: FastifyInstance,
  metrics: AppMetrics,
  access: MetricsAccess,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  if (!access.enabled) return;
  const check = metricsAccess(access);
  fastify.get('/metrics', async (request, reply) => {
    check(request);
    const { contentType, body } = await metrics.text();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
}

/** Times each GraphQL operation over HTTP by its (bounded) name and type. */
export function graphqlMetricsPlugin(metrics: AppMetrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, operationName, document }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlOperationDuration.observe(
            {
              operation_name: metrics.operationLabel(
                operation ? operationName : undefined,
                !!document && !!operation,
              ),
              operation_type: operation?.operation ?? 'unknown',
            },
            seconds,
          );
        },
      };
    },
  };
}

/** The client error formatter, counting each error it formats by its code. */
export function countingErrorFormatter(
  format: ClientErrorFormatter,
  metrics: AppMetrics,
): ClientErrorFormatter {
  return (formatted, error) => {
    const result = format(formatted, error);
    metrics.countError(result.extensions?.code);
    return result;
  };
}
