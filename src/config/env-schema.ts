import { z } from 'zod';
import {
  cacheSettings,
  databaseSettings,
  harvestSettings,
  queueSettings,
  outboxSettings,
  rankingsSettings,
  redisSettings,
} from './data-settings';
import {
  githubSettings,
  limitsSettings,
  mailSettings,
  metricsSettings,
  rateLimitSettings,
  secretsSettings,
  securitySettings,
  serverSettings,
  webhookSettings,
  websocketSettings,
} from './service-settings';

/**
 * Every setting the service reads, as environment-variable names (the names operators of the
 * old service already use). Each group of settings is declared, with its Config section, in
 * `service-settings.ts` or `data-settings.ts`; this schema validates them all at once, so a bad start-up lists every
 * problem together. README's configuration table documents each one.
 */
export const envSchema = z.object({
  ...serverSettings,
  ...websocketSettings,
  ...webhookSettings,
  ...securitySettings,
  ...limitsSettings,
  ...databaseSettings,
  ...redisSettings,
  ...cacheSettings,
  ...queueSettings,
  ...outboxSettings,
  ...harvestSettings,
  ...rankingsSettings,
  ...rateLimitSettings,
  ...githubSettings,
  ...secretsSettings,
  ...mailSettings,
  ...metricsSettings,
});

export type EnvInput = z.input<typeof envSchema>;
export type Env = z.output<typeof envSchema>;
export type EnvKey = keyof Env;

/** Settings whose values are never printed (in errors, logs or health output). */
export const SECRET_KEYS: ReadonlySet<string> = new Set<EnvKey>([
  'DB_PASSWORD',
  'REDIS_PASSWORD',
  'GITHUB_TOKENS',
  'METRICS_TOKEN',
  'NOTIFICATION_TOKEN_SECRET',
]);
