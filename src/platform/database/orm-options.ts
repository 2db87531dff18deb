import { databaseTls } from './database-tls';
import path from 'node:path';
import { DataloaderType, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { DatabaseConfig } from '../../config/config';
import type { Logger } from '../logging/logger';
import { PROJECT_ROOT, RUNNING_FROM_SOURCE } from '../paths';

export interface DatabaseTarget {
  readonly host: string;
  readonly port: number;
  /** Embedded PGlite serves one session: the pool must hold exactly one connection. */
  readonly singleConnection: boolean;
}

export function ormOptions(
  db: DatabaseConfig,
  target: DatabaseTarget,
  entities: Options['entities'],
  logger: Logger,
): Options<PostgreSqlDriver> {
  const ssl = databaseTls(db.ssl);
  return {
    driver: PostgreSqlDriver,
    host: target.host,
    port: target.port,
    user: db.user,
    password: db.password,
    dbName: db.name,
    entities,
    extensions: [Migrator],
    dataloader: DataloaderType.ALL,
    // Entities are listed explicitly; nothing is discovered from the file system.
    discovery: { warnWhenNoEntities: false, requireEntitiesArray: true },
    forceUtcTimezone: true,
    pool: target.singleConnection
      ? { min: 1, max: 1 }
      : {
          min: db.pool.min,
          max: db.pool.max,
          // knex closes a connection past its lifetime when it is next acquired (never mid-query);
          // the jitter keeps a pool's connections from all being replaced at once.
          ...(db.pool.maxLifetimeMs > 0 && {
            maxConnectionLifetimeMillis: db.pool.maxLifetimeMs,
            maxConnectionLifetimeJitterMillis: Math.round(db.pool.maxLifetimeMs / 10),
          }),
        },
    driverOptions: {
      connection: {
        ssl,
        connectionTimeoutMillis: db.connectTimeoutMs,
        statement_timeout: db.statementTimeoutMs || undefined,
        application_name: 'github-insights-api',
      },
      // knex would print connection warnings to the console; keep every line JSON.
      log: {
        warn: (message: unknown) => logger.warn({ component: 'knex' }, String(message)),
        error: (message: unknown) => logger.error({ component: 'knex' }, String(message)),
        deprecate: (message: unknown) => logger.debug({ component: 'knex' }, String(message)),
        debug: (message: unknown) => logger.debug({ component: 'knex' }, String(message)),
      },
    },
    allowGlobalContext: false,
    debug: db.debug,
    logger: (message) => logger.debug({ component: 'orm' }, message),
    preferTs: RUNNING_FROM_SOURCE,
    dynamicImportProvider: (id) => import(id),
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: path.join(PROJECT_ROOT, 'dist', 'migrations'),
      pathTs: path.join(PROJECT_ROOT, 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot',
      emit: 'ts',
      fileName: (timestamp, name) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
  };
}
