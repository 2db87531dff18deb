import { z } from 'zod';

/**
 * Every setting the service reads, as environment-variable names (the names operators of the
 * old service already use). Values arrive as strings from the environment, a `.env` file or a
 * Secrets Manager secret; this schema coerces and validates them all at once, so a bad start-up
 * lists every problem together. README's configuration table documents each one.
 */

// Operators write TRUE, True or true; all are accepted. Anything else is a mistake, not `false`.
const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

// Strictly decimal digits: `z.coerce.number` would also take ' ' (as 0), '0x1F', '1e3' and 'Infinity',
// which hide typos. Secrets give numbers as JSON numbers or strings; both arrive here as strings.
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const port = int(1, 65535);

// An endpoint without a scheme ("localhost:4566") parses as a URL with protocol "localhost:", so the
// protocol is checked here rather than failing later as an unreachable service.
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

const email = z
  .string()
  .trim()
  .pipe(z.email({ message: 'must be an e-mail address' }));

// A typo ("us-east1") would otherwise surface as an unreachable Secrets Manager after every retry.
const awsRegion = z
  .string()
  .trim()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { message: 'must be an AWS region such as us-east-1' });

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

// Browser origins exactly as browsers send them (scheme://host[:port], no path or trailing slash),
// or `*` for any origin; a typo here would silently block a frontend.
const origins = list.pipe(
  z.array(
    z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, {
      message: 'must be comma-separated origins such as https://app.example.com, or *',
    }),
  ),
);

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const NODE_ENVS = ['development', 'test', 'production'] as const;

export const envSchema = z.object({
  NODE_ENV: z.enum(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` }).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(4000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(15_000),
  DATA_DIR: z.string().min(1).default('./data'),
  TRUST_PROXY_HOPS: int(0, 10).default(0),
  GRAPHQL_INTROSPECTION: bool.optional(),
  HEALTH_COMPONENT_TIMEOUT_MS: int(100, 60_000).default(2_000),

  // Hardening of the HTTP endpoint (README "Security" explains each).
  HTTP_BODY_LIMIT_BYTES: int(1_024, 10_485_760).default(102_400),
  HTTP_REQUEST_TIMEOUT_MS: int(1_000, 600_000).default(30_000),
  HTTP_HANDLER_TIMEOUT_MS: int(0, 600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1_000, 600_000).default(65_000),
  CORS_ORIGINS: origins.optional(),
  GRAPHQL_FIELD_SUGGESTIONS: bool.optional(),
  GRAPHQL_PERSISTED_QUERIES: bool.default(true),
  GRAPHQL_PERSISTED_QUERIES_TTL_MS: int(1_000, 2_592_000_000).default(86_400_000),
  // Query limits: every operation, over HTTP and WebSocket alike.
  GRAPHQL_MAX_DEPTH: int(1, 100).default(10),
  GRAPHQL_MAX_ALIASES: int(0, 1_000).default(15),
  GRAPHQL_MAX_DIRECTIVES: int(0, 1_000).default(20),
  GRAPHQL_MAX_TOKENS: int(10, 100_000).default(2_000),
  GRAPHQL_MAX_COST: int(1, 100_000_000).default(10_000),

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
  DB_SSL_REJECT_UNAUTHORIZED: bool.default(true),
  DB_POOL_MIN: int(0, 100).default(0),
  DB_POOL_MAX: int(1, 200).default(10),
  DB_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(30_000),
  DB_DEBUG: bool.default(false),

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

  CACHE_MEMORY_MAX_ENTRIES: int(100, 10_000_000).default(10_000),

  QUEUE_CONCURRENCY: int(1, 100).default(4),
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
  // Jobs committed with their records, relayed to the queue (docs/outbox.md).
  OUTBOX_BATCH_SIZE: int(1, 10_000).default(100),
  OUTBOX_SWEEP_INTERVAL_MS: int(100, 3_600_000).default(5_000),
  OUTBOX_RETENTION_HOURS: int(0, 8_760).default(24),

  HARVEST_FRESHNESS_HOURS: int(1, 8_760).default(24),
  HARVEST_NOT_FOUND_TTL_HOURS: int(1, 8_760).default(24),
  HARVEST_ATTEMPTS: int(1, 10).default(3),
  HARVEST_BACKOFF_MS: int(0, 3_600_000).default(5_000),
  REFRESH_USER_MIN_INTERVAL_MS: int(0, 86_400_000).default(60_000),

  // Rankings (README "Configuration"; the score formula lives in src/modules/rankings/ranking-score.ts).
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

  // Budgets are in cost units (estimateCost) per window; README explains the defaults.
  RATE_LIMIT_ENABLED: bool.default(true),
  RATE_LIMIT_WINDOW_MS: int(1_000, 86_400_000).default(60_000),
  RATE_LIMIT_MAX_REQUESTS: int(1, 100_000_000).default(1_000),
  RATE_LIMIT_MAX_READER: int(1, 100_000_000).default(10_000),
  RATE_LIMIT_MAX_OPERATOR: int(1, 100_000_000).default(20_000),
  RATE_LIMIT_MAX_ADMIN: int(1, 100_000_000).default(50_000),
  RATE_LIMIT_MEMORY_MAX_IDENTITIES: int(100, 10_000_000).default(50_000),

  GITHUB_TOKENS: list.optional(),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),

  AWS_REGION: awsRegion.default('us-east-1'),
  AWS_DB_SECRET_NAME: optionalText,
  AWS_REDIS_SECRET_NAME: optionalText,
  AWS_GITHUB_SECRET_NAME: optionalText,
  AWS_SES_SECRET_NAME: optionalText,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: httpUrl.optional(),
  SECRETS_CACHE_TTL_MS: int(1_000, 86_400_000).default(300_000),
  SECRETS_STARTUP_ATTEMPTS: int(1, 20).default(5),
  SECRETS_STARTUP_BACKOFF_MS: int(0, 60_000).default(500),

  ENABLE_EMAIL_NOTIFICATIONS: bool.default(false),
  NOTIFICATION_EMAIL: email.optional(),
  SES_REGION: awsRegion.optional(),
  SES_FROM_EMAIL: email.optional(),
  SES_FROM_NAME: optionalText,
  SES_REPLY_TO_EMAIL: email.optional(),
  SES_CONFIGURATION_SET: optionalText,
  AWS_ENDPOINT_URL_SES: httpUrl.optional(),
});

export type EnvInput = z.input<typeof envSchema>;
export type Env = z.output<typeof envSchema>;
export type EnvKey = keyof Env;

/** Settings whose values are never printed (in errors, logs or health output). */
export const SECRET_KEYS: ReadonlySet<string> = new Set<EnvKey>([
  'DB_PASSWORD',
  'REDIS_PASSWORD',
  'GITHUB_TOKENS',
]);
