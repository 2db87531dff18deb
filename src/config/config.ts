import { z } from 'zod';
import {
  cacheConfig,
  databaseConfig,
  harvestConfig,
  outboxConfig,
  queueConfig,
  rankingsConfig,
  redisConfig,
} from './data-settings';
import { type Env, envSchema } from './env-schema';
import {
  githubConfig,
  limitsConfig,
  mailConfig,
  metricsConfig,
  rateLimitConfig,
  secretsConfig,
  securityConfig,
  serverConfig,
  webhookConfig,
  websocketConfig,
} from './service-settings';

/** What a GitHub token looks like (classic `ghp_…`, fine-grained `github_pat_…`, app tokens). */
export const GITHUB_TOKEN_PATTERN = /^[A-Za-z0-9_]{10,255}$/;

/** The settings, validated, then shaped into the sections each part of the app reads. */
export const configSchema = envSchema.transform((env) => ({
  ...serverConfig(env),
  websocket: websocketConfig(env),
  security: securityConfig(env, env.NODE_ENV === 'production'),
  limits: limitsConfig(env),
  database: databaseConfig(env),
  redis: redisConfig(env),
  cache: cacheConfig(env),
  queue: queueConfig(env),
  outbox: outboxConfig(env),
  harvest: harvestConfig(env),
  rankings: rankingsConfig(env),
  rateLimit: rateLimitConfig(env),
  github: githubConfig(env),
  webhooks: webhookConfig(env),
  secrets: secretsConfig(env),
  mail: mailConfig(env, env.AWS_REGION),
  metrics: metricsConfig(env, env.NODE_ENV === 'production'),
}));

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The typed, validated configuration every part of the app receives. Pure data. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;

export type SecurityConfig = Config['security'];
export type QueryLimitsConfig = Config['limits'];
export type DatabaseConfig = Config['database'];
export type RedisConfig = Config['redis'];
export type QueueConfig = Config['queue'];
export type OutboxConfig = Config['outbox'];
export type HarvestConfig = Config['harvest'];
export type RankingsConfig = Config['rankings'];
export type RateLimitConfig = Config['rateLimit'];
export type SecretsConfig = Config['secrets'];
export type MailConfig = Config['mail'];

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
  if (env.DB_SSL_CA_BUNDLE !== 'none' && !env.DB_SSL)
    problems.push('DB_SSL_CA_BUNDLE: set, but DB_SSL is false');
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
  // Links in e-mails are absolute and signed: both are needed before any e-mail can be written.
  if (env.ENABLE_EMAIL_NOTIFICATIONS && !env.PUBLIC_URL)
    problems.push('PUBLIC_URL: required when ENABLE_EMAIL_NOTIFICATIONS is true (links in e-mails)');
  if (env.ENABLE_EMAIL_NOTIFICATIONS && !env.NOTIFICATION_TOKEN_SECRET)
    problems.push(
      'NOTIFICATION_TOKEN_SECRET: required when ENABLE_EMAIL_NOTIFICATIONS is true (signed links)',
    );
  return problems;
}
