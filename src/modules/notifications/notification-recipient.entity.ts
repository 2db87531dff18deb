import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { NotificationPreferences } from './notification-preferences';

/**
 * Someone who asked for e-mails: an address, whether it proved to be theirs (double opt-in), and
 * what they want (a jsonb document, see notification-preferences.ts). `tokenVersion` is part of
 * every signed link: raising it revokes the links already sent.
 */
@Entity({ tableName: 'notification_recipient' })
@Index({
  name: 'notification_recipient_preferences_index',
  expression:
    'create index "notification_recipient_preferences_index" on "notification_recipient" using gin ("preferences" jsonb_path_ops)',
})
export class NotificationRecipient {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Lower-cased. */
  @Unique({ name: 'notification_recipient_email_unique' })
  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'boolean' })
  verified: boolean = false;

  @Property({ type: 'timestamptz', nullable: true })
  verifiedAt: Date | null = null;

  /** `config` for the operator address (NOTIFICATION_EMAIL), verified by configuration. */
  @Property({ type: 'text' })
  source: 'api' | 'config' = 'api';

  @Property({ type: 'jsonb' })
  preferences!: NotificationPreferences;

  @Property({ type: 'integer' })
  tokenVersion: number = 1;

  @Property({ type: 'timestamptz', nullable: true })
  unsubscribedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
