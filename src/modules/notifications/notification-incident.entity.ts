import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An outage of one health component, as operators are told of it: opened by the first `down`
 * any instance reports, closed by the first recovery. One open incident per component (partial
 * unique index), so however many instances and health rounds see it, it is one e-mail each way.
 */
@Entity({ tableName: 'notification_incident' })
@Index({
  name: 'notification_incident_open_unique',
  expression:
    'create unique index "notification_incident_open_unique" on "notification_incident" ("component") where "closed_at" is null',
})
export class NotificationIncident {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  component!: string;

  @Property({ type: 'text', nullable: true })
  message: string | null = null;

  @Property({ type: 'timestamptz' })
  openedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  closedAt: Date | null = null;
}
