import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import { DomainError } from '../core/errors';
import { API_KEY_ROLES, type ApiKeyRole } from '../modules/auth/api-key.entity';
import { ApiKeyService, keyStatus } from '../modules/auth/api-key.service';
import { appEntities } from '../app';
import { openDatabase } from '../platform/database/database';
import type { Logger } from '../platform/logging/logger';

export const APIKEY_USAGE = `usage: apikey create --name NAME --role reader|operator|admin [--expires-in-days N]
       apikey list
       apikey revoke ID_OR_PREFIX`;

/**
 * `npm run apikey -- create|list|revoke`: manage API keys from a shell (the first admin key of a
 * fresh install comes from here). The created key is printed once, on its own line.
 */
export async function runApiKeyCommand(
  config: Config,
  logger: Logger,
  args: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { name: { type: 'string' }, role: { type: 'string' }, 'expires-in-days': { type: 'string' } },
    });
  } catch (error) {
    err(`${(error as Error).message}\n${APIKEY_USAGE}`);
    return 64;
  }
  const [action, target] = parsed.positionals;
  const { name, role, 'expires-in-days': days } = parsed.values;
  if (action === 'create' && (!name || !role || !API_KEY_ROLES.includes(role as ApiKeyRole))) {
    err(`create needs --name and --role (${API_KEY_ROLES.join('|')})\n${APIKEY_USAGE}`);
    return 64;
  }
  if (action === 'create' && days !== undefined && !/^\d+$/.test(days)) {
    err('--expires-in-days must be a whole number of days');
    return 64;
  }
  if (!(action === 'create' || action === 'list' || (action === 'revoke' && target))) {
    err(APIKEY_USAGE);
    return 64;
  }

  const database = await openDatabase(config, appEntities(), logger);
  const keys = new ApiKeyService();
  const em = database.orm.em.fork() as EntityManager;
  try {
    if (action === 'create') {
      const { apiKey, key } = await keys.create(em, {
        name: name!,
        role: role as ApiKeyRole,
        expiresInDays: days === undefined ? null : Number(days),
      });
      out(`created ${apiKey.role} key "${apiKey.name}" (${apiKey.prefix}, id ${apiKey.id})`);
      out('store it now, it is not shown again:');
      out(key);
    } else if (action === 'list') {
      const now = new Date();
      for (const k of await keys.list(em, { limit: 10_000 })) {
        const expiry = k.expiresAt ? `expires ${k.expiresAt.toISOString()}` : 'no expiry';
        out(`${k.prefix}  ${k.role.padEnd(8)} ${keyStatus(k, now).padEnd(8)} ${expiry}  ${k.id}  ${k.name}`);
      }
    } else {
      const apiKey = await keys.revoke(em, target!);
      out(`revoked ${apiKey.prefix} (${apiKey.name}) at ${apiKey.revokedAt!.toISOString()}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}
