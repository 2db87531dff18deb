import type { HealthCheck } from '../../core/health';
import { defineModule, moduleKey } from '../../core/module';
import { SERVICE_VERSION } from '../../platform/paths';
import {
  cacheCheck,
  databaseCheck,
  mailCheck,
  queueCheck,
  rateLimitCheck,
  secretsCheck,
} from './health-checks';
import { HealthService } from './health.service';
import { SystemResolver } from './system.resolver';

export interface SystemModuleOptions {
  /** Checks beyond the platform's and the modules' own (tests add failing ones). */
  readonly extraChecks?: readonly HealthCheck[];
}

export interface SystemExports {
  /** What `GET /api/system/health` and `systemHealth` report. */
  readonly health: HealthService;
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
    resolvers: [SystemResolver],
    create(platform, { created }) {
      const { config } = platform;
      const health = new HealthService(
        [
          databaseCheck(platform.database),
          cacheCheck(platform.cache, config.redis.mode === 'external' ? 'valkey' : 'memory'),
          queueCheck(platform.queue, {
            queues: created.flatMap((module) => module.queues ?? []),
            schedules: Object.assign({}, ...created.map((module) => module.schedules ?? {})),
          }),
          secretsCheck(platform.secrets, config.secrets.names),
          ...created.flatMap((module) => module.healthChecks ?? []),
          mailCheck(config.mail),
          rateLimitCheck(platform.rateLimits, config.rateLimit.enabled),
          ...(options.extraChecks ?? []),
        ],
        config.health.timeoutMs,
        SERVICE_VERSION,
      );
      return { resolvers: [new SystemResolver(health)], exports: { health } };
    },
  });
}
