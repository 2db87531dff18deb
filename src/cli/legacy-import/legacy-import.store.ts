import {
  emptyCounters,
  type ImportIssue,
  LEGACY_TABLES,
  type LegacyTable,
  type TableCounters,
} from './legacy-import.types';
import type { Sql } from './target-database';

export interface Checkpoint {
  readonly lastId: number;
  readonly done: boolean;
  readonly counters: TableCounters;
}

/**
 * The import's own bookkeeping, in the schema `legacy_import` of the target database (outside the
 * service's schema, so migrations never see it): the state of the import of each source, a
 * checkpoint per table (last legacy id written, tallies), the report lines, and the legacy-id
 * maps that make a second run update rows instead of adding them. A batch's rows, its report
 * lines and its checkpoint commit in one transaction: a killed import resumes after the last
 * committed batch and never writes a row twice.
 */
export class ImportStore {
  constructor(
    private readonly sql: Sql,
    private readonly source: string,
  ) {}

  async ensureSchema(): Promise<void> {
    await this.sql.query(`
      create schema if not exists legacy_import;
      create table if not exists legacy_import.import_state (
        source text primary key, status text not null, started_at timestamptz not null, finished_at timestamptz);
      create table if not exists legacy_import.checkpoint (
        source text not null, table_name text not null, last_id bigint not null default 0,
        done boolean not null default false, counters jsonb not null, primary key (source, table_name));
      create table if not exists legacy_import.issue (
        id bigserial primary key, source text not null, table_name text not null, legacy_id bigint not null,
        kind text not null, outcome text not null, detail text not null);
      create index if not exists issue_source_index on legacy_import.issue (source, id);
      create index if not exists issue_source_table_index on legacy_import.issue (source, table_name, id);
      create table if not exists legacy_import.user_map (legacy_id bigint primary key, user_id bigint not null);
      create table if not exists legacy_import.repository_map (legacy_id bigint primary key, repository_id bigint not null);
      create table if not exists legacy_import.run_map (run_key text primary key, run_id int not null);`);
  }

  /** Whether the service's tables exist (the import writes into a migrated database). */
  async targetMigrated(): Promise<boolean> {
    const { rows } = await this.sql.query<{ ok: boolean }>(
      `select to_regclass('public.github_user') is not null and to_regclass('public.ranking_snapshot') is not null as ok`,
    );
    return rows[0]?.ok === true;
  }

  /**
   * Takes this source's session lock: one import of a source at a time. An import killed a moment
   * ago may still have a COMMIT in flight; its lock is released only after the server has
   * processed it, so the checkpoints read after this are final. Waits up to `waitMs`.
   */
  async lock(waitMs = 30_000): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const { rows } = await this.sql.query<{ locked: boolean }>(
        `select pg_try_advisory_lock(hashtext('legacy-import:' || $1)) as locked`,
        [this.source],
      );
      if (rows[0]?.locked) return;
      if (Date.now() > deadline)
        throw new Error(`another import of ${this.source} is running on this database`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Starts or resumes: an unfinished import of this source continues from its checkpoints; after a
   * finished one (or with `restart`) a new pass starts from the first row, which updates only
   * what changed at the source.
   */
  async begin(restart: boolean): Promise<{ resumed: boolean }> {
    const { rows } = await this.sql.query<{ status: string }>(
      `select status from legacy_import.import_state where source = $1`,
      [this.source],
    );
    const resumed = rows[0]?.status === 'running' && !restart;
    if (!resumed) {
      await this.sql.query(`delete from legacy_import.checkpoint where source = $1`, [this.source]);
      await this.sql.query(`delete from legacy_import.issue where source = $1`, [this.source]);
      await this.sql.query(
        `insert into legacy_import.import_state (source, status, started_at) values ($1, 'running', now())
         on conflict (source) do update set status = 'running', started_at = now(), finished_at = null`,
        [this.source],
      );
    }
    return { resumed };
  }

  /**
   * The service tables this pass bulk loads: chosen (`empty`) when a pass starts, kept in the
   * import state so that a resumed pass goes on the same way.
   */
  async bulkTables(resumed: boolean, empty: () => Promise<string[]>): Promise<string[]> {
    if (resumed) {
      const { rows } = await this.sql.query<{ bulk_tables: string[] }>(
        `select bulk_tables from legacy_import.import_state where source = $1`,
        [this.source],
      );
      return rows[0]?.bulk_tables ?? [];
    }
    const tables = await empty();
    await this.sql.query(`update legacy_import.import_state set bulk_tables = $2 where source = $1`, [
      this.source,
      tables,
    ]);
    return tables;
  }

  async finish(): Promise<void> {
    await this.sql.query(
      `update legacy_import.import_state set status = 'finished', finished_at = now() where source = $1`,
      [this.source],
    );
  }

  async checkpoint(table: LegacyTable): Promise<Checkpoint> {
    const { rows } = await this.sql.query<{ last_id: number; done: boolean; counters: TableCounters }>(
      `select last_id, done, counters from legacy_import.checkpoint where source = $1 and table_name = $2`,
      [this.source, table],
    );
    const row = rows[0];
    return row
      ? { lastId: Number(row.last_id), done: row.done, counters: { ...emptyCounters(), ...row.counters } }
      : { lastId: 0, done: false, counters: emptyCounters() };
  }

  /** Records a written batch (call inside the batch's transaction). */
  async saveBatch(
    table: LegacyTable,
    lastId: number,
    counters: TableCounters,
    issues: readonly ImportIssue[],
    done = false,
  ): Promise<void> {
    await this.sql.query(
      `insert into legacy_import.checkpoint (source, table_name, last_id, done, counters) values ($1, $2, $3, $4, $5)
       on conflict (source, table_name) do update set last_id = excluded.last_id, done = excluded.done, counters = excluded.counters`,
      [this.source, table, lastId, done, JSON.stringify(counters)],
    );
    if (issues.length === 0) return;
    await this.sql.query(
      `insert into legacy_import.issue (source, table_name, legacy_id, kind, outcome, detail)
       select $1, * from unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])`,
      [
        this.source,
        issues.map((i) => i.table),
        issues.map((i) => i.legacyId),
        issues.map((i) => i.kind),
        issues.map((i) => i.outcome),
        issues.map((i) => i.detail),
      ],
    );
  }

  /**
   * The report lines of this import, table by table in import order (tables load at once), each
   * table's in the order they were found, a page at a time.
   */
  async *issues(pageSize = 5_000): AsyncGenerator<ImportIssue> {
    for (const table of LEGACY_TABLES) yield* this.tableIssues(table, pageSize);
  }

  private async *tableIssues(table: LegacyTable, pageSize: number): AsyncGenerator<ImportIssue> {
    let after = 0;
    for (;;) {
      const { rows } = await this.sql.query<{
        id: number;
        table_name: LegacyTable;
        legacy_id: number;
        kind: ImportIssue['kind'];
        outcome: ImportIssue['outcome'];
        detail: string;
      }>(
        `select id, table_name, legacy_id, kind, outcome, detail from legacy_import.issue
         where source = $1 and table_name = $2 and id > $3 order by id limit $4`,
        [this.source, table, after, pageSize],
      );
      for (const r of rows)
        yield {
          table: r.table_name,
          legacyId: Number(r.legacy_id),
          kind: r.kind,
          outcome: r.outcome,
          detail: r.detail,
        };
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.id);
    }
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.sql.query('begin');
    try {
      const result = await work();
      await this.sql.query('commit');
      return result;
    } catch (error) {
      await this.sql.query('rollback').catch(() => undefined);
      throw error;
    }
  }
}
