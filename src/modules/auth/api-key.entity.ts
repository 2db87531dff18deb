import { randomUUID } from 'node:crypto';
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

import { API_KEY_ROLES, type ApiKeyRole } from '../../core/viewer';

export { API_KEY_ROLES, type ApiKeyRole };

/**
 * An API key. The key itself is shown once at creation and never stored: only its SHA-256
 * (keys carry 192 random bits, so a fast hash is safe) and a short public prefix that
 * identifies it in listings and logs.
 */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', unique: true })
  prefix!: string;

  @Property({ type: 'text', unique: true, hidden: true })
  hash!: string;

  @Enum({ items: () => API_KEY_ROLES, type: 'text' })
  role!: ApiKeyRole;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;
}
