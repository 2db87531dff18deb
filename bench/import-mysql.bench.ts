/**
 * Legacy import benchmark: `npx tsx bench/import-mysql.bench.ts [--scale 0.1]` (default 1: the
 * issue's volume of 50,000 users, 500,000 repositories, 5,000,000 activity rows, 50,000 rankings
 * and 500,000 snapshots, plus the dirty rows). Generates the legacy database on the shared
 * MariaDB, then loads it, in the same run and on the same machine:
 *   - with pgloader (the Debian package, its defaults: copies tables, JSON as text, no mapping),
 *     the baseline, into an empty PostgreSQL database;
 *   - with our import (`main.ts import-mysql`: maps, validates, reports, checkpoints) into a
 *     migrated one.
 * Each runs as its own process under /usr/bin/time (wall time, peak resident memory). Prints rows
 * per second, peak memory and the ours/pgloader ratios. Every scratch database is dropped at the end.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTargetDatabase } from '../test/support/legacy-import-harness';
import { createLegacyDatabase, type LegacyVolume } from '../test/support/legacy-mysql';
import { Client } from 'pg';
import { createTestDatabase, SHARED_PG } from '../test/support/services';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const TSX_LOADER = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

interface Measured {
  seconds: number;
  peakMb: number;
  output: string;
}

/** Runs a command under /usr/bin/time: wall seconds and peak resident set size (the largest process). */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-time-'));
  const timeFile = path.join(dir, 'time');
  try {
    const { stdout, stderr } = await run('/usr/bin/time', ['-o', timeFile, '-f', '%e %M', command, ...args], {
      env,
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [seconds, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    return { seconds: seconds!, peakMb: kb! / 1024, output: `${stdout}${stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function quiesce(): Promise<void> {
  const client = new Client({ ...SHARED_PG, database: 'postgres' });
  await client.connect();
  try {
    await client.query('checkpoint');
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const scale = argument('--scale', 1);
  const volume: LegacyVolume = {
    users: Math.max(10, Math.round(50_000 * scale)),
    reposPerUser: 10,
    activityDays: 100,
    snapshotRuns: 10,
  };
  const generatedAt = Date.now();
  // Bulk rows only: pgloader drops a whole table on one zero date (our tests cover the dirty rows).
  const legacy = await createLegacyDatabase('bench_legacy', volume, false);
  const [sizes] = await legacy.query<{ rows: number; mb: number }>(
    `SELECT SUM(table_rows) AS \`rows\`, ROUND(SUM(data_length + index_length) / 1048576) AS mb
     FROM information_schema.tables WHERE table_schema = ?`,
    [legacy.name],
  );
  console.log(
    `legacy database ${legacy.name}: ~${fmt(Number(sizes!.rows))} rows (InnoDB estimate), ${sizes!.mb} MB, generated in ${fmt((Date.now() - generatedAt) / 1000, 1)} s`,
  );
  const ours = await createTargetDatabase('bench_ours');
  const theirs = await createTestDatabase('bench_pgloader');
  try {
    await quiesce();
    const pg = await timed(
      'pgloader',
      ['--no-ssl-cert-verification', legacy.url, `postgresql://postgres@127.0.0.1:5432/${theirs.name}`],
      process.env,
    );
    const total = /Total import time\s+\S?\s+(\d+)\s+(\d+)/.exec(pg.output);
    const pgRows = total ? Number(total[1]) : NaN;
    console.log(
      `pgloader:    ${fmt(pgRows)} rows in ${fmt(pg.seconds, 1)} s = ${fmt(pgRows / pg.seconds)} rows/s, peak ${fmt(pg.peakMb)} MB`,
    );

    // The second loader starts from a quiet server, as the first did: pgloader's database (whose
    // autovacuum would otherwise analyze millions of fresh rows meanwhile) goes, dirty pages are written.
    await theirs.drop();
    await quiesce();

    const report = path.join(tmpdir(), `bench-import-report-${Date.now()}.txt`);
    const env = {
      ...process.env,
      ...ours.env,
      LOG_LEVEL: 'warn',
      TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
    };
    const me = await timed(
      process.execPath,
      [
        '--import',
        TSX_LOADER,
        'src/main.ts',
        'import-mysql',
        '--source',
        legacy.url,
        '--report',
        report,
        '--progress-interval',
        '30',
      ],
      env,
    );
    const read = [...me.output.matchAll(/^\w+: read (\d+), mapped (\d+)/gm)];
    const ourRows = read.reduce((sum, m) => sum + Number(m[1]), 0);
    if (read.length !== 5) throw new Error(`import did not finish:\n${me.output}`);
    console.log(
      `our import:  ${fmt(ourRows)} rows in ${fmt(me.seconds, 1)} s = ${fmt(ourRows / me.seconds)} rows/s, peak ${fmt(me.peakMb)} MB`,
    );
    for (const m of me.output.matchAll(/^\w+: read .*$/gm)) console.log(`  ${m[0]}`);
    console.log(
      `ratios (ours / pgloader): rows/s ${fmt(ourRows / me.seconds / (pgRows / pg.seconds), 2)}, peak memory ${fmt(me.peakMb / pg.peakMb, 2)}`,
    );
    rmSync(report, { force: true });
  } finally {
    await ours.drop();
    await theirs.drop();
    await legacy.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
