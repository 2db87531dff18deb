import { MikroORM, type Options } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Config } from '../../config/config';
import type { Logger } from '../logging/logger';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { ormOptions } from './orm-options';
import { type LoginSource, RotatingLogin } from './rotating-login';

export interface Database {
  readonly orm: MikroORM<PostgreSqlDriver>;
  readonly mode: 'external' | 'embedded';
  /** `SELECT 1` round-trip; throws when the database is unreachable (health). */
  ping(): Promise<void>;
  /** Times new connections switched to a rotated login since start-up. */
  readonly loginRotations: number;
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
  /** Where a rotated login is read after an authentication failure (the database secret). */
  loginSource?: LoginSource,
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
  const login = new RotatingLogin({ user: db.user, password: db.password }, loginSource, logger);
  followRotatedLogins(orm, login);
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
    get loginRotations() {
      return login.rotations;
    },
    async close() {
      await orm.close(true);
      await embedded?.close();
    },
  };
}

/** The part of knex's client that opens one connection of the pool (knex `Client`). */
interface KnexClientInternals {
  connectionSettings: Record<string, unknown>;
  acquireRawConnection(): Promise<unknown>;
}

/**
 * Makes every new pool connection log in through `login`, so a rotated password (or user, in the
 * alternating-users strategy) is followed without rebuilding the ORM; open connections are left
 * alone. MikroORM's documented dynamic `password` callback cannot change the user, so this wraps
 * knex's `acquireRawConnection` (which reads `connectionSettings` synchronously when it starts) on
 * each knex client MikroORM creates, including after a reconnect.
 */
function followRotatedLogins(orm: MikroORM<PostgreSqlDriver>, login: RotatingLogin): void {
  const connection = orm.em.getConnection();
  const createKnex = connection.createKnex.bind(connection);
  connection.createKnex = () => {
    createKnex();
    const client = connection.getKnex().client as unknown as KnexClientInternals;
    const open = client.acquireRawConnection.bind(client);
    client.acquireRawConnection = () =>
      login.connect((current) => {
        client.connectionSettings = { ...client.connectionSettings, ...current };
        return open();
      });
  };
}
