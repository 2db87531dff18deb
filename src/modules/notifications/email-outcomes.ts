import type { ObservedMetric } from '../../core/metrics';

/** What became of an e-mail this process handled (a retry is counted each time it is put back). */
export const EMAIL_OUTCOMES = ['sent', 'failed', 'skipped', 'retried', 'bounced', 'complained'] as const;
export type EmailOutcome = (typeof EMAIL_OUTCOMES)[number];

/**
 * E-mail delivery counted by this process for `GET /metrics`
 * (`insights_email_messages_total{outcome}`): the worker counts what SES accepted (sent), refused
 * for good (failed), what was not sent to a suppressed, unverified or unsubscribed address
 * (skipped) and throttling put back (retried); the api counts the bounces and complaints SES
 * reports through the SNS webhook. Sum the series over processes for the service's figures.
 */
export class EmailOutcomes {
  private readonly counts = new Map<EmailOutcome, number>(EMAIL_OUTCOMES.map((o) => [o, 0]));

  count(outcome: EmailOutcome, n = 1): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + n);
  }

  metrics(): ObservedMetric[] {
    return [
      {
        name: 'insights_email_messages_total',
        help: 'Notification e-mails handled by this process, by outcome: sent, failed, skipped, retried (worker); bounced, complained (SES feedback, api)',
        type: 'counter',
        labelNames: ['outcome'],
        read: () =>
          EMAIL_OUTCOMES.map((outcome) => ({ labels: { outcome }, value: this.counts.get(outcome)! })),
      },
    ];
  }
}
