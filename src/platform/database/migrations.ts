import type { MikroORM } from '@mikro-orm/core';
import type { PostgreSqlDriver } from '@mikro-orm/postgresql';

export interface MigrationStatus {
  readonly executed: readonly string[];
  readonly pending: readonly string[];
}

/** Applies every pending migration (all or nothing); returns the names applied. */
export async function migrateUp(orm: MikroORM<PostgreSqlDriver>): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** Reverts the last applied migration; returns its name, or undefined when none is applied. */
export async function migrateDown(orm: MikroORM<PostgreSqlDriver>): Promise<string | undefined> {
  const reverted = await orm.getMigrator().down();
  return reverted[0]?.name;
}

export async function migrationStatus(orm: MikroORM<PostgreSqlDriver>): Promise<MigrationStatus> {
  const migrator = orm.getMigrator();
  // Sequential: each call creates the migrations table if missing, and two at once would race.
  const executed = await migrator.getExecutedMigrations();
  const pending = await migrator.getPendingMigrations();
  return { executed: executed.map((m) => m.name), pending: pending.map((m) => m.name) };
}

/**
 * The SQL that would bring the database (after every migration has run) in line with the
 * entities. Empty when migrations and entities agree; CI fails otherwise.
 */
export async function schemaDrift(orm: MikroORM<PostgreSqlDriver>): Promise<string> {
  const sql = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false });
  return sql.trim();
}

/** Writes a new migration from the entity changes since the snapshot; returns its file name. */
export async function createMigration(
  orm: MikroORM<PostgreSqlDriver>,
  name?: string,
): Promise<string | undefined> {
  const result = await orm.getMigrator().createMigration(undefined, false, false, name);
  return result.diff.up.length > 0 ? result.fileName : undefined;
}
