import { readFileSync } from 'node:fs';
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
    ssl: db.ssl
      ? {
          rejectUnauthorized: db.ssl.rejectUnauthorized,
          ca: db.ssl.caPath ? readFileSync(db.ssl.caPath, 'utf8') : undefined,
        }
      : false,
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
  return client;
}

export function describeTarget(db: DatabaseConfig): string {
  return `postgres://${encodeURIComponent(db.user)}@${db.host}:${db.port}/${db.name}`;
}

/** A column of an `unnest(...)` batch: target name, PostgreSQL array element type, value of a record. */
export type BatchColumn<T> = readonly [name: string, type: string, value: (record: T) => unknown];

/**
 * `select ... from unnest($1::t1[], $2::t2[], ...) as v(c1, c2, ...)`: a whole batch in one
 * statement with one parameter per column (far fewer bytes and parse work than a VALUES list).
 */
export function unnestBatch<T>(columns: readonly BatchColumn<T>[], records: readonly T[], offset = 0) {
  const sql = `unnest(${columns.map(([, type], i) => `$${i + 1 + offset}::${type}[]`).join(', ')}) as v(${columns
    .map(([name]) => name)
    .join(', ')})`;
  const params = columns.map(([, , value]) => records.map(value));
  return { sql, params };
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
