import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** An address SES reported as hard-bounced or complaining: nothing is sent to it again. */
@Entity({ tableName: 'notification_suppression' })
export class NotificationSuppression {
  /** Lower-cased. */
  @PrimaryKey({ type: 'text' })
  email!: string;

  @Property({ type: 'text' })
  reason!: 'bounce' | 'complaint';

  /** The SES message the report was about. */
  @Property({ type: 'text', nullable: true })
  sesMessageId: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
