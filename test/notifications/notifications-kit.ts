import type { EntityManager } from '@mikro-orm/postgresql';
import { defineModule, moduleKey } from '../../src/core/module';
import { HARVEST, type HarvestExports } from '../../src/modules/harvest/harvest.module';
import { RANKINGS, type RankingsExports } from '../../src/modules/rankings/rankings.module';
import type { HarvestState } from '../../src/modules/harvest/harvest-requests';
import {
  NOTIFICATIONS,
  type NotificationsExports,
} from '../../src/modules/notifications/notifications.module';
import type { AppPubSub } from '../../src/platform/pubsub/pubsub';
import { useFakeAwsCredentials } from '../config/aws-test-setup';
import { startTestApp, type TestApp } from '../support/app-harness';
import { freePort } from '../support/free-port';
import { type LocalSes, type SesProxy, startLocalSes, startSesProxy } from '../support/local-ses';

export const TOKEN_SECRET = 'test-notification-secret-0123456789abcdef';

/** What a test reaches inside the app: the notifications module's exports and the harvest outcomes. */
export interface Probe {
  notifications?: NotificationsExports;
  harvest?: HarvestExports;
  rankings?: RankingsExports;
  fork?: () => EntityManager;
  pubSub?: AppPubSub;
}

export interface NotificationsKit {
  readonly app: TestApp;
  /** The settings another process of the same service needs (child workers). */
  readonly env: Record<string, string>;
  readonly ses: LocalSes;
  readonly proxy: SesProxy;
  readonly probe: Required<Probe>;
  /** A harvest of `login` that ended, as the harvest worker reports it. */
  harvestEnded(login: string, jobId: string, status?: 'completed' | 'failed'): Promise<void>;
  close(): Promise<void>;
}

/** aws-ses-v2-local (a real process) behind the SES proxy, and the app (api + worker) sending through it. */
export async function startNotificationsKit(
  env: Record<string, string> = {},
  role: 'all' | 'api' = 'all',
): Promise<NotificationsKit> {
  useFakeAwsCredentials();
  const ses = await startLocalSes();
  const proxy = await startSesProxy(ses.url);
  const probe: Probe = {};
  const port = await freePort();
  const app = await startTestApp({
    role,
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ENABLE_EMAIL_NOTIFICATIONS: 'true',
      SES_FROM_EMAIL: 'notifications@insights.test',
      SES_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SES: proxy.url,
      NOTIFICATION_TOKEN_SECRET: TOKEN_SECRET,
      SES_RETRY_BACKOFF_MS: '50',
      SES_MAX_SEND_RATE: '50',
      // The tests sign up dozens of addresses from 127.0.0.1 (signup-limit.test.ts checks the budget).
      NOTIFICATION_SIGNUPS_ANONYMOUS: '1000',
      ...env,
    },
    overrides: {
      extraModules: [
        defineModule({
          key: moduleKey<undefined>('notifications-probe'),
          entities: [],
          resolvers: [],
          create(platform, { use }) {
            probe.notifications = use(NOTIFICATIONS);
            probe.harvest = use(HARVEST);
            probe.rankings = use(RANKINGS);
            probe.fork = () => platform.em.fork() as EntityManager;
            probe.pubSub = platform.pubSub;
            return { exports: undefined };
          },
        }),
      ],
    },
  });
  const full = probe as Required<Probe>;
  const { config } = app;
  return {
    app,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DB_HOST: config.database.host!,
      DB_PORT: String(config.database.port),
      DB_USER: config.database.user,
      DB_NAME: config.database.name,
      REDIS_HOST: config.redis.host,
      REDIS_PORT: String(config.redis.port),
      REDIS_KEY_PREFIX: config.redis.keyPrefix,
      PUBLIC_URL: config.mail.publicUrl!,
      ENABLE_EMAIL_NOTIFICATIONS: 'true',
      SES_FROM_EMAIL: config.mail.fromEmail!,
      SES_REGION: config.mail.region,
      AWS_ENDPOINT_URL_SES: proxy.url,
      NOTIFICATION_TOKEN_SECRET: TOKEN_SECRET,
      SES_RETRY_BACKOFF_MS: '50',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY!,
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
    ses,
    proxy,
    probe: full,
    async harvestEnded(login, jobId, status = 'completed') {
      const state: HarvestState = {
        jobId,
        login,
        status,
        trigger: 'manual',
        progress: 100,
        stage: 'done',
        attempts: 1,
        error: status === 'failed' ? 'GitHub answered 500' : null,
        enqueuedAt: new Date(),
        startedAt: new Date(),
        finishedAt: new Date(),
      };
      await full.harvest.outcomes.emit(state);
    },
    async close() {
      await app.close();
      await proxy.close();
      await ses.close();
    },
  };
}

/** The first link in a text part that starts with `prefix`. */
export function linkIn(text: string | undefined, prefix: string): string {
  const match = new RegExp(`${prefix.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')}[^\\s>]+`).exec(text ?? '');
  if (!match) throw new Error(`no ${prefix} link in:\n${text}`);
  return match[0];
}

export function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}

export const UPDATE = `mutation ($input: UpdateNotificationSettingsInput!) {
  updateNotificationSettings(input: $input) { verificationSent settings { email verified enabled events watchedLogins deliveryMode } }
}`;
export const READ = `query ($input: NotificationAccessInput!) { notificationSettings(input: $input) { email verified enabled watchedLogins } }`;
export const SEND_TEST = `mutation ($input: NotificationAccessInput!) { sendTestNotification(input: $input) { queued } }`;
export const UNSUBSCRIBE = `mutation ($input: UnsubscribeInput!) { unsubscribe(input: $input) { email } }`;
