import type { Config } from '../config/config';
import { appEntities } from '../app';
import { openDatabase } from '../platform/database/database';
import {
  createMigration,
  migrateDown,
  migrateUp,
  migrationStatus,
  schemaDrift,
} from '../platform/database/migrations';
import type { Logger } from '../platform/logging/logger';

export type MigrateAction = 'up' | 'down' | 'status' | 'check' | 'create';

/**
 * `npm run migrate` (up), `-- --status`, `-- --down` (revert the last), `-- --check` (apply all,
 * then fail if the entities still differ from the database: a missing migration), and
 * `-- --create [name]` (write a migration from entity changes). Prints to stdout; returns the
 * exit code.
 */
export async function runMigrateCommand(
  config: Config,
  logger: Logger,
  action: MigrateAction,
  name: string | undefined,
  out: (line: string) => void,
): Promise<number> {
  const database = await openDatabase(config, appEntities(), logger);
  try {
    await database.ping();
    switch (action) {
      case 'up': {
        const applied = await migrateUp(database.orm);
        out(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
        return 0;
      }
      case 'down': {
        const reverted = await migrateDown(database.orm);
        out(reverted ? `reverted: ${reverted}` : 'no migration to revert');
        return 0;
      }
      case 'status': {
        const status = await migrationStatus(database.orm);
        for (const m of status.executed) out(`applied  ${m}`);
        for (const m of status.pending) out(`pending  ${m}`);
        out(`${status.executed.length} applied, ${status.pending.length} pending`);
        return 0;
      }
      case 'check': {
        await migrateUp(database.orm);
        const drift = await schemaDrift(database.orm);
        if (drift) {
          out('entities and migrations disagree; create a migration (npm run migrate:create). Missing SQL:');
          out(drift);
          return 1;
        }
        out('migrations match the entities');
        return 0;
      }
      case 'create': {
        await migrateUp(database.orm);
        const file = await createMigration(database.orm, name);
        out(file ? `created: migrations/${file}` : 'no entity changes: nothing to create');
        return 0;
      }
    }
  } finally {
    await database.close();
  }
}
