import { dropSecondaryIndexes, emptyTables, ensureBulkSchema, restoreIndexes } from './bulk-load';
import { DryRunIssueLog } from './dry-run-issue-log';
import type { ImportProgress } from './import-progress';
import { type ImportSummary, writeReport } from './import-report';
import { ImportStore } from './legacy-import.store';
import {
  addCounters,
  emptyCounters,
  type ImportIssue,
  LEGACY_TABLES,
  type LegacyTable,
  RowIssues,
  type TableCounters,
} from './legacy-import.types';
import type { Locations, MapContext, TableMapper } from './legacy-mapper';
import { AfterTable } from './after-table';
import { type Lane, LaneStop, runInLanes } from './import-lanes';
import { afterTable, EMPTY, PLANS, type TablePlan } from './legacy-table-plans';
import { planMerges } from './legacy-merge-plan';
import { CURRENT_RUN_KEY, planRuns, type RunIds } from './legacy-run-plan';
import type { LegacySource } from './legacy-source';
import * as writer from './legacy-target.writer';
import { assertReferences, bypassForeignKeyTriggers, type Sql } from './target-database';
import type { TableVerification } from './legacy-import.verifier';

export interface ImportOptions {
  readonly dryRun: boolean;
  /** Discard the checkpoints of an interrupted import and start from the first row. */
  readonly restart: boolean;
  readonly batchSize: number;
  /** How many service tables load at once after the users, each over a lane of its own (default 1). */
  readonly parallel?: number;
  readonly reportPath: string;
  /** Runs after the import, before the report is written (its result goes into the report). */
  readonly verify?: (context: MapContext) => Promise<readonly TableVerification[]>;
}

export interface ImportDependencies {
  readonly source: LegacySource;
  readonly sourceName: string;
  /** The target connection; not used (and may be null) in a dry run. */
  readonly target: Sql | null;
  /**
   * A second target connection for the work after a table (building its indexes again, checking
   * its references), which then overlaps the next table's load. Without one it runs in line.
   */
  readonly background?: Sql | null;
  readonly targetName: string;
  /**
   * A new location resolver. Users take one (its place index is tens of megabytes); the tables
   * after them take another, which builds that index only for a country name it does not know.
   */
  readonly locations: () => Locations;
  /** The resolver of the Users table (default `locations`), closed after it: one in a worker thread. */
  readonly userLocations?: () => Locations & { close(): Promise<void> };
  readonly progress: ImportProgress;
  /**
   * Opens another pair of source and target connections (target null in a dry run), so that
   * service tables load at once (`parallel`). Without it they load one after another.
   */
  readonly openLane?: () => Promise<Lane>;
  /**
   * A connection that counts the rows of every table (for progress) while the import runs: a
   * count of millions of rows takes seconds that a table would otherwise wait before it starts.
   */
  readonly counter?: LegacySource;
}

/** The largest batch (rows read, mapped and written at once) whatever the scale. */
const MAX_BATCH = 50_000;

/**
 * Imports every legacy table in order (users first), a batch at a time, and writes the report.
 * Returns the summary and the lookup context (the verifier reuses it).
 */
export async function runLegacyImport(
  deps: ImportDependencies,
  options: ImportOptions,
): Promise<{ summary: ImportSummary; context: MapContext }> {
  // Started first: a worker builds its place index while the import plans.
  const userLocations: Locations & { close?(): Promise<void> } = (deps.userLocations ?? deps.locations)();
  try {
    return await importAll(deps, options, userLocations);
  } finally {
    await userLocations.close?.();
  }
}

async function importAll(
  deps: ImportDependencies,
  options: ImportOptions,
  userLocations: Locations & { close?(): Promise<void> },
): Promise<{ summary: ImportSummary; context: MapContext }> {
  const startedAt = new Date();
  const notes: string[] = [];
  let bypassed = false;
  const target = options.dryRun ? null : deps.target;
  const store = target ? new ImportStore(target, deps.sourceName) : null;
  let resumed = false;
  let bulkTables: readonly string[] = [];
  if (store) {
    await store.lock();
    await store.ensureSchema();
    await ensureBulkSchema(target!);
    if (!(await store.targetMigrated()))
      throw new Error('the target database has no service tables: run `npm run migrate` first');
    ({ resumed } = await store.begin(options.restart));
    // A new pass: indexes a killed bulk load left dropped are built first, then empty tables are bulk loaded.
    if (!resumed) await restoreIndexes(target!, null);
    bulkTables = await store.bulkTables(resumed, () => emptyTables(target!, EMPTY));
    bypassed = await bypassForeignKeyTriggers(target!);
    notes.push(
      bypassed
        ? 'foreign keys checked once per table after writing (session_replication_role = replica), not row by row'
        : 'foreign keys checked row by row (the database user may not set session_replication_role): slower',
    );
  }
  const merges = await planMerges(deps.source);
  const specs = await planRuns(deps.source);
  const runIds = target
    ? await writer.ensureRuns(target, specs)
    : new Map(specs.map((s, i) => [s.key, -(i + 1)]));
  const runs: RunIds = { current: runIds.get(CURRENT_RUN_KEY) ?? null, byKey: runIds };
  const context: { -readonly [K in keyof MapContext]: MapContext[K] } = {
    users: new Map(),
    merges,
    runs,
    countries: new Map(),
    locations: userLocations,
  };
  const dryLog = store ? null : new DryRunIssueLog();
  const totals = deps.counter ? await countTables(deps.counter, store) : null;

  const results = new Map<LegacyTable, TableCounters>();
  const after = new AfterTable(target ? (deps.background ?? null) : null);
  /** One legacy table, then what follows it; `last`: the last table that writes its service table. */
  const loadTable = async (table: LegacyTable, lane: Lane, stop: LaneStop, last: boolean) => {
    const { target: written } = PLANS[table];
    const laneStore = lane.target ? new ImportStore(lane.target, deps.sourceName) : null;
    const bulk = bulkTables.includes(written);
    const counters = await importTable(
      PLANS[table],
      deps,
      options,
      lane,
      laneStore,
      dryLog,
      context,
      bulk,
      stop,
      totals?.get(table),
    );
    await afterTable(table, lane.target, context);
    if (table === 'Users') {
      await userLocations.close?.(); // the users' place index goes
      context.locations = deps.locations();
    }
    if (laneStore)
      await laneStore.saveBatch(table, (await laneStore.checkpoint(table)).lastId, counters, [], true);
    // Indexes are built once the last legacy table that writes their table is in (a resumed import
    // also does it, and checks references again, for tables finished before it was killed).
    if (lane.target) {
      await after.run(lane.target, async (sql) => {
        if (last) await restoreIndexes(sql, written);
        if (bypassed) await assertReferences(sql, table);
      });
    }
    results.set(table, counters);
  };
  const openLane = deps.openLane
    ? async () => {
        const lane = await deps.openLane!();
        if (bypassed && lane.target) await bypassForeignKeyTriggers(lane.target);
        return lane;
      }
    : undefined;
  try {
    const [first, ...rest] = tableGroups();
    const main: Lane = { source: deps.source, target, close: async () => undefined };
    // Users first (every other table points at them), then the other service tables at once.
    for (const [i, table] of first!.entries())
      await loadTable(table, main, new LaneStop(), i === first!.length - 1);
    await runInLanes(rest, options.parallel ?? 1, main, openLane, async (group, lane, stop) => {
      for (const [i, table] of group.entries()) await loadTable(table, lane, stop, i === group.length - 1);
    });
    await after.settled();
    await store?.finish();
    const verification = options.verify && !options.dryRun ? await options.verify(context) : undefined;
    const summary: ImportSummary = {
      source: deps.sourceName,
      target: options.dryRun ? `${deps.targetName} (not written: dry run)` : deps.targetName,
      dryRun: options.dryRun,
      resumed,
      startedAt,
      finishedAt: new Date(),
      tables: LEGACY_TABLES.map((table) => ({ table, counters: results.get(table)! })),
      verification,
      notes,
    };
    await writeReport(options.reportPath, summary, store ? store.issues() : dryLog!.read());
    return { summary, context };
  } finally {
    await after.settled().catch(() => undefined); // never left running behind an error
    dryLog?.remove();
  }
}

/**
 * Starts counting the rows each table has left (after its checkpoint), one table after another
 * on `counter`, in import order; the counts arrive while the tables load.
 */
async function countTables(
  counter: LegacySource,
  store: ImportStore | null,
): Promise<Map<LegacyTable, Promise<number>>> {
  const totals = new Map<LegacyTable, Promise<number>>();
  for (const table of LEGACY_TABLES) {
    const after = store ? (await store.checkpoint(table)).lastId : 0;
    const count = counter.count(table, after); // queued on the connection: one after another
    count.catch(() => undefined); // progress then shows no total; never an unhandled rejection
    totals.set(table, count);
  }
  return totals;
}

/**
 * The legacy tables grouped by the service table they write, in import order: a group loads in
 * order over one lane (UserRankings before RankingSnapshots, which take its countries).
 */
function tableGroups(): LegacyTable[][] {
  const groups = new Map<string, LegacyTable[]>();
  for (const table of LEGACY_TABLES) {
    const written = PLANS[table].target;
    groups.set(written, [...(groups.get(written) ?? []), table]);
  }
  return [...groups.values()];
}

async function importTable<T>(
  plan: TablePlan<T>,
  deps: ImportDependencies,
  options: ImportOptions,
  lane: Lane,
  store: ImportStore | null,
  dryLog: DryRunIssueLog | null,
  context: MapContext,
  bulk: boolean,
  stop: LaneStop,
  total?: Promise<number>,
): Promise<TableCounters> {
  const { mapper } = plan;
  const checkpoint = store
    ? await store.checkpoint(mapper.table)
    : { lastId: 0, done: false, counters: emptyCounters() };
  const counters = { ...checkpoint.counters };
  if (checkpoint.done) return counters;
  if (bulk && lane.target) await dropSecondaryIndexes(lane.target, plan.target);
  const progress = deps.progress.start(
    mapper.table,
    total ?? (await lane.source.count(mapper.table, checkpoint.lastId)),
  );
  // Three stages overlap: MySQL reads the next page, this process maps a batch, PostgreSQL writes
  // the one before. Writes stay in order, so the checkpoint only ever covers written batches.
  let writing: Promise<void> | null = null;
  const persist = async (
    records: readonly T[],
    issues: readonly ImportIssue[],
    delta: TableCounters,
    lastId: number,
  ) => {
    if (!store || !lane.target) {
      addCounters(counters, delta);
      await dryLog?.append(issues);
      progress.advance(delta.read);
      return;
    }
    const sql = lane.target;
    const commit = (write: typeof plan.write) =>
      store.transaction(async () => {
        const written = await write(sql, records);
        delta.inserted = written.inserted;
        delta.updated = written.updated;
        delta.unchanged = records.length - written.inserted - written.updated;
        await store.saveBatch(mapper.table, lastId, addCounters({ ...counters }, delta), issues);
      });
    try {
      await commit(bulk ? plan.bulk : plan.write);
    } catch (error) {
      // A row of a bulk batch exists after all (something wrote it meanwhile): the upsert instead.
      if (!bulk || (error as { code?: string }).code !== '23505') throw error;
      await commit(plan.write);
    }
    addCounters(counters, delta);
    progress.advance(delta.read); // progress counts committed rows
  };
  try {
    for await (const rows of lane.source.batches(
      mapper.table,
      mapper.columns,
      checkpoint.lastId,
      Math.min(options.batchSize * plan.batchScale, MAX_BATCH),
    )) {
      stop.check();
      await mapper.prepare?.(rows, context);
      const delta = emptyCounters();
      const { records, issues } = mapBatch(mapper, rows, context, delta);
      if (!store && mapper.table === 'Users') {
        for (const r of records as { legacyId: number }[]) context.users.set(r.legacyId, r.legacyId);
      }
      if (writing) await writing;
      writing = persist(records, issues, delta, rows[rows.length - 1]!.id);
      writing.catch(() => undefined); // awaited above or in finally; not an unhandled rejection meanwhile
    }
  } finally {
    // Never leave a write running behind an error (its own error surfaces here or above).
    if (writing) await writing;
  }
  progress.end();
  return counters;
}

/** Maps one batch: skipped rows are left out, the later of two rows with the same target key wins. */
export function mapBatch<T>(
  mapper: TableMapper<T>,
  rows: readonly { id: number }[],
  context: MapContext,
  counters: TableCounters,
) {
  const records: T[] = [];
  const legacyIds: number[] = [];
  const slotByKey = new Map<string | number, number>();
  const issues: ImportIssue[] = [];
  const rowIssues = new RowIssues(mapper.table, 0);
  for (const row of rows) {
    rowIssues.reset(row.id);
    const record = mapper.map(row as never, rowIssues, context);
    if (record !== null) {
      const key = mapper.key(record);
      const slot = slotByKey.get(key);
      if (slot === undefined) {
        slotByKey.set(key, records.length);
        records.push(record);
        legacyIds.push(row.id);
      } else {
        issues.push({
          table: mapper.table,
          legacyId: legacyIds[slot]!,
          kind: 'duplicate-key',
          outcome: 'skipped',
          detail: `same target row as ${mapper.table}#${row.id}, which comes later and wins`,
        });
        counters.skipped += 1;
        records[slot] = record;
        legacyIds[slot] = row.id;
      }
    }
    if (record === null) counters.skipped += 1;
    else if (rowIssues.issues.length > 0) counters.repaired += 1;
    if (rowIssues.issues.length > 0) issues.push(...rowIssues.issues);
  }
  counters.read += rows.length;
  counters.mapped += records.length;
  return { records, issues };
}
