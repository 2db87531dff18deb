import type { EntityManager } from '@mikro-orm/postgresql';
import { appEntities } from '../../src/app';
import type { Config } from '../../src/config/config';
import { loadConfig } from '../../src/config/load-config';
import { type Database, openDatabase } from '../../src/platform/database/database';
import { migrateUp } from '../../src/platform/database/migrations';
import { createLogger, type Logger } from '../../src/platform/logging/logger';
import { createTestDatabase, SHARED_PG } from './services';

export interface MigratedDatabase {
  /** The database's name (for `DB_NAME` of an app or a child process). */
  readonly name: string;
  readonly config: Config;
  /** The app's database layer on it, open. */
  readonly database: Database;
  em(): EntityManager;
  /** Closes the connections, then drops the database. */
  close(): Promise<void>;
}

/** A database of the caller's own on the shared PostgreSQL, with every migration applied. */
export async function openMigratedDatabase(
  prefix: string,
  logger: Logger = createLogger('silent'),
): Promise<MigratedDatabase> {
  const created = await createTestDatabase(prefix);
  const { config } = await loadConfig({
    env: {
      NODE_ENV: 'test',
      DB_HOST: SHARED_PG.host,
      DB_PORT: String(SHARED_PG.port),
      DB_USER: SHARED_PG.user,
      DB_NAME: created.name,
    },
  });
  const database = await openDatabase(config, appEntities(), logger);
  await migrateUp(database.orm);
  return {
    name: created.name,
    config,
    database,
    em: () => database.orm.em.fork() as EntityManager,
    async close() {
      await database.close();
      await created.drop();
    },
  };
}
