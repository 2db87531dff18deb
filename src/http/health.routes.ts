import type { FastifyInstance } from 'fastify';
import { DomainError } from '../core/errors';
import { hasRole } from '../core/viewer';
import type { ComponentReport, HealthReporter } from '../core/health';
import type { ContextFactory } from './context-factory';

/**
 * `GET /api/system/health`: 200 when ok or degraded, 503 when a required component is down, so a
 * load balancer takes the instance out only when it cannot serve. Never cached. Component
 * messages and details (they can name internal hosts) are shown to operator and admin keys only.
 */
export function registerHealthRoutes(
  fastify: FastifyInstance,
  health: HealthReporter,
  context: ContextFactory,
): void {
  fastify.get('/api/system/health', async (request, reply) => {
    let detailed = false;
    if (request.headers.authorization) {
      try {
        detailed = hasRole(await context.viewerForHttp(request), 'operator');
      } catch (error) {
        // A refused key is the caller's error (the error handler answers its code and status).
        // Keys live in the database: while it is unreachable, answer without details rather
        // than fail the endpoint load balancers depend on.
        if (error instanceof DomainError) throw error;
        request.log.warn(
          { requestId: request.id, error: (error as Error).message },
          'health: cannot check the API key',
        );
      }
    }
    const report = await health.report();
    const components = Object.fromEntries(
      report.components.map(({ name, message, details, ...rest }: ComponentReport) => [
        name,
        detailed ? { ...rest, message, details } : rest,
      ]),
    );
    return reply
      .code(report.status === 'down' ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({ ...report, checkedAt: report.checkedAt.toISOString(), components });
  });
}
