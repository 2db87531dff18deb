import type { FastifyInstance } from 'fastify';
import type { HealthService } from '../modules/system/health.service';

/**
 * `GET /api/system/health`: 200 when ok or degraded, 503 when a required component is down, so a
 * load balancer takes the instance out only when it cannot serve. Never cached.
 */
export function registerHealthRoutes(fastify: FastifyInstance, health: HealthService): void {
  fastify.get('/api/system/health', async (_request, reply) => {
    const report = await health.report();
    const components = Object.fromEntries(report.components.map(({ name, ...rest }) => [name, rest]));
    return reply
      .code(report.status === 'down' ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({ ...report, checkedAt: report.checkedAt.toISOString(), components });
  });
}
