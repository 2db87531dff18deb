import { databaseTls } from '../../platform/database/database-tls';
import { Client, type ClientBase, types as pgTypes } from 'pg';
import type { DatabaseConfig } from '../../config/config';

export type Sql = Pick<ClientBase, 'query'>;

const DATE_OID = 1082;
const INT8_OID = 20;

/**
 * One connection to the service's PostgreSQL (the DB_* settings) for bulk writes. Dates stay
 * `YYYY-MM-DD` text and bigints become numbers (ids and scores fit in 2^53).
 */
export async function connectTarget(db: DatabaseConfig): Promise<Client> {
  if (db.mode === 'embedded') {
    throw new Error(
      'the import writes to an external PostgreSQL: set DB_HOST (and DB_NAME, DB_USER, DB_PASSWORD)',
    );
  }
  const client = new Client({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.name,
    ssl: databaseTls(db.ssl),
    connectionTimeoutMillis: db.connectTimeoutMs,
    application_name: 'github-insights-legacy-import',
    types: {
      getTypeParser: ((oid: number, format: 'text' | 'binary') => {
        if (oid === DATE_OID) return (value: string) => value;
        if (oid === INT8_OID) return (value: string) => Number(value);
        return pgTypes.getTypeParser(oid, format);
      }) as typeof pgTypes.getTypeParser,
    },
  });
  await client.connect();
  // A batch's rows and its checkpoint commit together; losing the last commits in a server crash
  // only means redoing those batches on resume, so the import does not wait for each WAL flush.
  await client.query('set synchronous_commit = off');
  return client;
}

export function describeTarget(db: DatabaseConfig): string {
  return `postgres://${encodeURIComponent(db.user)}@${db.host}:${db.port}/${db.name}`;
}

/**
 * A column of an `unnest(...)` batch or a COPY: target name, PostgreSQL array element type, value
 * of a record (the record's position in the batch comes second).
 */
export type BatchColumn<T> = readonly [
  name: string,
  type: string,
  value: (record: T, index?: number) => unknown,
];

/**
 * `select ... from unnest($1::t1[], $2::t2[], ...) as v(c1, c2, ...)`: a whole batch in one
 * statement with one parameter per column (far fewer bytes and parse work than a VALUES list).
 */
export function unnestBatch<T>(columns: readonly BatchColumn<T>[], records: readonly T[], offset = 0) {
  const sql = `unnest(${columns.map(([, type], i) => `$${i + 1 + offset}::${type}[]`).join(', ')}) as v(${columns
    .map(([name]) => name)
    .join(', ')})`;
  const params = columns.map(([, type, value]) =>
    arrayLiteral(records, value, type === 'text' || type === 'jsonb'),
  );
  return { sql, params };
}

/**
 * A PostgreSQL array literal (`{1,2,NULL}`, `{"a","b \"c\""}`), built directly: pg's generic
 * array serializer inspects every element and was a fifth of the import's CPU time.
 */
function arrayLiteral<T>(records: readonly T[], value: BatchColumn<T>[2], quote: boolean): string {
  const parts = new Array<string>(records.length);
  for (let i = 0; i < records.length; i++) {
    const v = value(records[i]!, i);
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (!quote && typeof v === 'number') parts[i] = String(v);
    else parts[i] = `"${String(v).replace(/[\\"]/g, '\\$&')}"`;
  }
  return `{${parts.join(',')}}`;
}

/** `(t.a, t.b) is distinct from (excluded.a, excluded.b)` and `a = excluded.a, ...` for an upsert. */
export function upsertSet(table: string, columns: readonly string[], source = 'excluded') {
  return {
    set: columns.map((c) => `${c} = ${source}.${c}`).join(', '),
    changed: `(${columns.map((c) => `${table}.${c}`).join(', ')}) is distinct from (${columns
      .map((c) => `${source}.${c}`)
      .join(', ')})`,
  };
}

export interface WriteResult {
  inserted: number;
  updated: number;
}

/**
 * Skips the per-row foreign-key triggers for this session where the user may (a superuser, or a
 * role granted the setting): every user id the import writes comes from the user map of this very
 * database, and `assertReferences` checks each table once after writing it. About 2.5 times
 * faster writes of activity rows. Returns false (rows checked one by one) when not allowed.
 */
export async function bypassForeignKeyTriggers(sql: Sql): Promise<boolean> {
  try {
    await sql.query('set session_replication_role = replica');
    return true;
  } catch {
    return false;
  }
}

const REFERENCES: Partial<Record<string, string>> = {
  Repositories: `select count(*)::int as n from repository r where not exists (select 1 from github_user u where u.id = r.owner_id)`,
  Activities: `select count(*)::int as n from daily_activity a where not exists (select 1 from github_user u where u.id = a.user_id)`,
};

/** Fails when a written table has rows whose user does not exist (what the foreign key would have refused). */
export async function assertReferences(sql: Sql, table: string): Promise<void> {
  const query = REFERENCES[table];
  if (!query) return;
  const { rows } = await sql.query<{ n: number }>(query);
  if ((rows[0]?.n ?? 0) > 0) throw new Error(`${table}: ${rows[0]!.n} rows point at users that do not exist`);
}
