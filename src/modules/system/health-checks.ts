import type { Config } from '../../config/config';
import type { Cache } from '../../platform/cache/cache';
import type { Database } from '../../platform/database/database';
import type { QueueDriver } from '../../platform/queue/job-queue';
import type { RateLimitStore } from '../../platform/rate-limit/rate-limit-store';
import type { SecretStore } from '../../platform/secrets/secret-store';
import type { CheckResult, HealthCheck } from '../../core/health';

/** The foundation's checks. Features add theirs (github token pool, mail) in the composition root. */
export function databaseCheck(database: Database): HealthCheck {
  return {
    name: 'database',
    required: true,
    async check() {
      await database.ping();
      return { status: 'ok', details: { mode: database.mode } };
    },
  };
}

export function cacheCheck(cache: Cache, driver: 'valkey' | 'memory'): HealthCheck {
  return {
    name: 'cache',
    required: false,
    async check() {
      await cache.ping();
      const { hits, misses, errors } = cache.stats();
      const lookups = hits + misses;
      return {
        status: 'ok',
        details: {
          driver,
          hits,
          misses,
          errors,
          hitRatio: lookups ? Math.round((hits / lookups) * 1000) / 1000 : null,
        },
      };
    },
  };
}

export function queueCheck(queue: QueueDriver): HealthCheck {
  return {
    name: 'queue',
    required: false,
    async check() {
      await queue.ping();
      return { status: 'ok', details: { driver: queue.kind } };
    },
  };
}

/** Degraded when the last read of any secret failed (the service runs on cached values). */
export function secretsCheck(
  secrets: SecretStore | undefined,
  names: Config['secrets']['names'],
): HealthCheck {
  return {
    name: 'secrets',
    required: false,
    async check(): Promise<CheckResult> {
      const configured = Object.values(names).filter(Boolean).length;
      if (!secrets || configured === 0)
        return { status: 'disabled', message: 'no AWS_*_SECRET_NAME configured' };
      const failing = secrets.status().filter((s) => s.lastError);
      return failing.length === 0
        ? { status: 'ok', details: { secrets: configured } }
        : {
            status: 'degraded',
            message: `last read failed for ${failing.map((s) => `${s.name} (${s.lastError})`).join(', ')}; serving cached values`,
            details: { secrets: configured, failing: failing.length },
          };
    },
  };
}

/** Mail is reported as configured or disabled until the notifications feature checks SES itself. */
export function mailCheck(mail: Config['mail']): HealthCheck {
  return {
    name: 'mail',
    required: false,
    async check() {
      if (!mail.enabled) return { status: 'disabled', message: 'ENABLE_EMAIL_NOTIFICATIONS is false' };
      return { status: 'ok', details: { region: mail.region, sender: mail.fromEmail ?? null } };
    },
  };
}

/** Degraded while rate limits are kept per process because Valkey is unreachable (budgets multiply). */
export function rateLimitCheck(store: Pick<RateLimitStore, 'status'>, enabled: boolean): HealthCheck {
  return {
    name: 'rateLimits',
    required: false,
    async check(): Promise<CheckResult> {
      if (!enabled) return { status: 'disabled', message: 'RATE_LIMIT_ENABLED is false' };
      const status = store.status();
      return status.degraded
        ? {
            status: 'degraded',
            message: `Valkey unreachable since ${status.since}: limiting per process (${status.lastError ?? 'no answer'})`,
            details: { store: status.store },
          }
        : { status: 'ok', details: { store: status.store } };
    },
  };
}
