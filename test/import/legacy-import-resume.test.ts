import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnTs } from '../support/child-process';
import { createTargetDatabase, runImport, type TargetDatabase } from '../support/legacy-import-harness';
import { createLegacyDatabase, type LegacyDatabase, type LegacyVolume } from '../support/legacy-mysql';

const VOLUME: LegacyVolume = { users: 1000, reposPerUser: 30, activityDays: 20, snapshotRuns: 3 };
const PASSWORD = 'Sup3r-secret-pw';

let legacy: LegacyDatabase;
let target: TargetDatabase;
let sourceUrl: string;
let reports: string;
/** The service's indexes as the migrations create them (a bulk load drops some and builds them again). */
let migratedIndexes: string[];
const INDEXES = `select indexdef from pg_indexes where schemaname = 'public' order by indexname`;

/** Whole imports in child processes: seconds alone, far more on a loaded CI machine. */
const IMPORT_TIMEOUT_MS = 240_000;

beforeAll(async () => {
  legacy = await createLegacyDatabase('legacy_resume', VOLUME);
  sourceUrl = await legacy.createReader(PASSWORD);
  target = await createTargetDatabase('import_resume');
  migratedIndexes = (await target.query<{ indexdef: string }>(INDEXES)).map((r) => r.indexdef);
  reports = mkdtempSync(path.join(tmpdir(), 'import-resume-'));
}, IMPORT_TIMEOUT_MS);

afterAll(async () => {
  await target?.drop();
  await legacy?.drop();
  rmSync(reports, { recursive: true, force: true });
});

it(
  'continues an import killed in the middle of a table, with no duplicate rows and no password in any output',
  async () => {
    const child = spawnTs('src/main.ts', { ...process.env, ...target.env, LOG_LEVEL: 'info' }, undefined, [
      'import-mysql',
      '--source',
      sourceUrl,
      '--batch-size',
      '100',
      '--progress-interval',
      '0',
      '--report',
      path.join(reports, 'killed.txt'),
    ]);
    try {
      await child.waitForLine(/^Repositories: [1-9][\d,]*\//m, 60_000);
    } finally {
      child.kill();
    }
    expect(await child.exited(10_000)).toBe('SIGKILL');

    // Killed mid-table: some repositories are in, their checkpoint is not done.
    const [checkpoint] = await target.query<{ last_id: string; done: boolean }>(
      `select last_id, done from legacy_import.checkpoint where table_name = 'Repositories'`,
    );
    expect(checkpoint!.done).toBe(false);
    expect(Number(checkpoint!.last_id)).toBeGreaterThan(0);
    const [partial] = await target.query<{ n: string }>(`select count(*) as n from repository`);
    // 7 dirty repositories: 2 skipped as merged duplicates, 1 orphan.
    const expected = VOLUME.users * VOLUME.reposPerUser + 4;
    expect(Number(partial!.n)).toBeGreaterThan(0);
    expect(Number(partial!.n)).toBeLessThan(expected);
    // A first import bulk loads: the secondary indexes of the table being loaded are dropped and recorded.
    const dropped = await target.query<{ index_name: string }>(
      `select index_name from legacy_import.dropped_index where table_name = 'repository'`,
    );
    expect(dropped.map((r) => r.index_name)).toContain('repository_owner_name_index');

    // Meanwhile a row the import has yet to write appears (as if a harvest wrote it): its batch cannot
    // be bulk copied and is written with the upsert instead, which brings it to the legacy values.
    const [mapped] = await target.query<{ legacy_id: string; user_id: string }>(
      `select legacy_id, user_id from legacy_import.user_map order by legacy_id desc limit 1`,
    );
    const [activity] = await legacy.query<{ day: string; commits: number }>(
      `SELECT DATE_FORMAT(date, '%Y-%m-%d') AS day, commits FROM Activities WHERE user_id = ? ORDER BY id LIMIT 1`,
      [Number(mapped!.legacy_id)],
    );
    await target.query(`insert into daily_activity (user_id, date, commits) values ($1, $2, $3)`, [
      mapped!.user_id,
      activity!.day,
      activity!.commits + 1000,
    ]);

    const resumed = await runImport(target, [
      '--source',
      sourceUrl,
      '--verify',
      '--report',
      path.join(reports, 'resumed.txt'),
    ]);
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toContain('(resumed)');
    expect(resumed.output).not.toMatch(/^verify .*MISMATCH/m);
    expect(resumed.output.match(/^verify \w+: OK/gm)).toHaveLength(5);
    expect(resumed.output).toMatch(
      /^Activities: read \d+, mapped \d+, inserted \d+, updated 1, unchanged 0,/m,
    );
    const [harvested] = await target.query<{ commits: number }>(
      `select commits from daily_activity where user_id = $1 and date = $2`,
      [mapped!.user_id, activity!.day],
    );
    expect(harvested!.commits).toBe(activity!.commits);
    // Every dropped index is built again, exactly as the migrations define it.
    expect((await target.query<{ indexdef: string }>(INDEXES)).map((r) => r.indexdef)).toEqual(
      migratedIndexes,
    );
    expect(await target.query(`select * from legacy_import.dropped_index`)).toEqual([]);

    // Every legacy repository is there once: as many rows as the map has entries, no (owner, name) twice.
    const [repos] = await target.query<{ n: string; mapped: string; distinct_names: string }>(
      `select count(*) as n, (select count(*) from legacy_import.repository_map) as mapped,
       count(distinct (owner_id, name)) as distinct_names from repository`,
    );
    expect(Number(repos!.n)).toBe(expected);
    expect(repos!.mapped).toBe(repos!.n);
    expect(repos!.distinct_names).toBe(repos!.n);
    const report = readFileSync(path.join(reports, 'resumed.txt'), 'utf8');
    expect(report).toContain('resumed an interrupted import');
    expect(report).toMatch(/^Repositories\s+\d+\s+\d+/m);

    for (const text of [child.output(), resumed.output, report]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
    }
  },
  IMPORT_TIMEOUT_MS,
);
