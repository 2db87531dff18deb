import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../core/errors';
import type { ApiKeyService } from './api-key.service';
import { anonymousViewer, type Viewer } from '../../core/viewer';

/**
 * The caller of a request: anonymous without credentials (known at once, no promise); the key's
 * identity with a valid key. A presented but unusable key (malformed, unknown, revoked, expired)
 * is refused with UNAUTHENTICATED (a rejected promise) rather than silently treated as anonymous,
 * so clients notice.
 */
export function resolveViewer(
  keys: ApiKeyService,
  /** The EntityManager, forked only when a key has to be looked up (anonymous callers need none). */
  em: () => EntityManager,
  credential: string | undefined,
  ip: string,
): Viewer | Promise<Viewer> {
  if (credential === undefined || credential === '') return anonymousViewer(ip);
  return keyViewer(keys, em, credential, ip);
}

async function keyViewer(
  keys: ApiKeyService,
  em: () => EntityManager,
  credential: string,
  ip: string,
): Promise<Viewer> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(credential);
  const key = match
    ? match[1]
    : /^\S+$/.test(credential) && credential.startsWith('gia_')
      ? credential
      : undefined;
  if (!key) throw new DomainError('UNAUTHENTICATED', 'Authorization must be "Bearer <API key>"');
  const apiKey = await keys.authenticate(em(), key);
  return { kind: 'apiKey', ip, keyId: apiKey.id, keyPrefix: apiKey.prefix, role: apiKey.role };
}
