import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** What the notifications module last saw of a watched developer (milestone and trophy events). */
export interface DeveloperFigures {
  readonly followers: number;
  readonly stars: number;
  /** Earned badges as `trophy:<KIND>:<TIER>` / `achievement:<KIND>:<LEVEL>`. */
  readonly badges: readonly string[];
}

/**
 * One row per watched developer (login key), written after each completed harvest: the next
 * harvest's figures are compared with it (docs/notifications.md, "Milestones and trophies").
 */
@Entity({ tableName: 'notification_developer_snapshot' })
export class NotificationDeveloperSnapshot {
  @PrimaryKey({ type: 'text' })
  loginKey!: string;

  @Property({ type: 'jsonb' })
  figures!: DeveloperFigures;

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}
