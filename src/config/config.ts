import type { Env } from './env-schema';

/** What a GitHub token looks like (classic `ghp_…`, fine-grained `github_pat_…`, app tokens). */
export const GITHUB_TOKEN_PATTERN = /^[A-Za-z0-9_]{10,255}$/;

/** The typed, validated configuration every part of the app receives. Pure data. */
export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly dataDir: string;
  readonly log: { readonly level: Env['LOG_LEVEL'] };
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly trustProxyHops: number;
    readonly shutdownTimeoutMs: number;
    readonly introspection: boolean;
  };
  readonly health: { readonly timeoutMs: number };
  readonly security: SecurityConfig;
  readonly limits: QueryLimitsConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly cache: { readonly memoryMaxEntries: number };
  readonly queue: QueueConfig;
  readonly outbox: OutboxConfig;
  readonly harvest: HarvestConfig;
  readonly rankings: RankingsConfig;
  readonly rateLimit: RateLimitConfig;
  readonly github: { readonly tokens: readonly string[]; readonly apiUrl: string };
  readonly secrets: SecretsConfig;
  readonly mail: MailConfig;
}

export interface DatabaseConfig {
  /** `external`: a PostgreSQL server at `host`; `embedded`: PGlite under `dataDir` (development only). */
  readonly mode: 'external' | 'embedded';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly name: string;
  readonly ssl: false | { readonly caPath: string | undefined; readonly rejectUnauthorized: boolean };
  readonly pool: { readonly min: number; readonly max: number };
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly debug: boolean;
}

export interface RedisConfig {
  /** `external`: Valkey/Redis at `host`; `memory`: in-process cache, pub/sub and jobs (one process only). */
  readonly mode: 'external' | 'memory';
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: false | { readonly caPath: string | undefined; readonly rejectUnauthorized: boolean };
  readonly cluster: boolean;
  readonly db: number;
  readonly keyPrefix: string;
  readonly connectTimeoutMs: number;
}

export interface RateLimitConfig {
  readonly enabled: boolean;
  /** Length of the sliding window, shared by every budget. */
  readonly windowMs: number;
  /** Cost units each kind of caller may spend per window: anonymous (per client IP) and per API-key role. */
  readonly budgets: {
    readonly anonymous: number;
    readonly reader: number;
    readonly operator: number;
    readonly admin: number;
  };
  /** Bound of the in-process limiter (embedded mode, or while Valkey is unreachable). */
  readonly memoryMaxIdentities: number;
}

/** Hardening of the HTTP and WebSocket endpoint (README "Security"). */
export interface SecurityConfig {
  /** Largest request body (and WebSocket frame) accepted. */
  readonly bodyLimitBytes: number;
  /** Time a client has to send a whole request (headers and body): slow senders are cut off. */
  readonly requestTimeoutMs: number;
  /** Time a request may take from arrival to response before it is answered 503 (`0`: none). */
  readonly handlerTimeoutMs: number;
  /** Idle keep-alive connections close after this; longer than the load balancer's idle timeout. */
  readonly keepAliveTimeoutMs: number;
  /** Browser origins allowed by CORS; empty: no CORS headers at all. `*`: any origin. */
  readonly corsOrigins: readonly string[];
  /** "Did you mean ...?" hints in validation errors (they reveal the schema). */
  readonly fieldSuggestions: boolean;
  /** Automatic persisted queries in the shared cache; `false`: disabled. */
  readonly persistedQueries: false | { readonly ttlMs: number };
}

/** Limits every GraphQL operation must stay within (src/graphql/query-limits.ts). */
export interface QueryLimitsConfig {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  readonly maxCost: number;
}

export interface QueueConfig {
  readonly concurrency: number;
  /** Clean finished jobs at start-up: always, outside production only, or never (as the old service did). */
  readonly cleanup: {
    readonly mode: 'always' | 'nonprod' | 'never';
    readonly statuses: readonly string[];
    /** Only jobs older than this are cleaned. */
    readonly graceMs: number;
  };
}

/** The relay of jobs committed with their records (src/platform/outbox, docs/outbox.md). */
export interface OutboxConfig {
  readonly batchSize: number;
  readonly sweepIntervalMs: number;
  /** Relayed rows are kept this long; 0 deletes them once relayed. */
  readonly retentionMs: number;
}

export interface HarvestConfig {
  /** A developer harvested longer ago than this is refreshed when read. */
  readonly freshnessMs: number;
  /** How long a login GitHub does not know is remembered (no GitHub call meanwhile). */
  readonly notFoundTtlMs: number;
  readonly attempts: number;
  /** First retry delay; doubles per retry. */
  readonly backoffMs: number;
  /** refreshUser for one login at most this often. */
  readonly refreshMinIntervalMs: number;
}

/** Rankings: score, schedule and country harvests (src/modules/rankings). */
export interface RankingsConfig {
  /** Users with fewer followers are not ranked. */
  readonly minFollowers: number;
  /** Commits of the last this many days count towards the score. */
  readonly commitWindowDays: number;
  /** When the scheduled run happens (UTC cron). */
  readonly cron: string;
  /** Longest a run's statement may take before the run fails (the previous ranks stay). */
  readonly runTimeoutMs: number;
  /** `work_mem` of the run's transaction, so its sorts and aggregates stay in memory. */
  readonly workMemMb: number;
  /** Rank history older than this is deleted after each run. */
  readonly snapshotRetentionDays: number;
  /** Country harvests search developers with at least this many followers. */
  readonly countryHarvestMinFollowers: number;
  /** Largest cities searched besides the country's names. */
  readonly countryHarvestCities: number;
}

export interface SecretsConfig {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly cacheTtlMs: number;
  readonly startupAttempts: number;
  readonly startupBackoffMs: number;
  readonly names: {
    readonly database: string | undefined;
    readonly redis: string | undefined;
    readonly github: string | undefined;
    readonly ses: string | undefined;
  };
}

export interface MailConfig {
  readonly enabled: boolean;
  readonly notificationEmail: string | undefined;
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly fromEmail: string | undefined;
  readonly fromName: string | undefined;
  readonly replyToEmail: string | undefined;
  readonly configurationSetName: string | undefined;
}

/** Cross-field rules the per-field schema cannot express. Returns one message per problem. */
export function crossFieldProblems(env: Env): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !env.DB_HOST) {
    problems.push('DB_HOST: required in production (the embedded database is for development only)');
  }
  if (env.NODE_ENV === 'production' && !env.REDIS_HOST) {
    problems.push('REDIS_HOST: required in production (in-process drivers serve one process only)');
  }
  // A CA file with TLS off is almost certainly a forgotten DB_SSL=true: refuse rather than connect in clear.
  if (env.DB_SSL_CA_PATH && !env.DB_SSL) problems.push('DB_SSL_CA_PATH: set, but DB_SSL is false');
  if (env.REDIS_TLS_CA_PATH && !env.REDIS_TLS)
    problems.push('REDIS_TLS_CA_PATH: set, but REDIS_TLS is false');
  if (env.DB_POOL_MIN > env.DB_POOL_MAX) {
    problems.push(`DB_POOL_MIN: must not exceed DB_POOL_MAX (${env.DB_POOL_MIN} > ${env.DB_POOL_MAX})`);
  }
  if (env.REDIS_CLUSTER && env.REDIS_DB !== 0) {
    problems.push('REDIS_DB: must be 0 when REDIS_CLUSTER is true (a cluster has database 0 only)');
  }
  // Positions, not values, identify a bad token: the token itself must never be printed.
  const tokens = env.GITHUB_TOKENS ?? [];
  const badTokens = tokens.flatMap((t, i) => (GITHUB_TOKEN_PATTERN.test(t) ? [] : [i + 1]));
  if (badTokens.length > 0) {
    problems.push(
      `GITHUB_TOKENS: token${badTokens.length === 1 ? '' : 's'} ${badTokens.join(', ')} of ${tokens.length} ` +
        'must be 10-255 letters, digits or underscores',
    );
  }
  if (env.ENABLE_EMAIL_NOTIFICATIONS && !env.SES_FROM_EMAIL) {
    problems.push(
      'SES_FROM_EMAIL: required when ENABLE_EMAIL_NOTIFICATIONS is true (or set it in the SES secret)',
    );
  }
  return problems;
}

export function toConfig(env: Env): Config {
  const production = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    dataDir: env.DATA_DIR,
    log: { level: env.LOG_LEVEL },
    http: {
      host: env.HOST,
      port: env.PORT,
      trustProxyHops: env.TRUST_PROXY_HOPS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      introspection: env.GRAPHQL_INTROSPECTION ?? !production,
    },
    health: { timeoutMs: env.HEALTH_COMPONENT_TIMEOUT_MS },
    security: {
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      handlerTimeoutMs: env.HTTP_HANDLER_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      corsOrigins: env.CORS_ORIGINS ?? [],
      fieldSuggestions: env.GRAPHQL_FIELD_SUGGESTIONS ?? !production,
      persistedQueries: env.GRAPHQL_PERSISTED_QUERIES
        ? { ttlMs: env.GRAPHQL_PERSISTED_QUERIES_TTL_MS }
        : false,
    },
    limits: {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxCost: env.GRAPHQL_MAX_COST,
    },
    database: {
      mode: env.DB_HOST ? 'external' : 'embedded',
      host: env.DB_HOST ?? '127.0.0.1',
      port: env.DB_PORT,
      user: env.DB_USER,
      password: env.DB_PASSWORD,
      name: env.DB_NAME,
      ssl: env.DB_SSL
        ? { caPath: env.DB_SSL_CA_PATH, rejectUnauthorized: env.DB_SSL_REJECT_UNAUTHORIZED }
        : false,
      pool: { min: env.DB_POOL_MIN, max: env.DB_POOL_MAX },
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      debug: env.DB_DEBUG,
    },
    redis: {
      mode: env.REDIS_HOST ? 'external' : 'memory',
      host: env.REDIS_HOST ?? '127.0.0.1',
      port: env.REDIS_PORT,
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
      tls: env.REDIS_TLS
        ? { caPath: env.REDIS_TLS_CA_PATH, rejectUnauthorized: env.REDIS_TLS_REJECT_UNAUTHORIZED }
        : false,
      cluster: env.REDIS_CLUSTER,
      db: env.REDIS_DB,
      keyPrefix: env.REDIS_KEY_PREFIX,
      connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
    },
    cache: { memoryMaxEntries: env.CACHE_MEMORY_MAX_ENTRIES },
    queue: {
      concurrency: env.QUEUE_CONCURRENCY,
      cleanup: {
        mode: env.QUEUE_CLEANUP_MODE,
        statuses: env.QUEUE_CLEANUP_STATUSES.split(',').map((s) => s.trim()),
        graceMs: env.QUEUE_CLEANUP_GRACE_MS,
      },
    },
    outbox: {
      batchSize: env.OUTBOX_BATCH_SIZE,
      sweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS,
      retentionMs: env.OUTBOX_RETENTION_HOURS * 3_600_000,
    },
    harvest: {
      freshnessMs: env.HARVEST_FRESHNESS_HOURS * 3_600_000,
      notFoundTtlMs: env.HARVEST_NOT_FOUND_TTL_HOURS * 3_600_000,
      attempts: env.HARVEST_ATTEMPTS,
      backoffMs: env.HARVEST_BACKOFF_MS,
      refreshMinIntervalMs: env.REFRESH_USER_MIN_INTERVAL_MS,
    },
    rankings: {
      minFollowers: env.RANKING_MIN_FOLLOWERS,
      commitWindowDays: env.RANKING_COMMIT_WINDOW_DAYS,
      cron: env.RANKINGS_CRON,
      runTimeoutMs: env.RANKING_RUN_TIMEOUT_MS,
      workMemMb: env.RANKING_WORK_MEM_MB,
      snapshotRetentionDays: env.RANKING_SNAPSHOT_RETENTION_DAYS,
      countryHarvestMinFollowers: env.COUNTRY_HARVEST_MIN_FOLLOWERS,
      countryHarvestCities: env.COUNTRY_HARVEST_CITIES,
    },
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      budgets: {
        anonymous: env.RATE_LIMIT_MAX_REQUESTS,
        reader: env.RATE_LIMIT_MAX_READER,
        operator: env.RATE_LIMIT_MAX_OPERATOR,
        admin: env.RATE_LIMIT_MAX_ADMIN,
      },
      memoryMaxIdentities: env.RATE_LIMIT_MEMORY_MAX_IDENTITIES,
    },
    github: { tokens: env.GITHUB_TOKENS ?? [], apiUrl: env.GITHUB_API_URL },
    secrets: secretsConfig(env),
    mail: {
      enabled: env.ENABLE_EMAIL_NOTIFICATIONS,
      notificationEmail: env.NOTIFICATION_EMAIL,
      region: env.SES_REGION ?? env.AWS_REGION,
      endpoint: env.AWS_ENDPOINT_URL_SES,
      fromEmail: env.SES_FROM_EMAIL,
      fromName: env.SES_FROM_NAME,
      replyToEmail: env.SES_REPLY_TO_EMAIL,
      configurationSetName: env.SES_CONFIGURATION_SET,
    },
  };
}

export type SecretsEnv = Pick<
  Env,
  | 'AWS_REGION'
  | 'AWS_ENDPOINT_URL_SECRETS_MANAGER'
  | 'AWS_DB_SECRET_NAME'
  | 'AWS_REDIS_SECRET_NAME'
  | 'AWS_GITHUB_SECRET_NAME'
  | 'AWS_SES_SECRET_NAME'
  | 'SECRETS_CACHE_TTL_MS'
  | 'SECRETS_STARTUP_ATTEMPTS'
  | 'SECRETS_STARTUP_BACKOFF_MS'
>;

/** The Secrets Manager part of the configuration: needed before the rest can be resolved. */
export function secretsConfig(env: SecretsEnv): SecretsConfig {
  return {
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    cacheTtlMs: env.SECRETS_CACHE_TTL_MS,
    startupAttempts: env.SECRETS_STARTUP_ATTEMPTS,
    startupBackoffMs: env.SECRETS_STARTUP_BACKOFF_MS,
    names: {
      database: env.AWS_DB_SECRET_NAME,
      redis: env.AWS_REDIS_SECRET_NAME,
      github: env.AWS_GITHUB_SECRET_NAME,
      ses: env.AWS_SES_SECRET_NAME,
    },
  };
}
