import path from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import type { Writable } from 'node:stream';
import type { Config } from '../config/config';
import { createProgress } from './legacy-import/import-progress';
import type { ImportSummary } from './legacy-import/import-report';
import { runLegacyImport } from './legacy-import/legacy-import.runner';
import {
  loadVerifyContext,
  type TableVerification,
  verifyImport,
} from './legacy-import/legacy-import.verifier';
import { describeSource, LegacySource, parseSourceUrl } from './legacy-import/legacy-source';
import { connectTarget, describeTarget } from './legacy-import/target-database';
import { WorkerLocations } from './legacy-import/worker-locations';
import { createLocationResolver } from '../modules/location';
import type { Logger } from '../platform/logging/logger';

export const IMPORT_MYSQL_USAGE = `usage: import:mysql -- --source mysql://user:password@host:3306/database
         [--dry-run] [--verify | --verify-only] [--restart] [--batch-size N] [--parallel N] [--report FILE]
         [--progress-interval S]`;

/** How far V8 lets the heap grow past what the last full collection kept (100: to twice). */
const HEAP_GROWING_PERCENT = 100;

/** Service tables that load at once after the users: repositories, activity, rankings. */
const MAX_PARALLEL = 3;

export interface ImportCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Where progress goes, and whether it is a terminal (a bar) or not (plain lines). */
  readonly progress: Writable;
  readonly tty: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * `npm run import:mysql -- --source mysql://...`: imports the legacy MySQL database into the
 * configured PostgreSQL (DB_* settings), resumable and idempotent, and writes a report file.
 * The source password is never printed or logged. Returns the exit code.
 */
export async function runImportMysqlCommand(
  config: Config,
  logger: Logger,
  args: readonly string[],
  io: ImportCommandIo,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        source: { type: 'string' },
        'dry-run': { type: 'boolean' },
        verify: { type: 'boolean' },
        'verify-only': { type: 'boolean' },
        restart: { type: 'boolean' },
        'batch-size': { type: 'string' },
        parallel: { type: 'string' },
        report: { type: 'string' },
        'progress-interval': { type: 'string' },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${IMPORT_MYSQL_USAGE}`);
    return 64;
  }
  const batchSize = Number(values['batch-size'] ?? 5000);
  const interval = Number(values['progress-interval'] ?? 5);
  const parallel = Number(values.parallel ?? MAX_PARALLEL);
  if (
    !values.source ||
    !Number.isInteger(batchSize) ||
    batchSize < 1 ||
    batchSize > 50_000 ||
    !Number.isInteger(parallel) ||
    parallel < 1 ||
    parallel > MAX_PARALLEL ||
    !(interval >= 0)
  ) {
    io.err(
      `--source is required; --batch-size is 1..50000; --parallel is 1..${MAX_PARALLEL}; --progress-interval is seconds >= 0\n${IMPORT_MYSQL_USAGE}`,
    );
    return 64;
  }
  let sourceUrl;
  try {
    sourceUrl = parseSourceUrl(values.source, io.env);
  } catch (error) {
    io.err((error as Error).message);
    return 64;
  }
  const sourceName = describeSource(sourceUrl);
  const targetName = describeTarget(config.database);
  const dryRun = values['dry-run'] === true;
  const reportPath = path.resolve(
    io.cwd,
    values.report ?? `legacy-import-report-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`,
  );
  logger.info({ source: sourceName, target: targetName, dryRun }, 'legacy import starting');
  // The batches are garbage soon after they are written, but at full speed V8 lets the heap grow
  // to about four times what is live before it collects: capped at twice (a few percent more GC
  // time for about 100 MB less peak memory). Set before the location worker starts.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);

  let source: LegacySource | undefined;
  let target: Awaited<ReturnType<typeof connectTarget>> | undefined;
  let background: Awaited<ReturnType<typeof connectTarget>> | undefined;
  let counter: LegacySource | undefined;
  try {
    source = await LegacySource.connect(sourceUrl);
    if (!dryRun) target = await connectTarget(config.database);
    if (values['verify-only']) {
      const results = await verifyImport(
        source,
        target!,
        await loadVerifyContext(source, target!, createLocationResolver()),
        batchSize,
      );
      printVerification(results, io.out);
      return results.every((r) => r.ok) ? 0 : 1;
    }
    const progress = createProgress(io.progress, { tty: io.tty, intervalMs: interval * 1000 });
    const src = source;
    const tgt = target;
    // Indexes are built and references checked over a second connection while the next table loads.
    if (target) background = await connectTarget(config.database);
    counter = await LegacySource.connect(sourceUrl);
    const { summary } = await runLegacyImport(
      {
        source,
        sourceName,
        target: target ?? null,
        targetName,
        background: background ?? null,
        locations: () => createLocationResolver(),
        userLocations: () => new WorkerLocations(),
        progress,
        counter,
        openLane: async () => {
          const laneSource = await LegacySource.connect(sourceUrl);
          try {
            const laneTarget = dryRun ? null : await connectTarget(config.database);
            return {
              source: laneSource,
              target: laneTarget,
              async close() {
                await laneSource.close();
                await laneTarget?.end().catch(() => undefined);
              },
            };
          } catch (error) {
            await laneSource.close();
            throw error;
          }
        },
      },
      {
        dryRun,
        restart: values.restart === true,
        batchSize,
        parallel,
        reportPath,
        verify: values.verify ? (context) => verifyImport(src, tgt!, context, batchSize) : undefined,
      },
    );
    printSummary(summary, io.out);
    if (summary.verification) printVerification(summary.verification, io.out);
    io.out(`report: ${reportPath}`);
    logger.info(
      { source: sourceName, target: targetName, dryRun, report: reportPath },
      'legacy import finished',
    );
    return summary.verification?.some((r) => !r.ok) ? 1 : 0;
  } catch (error) {
    const message = (error as Error).message.replaceAll(sourceUrl.password ?? '\u0000', '***');
    logger.error({ source: sourceName, error: message }, 'legacy import failed');
    io.err(`import failed: ${message}`);
    return 1;
  } finally {
    await source?.close();
    await target?.end().catch(() => undefined);
    await background?.end().catch(() => undefined);
    await counter?.close();
  }
}

function printSummary(summary: ImportSummary, out: (line: string) => void): void {
  out(
    `${summary.dryRun ? 'dry run (nothing written)' : 'import'} of ${summary.source}${summary.resumed ? ' (resumed)' : ''}`,
  );
  for (const note of summary.notes ?? []) out(`note: ${note}`);
  for (const { table, counters: c } of summary.tables) {
    out(
      `${table}: read ${c.read}, mapped ${c.mapped}, inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}, skipped ${c.skipped}, repaired ${c.repaired}`,
    );
  }
}

function printVerification(results: readonly TableVerification[], out: (line: string) => void): void {
  for (const r of results) {
    out(
      `verify ${r.table}: ${r.ok ? 'OK' : 'MISMATCH'} source ${r.source.rows} rows ${r.source.checksum}, target ${r.target.rows} rows ${r.target.checksum}`,
    );
  }
}
