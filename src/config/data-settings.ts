import { z } from 'zod';
import { bool, int, optionalText, orEmpty, port, type SettingValues } from './setting-types';

/**
 * Settings of PostgreSQL, Valkey/Redis, the in-process cache, and the background work over them
 * (job queue, harvests, rankings), each group with the Config section it builds.
 */

/** A connection's TLS: off, or on with an optional CA bundle (`undefined`: Node's trusted CAs). */
const tlsOptions = (enabled: boolean, caPath: string | undefined, rejectUnauthorized: boolean) =>
  enabled ? ({ caPath, rejectUnauthorized } as const) : false;

/** CA certificates shipped with the service: `aws-rds`, Amazon RDS's (every region). */
export const DB_CA_BUNDLES = ['none', 'aws-rds'] as const;

export const databaseSettings = {
  DB_HOST: optionalText,
  DB_PORT: port.default(5432),
  DB_USER: z.string().min(1).default('postgres'),
  DB_PASSWORD: optionalText,
  DB_NAME: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, { message: 'must be a PostgreSQL database name' })
    .default('github_insights'),
  DB_SSL: bool.default(false),
  DB_SSL_CA_PATH: optionalText,
  DB_SSL_CA_BUNDLE: z.enum(DB_CA_BUNDLES).default('none'),
  DB_SSL_REJECT_UNAUTHORIZED: bool.default(true),
  DB_POOL_MIN: int(0, 100).default(0),
  DB_POOL_MAX: int(1, 200).default(10),
  DB_POOL_MAX_LIFETIME_MS: int(0, 86_400_000).default(1_800_000),
  DB_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(30_000),
  DB_DEBUG: bool.default(false),
};

export const databaseConfig = (env: SettingValues<typeof databaseSettings>) =>
  ({
    /** `external`: a PostgreSQL server at `host`; `embedded`: PGlite under `dataDir` (development only). */
    mode: env.DB_HOST ? 'external' : 'embedded',
    host: env.DB_HOST ?? '127.0.0.1',
    port: env.DB_PORT,
    user: env.DB_USER,
    password: env.DB_PASSWORD,
    name: env.DB_NAME,
    ssl: env.DB_SSL
      ? ({
          caPath: env.DB_SSL_CA_PATH,
          caBundle: env.DB_SSL_CA_BUNDLE,
          rejectUnauthorized: env.DB_SSL_REJECT_UNAUTHORIZED,
        } as const)
      : false,
    /**
     * A pooled connection older than `maxLifetimeMs` is closed when next taken from the pool and
     * replaced (`0`: never): a rotated password reaches every connection within this time.
     */
    pool: { min: env.DB_POOL_MIN, max: env.DB_POOL_MAX, maxLifetimeMs: env.DB_POOL_MAX_LIFETIME_MS },
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    debug: env.DB_DEBUG,
  }) as const;

export const redisSettings = {
  REDIS_HOST: optionalText,
  REDIS_PORT: port.default(6379),
  REDIS_USERNAME: optionalText,
  REDIS_PASSWORD: optionalText,
  REDIS_TLS: bool.default(false),
  REDIS_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  REDIS_TLS_CA_PATH: optionalText,
  REDIS_CLUSTER: bool.default(false),
  REDIS_DB: int(0, 15).default(0),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:{}.-]{1,64}$/, { message: 'must be 1-64 of A-Z a-z 0-9 _ : { } . -' })
    .default('gi'),
  REDIS_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),
};

export const redisConfig = (env: SettingValues<typeof redisSettings>) =>
  ({
    /** `external`: Valkey/Redis at `host`; `memory`: in-process cache, pub/sub and jobs (one process only). */
    mode: env.REDIS_HOST ? 'external' : 'memory',
    host: env.REDIS_HOST ?? '127.0.0.1',
    port: env.REDIS_PORT,
    username: env.REDIS_USERNAME,
    password: env.REDIS_PASSWORD,
    tls: tlsOptions(env.REDIS_TLS, env.REDIS_TLS_CA_PATH, env.REDIS_TLS_REJECT_UNAUTHORIZED),
    cluster: env.REDIS_CLUSTER,
    db: env.REDIS_DB,
    keyPrefix: env.REDIS_KEY_PREFIX,
    connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
  }) as const;

export const cacheSettings = {
  CACHE_MEMORY_MAX_ENTRIES: int(100, 10_000_000).default(10_000),
  RESPONSE_CACHE_ENABLED: bool.default(true),
  RESPONSE_CACHE_TTL_MS: int(1_000, 86_400_000).default(300_000),
  RESPONSE_CACHE_LOCAL_MAX_MB: int(1, 4_096).default(16),
  RESPONSE_CACHE_MAX_STALE_MS: int(200, 60_000).default(1_000),
};

export const cacheConfig = (env: SettingValues<typeof cacheSettings>) =>
  ({
    memoryMaxEntries: env.CACHE_MEMORY_MAX_ENTRIES,
    /** Whole answers of cacheable queries (docs/performance.md); invalidated by data-change events. */
    response: {
      enabled: env.RESPONSE_CACHE_ENABLED,
      ttlMs: env.RESPONSE_CACHE_TTL_MS,
      localMaxBytes: env.RESPONSE_CACHE_LOCAL_MAX_MB * 1024 * 1024,
      maxStaleMs: env.RESPONSE_CACHE_MAX_STALE_MS,
    },
  }) as const;

export const queueSettings = {
  QUEUE_CONCURRENCY: int(1, 100).default(4),
  QUEUE_LOCK_DURATION_MS: int(1_000, 3_600_000).default(30_000),
  QUEUE_STALLED_INTERVAL_MS: int(1_000, 3_600_000).default(30_000),
  QUEUE_CLEANUP_MODE: z
    .enum(['always', 'nonprod', 'never'], { message: 'must be always, nonprod or never' })
    .default('nonprod'),
  QUEUE_CLEANUP_STATUSES: z
    .string()
    .regex(
      /^\s*(completed|failed|wait|waiting|delayed|paused|active)(\s*,\s*(completed|failed|wait|waiting|delayed|paused|active))*\s*$/,
      {
        message: 'must be a comma-separated list of completed, failed, wait, delayed, paused, active',
      },
    )
    .default('completed,failed'),
  QUEUE_CLEANUP_GRACE_MS: int(0, 2_592_000_000).default(3_600_000),
};

export const queueConfig = (env: SettingValues<typeof queueSettings>) =>
  ({
    concurrency: env.QUEUE_CONCURRENCY,
    /**
     * BullMQ stalled-job recovery: a worker holds each active job's lock for `lockDurationMs` and
     * renews it at half that; every `stalledIntervalMs` workers move jobs whose lock expired (their
     * worker died) back to waiting, without spending an attempt. A job that stalls twice fails.
     */
    stalled: { lockDurationMs: env.QUEUE_LOCK_DURATION_MS, intervalMs: env.QUEUE_STALLED_INTERVAL_MS },
    /** Clean finished jobs at start-up: always, outside production only, or never (as the old service did). */
    cleanup: {
      mode: env.QUEUE_CLEANUP_MODE,
      statuses: orEmpty(env.QUEUE_CLEANUP_STATUSES.split(',').map((s) => s.trim())),
      /** Only jobs older than this are cleaned. */
      graceMs: env.QUEUE_CLEANUP_GRACE_MS,
    },
  }) as const;

/** Jobs committed with their records, relayed to the queue (docs/architecture.md, the outbox). */
export const outboxSettings = {
  OUTBOX_BATCH_SIZE: int(1, 10_000).default(100),
  OUTBOX_SWEEP_INTERVAL_MS: int(100, 3_600_000).default(5_000),
  OUTBOX_RETENTION_HOURS: int(0, 8_760).default(24),
};

export const outboxConfig = (env: SettingValues<typeof outboxSettings>) =>
  ({
    batchSize: env.OUTBOX_BATCH_SIZE,
    sweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS,
    /** Relayed rows are kept this long; 0 deletes them once relayed. */
    retentionMs: env.OUTBOX_RETENTION_HOURS * 3_600_000,
  }) as const;

export const harvestSettings = {
  HARVEST_FRESHNESS_HOURS: int(1, 8_760).default(24),
  HARVEST_NOT_FOUND_TTL_HOURS: int(1, 8_760).default(24),
  HARVEST_ATTEMPTS: int(1, 10).default(3),
  HARVEST_BACKOFF_MS: int(0, 3_600_000).default(5_000),
  REFRESH_USER_MIN_INTERVAL_MS: int(0, 86_400_000).default(60_000),
  HARVEST_STARTS_WINDOW_MS: int(1_000, 86_400_000).default(3_600_000),
  HARVEST_STARTS_ANONYMOUS: int(0, 1_000_000).default(10),
  HARVEST_STARTS_READER: int(0, 1_000_000).default(100),
  HARVEST_STARTS_OPERATOR: int(0, 1_000_000).default(500),
  HARVEST_STARTS_ADMIN: int(0, 1_000_000).default(2_000),
  HARVEST_RESERVED_POINTS: int(0, 1_000_000).default(500),
  HARVEST_PAUSED_RECHECK_MS: int(100, 3_600_000).default(30_000),
};

const HOUR_MS = 3_600_000;

export const harvestConfig = (env: SettingValues<typeof harvestSettings>) =>
  ({
    /** A developer harvested longer ago than this is refreshed when read. */
    freshnessMs: env.HARVEST_FRESHNESS_HOURS * HOUR_MS,
    /** How long a login GitHub does not know is remembered (no GitHub call meanwhile). */
    notFoundTtlMs: env.HARVEST_NOT_FOUND_TTL_HOURS * HOUR_MS,
    attempts: env.HARVEST_ATTEMPTS,
    /** First retry delay; doubles per retry. */
    backoffMs: env.HARVEST_BACKOFF_MS,
    /** refreshUser for one login at most this often. */
    refreshMinIntervalMs: env.REFRESH_USER_MIN_INTERVAL_MS,
    /**
     * New harvests each caller may start per window (lookups of unknown or stale developers and
     * refreshUser): anonymous callers per client address (IPv6: per /64), key holders per key by role.
     * Applies while RATE_LIMIT_ENABLED; harvests asked for by the server itself are not counted.
     */
    starts: {
      windowMs: env.HARVEST_STARTS_WINDOW_MS,
      budgets: {
        anonymous: env.HARVEST_STARTS_ANONYMOUS,
        reader: env.HARVEST_STARTS_READER,
        operator: env.HARVEST_STARTS_OPERATOR,
        admin: env.HARVEST_STARTS_ADMIN,
      },
    },
    /** Below this many GitHub points left (every token together), only key holders' refreshUser runs. */
    reservedPoints: env.HARVEST_RESERVED_POINTS,
    /** How often a harvest waiting for a valid GitHub token (every token rejected) checks again. */
    pausedRecheckMs: env.HARVEST_PAUSED_RECHECK_MS,
  }) as const;

/** Rankings: score, schedule and country harvests (the score formula: src/modules/rankings/ranking-score.ts). */
export const rankingsSettings = {
  RANKING_MIN_FOLLOWERS: int(0, 1_000_000_000).default(31),
  RANKING_COMMIT_WINDOW_DAYS: int(1, 3_650).default(90),
  RANKINGS_CRON: z
    .string()
    .trim()
    .regex(/^\S+(\s+\S+){4,5}$/, { message: 'must be a cron expression of 5 or 6 fields' })
    .default('0 0 * * *'),
  RANKING_RUN_TIMEOUT_MS: int(1_000, 3_600_000).default(600_000),
  RANKING_WORK_MEM_MB: int(4, 4_096).default(64),
  RANKING_SNAPSHOT_RETENTION_DAYS: int(1, 36_500).default(400),
  COUNTRY_HARVEST_MIN_FOLLOWERS: int(0, 1_000_000_000).default(31),
  COUNTRY_HARVEST_CITIES: int(0, 100).default(10),
};

export const rankingsConfig = (env: SettingValues<typeof rankingsSettings>) =>
  ({
    /** Users with fewer followers are not ranked. */
    minFollowers: env.RANKING_MIN_FOLLOWERS,
    /** Commits of the last this many days count towards the score. */
    commitWindowDays: env.RANKING_COMMIT_WINDOW_DAYS,
    /** When the scheduled run happens (UTC cron). */
    cron: env.RANKINGS_CRON,
    /** Longest a run's statement may take before the run fails (the previous ranks stay). */
    runTimeoutMs: env.RANKING_RUN_TIMEOUT_MS,
    /** `work_mem` of the run's transaction, so its sorts and aggregates stay in memory. */
    workMemMb: env.RANKING_WORK_MEM_MB,
    /** Rank history older than this is deleted after each run. */
    snapshotRetentionDays: env.RANKING_SNAPSHOT_RETENTION_DAYS,
    /** Country harvests search developers with at least this many followers. */
    countryHarvestMinFollowers: env.COUNTRY_HARVEST_MIN_FOLLOWERS,
    /** Largest cities searched besides the country's names. */
    countryHarvestCities: env.COUNTRY_HARVEST_CITIES,
  }) as const;
