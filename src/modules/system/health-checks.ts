import type { Config } from '../../config/config';
import type { Cache } from '../../platform/cache/cache';
import type { Database } from '../../platform/database/database';
import type { QueueDriver } from '../../platform/queue/job-queue';
import type { RateLimitStore } from '../../platform/rate-limit/rate-limit-store';
import type { SecretStore } from '../../platform/secrets/secret-store';
import type { CheckResult, HealthCheck, HealthDetails } from '../../core/health';

/** The foundation's checks. Features add theirs (github token pool, mail) in the composition root. */
export function databaseCheck(database: Database): HealthCheck {
  return {
    name: 'database',
    required: true,
    async check() {
      await database.ping();
      return { status: 'ok', details: { mode: database.mode, loginRotations: database.loginRotations } };
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

/** The queues and repeatable jobs the queue check reports on. */
export interface QueueWatch {
  readonly queues: readonly string[];
  /** Repeatable jobs by detail name (`nextRankingRun`): when each runs next. */
  readonly schedules?: Readonly<Record<string, { readonly queue: string; readonly key: string }>>;
}

/**
 * The queue backend, and for operators what the old service showed: per queue the jobs waiting,
 * active, delayed and failed, whether it is paused and the workers seen on it (every process
 * with BullMQ), and when each scheduled job (the ranking run) runs next (null: not scheduled).
 */
export function queueCheck(queue: QueueDriver, watch: QueueWatch = { queues: [] }): HealthCheck {
  return {
    name: 'queue',
    required: false,
    async check() {
      await queue.ping();
      const details: HealthDetails = { driver: queue.kind };
      const [stats, next] = await Promise.all([
        Promise.all(watch.queues.map((name) => queue.stats(name))),
        Promise.all(Object.values(watch.schedules ?? {}).map((s) => queue.nextScheduled(s.queue, s.key))),
      ]);
      if (watch.queues.length > 0)
        details.queues = Object.fromEntries(
          watch.queues.map((name, i) => {
            const { counts, paused, workers } = stats[i]!;
            const { waiting, active, delayed, failed } = counts;
            return [name, { waiting, active, delayed, failed, paused, workers }];
          }),
        );
      Object.keys(watch.schedules ?? {}).forEach((name, i) => {
        details[name] = next[i]?.toISOString() ?? null;
      });
      return { status: 'ok', details };
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
