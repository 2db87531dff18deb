import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { defineModule, moduleKey } from '../../core/module';
import type { RunningJob } from '../../platform/queue/job-queue';
import { HARVEST } from '../harvest/harvest.module';
import { RANKINGS } from '../rankings/rankings.module';
import { REPORTS } from '../reports/reports.module';
import { DeveloperMilestoneNotices } from './developer-milestone-notices';
import { RankChangeNotices } from './rank-change-notices';
import { TokenBudgetNotices } from './token-budget-notices';
import { loginKey } from '../users/login';
import { EmailDeliveryProcessor } from './email-delivery.processor';
import { EmailOutcomes } from './email-outcomes';
import { mailHealthCheck } from './mail-health';
import { NotificationDigest } from './notification-digest';
import { NotificationDeveloperSnapshot } from './notification-developer-snapshot.entity';
import { NotificationDispatcher } from './notification-dispatcher';
import { NotificationEmail } from './notification-email.entity';
import { NotificationIncident } from './notification-incident.entity';
import {
  NOTIFICATIONS_QUEUE,
  NotificationMailbox,
  SEND_EMAIL_JOB,
  type SendEmailJobData,
} from './notification-mailbox';
import { notificationPages } from './notification-pages';
import { NotificationRecipient } from './notification-recipient.entity';
import { NotificationSettingsService } from './notification-settings.service';
import { NotificationSuppression } from './notification-suppression.entity';
import { NotificationTokens } from './notification-tokens';
import { NotificationsResolver } from './notifications.resolver';
import { OperatorNotices } from './operator-notices';
import { SesMailer } from './ses-mailer';
import { SIGNUP_WINDOW_MS, SignupLimit } from './signup-limit';
import { sesWebhookRoute } from './ses-webhook';

export const DIGEST_JOB = 'digest';
/** How long a sign-up waits for the shared count in Valkey before counting in memory. */
const SIGNUP_VALKEY_TIMEOUT_MS = 2_000;
export const DIGEST_SCHEDULE_KEY = 'notification-digest';
/** Digests are looked for every 15 minutes (time zones with half- and quarter-hour offsets). */
const DIGEST_CRON = '*/15 * * * *';

export interface NotificationsExports {
  readonly dispatcher: NotificationDispatcher;
  readonly digest: NotificationDigest;
  readonly processor: EmailDeliveryProcessor;
  readonly operator: OperatorNotices;
  readonly ranks: RankChangeNotices;
  readonly milestones: DeveloperMilestoneNotices;
  readonly mailbox: NotificationMailbox;
  readonly budget: TokenBudgetNotices;
}

export const NOTIFICATIONS = moduleKey<NotificationsExports>('notifications');

/**
 * Notification e-mails (docs/notifications.md): settings (GraphQL), events from harvests and
 * health turned into recorded e-mails (outbox), the delivery worker (SES SendRawEmail at
 * SES_MAX_SEND_RATE, retries), digests, the SES/SNS webhook (bounces and complaints) and the
 * `mail` health component.
 */
export const notificationsModule = defineModule({
  key: NOTIFICATIONS,
  entities: [
    NotificationRecipient,
    NotificationEmail,
    NotificationSuppression,
    NotificationIncident,
    NotificationDeveloperSnapshot,
  ],
  resolvers: [NotificationsResolver],
  create(platform, { use }) {
    const { config, logger, queue } = platform;
    const mail = config.mail;
    const log = logger.child({ component: 'notifications' });
    const fork = () => platform.em.fork() as EntityManager;
    // Without a secret nothing is sent (the configuration requires one when mail is enabled):
    // a per-process one keeps the settings API working and its tokens meaningless elsewhere.
    const tokens = new NotificationTokens(
      mail.tokenSecret ?? randomBytes(32).toString('hex'),
      mail.tokenTtlMs,
    );
    const mailbox = new NotificationMailbox(platform.outbox, {
      enabled: mail.enabled,
      attempts: mail.sendAttempts,
      backoffMs: mail.retryBackoffMs,
    });
    const settings = new NotificationSettingsService({
      tokens,
      mailbox,
      publicUrl: mail.publicUrl ?? `http://localhost:${config.http.port}`,
      maxWatched: mail.maxWatched,
      signups: new SignupLimit({
        limiter: config.rateLimit.enabled
          ? platform.rateLimits.scoped('signups', SIGNUP_WINDOW_MS, SIGNUP_VALKEY_TIMEOUT_MS)
          : undefined,
        budgets: mail.signups,
      }),
    });
    const mailer = new SesMailer(mail);
    const outcomes = new EmailOutcomes();
    const processor = new EmailDeliveryProcessor({
      em: platform.em,
      mailer,
      tokens,
      mail,
      logger: log,
      outcomes,
    });
    const dispatcher = new NotificationDispatcher(mailbox, mail);
    const digest = new NotificationDigest(mailbox);
    const operator = new OperatorNotices({ fork, dispatcher, pubSub: platform.pubSub, logger: log });
    const ranks = new RankChangeNotices(dispatcher, fork);
    const budget = new TokenBudgetNotices(dispatcher);
    const milestones = new DeveloperMilestoneNotices(dispatcher, use(REPORTS), fork);
    const { pool } = use(HARVEST).github;
    use(RANKINGS).completed.subscribe(async (run) => {
      await ranks.runCompleted(run.id);
    });
    use(HARVEST).outcomes.subscribe(async (state) => {
      const finished = state.status === 'completed';
      await fork().transactional((em) =>
        dispatcher.dispatch(em, {
          name: finished ? 'HARVEST_FINISHED' : 'HARVEST_FAILED',
          key: `harvest:${state.jobId}:${state.status}`,
          login: loginKey(state.login),
          severity: finished ? 'success' : 'warning',
          content: {
            title: `${state.login}: harvest ${finished ? 'finished' : 'failed'}`,
            lines: finished
              ? [`The data of ${state.login} was refreshed from GitHub.`]
              : [`Refreshing ${state.login} from GitHub failed: ${state.error ?? 'unknown error'}.`],
          },
        }),
      );
      if (finished && mail.enabled) await milestones.harvestCompleted(loginKey(state.login));
    });
    const handle = async (job: RunningJob<unknown>) => {
      if (job.name === SEND_EMAIL_JOB) return processor.handle(job as RunningJob<SendEmailJobData>);
      if (job.name === DIGEST_JOB) {
        const em = fork();
        await processor.expireInterrupted(em);
        await mailbox.prune(em, mail.retentionDays);
        await milestones.prune(em);
        await budget.check(em, pool.snapshot());
        return digest.run(em);
      }
      return undefined;
    };
    return {
      resolvers: [new NotificationsResolver(settings)],
      healthChecks: [mailHealthCheck({ enabled: mail.enabled, mailer, fork })],
      // The queue and its digest schedule exist only while e-mail is on.
      queues: mail.enabled ? [NOTIFICATIONS_QUEUE] : [],
      schedules: mail.enabled
        ? { nextDigestRun: { queue: NOTIFICATIONS_QUEUE, key: DIGEST_SCHEDULE_KEY } }
        : undefined,
      routes: [
        ...notificationPages(settings, fork),
        sesWebhookRoute({ sns: mail.sns, fork, logger: log, outcomes }),
      ],
      metrics: outcomes.metrics(),
      start: {
        async api() {
          operator.listen();
          await operator.started();
        },
        async worker() {
          if (!mail.enabled) return;
          operator.listen();
          await operator.started();
          await queue.schedule(NOTIFICATIONS_QUEUE, DIGEST_SCHEDULE_KEY, DIGEST_CRON, DIGEST_JOB, {});
          queue.work(NOTIFICATIONS_QUEUE, handle, {
            concurrency: Math.min(config.queue.concurrency, mail.maxSendRate),
            rate: { max: mail.maxSendRate, durationMs: 1_000 },
          });
        },
      },
      async close() {
        await operator.shuttingDown();
        await operator.close();
        mailer.close();
      },
      exports: { dispatcher, digest, processor, operator, ranks, milestones, mailbox, budget },
    };
  },
});
