import { once } from 'node:events';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeCopy } from './copy-text';
import type { BatchColumn, Sql } from './target-database';

/**
 * Bulk loading into target tables that were empty when an import pass began (a first import):
 * rows go in with `COPY ... FROM STDIN` instead of an upsert, and the table's secondary indexes
 * (every index that backs no constraint) are dropped while the table loads and built once at its
 * end, as a bulk loader does. Primary keys and unique constraints stay, so a row that exists after
 * all (a harvest wrote it meanwhile) still fails the batch, which is then written by the upsert.
 */

/** The dropped indexes' definitions, kept until they are built again (even across a killed import). */
export async function ensureBulkSchema(sql: Sql): Promise<void> {
  await sql.query(`
    create table if not exists legacy_import.dropped_index (
      index_name text primary key, table_name text not null, definition text not null);
    alter table legacy_import.import_state add column if not exists bulk_tables text[] not null default '{}';`);
}

/** Which of `targets` (service table -> condition that it is empty) hold no row now. */
export async function emptyTables(sql: Sql, targets: Readonly<Record<string, string>>): Promise<string[]> {
  const empty: string[] = [];
  for (const [table, condition] of Object.entries(targets)) {
    const { rows } = await sql.query<{ empty: boolean }>(`select ${condition} as empty`);
    if (rows[0]?.empty) empty.push(table);
  }
  return empty;
}

/**
 * Drops the secondary indexes of `table` (public schema), recording their definitions first, in
 * one transaction: a killed import leaves them recorded, and `restoreIndexes` builds them again.
 */
export async function dropSecondaryIndexes(sql: Sql, table: string): Promise<void> {
  await sql.query('begin');
  try {
    const { rows } = await sql.query<{ name: string; definition: string }>(
      `select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = to_regclass($1)
         and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
      [`public.${table}`],
    );
    for (const { name, definition } of rows) {
      await sql.query(
        `insert into legacy_import.dropped_index (index_name, table_name, definition) values ($1, $2, $3)
         on conflict (index_name) do nothing`,
        [name, table, definition],
      );
      await sql.query(`drop index public.${quoteIdent(name)}`);
    }
    await sql.query('commit');
  } catch (error) {
    await sql.query('rollback').catch(() => undefined);
    throw error;
  }
}

/** Builds the recorded indexes of `table` (all tables when null) again and forgets them. */
export async function restoreIndexes(sql: Sql, table: string | null): Promise<void> {
  const { rows } = await sql.query<{ index_name: string; definition: string }>(
    `select index_name, definition from legacy_import.dropped_index
     where $1::text is null or table_name = $1 order by index_name`,
    [table],
  );
  for (const { index_name: name, definition } of rows) {
    await sql.query('begin');
    try {
      const exists = await sql.query(`select to_regclass($1) is not null as ok`, [
        `public.${quoteIdent(name)}`,
      ]);
      if (!(exists.rows[0] as { ok: boolean }).ok) await sql.query(definition);
      await sql.query(`delete from legacy_import.dropped_index where index_name = $1`, [name]);
      await sql.query('commit');
    } catch (error) {
      await sql.query('rollback').catch(() => undefined);
      throw error;
    }
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `COPY table (columns) FROM STDIN` of `records` (text format, built in chunks of rows). */
export async function copyRecords<T>(
  sql: Sql,
  table: string,
  columns: readonly BatchColumn<T>[],
  records: readonly T[],
): Promise<void> {
  if (records.length === 0) return;
  const stream = sql.query(
    copyFrom(`copy ${table} (${columns.map(([name]) => name).join(', ')}) from stdin`),
  );
  const done = once(stream, 'finish');
  const failed = once(stream, 'error').then(([error]) => Promise.reject(error as Error));
  failed.catch(() => undefined);
  for (const chunk of encodeCopy(columns, records)) {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
  }
  stream.end();
  await Promise.race([done, failed]);
}
