import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobOutbox } from '../../platform/outbox/job-outbox';
import type { EmailContent, Severity } from './notification-email.entity';

export const NOTIFICATIONS_QUEUE = 'notifications';
export const SEND_EMAIL_JOB = 'send-email';

export interface SendEmailJobData {
  readonly emailId: string;
}

export interface NewEmail {
  readonly recipientId: number;
  readonly toAddress: string;
  /** The event, unique per recipient: `eventKey` + `#` + recipient id is the record's key. */
  readonly eventKey: string;
  readonly kind: string;
  readonly severity: Severity;
  readonly content: EmailContent;
  /** Wait for the recipient's digest instead of going out now. */
  readonly hold?: boolean;
}

/**
 * Where e-mails are recorded and asked for: the record and its outbox row are written in the
 * caller's transaction. A record whose key exists already is not written again, and gets no job:
 * the same event cannot make a second e-mail, across retries, restarts and processes.
 */
export class NotificationMailbox {
  constructor(
    private readonly outbox: JobOutbox,
    private readonly delivery: {
      readonly enabled: boolean;
      readonly attempts: number;
      readonly backoffMs: number;
    },
  ) {}

  /** The new record's id, or null when one with the same key exists (nothing written). */
  async record(em: EntityManager, email: NewEmail): Promise<string | null> {
    if (!this.delivery.enabled) return null; // ENABLE_EMAIL_NOTIFICATIONS=false: no e-mail is recorded
    const rows = await em.execute<{ id: string }[]>(
      `insert into notification_email
         (recipient_id, to_address, event_key, kind, severity, status, content, attempts, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, 0, now(), now())
       on conflict (event_key) do nothing returning id`,
      [
        email.recipientId,
        email.toAddress,
        `${email.eventKey}#${email.recipientId}`,
        email.kind,
        email.severity,
        email.hold ? 'held' : 'queued',
        JSON.stringify(email.content),
      ],
    );
    const id = rows[0] ? String(rows[0].id) : null;
    if (id && !email.hold) await this.enqueue(em, id);
    return id;
  }

  /** Asks for the send job of a `queued` record (in `em`'s transaction). */
  async enqueue(em: EntityManager, emailId: string): Promise<void> {
    await this.outbox.enqueue<SendEmailJobData>(em, {
      queue: NOTIFICATIONS_QUEUE,
      name: SEND_EMAIL_JOB,
      data: { emailId },
      jobId: `email-${emailId}`,
      opts: { attempts: this.delivery.attempts, backoffMs: this.delivery.backoffMs },
    });
  }

  /**
   * Deletes finished records (and closed incidents) older than `days`, at most 1,000 per call
   * (the digest job calls it every 15 minutes). Waiting ones are kept whatever their age; the
   * suppression list is kept for good.
   */
  async prune(em: EntityManager, days: number): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `delete from notification_email where id in (
         select id from notification_email
          where status in ('sent', 'failed', 'skipped', 'bounced', 'complained', 'batched')
            and updated_at < now() - make_interval(days => ?)
          limit 1000)
       returning id`,
      [days],
    );
    await em.execute(`delete from notification_incident where closed_at < now() - make_interval(days => ?)`, [
      days,
    ]);
    return rows.length;
  }
}
