import type { HealthCheck } from '../../core/health';
import { defineModule, moduleKey } from '../../core/module';
import { SERVICE_VERSION } from '../../platform/paths';
import { cacheCheck, databaseCheck, queueCheck, rateLimitCheck, secretsCheck } from './health-checks';
import { HealthService } from './health.service';
import { HealthChangedResolver } from './health-changed.resolver';
import { HealthWatch } from './health-watch';
import { SystemResolver } from './system.resolver';
import { TOPICS } from '../../core/topics';
import { alertOnHealth } from './health-alerts';
import { QueueFiguresLog } from './queue-figures-log';
import { HealthHistory } from './health-history';

export interface SystemModuleOptions {
  /** Checks beyond the platform's and the modules' own (tests add failing ones). */
  readonly extraChecks?: readonly HealthCheck[];
}

export interface SystemExports {
  /** What `GET /api/system/health` and `systemHealth` report. */
  readonly health: HealthService;
  /** This api instance's health watch rounds over the last hour (the operator console). */
  readonly history: HealthHistory;
}

export const SYSTEM = moduleKey<SystemExports>('system');

/**
 * Health: the platform's checks, then the checks of every module listed before this one (list it
 * last), then any extra ones. Serves `systemHealth`; the HTTP route reads the same service.
 */
export function systemModule(options: SystemModuleOptions = {}) {
  return defineModule({
    key: SYSTEM,
    entities: [],
    resolvers: [SystemResolver, HealthChangedResolver],
    create(platform, { created }) {
      const { config } = platform;
      const queues = created.flatMap((module) => module.queues ?? []);
      const health = new HealthService(
        [
          databaseCheck(platform.database),
          cacheCheck(platform.cache, config.redis.mode === 'external' ? 'valkey' : 'memory'),
          queueCheck(platform.queue, {
            queues,
            schedules: Object.assign({}, ...created.map((module) => module.schedules ?? {})),
          }),
          secretsCheck(platform.secrets, config.secrets.names),
          ...created.flatMap((module) => module.healthChecks ?? []),
          rateLimitCheck(platform.rateLimits, config.rateLimit.enabled),
          ...(options.extraChecks ?? []),
        ],
        config.health.timeoutMs,
        SERVICE_VERSION,
      );
      // Incidents go to every module's notifier; health changes raise and resolve them.
      for (const module of created)
        if (module.operatorNotifier) platform.alerts.addNotifier(module.operatorNotifier);
      const figures = new QueueFiguresLog({
        queue: platform.queue,
        queues,
        intervalMs: config.metrics.queueFiguresLogIntervalMs,
        logger: platform.logger.child({ component: 'queue-figures' }),
      });
      const history = new HealthHistory();
      const watch = new HealthWatch({
        health,
        pubSub: platform.pubSub,
        intervalMs: config.health.watchIntervalMs,
        logger: platform.logger.child({ component: 'health-watch' }),
        onReport: (report) => {
          history.record(report);
          alertOnHealth(platform.alerts, report);
        },
      });
      return {
        resolvers: [new SystemResolver(health), new HealthChangedResolver(health)],
        topics: [TOPICS.SYSTEM_HEALTH_CHANGED],
        // Each api instance watches its own health.
        // Each worker logs the queue figures CloudWatch alarms on (queue backlog).
        start: { api: async () => watch.start(), worker: async () => figures.start() },
        close: async () => {
          figures.close();
          await watch.close();
        },
        exports: { health, history },
      };
    },
  });
}
