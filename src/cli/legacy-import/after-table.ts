import type { Sql } from './target-database';

/** Work after a table, one job at a time on the background connection (in line without one). */
export class AfterTable {
  private pending: Promise<void> = Promise.resolve();
  constructor(private readonly background: Sql | null) {}

  async run(target: Sql, work: (sql: Sql) => Promise<void>): Promise<void> {
    if (!this.background) return work(target);
    const sql = this.background;
    this.pending = this.pending.then(() => work(sql));
    this.pending.catch(() => undefined); // surfaced by settled()
  }

  /** Waits for the work so far; throws its first error. */
  settled(): Promise<void> {
    return this.pending;
  }
}
