import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * `held`: waits for the recipient's digest; `batched`: went out in a digest (digestId); `queued`
 * -> `sending` (claimed, SES called) -> `sent` | `failed`; `queued` again after a retryable error;
 * `skipped`: refused at send time (suppressed, unsubscribed, not verified); `bounced` and
 * `complained`: SES told us afterwards (webhook). Only `queued` is ever claimed, so a second send
 * of one record cannot happen.
 */
export const EMAIL_STATUSES = [
  'held',
  'batched',
  'queued',
  'sending',
  'sent',
  'failed',
  'skipped',
  'bounced',
  'complained',
] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const SEVERITIES = ['info', 'success', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What an e-mail says, kept with its record so a retry renders the same e-mail. */
export interface EmailContent {
  readonly title: string;
  readonly lines: readonly string[];
  /** A link the e-mail points to (verification, settings), absolute. */
  readonly action?: { readonly label: string; readonly url: string };
  /** Digest: the items it batches. */
  readonly items?: readonly { readonly title: string; readonly severity: Severity; readonly at: string }[];
}

/**
 * One e-mail to one recipient for one event. `event_key` (the event and the recipient) is unique:
 * the same event cannot make a second e-mail to anyone, whatever is retried or restarted.
 */
@Entity({ tableName: 'notification_email' })
@Index({ name: 'notification_email_status_index', properties: ['status', 'updatedAt'] })
@Index({ name: 'notification_email_recipient_index', properties: ['recipientId', 'status'] })
@Index({ name: 'notification_email_ses_message_index', properties: ['sesMessageId'] })
export class NotificationEmail {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'integer' })
  recipientId!: number;

  /** The address it was (or will be) sent to. */
  @Property({ type: 'text' })
  toAddress!: string;

  @Unique({ name: 'notification_email_event_key_unique' })
  @Property({ type: 'text' })
  eventKey!: string;

  /** The event name (HARVEST_FINISHED, VERIFICATION, DIGEST, ...). */
  @Property({ type: 'text' })
  kind!: string;

  @Enum({ items: () => SEVERITIES, type: 'text' })
  severity: Severity = 'info';

  @Enum({ items: () => EMAIL_STATUSES, type: 'text' })
  status: EmailStatus = 'queued';

  @Property({ type: 'jsonb' })
  content!: EmailContent;

  @Property({ type: 'text', nullable: true })
  sesMessageId: string | null = null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  /** The digest e-mail a held item went out in. */
  @Property({ type: 'bigint', nullable: true })
  digestId: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  sentAt: Date | null = null;
}
