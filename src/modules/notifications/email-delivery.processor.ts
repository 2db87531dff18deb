import type { EntityManager } from '@mikro-orm/postgresql';
import type { MailConfig } from '../../config/config';
import type { Logger } from '../../platform/logging/logger';
import type { RunningJob } from '../../platform/queue/job-queue';
import { renderEmail } from './email-render';
import type { NotificationEmail } from './notification-email.entity';
import type { SendEmailJobData } from './notification-mailbox';
import { NotificationRecipient } from './notification-recipient.entity';
import { NotificationSuppression } from './notification-suppression.entity';
import type { NotificationTokens } from './notification-tokens';
import { buildRawMessage } from './raw-message';
import { classifySesError, type Mailer } from './ses-mailer';
import type { EmailOutcomes } from './email-outcomes';

/** Kinds that may go to an address before it is verified: the verification e-mail alone. */
const BEFORE_VERIFICATION = new Set(['VERIFICATION']);

interface ClaimedRow {
  id: string;
  recipient_id: number;
  to_address: string;
  kind: string;
  severity: NotificationEmail['severity'];
  content: NotificationEmail['content'];
  attempts: number;
}

/**
 * Sends one recorded e-mail. The record is claimed first (`queued` -> `sending`, attempts + 1, in
 * one committed statement): a record in any other state is never sent, so a job delivered twice,
 * or again after a worker died mid-send (the record stays `sending`: SES may have sent it), sends
 * nothing more. A throttling or transient SES error puts it back to `queued` and throws, so the
 * queue retries after its backoff; on the last attempt, or on a permanent refusal, it ends
 * `failed`. Suppressed, unsubscribed or unverified recipients end `skipped`.
 */
export class EmailDeliveryProcessor {
  constructor(
    private readonly options: {
      readonly em: EntityManager;
      readonly mailer: Mailer;
      readonly tokens: NotificationTokens;
      readonly mail: MailConfig;
      readonly logger: Logger;
      /** Counted for /metrics. */
      readonly outcomes: EmailOutcomes;
    },
  ) {}

  readonly handle = async (job: RunningJob<SendEmailJobData>): Promise<void> => {
    const em = this.options.em.fork();
    const rows = await em.execute<ClaimedRow[]>(
      `update notification_email set status = 'sending', attempts = attempts + 1, updated_at = now()
         where id = ? and status = 'queued'
         returning id, recipient_id, to_address, kind, severity, content, attempts`,
      [job.data.emailId],
    );
    const row = rows[0];
    const log = this.options.logger.child({ emailId: job.data.emailId });
    if (!row) {
      log.info('e-mail is no longer queued; not sent again');
      return;
    }
    const recipient = await em.findOne(NotificationRecipient, { id: row.recipient_id });
    const refusal = await this.refusal(em, row, recipient);
    if (refusal || !recipient) {
      await this.finish(em, row.id, 'skipped', { error: refusal ?? 'recipient removed' });
      log.info({ reason: refusal }, 'e-mail skipped');
      return;
    }
    const unsubscribeUrl = `${this.options.mail.publicUrl}/notifications/unsubscribe?token=${encodeURIComponent(
      this.options.tokens.sign('unsubscribe', { recipientId: recipient.id, version: recipient.tokenVersion }),
    )}`;
    const raw = buildRawMessage(renderEmail(row.content, row.severity, { unsubscribeUrl }), {
      from: this.options.mail.fromEmail!,
      fromName: this.options.mail.fromName,
      replyTo: this.options.mail.replyToEmail,
      to: row.to_address,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    let messageId: string;
    try {
      messageId = await this.options.mailer.sendRaw(raw, row.to_address);
    } catch (error) {
      const failure = classifySesError(error);
      const message =
        `${failure === 'unknown' ? 'no answer from SES; not sent again (SES may have sent it): ' : ''}${
          (error as Error).name
        }: ${(error as Error).message}`.slice(0, 500);
      const retry = failure === 'retry' && row.attempts < this.options.mail.sendAttempts;
      await this.finish(em, row.id, retry ? 'queued' : 'failed', { error: message });
      log.warn(
        { error: message, attempts: row.attempts, retry },
        retry ? 'SES send failed; will retry' : 'e-mail failed',
      );
      if (retry) throw error;
      return;
    }
    await this.finish(em, row.id, 'sent', { messageId });
    log.info({ messageId, kind: row.kind }, 'e-mail sent');
  };

  /**
   * Records left `sending` by a worker that died mid-send: SES may have sent them, so they are
   * never sent again; after 10 minutes they are marked `failed` (outcome unknown) for the figures.
   */
  async expireInterrupted(em: EntityManager): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `update notification_email set status = 'failed', updated_at = now(),
         last_error = 'interrupted while sending: not sent again (SES may have sent it)'
       where status = 'sending' and updated_at < now() - interval '10 minutes' returning id`,
    );
    this.options.outcomes.count('failed', rows.length);
    return rows.length;
  }

  private async refusal(
    em: EntityManager,
    row: ClaimedRow,
    recipient: NotificationRecipient | null,
  ): Promise<string | undefined> {
    if (!recipient) return 'recipient removed';
    if (await em.count(NotificationSuppression, { email: row.to_address.toLowerCase() }))
      return 'address suppressed (bounce or complaint)';
    if (BEFORE_VERIFICATION.has(row.kind)) return undefined;
    if (!recipient.verified) return 'address not verified';
    if (!recipient.preferences.enabled || recipient.unsubscribedAt) return 'recipient unsubscribed';
    return undefined;
  }

  private async finish(
    em: EntityManager,
    id: string,
    status: 'queued' | 'sent' | 'failed' | 'skipped',
    outcome: { readonly messageId?: string; readonly error?: string },
  ): Promise<void> {
    await em.execute(
      `update notification_email set status = ?, ses_message_id = coalesce(?, ses_message_id),
         last_error = ?, sent_at = case when ? = 'sent' then now() else sent_at end, updated_at = now()
       where id = ? and status = 'sending'`,
      [status, outcome.messageId ?? null, outcome.error ?? null, status, id],
    );
    this.options.outcomes.count(status === 'queued' ? 'retried' : status);
  }
}
