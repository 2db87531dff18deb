import mysql, { type Connection, type FieldPacket, type RowDataPacket } from 'mysql2/promise';
import type { LegacyRow, LegacyTable } from './legacy-import.types';

/** Where the legacy database is. `password` comes from the URL or from `MYSQL_PWD`. */
export interface LegacySourceUrl {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
}

/** Parses `mysql://user:pass@host:3306/db`; throws a message without the password when it is not one. */
export function parseSourceUrl(text: string, env: NodeJS.ProcessEnv = process.env): LegacySourceUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('--source must be a URL like mysql://user:password@host:3306/database');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.protocol !== 'mysql:' || !url.hostname || !database || database.includes('/')) {
    throw new Error(
      `--source must be a URL like mysql://user:password@host:3306/database, not ${describeUrl(url)}`,
    );
  }
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: url.password ? decodeURIComponent(url.password) : env.MYSQL_PWD || undefined,
    database,
  };
}

/** The source as it may be shown in logs, progress and reports: never the password. */
export function describeSource(source: LegacySourceUrl): string {
  return `mysql://${encodeURIComponent(source.user)}@${source.host}:${source.port}/${source.database}`;
}

function describeUrl(url: URL): string {
  return `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}${url.pathname}`;
}

/**
 * Reads the legacy database over one mysql2 connection: DATETIME and DATE as text (so zero dates
 * survive to be reported, and nothing is shifted by a time zone), JSON columns as text (so invalid
 * JSON reaches the mapper), utf8mb4 throughout. No `typeCast` function: mysql2 would call it (and
 * allocate a closure) for every value of every row. The one TINYINT(1) column of the legacy schema
 * (`Users.is_fetching`) has no counterpart and is not read; a mapper that needs one reads 0/1.
 */
export class LegacySource {
  private constructor(private readonly connection: Connection) {}

  static async connect(source: LegacySourceUrl): Promise<LegacySource> {
    const connection = await mysql.createConnection({
      host: source.host,
      port: source.port,
      user: source.user,
      password: source.password,
      database: source.database,
      charset: 'UTF8MB4_UNICODE_CI',
      timezone: 'Z',
      dateStrings: true,
      jsonStrings: true,
      supportBigNumbers: true,
    });
    return new LegacySource(connection);
  }

  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = (await this.connection.query<RowDataPacket[]>(sql, params)) as [
      RowDataPacket[],
      FieldPacket[],
    ];
    return rows as unknown as T[];
  }

  async count(table: LegacyTable, afterId = 0): Promise<number> {
    const [row] = await this.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM \`${table}\` WHERE id > ?`,
      [afterId],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * The rows of `table` after `afterId` in id order, `size` at a time (keyset pages over the
   * primary key: never a whole table in memory). The next page is requested while the caller
   * works on the current one.
   */
  async *batches(
    table: LegacyTable,
    columns: readonly string[],
    afterId: number,
    size: number,
  ): AsyncGenerator<LegacyRow[]> {
    const select = `SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM \`${table}\` WHERE id > ? ORDER BY id LIMIT ?`;
    const page = (after: number) => this.query<LegacyRow>(select, [after, size]);
    let next = page(afterId);
    for (;;) {
      const rows = await next;
      if (rows.length === 0) return;
      next = rows.length < size ? Promise.resolve([]) : page(rows[rows.length - 1]!.id);
      next.catch(() => undefined); // surfaced by the next await; never an unhandled rejection
      yield rows;
    }
  }

  async close(): Promise<void> {
    await this.connection.end().catch(() => this.connection.destroy());
  }
}
