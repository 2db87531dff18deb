import { MikroORM, type Options } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Config } from '../../config/config';
import type { Logger } from '../logging/logger';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { ormOptions } from './orm-options';

export interface Database {
  readonly orm: MikroORM<PostgreSqlDriver>;
  readonly mode: 'external' | 'embedded';
  /** `SELECT 1` round-trip; throws when the database is unreachable (health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects MikroORM to the configured PostgreSQL or, in development with no `DB_HOST`, starts
 * the embedded one first. The connection is attempted lazily by the pool, so a database that is
 * down at start-up makes health report `down` instead of crashing the process.
 */
export async function openDatabase(
  config: Pick<Config, 'database' | 'dataDir'>,
  entities: Options['entities'],
  logger: Logger,
): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let db = config.database;
  if (db.mode === 'embedded') {
    embedded = await startEmbeddedPostgres(config.dataDir, logger);
    db = { ...db, name: embedded.database, user: embedded.user, password: undefined, ssl: false };
  }
  const target = embedded
    ? { host: embedded.host, port: embedded.port, singleConnection: true }
    : { host: db.host, port: db.port, singleConnection: false };
  const orm = await MikroORM.init({ ...ormOptions(db, target, entities, logger), connect: false });
  await orm.connect().catch((error: Error) => {
    logger.error(
      { error: error.message, host: db.host, port: db.port, database: db.name },
      'database not reachable at start-up',
    );
  });
  return {
    orm,
    mode: db.mode,
    async ping() {
      await orm.em.getConnection().execute('select 1');
    },
    async close() {
      await orm.close(true);
      await embedded?.close();
    },
  };
}
