import { z } from 'zod';
import { awsRegion, bool, email, httpUrl, int, optionalText, type SettingValues } from './setting-types';

/** Settings of Secrets Manager and SES, each with the Config section it builds. */

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
};

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
  }) as const;
