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
  REDIS_CLUSTER: bool.default(false),
  REDIS_DB: int(0, 15).default(0),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:{}.-]{1,64}$/, { message: 'must be 1-64 of A-Z a-z 0-9 _ : { } . -' })
    .default('gi'),
  REDIS_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),

  CACHE_MEMORY_MAX_ENTRIES: int(100, 10_000_000).default(10_000),

  QUEUE_CONCURRENCY: int(1, 100).default(4),

  GITHUB_TOKENS: list.optional(),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),

  AWS_REGION: awsRegion.default('us-east-1'),
  AWS_DB_SECRET_NAME: optionalText,
  AWS_REDIS_SECRET_NAME: optionalText,
  AWS_GITHUB_SECRET_NAME: optionalText,
  AWS_SES_SECRET_NAME: optionalText,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: httpUrl.optional(),
  SECRETS_CACHE_TTL_MS: int(0, 86_400_000).default(300_000),
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
