import type { LegacySource } from './legacy-source';
import type { Sql } from './target-database';

/**
 * One source and one target connection. Service tables load at once, each over a lane of its own:
 * reading, mapping and writing of one table overlap those of another, and PostgreSQL and MySQL
 * each work on several tables at a time.
 */
export interface Lane {
  readonly source: LegacySource;
  /** Null in a dry run. */
  readonly target: Sql | null;
  close(): Promise<void>;
}

/** Set when one lane fails: the others stop after their current batch (nothing half-written). */
export class LaneStop {
  private error: unknown = null;
  private failed = false;

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
  }

  /** Throws (in a lane between batches) when another lane has failed. */
  check(): void {
    if (this.failed) throw new Error('stopped: another table of the import failed');
  }

  rethrow(): void {
    if (this.failed) throw this.error;
  }
}

/**
 * Runs `work` for each group, up to `count` groups at a time: the first over `main`, the others
 * over lanes from `open` (closed after their work). Groups start in order. When one fails, the
 * others stop at their next batch, and its error is thrown once all have stopped.
 */
export async function runInLanes<G>(
  groups: readonly G[],
  count: number,
  main: Lane,
  open: (() => Promise<Lane>) | undefined,
  work: (group: G, lane: Lane, stop: LaneStop) => Promise<void>,
): Promise<void> {
  const queue = [...groups];
  const stop = new LaneStop();
  const drain = async (lane: Lane) => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      stop.check();
      await work(group, lane, stop);
    }
  };
  const opened = async () => {
    const lane = await open!();
    try {
      await drain(lane);
    } finally {
      await lane.close();
    }
  };
  const lanes = open ? Math.max(1, Math.min(count, groups.length)) : 1;
  const running = [drain(main)];
  for (let i = 1; i < lanes; i++) running.push(opened());
  await Promise.all(running.map((lane) => lane.catch((error: unknown) => stop.fail(error))));
  stop.rethrow();
}
