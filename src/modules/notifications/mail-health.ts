import type { EntityManager } from '@mikro-orm/postgresql';
import type { CheckResult, HealthCheck } from '../../core/health';
import type { Mailer } from './ses-mailer';

export interface DeliveryFigures {
  readonly sent: number;
  readonly failed: number;
  readonly bounced: number;
  readonly complained: number;
  readonly skipped: number;
  readonly waiting: number;
}

/** E-mails per outcome over the last `hours` (metrics and health). */
export async function deliveryFigures(em: EntityManager, hours: number): Promise<DeliveryFigures> {
  const rows = await em.execute<{ status: string; n: string }[]>(
    `select status, count(*) as n from notification_email
      where updated_at > now() - make_interval(hours => ?) group by status`,
    [hours],
  );
  const count = (...statuses: string[]) =>
    rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + Number(r.n), 0);
  return {
    sent: count('sent'),
    failed: count('failed'),
    bounced: count('bounced'),
    complained: count('complained'),
    skipped: count('skipped'),
    waiting: count('queued', 'sending', 'held'),
  };
}

/**
 * The `mail` component: what SES answers (GetSendQuota), not the configuration. Down when SES
 * does not answer; degraded when the last hour failed more than it sent, or the 24-hour quota
 * is 90% used. Details: the quota and the delivery figures of the last hour and day.
 */
export function mailHealthCheck(options: {
  readonly enabled: boolean;
  readonly mailer: Mailer;
  readonly fork: () => EntityManager;
}): HealthCheck {
  return {
    name: 'mail',
    required: false,
    async check(): Promise<CheckResult> {
      if (!options.enabled) return { status: 'disabled', message: 'ENABLE_EMAIL_NOTIFICATIONS is false' };
      const em = options.fork();
      const [lastHour, lastDay] = await Promise.all([deliveryFigures(em, 1), deliveryFigures(em, 24)]);
      let quota;
      try {
        quota = await options.mailer.quota();
      } catch (error) {
        return {
          status: 'down',
          message:
            `SES did not answer GetSendQuota: ${(error as Error).name}: ${(error as Error).message}`.slice(
              0,
              300,
            ),
          details: { lastHour: { ...lastHour }, lastDay: { ...lastDay } },
        };
      }
      const details = { ...quota, lastHour: { ...lastHour }, lastDay: { ...lastDay } };
      if (quota.max24HourSend > 0 && quota.sentLast24Hours >= quota.max24HourSend * 0.9)
        return { status: 'degraded', message: 'SES 24-hour sending quota is 90% used', details };
      if (lastHour.failed > lastHour.sent)
        return { status: 'degraded', message: `${lastHour.failed} e-mails failed in the last hour`, details };
      return { status: 'ok', details };
    },
  };
}
