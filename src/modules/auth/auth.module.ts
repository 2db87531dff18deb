import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainError } from '../../core/errors';
import { defineModule, moduleKey } from '../../core/module';
import type { Viewer } from '../../core/viewer';
import { ApiKey } from './api-key.entity';
import { ApiKeyResolver } from './api-key.resolver';
import { ApiKeyService } from './api-key.service';
import { resolveViewer } from './viewer-resolver';

export interface AuthExports {
  /**
   * The caller behind an `Authorization` value (the HTTP and WebSocket edges get this function);
   * without one, known at once (no promise).
   */
  readonly resolveViewer: (
    em: () => EntityManager,
    credential: string | undefined,
    ip: string,
  ) => Viewer | Promise<Viewer>;
  /** Of these key ids, the ones no longer valid and why (one query; WebSocket key re-checks). */
  readonly rejectedKeys: (em: EntityManager, keyIds: readonly string[]) => Promise<Map<string, DomainError>>;
}

/** API keys: the entity, `viewer`/`apiKeys`/`createApiKey`/`revokeApiKey`, and who a key is. */
export const AUTH = moduleKey<AuthExports>('auth');

export const authModule = defineModule({
  key: AUTH,
  entities: [ApiKey],
  resolvers: [ApiKeyResolver],
  create() {
    const keys = new ApiKeyService();
    return {
      resolvers: [new ApiKeyResolver(keys)],
      exports: {
        resolveViewer: (em, credential, ip) => resolveViewer(keys, em, credential, ip),
        rejectedKeys: (em, keyIds) => keys.rejected(em, keyIds),
      },
    };
  },
});
