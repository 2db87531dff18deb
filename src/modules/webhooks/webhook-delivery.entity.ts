import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A GitHub webhook delivery already handled, by its `X-GitHub-Delivery` id: a redelivery of it
 * changes nothing. Kept for WEBHOOK_DELIVERY_RETENTION_MS (older rows are deleted as new ones come).
 */
@Entity({ tableName: 'webhook_delivery' })
@Index({ name: 'webhook_delivery_received_at_index', properties: ['receivedAt'] })
export class WebhookDelivery {
  @PrimaryKey({ type: 'text' })
  deliveryId!: string;

  @Property({ type: 'text' })
  event!: string;

  @Property({ type: 'text', nullable: true })
  action: string | null = null;

  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();
}
