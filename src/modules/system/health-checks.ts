import type { Config } from '../../config/config';
import type { Cache } from '../../platform/cache/cache';
import type { Database } from '../../platform/database/database';
import type { TokenPool } from '../../platform/github/token-pool';
import type { QueueDriver } from '../../platform/queue/job-queue';
import type { RateLimitStore } from '../../platform/rate-limit/rate-limit-store';
import type { SecretStore } from '../../platform/secrets/secret-store';
import type { CheckResult, HealthCheck, HealthDetails } from './health.service';

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

/**
 * GitHub access from the token pool's live state: per token (masked) its budget left per
 * resource and whether it rests or was rejected; never a token value. Degraded when working
 * unauthenticated (no token, or every token rejected: 60 requests an hour), when some token was
 * rejected (401), when every token is out of core budget, or when the token secret could not be
 * re-read.
 */
export function githubPoolCheck(pool: Pick<TokenPool, 'snapshot' | 'reload'>): HealthCheck {
  return {
    name: 'github',
    required: false,
    async check(): Promise<CheckResult> {
      await pool.reload(); // the token list as configured now (cheap: the secret is cached)
      const snapshot = pool.snapshot();
      const valid = snapshot.tokens.filter((t) => t.valid);
      const invalid = snapshot.tokens.length - valid.length;
      const details: HealthDetails = {
        mode: snapshot.mode,
        validTokens: valid.length,
        invalidTokens: invalid,
      };
      // One line per token, by masked id: "valid; core 4990/5000 (resting until ...); graphql ...".
      for (const t of snapshot.tokens) {
        const budgets = Object.entries(t.resources).map(
          ([resource, b]) =>
            `${resource} ${b.remaining}/${b.limit}${b.restingUntil ? ` (resting until ${b.restingUntil})` : ''}`,
        );
        details[`token ${t.id}`] = [t.valid ? 'valid' : `rejected since ${t.invalidSince}`, ...budgets].join(
          '; ',
        );
      }
      const problems: string[] = [];
      if (snapshot.mode === 'unauthenticated')
        problems.push(snapshot.reason ?? 'unauthenticated (60 requests/hour)');
      else if (invalid > 0) problems.push(`${invalid} GitHub token(s) rejected (401)`);
      if (valid.length > 0 && valid.every((t) => t.resources.core?.restingUntil !== undefined))
        problems.push('every GitHub token is out of core rate limit until its reset');
      if (snapshot.providerError)
        problems.push(`GitHub tokens could not be re-read: ${snapshot.providerError}`);
      return problems.length === 0
        ? { status: 'ok', details }
        : { status: 'degraded', message: problems.join('; '), details };
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
