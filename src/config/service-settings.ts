import { z } from 'zod';
import {
  awsRegion,
  bool,
  email,
  httpUrl,
  int,
  list,
  optionalText,
  orEmpty,
  origins,
  port,
  type SettingValues,
} from './setting-types';

/**
 * Settings of the process, its HTTP/WebSocket endpoint and the outside services it calls (GitHub,
 * Secrets Manager, SES), each group with the Config section it builds. README's configuration table
 * documents each setting; README "Security" and "Rate limits" explain the hardening and budgets.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const SUBSCRIPTION_FANOUTS = ['shared', 'per-subscriber'] as const;

export const serverSettings = {
  NODE_ENV: z.enum(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` }).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(4000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  // Below the log writer's largest single write (16 KiB).
  LOG_BUFFER_BYTES: int(0, 16_000).default(4_096),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(15_000),
  DATA_DIR: z.string().min(1).default('./data'),
  TRUST_PROXY_HOPS: int(0, 10).default(0),
  GRAPHQL_INTROSPECTION: bool.optional(),
  CONSOLE_ENABLED: bool.default(true),
  HEALTH_COMPONENT_TIMEOUT_MS: int(100, 60_000).default(2_000),
  HEALTH_WATCH_INTERVAL_MS: int(0, 3_600_000).default(15_000),
};

export const serverConfig = (env: SettingValues<typeof serverSettings>) =>
  ({
    env: env.NODE_ENV,
    dataDir: env.DATA_DIR,
    log: { level: env.LOG_LEVEL, bufferBytes: env.LOG_BUFFER_BYTES },
    http: {
      host: env.HOST,
      port: env.PORT,
      trustProxyHops: env.TRUST_PROXY_HOPS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production',
      /** The operator console page at GET /console (docs/web.md). */
      console: env.CONSOLE_ENABLED,
    },
    health: { timeoutMs: env.HEALTH_COMPONENT_TIMEOUT_MS, watchIntervalMs: env.HEALTH_WATCH_INTERVAL_MS },
  }) as const;

/** `GET /metrics` and the operations figures (docs/operations.md). */
export const metricsSettings = {
  METRICS_ENABLED: bool.default(true),
  // A bearer token scrapers send; compared in constant time. Unset: no token asked.
  METRICS_TOKEN: optionalText.pipe(
    z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  ),
  METRICS_ALLOWED_CIDRS: list
    .pipe(
      z.array(
        z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, {
          message: 'must be comma-separated CIDR blocks such as 10.0.0.0/16',
        }),
      ),
    )
    .optional(),
  METRICS_MAX_OPERATION_NAMES: int(1, 10_000).default(200),
  QUEUE_FIGURES_LOG_INTERVAL_MS: int(0, 3_600_000).default(60_000),
};

export const metricsConfig = (env: SettingValues<typeof metricsSettings>, production: boolean) =>
  ({
    enabled: env.METRICS_ENABLED,
    token: env.METRICS_TOKEN,
    allowedCidrs: orEmpty(env.METRICS_ALLOWED_CIDRS),
    /**
     * Nothing configured: open to loopback callers outside production, refused in production
     * (a scraper must be named by a token or an address range there).
     */
    production,
    maxOperationNames: env.METRICS_MAX_OPERATION_NAMES,
    queueFiguresLogIntervalMs: env.QUEUE_FIGURES_LOG_INTERVAL_MS,
  }) as const;

/** graphql-ws connections (docs/realtime.md). */
export const websocketSettings = {
  WS_KEEPALIVE_MS: int(0, 600_000).default(12_000),
  WS_CONNECTION_INIT_TIMEOUT_MS: int(100, 60_000).default(3_000),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 1_000).default(20),
  WS_AUTH_RECHECK_INTERVAL_MS: int(0, 3_600_000).default(5_000),
  WS_SUBSCRIPTION_FANOUT: z
    .enum(SUBSCRIPTION_FANOUTS, { message: `must be one of ${SUBSCRIPTION_FANOUTS.join(', ')}` })
    .default('shared'),
};

export const websocketConfig = (env: SettingValues<typeof websocketSettings>) =>
  ({
    /** Ping every connection this often; one that does not pong by the next ping is closed (`0`: off). */
    keepAliveMs: env.WS_KEEPALIVE_MS,
    /** A connection that sends no connection_init within this is closed with 4408. */
    connectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
    maxSubscriptionsPerConnection: env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    /** How often the key of a connection with running subscriptions is checked again (`0`: never). */
    authRecheckIntervalMs: env.WS_AUTH_RECHECK_INTERVAL_MS,
    /** `shared`: one execution per (document, variables, role) per event; `per-subscriber`: graphql-ws's own. */
    fanout: env.WS_SUBSCRIPTION_FANOUT,
  }) as const;

export const securitySettings = {
  HTTP_BODY_LIMIT_BYTES: int(1_024, 10_485_760).default(102_400),
  HTTP_REQUEST_TIMEOUT_MS: int(1_000, 600_000).default(30_000),
  HTTP_HANDLER_TIMEOUT_MS: int(0, 600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1_000, 600_000).default(65_000),
  CORS_ORIGINS: origins.optional(),
  GRAPHQL_FIELD_SUGGESTIONS: bool.optional(),
  GRAPHQL_PERSISTED_QUERIES: bool.default(true),
  GRAPHQL_PERSISTED_QUERIES_TTL_MS: int(1_000, 2_592_000_000).default(86_400_000),
};

/** Hardening of the HTTP and WebSocket endpoint (README "Security"). */
export const securityConfig = (env: SettingValues<typeof securitySettings>, production: boolean) =>
  ({
    /** Largest request body (and WebSocket frame) accepted. */
    bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
    /** Time a client has to send a whole request (headers and body): slow senders are cut off. */
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    /** Time a request may take from arrival to response before it is answered 503 (`0`: none). */
    handlerTimeoutMs: env.HTTP_HANDLER_TIMEOUT_MS,
    /** Idle keep-alive connections close after this; longer than the load balancer's idle timeout. */
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    /** Browser origins allowed by CORS; empty: no CORS headers at all. `*`: any origin. */
    corsOrigins: orEmpty(env.CORS_ORIGINS),
    /** "Did you mean ...?" hints in validation errors (they reveal the schema). */
    fieldSuggestions: env.GRAPHQL_FIELD_SUGGESTIONS ?? !production,
    /** Automatic persisted queries in the shared cache; `false`: disabled. */
    persistedQueries: env.GRAPHQL_PERSISTED_QUERIES ? { ttlMs: env.GRAPHQL_PERSISTED_QUERIES_TTL_MS } : false,
  }) as const;

/** Query limits: every operation, over HTTP and WebSocket alike. */
export const limitsSettings = {
  GRAPHQL_MAX_DEPTH: int(1, 100).default(10),
  GRAPHQL_MAX_ALIASES: int(0, 1_000).default(15),
  GRAPHQL_MAX_DIRECTIVES: int(0, 1_000).default(20),
  GRAPHQL_MAX_TOKENS: int(10, 100_000).default(2_000),
  GRAPHQL_MAX_COST: int(1, 100_000_000).default(10_000),
};

/** Limits every GraphQL operation must stay within (src/graphql/query-limits.ts). */
export const limitsConfig = (env: SettingValues<typeof limitsSettings>) =>
  ({
    maxDepth: env.GRAPHQL_MAX_DEPTH,
    maxAliases: env.GRAPHQL_MAX_ALIASES,
    maxDirectives: env.GRAPHQL_MAX_DIRECTIVES,
    maxTokens: env.GRAPHQL_MAX_TOKENS,
    maxCost: env.GRAPHQL_MAX_COST,
  }) as const;

/** Budgets are in cost units (estimateCost) per window; README "Rate limits" explains the defaults. */
export const rateLimitSettings = {
  RATE_LIMIT_ENABLED: bool.default(true),
  RATE_LIMIT_WINDOW_MS: int(1_000, 86_400_000).default(60_000),
  RATE_LIMIT_MAX_REQUESTS: int(1, 100_000_000).default(1_000),
  RATE_LIMIT_MAX_READER: int(1, 100_000_000).default(10_000),
  RATE_LIMIT_MAX_OPERATOR: int(1, 100_000_000).default(20_000),
  RATE_LIMIT_MAX_ADMIN: int(1, 100_000_000).default(50_000),
  RATE_LIMIT_MEMORY_MAX_IDENTITIES: int(100, 10_000_000).default(50_000),
  RATE_LIMIT_LOCAL_SHARE_PERCENT: int(0, 10).default(1),
};

export const rateLimitConfig = (env: SettingValues<typeof rateLimitSettings>) =>
  ({
    enabled: env.RATE_LIMIT_ENABLED,
    /** Length of the sliding window, shared by every budget. */
    windowMs: env.RATE_LIMIT_WINDOW_MS,
    /** Cost units each kind of caller may spend per window: anonymous (per client IP) and per API-key role. */
    budgets: {
      anonymous: env.RATE_LIMIT_MAX_REQUESTS,
      reader: env.RATE_LIMIT_MAX_READER,
      operator: env.RATE_LIMIT_MAX_OPERATOR,
      admin: env.RATE_LIMIT_MAX_ADMIN,
    },
    /** Bound of the in-process limiter (embedded mode, or while Valkey is unreachable). */
    memoryMaxIdentities: env.RATE_LIMIT_MEMORY_MAX_IDENTITIES,
    /** Share of a budget an instance takes from Valkey at a time and spends locally (0: every attempt asks Valkey). */
    localShare: env.RATE_LIMIT_LOCAL_SHARE_PERCENT / 100,
  }) as const;

export const githubSettings = {
  GITHUB_TOKENS: list.optional(),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
};

export const githubConfig = (env: SettingValues<typeof githubSettings>) =>
  ({ tokens: orEmpty(env.GITHUB_TOKENS), apiUrl: env.GITHUB_API_URL }) as const;

/** GitHub webhooks (docs/webhooks.md). */
export const webhookSettings = {
  GITHUB_WEBHOOK_SECRET: optionalText,
  WEBHOOK_BODY_LIMIT_BYTES: int(1_024, 26_214_400).default(1_048_576),
  WEBHOOK_DELIVERY_RETENTION_MS: int(3_600_000, 7_776_000_000).default(604_800_000),
};

export const webhookConfig = (env: SettingValues<typeof webhookSettings>) =>
  ({
    /** The webhook's secret; unset: `POST /webhooks/github` answers 404 (webhooks are off). */
    secret: env.GITHUB_WEBHOOK_SECRET,
    bodyLimitBytes: env.WEBHOOK_BODY_LIMIT_BYTES,
    /** How long a delivery id is remembered (a redelivery within it changes nothing). */
    deliveryRetentionMs: env.WEBHOOK_DELIVERY_RETENTION_MS,
  }) as const;

export const secretsSettings = {
  AWS_REGION: awsRegion.default('us-east-1'),
  AWS_DB_SECRET_NAME: optionalText,
  AWS_REDIS_SECRET_NAME: optionalText,
  AWS_GITHUB_SECRET_NAME: optionalText,
  AWS_SES_SECRET_NAME: optionalText,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: httpUrl.optional(),
  SECRETS_CACHE_TTL_MS: int(1_000, 86_400_000).default(300_000),
  SECRETS_STARTUP_ATTEMPTS: int(1, 20).default(5),
  SECRETS_STARTUP_BACKOFF_MS: int(0, 60_000).default(500),
};

export const secretsConfig = (env: SettingValues<typeof secretsSettings>) =>
  ({
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
  }) as const;

/**
 * The Secrets Manager section on its own: it is needed before the rest of the configuration can be
 * resolved, since the other settings may come from the secrets it names.
 */
export const secretsSchema = z.object(secretsSettings).transform(secretsConfig);

export const mailSettings = {
  ENABLE_EMAIL_NOTIFICATIONS: bool.default(false),
  NOTIFICATION_EMAIL: email.optional(),
  SES_REGION: awsRegion.optional(),
  SES_FROM_EMAIL: email.optional(),
  SES_FROM_NAME: optionalText,
  SES_REPLY_TO_EMAIL: email.optional(),
  SES_CONFIGURATION_SET: optionalText,
  AWS_ENDPOINT_URL_SES: httpUrl.optional(),
  /** Base of the links in e-mails (verification, settings, unsubscribe): the service's public URL. */
  PUBLIC_URL: httpUrl.optional(),
  NOTIFICATION_TOKEN_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  NOTIFICATION_TOKEN_TTL_HOURS: int(1, 8_760).default(720),
  NOTIFICATION_MAX_WATCHED: int(1, 1_000).default(50),
  NOTIFICATION_SIGNUPS_ANONYMOUS: int(0, 10_000).default(5),
  NOTIFICATION_SIGNUPS_READER: int(0, 100_000).default(50),
  NOTIFICATION_RETENTION_DAYS: int(1, 3_650).default(90),
  SES_MAX_SEND_RATE: int(1, 10_000).default(1),
  SES_SEND_ATTEMPTS: int(1, 50).default(10),
  SES_RETRY_BACKOFF_MS: int(0, 600_000).default(2_000),
  SES_REQUEST_TIMEOUT_MS: int(100, 300_000).default(15_000),
  SNS_CERT_HOST_PATTERN: z.string().refine(isRegExp, { message: 'must be a regular expression' }).optional(),
  SNS_CERT_CA_PATH: optionalText,
  SNS_TOPIC_ARNS: list.optional(),
};

/** SNS signing certificates and subscribe URLs come from sns.<region>.amazonaws.com (.cn in China). */
export const SNS_HOSTS = '^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$';

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** `secretsRegion`: the region of Secrets Manager, which SES shares unless `SES_REGION` says otherwise. */
export const mailConfig = (env: SettingValues<typeof mailSettings>, secretsRegion: string) =>
  ({
    enabled: env.ENABLE_EMAIL_NOTIFICATIONS,
    notificationEmail: env.NOTIFICATION_EMAIL,
    region: env.SES_REGION ?? secretsRegion,
    endpoint: env.AWS_ENDPOINT_URL_SES,
    fromEmail: env.SES_FROM_EMAIL,
    fromName: env.SES_FROM_NAME,
    replyToEmail: env.SES_REPLY_TO_EMAIL,
    configurationSetName: env.SES_CONFIGURATION_SET,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    tokenSecret: env.NOTIFICATION_TOKEN_SECRET,
    tokenTtlMs: env.NOTIFICATION_TOKEN_TTL_HOURS * 3_600_000,
    maxWatched: env.NOTIFICATION_MAX_WATCHED,
    signups: { anonymous: env.NOTIFICATION_SIGNUPS_ANONYMOUS, reader: env.NOTIFICATION_SIGNUPS_READER },
    retentionDays: env.NOTIFICATION_RETENTION_DAYS,
    maxSendRate: env.SES_MAX_SEND_RATE,
    sendAttempts: env.SES_SEND_ATTEMPTS,
    retryBackoffMs: env.SES_RETRY_BACKOFF_MS,
    requestTimeoutMs: env.SES_REQUEST_TIMEOUT_MS,
    sns: {
      certHostPattern: env.SNS_CERT_HOST_PATTERN ?? SNS_HOSTS,
      certCaPath: env.SNS_CERT_CA_PATH,
      topicArns: orEmpty(env.SNS_TOPIC_ARNS),
    },
  }) as const;
