import { z } from 'zod';
import { bool, int, optionalText, port, type SettingValues } from './setting-types';

/** Settings of PostgreSQL, Valkey/Redis and the in-process cache, each with the Config section it builds. */

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
  DB_SSL_REJECT_UNAUTHORIZED: bool.default(true),
  DB_POOL_MIN: int(0, 100).default(0),
  DB_POOL_MAX: int(1, 200).default(10),
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
      ? { caPath: env.DB_SSL_CA_PATH, rejectUnauthorized: env.DB_SSL_REJECT_UNAUTHORIZED }
      : false,
    pool: { min: env.DB_POOL_MIN, max: env.DB_POOL_MAX },
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
    tls: env.REDIS_TLS
      ? { caPath: env.REDIS_TLS_CA_PATH, rejectUnauthorized: env.REDIS_TLS_REJECT_UNAUTHORIZED }
      : false,
    cluster: env.REDIS_CLUSTER,
    db: env.REDIS_DB,
    keyPrefix: env.REDIS_KEY_PREFIX,
    connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
  }) as const;

export const cacheSettings = {
  CACHE_MEMORY_MAX_ENTRIES: int(100, 10_000_000).default(10_000),
};

export const cacheConfig = (env: SettingValues<typeof cacheSettings>) =>
  ({ memoryMaxEntries: env.CACHE_MEMORY_MAX_ENTRIES }) as const;
