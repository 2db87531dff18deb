import type { Env } from './env-schema';

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
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly cache: { readonly memoryMaxEntries: number };
  readonly queue: { readonly concurrency: number };
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
  readonly tls: false | { readonly rejectUnauthorized: boolean };
  readonly cluster: boolean;
  readonly db: number;
  readonly keyPrefix: string;
  readonly connectTimeoutMs: number;
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
  if (env.DB_POOL_MIN > env.DB_POOL_MAX) {
    problems.push(`DB_POOL_MIN: must not exceed DB_POOL_MAX (${env.DB_POOL_MIN} > ${env.DB_POOL_MAX})`);
  }
  if (env.REDIS_CLUSTER && env.REDIS_DB !== 0) {
    problems.push('REDIS_DB: must be 0 when REDIS_CLUSTER is true (a cluster has database 0 only)');
  }
  // Positions, not values, identify a bad token: the token itself must never be printed.
  const tokens = env.GITHUB_TOKENS ?? [];
  const badTokens = tokens.flatMap((t, i) => (/^[A-Za-z0-9_]{10,255}$/.test(t) ? [] : [i + 1]));
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
      tls: env.REDIS_TLS ? { rejectUnauthorized: env.REDIS_TLS_REJECT_UNAUTHORIZED } : false,
      cluster: env.REDIS_CLUSTER,
      db: env.REDIS_DB,
      keyPrefix: env.REDIS_KEY_PREFIX,
      connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
    },
    cache: { memoryMaxEntries: env.CACHE_MEMORY_MAX_ENTRIES },
    queue: { concurrency: env.QUEUE_CONCURRENCY },
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
