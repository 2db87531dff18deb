import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../core/errors';
import { isUuid } from '../../core/identifiers';
import { decodeTaggedCursor, isCursorTime } from '../../core/cursors';
import { ApiKey, type ApiKeyRole } from './api-key.entity';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** `gia_<8-char public id>_<32-char secret>`: 32 base62 characters carry 190 random bits. */
const KEY_PATTERN = /^gia_([0-9A-Za-z]{8})_([0-9A-Za-z]{32})$/;
/** How often `lastUsedAt` is written for a key in use (not on every request). */
const LAST_USED_RESOLUTION_MS = 60_000;

export const MAX_KEY_NAME_LENGTH = 100;
export const MAX_EXPIRY_DAYS = 3650;

function randomBase62(length: number): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface CreatedApiKey {
  readonly apiKey: ApiKey;
  /** The key itself: shown once, never stored. */
  readonly key: string;
}

export type KeyRejection = 'malformed' | 'unknown' | 'revoked' | 'expired';

export class ApiKeyRejected extends DomainError {
  constructor(readonly reason: KeyRejection) {
    super(
      'UNAUTHENTICATED',
      `API key ${reason === 'malformed' || reason === 'unknown' ? 'not recognised' : reason}`,
    );
  }
}

/** API keys: creation (shown once), listing, revocation, and authentication of a presented key. */
export class ApiKeyService {
  constructor(private readonly now: () => Date = () => new Date()) {}

  async create(
    em: EntityManager,
    input: { name: string; role: ApiKeyRole; expiresInDays?: number | null },
  ): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_KEY_NAME_LENGTH) {
      throw new DomainError('BAD_USER_INPUT', `name must be 1-${MAX_KEY_NAME_LENGTH} characters`);
    }
    const days = input.expiresInDays;
    if (days != null && (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS)) {
      throw new DomainError(
        'BAD_USER_INPUT',
        `expiresInDays must be a whole number from 1 to ${MAX_EXPIRY_DAYS}`,
      );
    }
    const publicId = randomBase62(8);
    const key = `gia_${publicId}_${randomBase62(32)}`;
    const apiKey = em.create(ApiKey, {
      name,
      role: input.role,
      prefix: `gia_${publicId}`,
      hash: hashApiKey(key),
      createdAt: this.now(),
      expiresAt: days == null ? null : new Date(this.now().getTime() + days * 86_400_000),
    });
    await em.flush();
    return { apiKey, key };
  }

  async list(
    em: EntityManager,
    options: { limit: number; afterCreatedAt?: Date; afterId?: string },
  ): Promise<ApiKey[]> {
    const after = options.afterCreatedAt
      ? {
          $or: [
            { createdAt: { $lt: options.afterCreatedAt } },
            { createdAt: options.afterCreatedAt, id: { $lt: options.afterId } },
          ],
        }
      : {};
    return em.find(ApiKey, after, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: options.limit });
  }

  async count(em: EntityManager): Promise<number> {
    return em.count(ApiKey);
  }

  /** Revokes by id or by prefix (`gia_xxxxxxxx`); revoking twice keeps the first time. */
  async revoke(em: EntityManager, idOrPrefix: string): Promise<ApiKey> {
    const apiKey = await em.findOne(ApiKey, isUuid(idOrPrefix) ? { id: idOrPrefix } : { prefix: idOrPrefix });
    if (!apiKey) throw new DomainError('NOT_FOUND', 'No API key with that id or prefix');
    apiKey.revokedAt ??= this.now();
    await em.flush();
    return apiKey;
  }

  /** The key record for a presented key, or an `ApiKeyRejected` saying why not. */
  async authenticate(em: EntityManager, presented: string): Promise<ApiKey> {
    if (!KEY_PATTERN.test(presented)) throw new ApiKeyRejected('malformed');
    const apiKey = await em.findOne(ApiKey, { hash: hashApiKey(presented) });
    if (!apiKey) throw new ApiKeyRejected('unknown');
    const now = this.now();
    if (apiKey.revokedAt) throw new ApiKeyRejected('revoked');
    if (apiKey.expiresAt && apiKey.expiresAt <= now) throw new ApiKeyRejected('expired');
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(ApiKey, { id: apiKey.id }, { lastUsedAt: now });
    }
    return apiKey;
  }

  /**
   * Of the given key ids, those no longer usable (unknown, revoked, expired) and why, in ONE
   * query: the WebSocket edge re-checks every open connection's key with it.
   */
  async rejected(em: EntityManager, keyIds: readonly string[]): Promise<Map<string, ApiKeyRejected>> {
    const ids = [...new Set(keyIds)];
    const rejected = new Map<string, ApiKeyRejected>();
    if (ids.length === 0) return rejected;
    const found = await em.find(ApiKey, { id: { $in: ids } }, { fields: ['id', 'revokedAt', 'expiresAt'] });
    const byId = new Map(found.map((k) => [k.id, k]));
    const now = this.now();
    for (const id of ids) {
      const apiKey = byId.get(id);
      const status = apiKey ? keyStatus(apiKey, now) : 'unknown';
      if (status !== 'active') rejected.set(id, new ApiKeyRejected(status));
    }
    return rejected;
  }
}

export function keyStatus(
  apiKey: Pick<ApiKey, 'revokedAt' | 'expiresAt'>,
  now: Date,
): 'active' | 'revoked' | 'expired' {
  if (apiKey.revokedAt) return 'revoked';
  if (apiKey.expiresAt && apiKey.expiresAt <= now) return 'expired';
  return 'active';
}

/** Where an `apiKeys` cursor (`['K', createdAt, id]`) points; anything else is BAD_USER_INPUT. */
export function apiKeyCursorPosition(cursor: string): { afterCreatedAt: Date; afterId: string } {
  const [createdAt, id] = decodeTaggedCursor(
    cursor,
    API_KEY_CURSOR_TAG,
    2,
    ([c, i]) => isCursorTime(c) && isUuid(i),
  ) as [string, string];
  return { afterCreatedAt: new Date(createdAt), afterId: id };
}

export const API_KEY_CURSOR_TAG = 'K';
