import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTargetDatabase, runImport, type TargetDatabase } from '../support/legacy-import-harness';
import { createLegacyDatabase, type LegacyDatabase, type LegacyVolume } from '../support/legacy-mysql';

const VOLUME: LegacyVolume = { users: 2000, reposPerUser: 10, activityDays: 30, snapshotRuns: 5 };
/** Dirty rows on top of the bulk ones (see test/support/legacy-mysql.ts). */
const DIRTY = { users: 9, repositories: 7, activities: 7, rankings: 7, snapshots: 5 };
const TARGETS: TargetDatabase[] = [];
/** Each test runs whole imports of 2,000 developers in child processes: ~10 s alone, far more on a loaded CI machine. */
const IMPORT_TIMEOUT_MS = 240_000;

let legacy: LegacyDatabase;
let reports: string;

beforeAll(async () => {
  legacy = await createLegacyDatabase('legacy_import', VOLUME);
  reports = mkdtempSync(path.join(tmpdir(), 'import-test-'));
}, IMPORT_TIMEOUT_MS);

afterAll(async () => {
  for (const target of TARGETS) await target.drop();
  await legacy?.drop();
  rmSync(reports, { recursive: true, force: true });
});

async function target(prefix: string): Promise<TargetDatabase> {
  const db = await createTargetDatabase(prefix);
  TARGETS.push(db);
  return db;
}

async function count(db: TargetDatabase, sql: string): Promise<number> {
  const [row] = await db.query<{ n: string }>(`select count(*) as n from ${sql}`);
  return Number(row!.n);
}

/** A fingerprint of every row version of the service's tables: any insert, update or delete changes it. */
async function fingerprint(db: TargetDatabase): Promise<Record<string, string>> {
  const tables = [
    'github_user',
    'repository',
    'daily_activity',
    'ranking_snapshot',
    'ranking_run',
    'ranking_country',
  ];
  const result: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await db.query<{ f: string }>(
      `select count(*) || ':' || coalesce(md5(string_agg(ctid::text || xmin::text, ',' order by ctid)), '') as f from ${table}`,
    );
    result[table] = row!.f;
  }
  return result;
}

describe('npm run import:mysql', () => {
  it(
    'imports every table, merges case-duplicate logins, repairs or skips dirty rows, reports each one, and verifies',
    async () => {
      const db = await target('import_full');
      const report = path.join(reports, 'full.txt');
      const run = await runImport(db, ['--source', legacy.url, '--report', report, '--verify']);
      expect(run.code, run.output).toBe(0);
      for (const table of ['Users', 'Repositories', 'Activities', 'UserRankings', 'RankingSnapshots']) {
        expect(run.output).toMatch(new RegExp(`^verify ${table}: OK`, 'm'));
      }

      // Merged logins: one row per login key, the most recently fetched row's values.
      expect(await count(db, 'github_user')).toBe(VOLUME.users + DIRTY.users - 3);
      const [octocat] = await db.query<{
        id: string;
        login: string;
        name: string;
        social: unknown;
        organizations: unknown;
      }>(`select id, login, name, social, organizations from github_user where login_key = 'octocat'`);
      expect(octocat).toMatchObject({ login: 'octocat', name: 'The Octocat' });
      expect(octocat!.social).toEqual([
        { provider: 'twitter', url: 'octocat' },
        { provider: 'linkedin', url: 'in/octo' },
      ]);
      expect(octocat!.organizations).toEqual([
        { login: 'github', avatarUrl: 'https://a/1', description: 'GitHub 🐙' },
      ]);
      const [dup] = await db.query<{ login: string; name: string }>(
        `select login, name from github_user where login_key = 'dup'`,
      );
      expect(dup).toEqual({ login: 'DUP', name: 'Dup Winner' });
      // The loser's rows move to the winner unless the winner has the same row.
      const repos = await db.query<{ name: string; description: string | null }>(
        `select name, description from repository where owner_id = $1 order by name`,
        [octocat!.id],
      );
      expect(repos).toEqual([
        { name: 'hello', description: '😀 emoji 𝄞 repo' },
        { name: 'only-old', description: null },
      ]);
      const days = await db.query<{ date: string; commits: number }>(
        `select to_char(date, 'YYYY-MM-DD') as date, commits from daily_activity where user_id = $1 order by date`,
        [octocat!.id],
      );
      expect(days).toEqual([
        { date: '2023-01-01', commits: 3 },
        { date: '2024-01-01', commits: 7 },
      ]);
      const dupDays = await db.query<{ commits: number }>(
        `select a.commits from daily_activity a join github_user u on u.id = a.user_id where u.login_key = 'dup'`,
      );
      expect(dupDays).toEqual([{ commits: 4 }]);

      // Type mapping and repairs.
      const [emoji] = await db.query<{
        name: string;
        bio: string;
        social: unknown;
        organizations: unknown;
        country_code: string;
      }>(`select name, bio, social, organizations, country_code from github_user where login = 'emoji'`);
      expect(emoji).toEqual({
        name: 'Emoji 😀 User',
        bio: 'Loves 🦄 and 𝄞 music',
        social: [{ provider: 'generic', url: 'https://twitter.com/emoji' }],
        organizations: [],
        country_code: 'VN',
      });
      const [zero] = await db.query<{ harvested_at: Date | null; created_at: Date }>(
        `select harvested_at, created_at from github_user where login = 'zerodate'`,
      );
      expect(zero!.harvested_at).toBeNull();
      expect(zero!.created_at.toISOString()).toBe('2024-02-02T02:02:02.000Z');
      const [nul] = await db.query<{ bio: string }>(`select bio from github_user where login = 'nulbio'`);
      expect(nul!.bio).toBe('ab');
      const [broken] = await db.query<{ topics: unknown; pushed_at: Date | null }>(
        `select topics, pushed_at from repository where name = 'broken'`,
      );
      expect(broken).toEqual({ topics: [], pushed_at: null });
      expect(await count(db, `repository where name = 'orphan-repo'`)).toBe(0);

      // Rankings: legacy country names as ISO codes; the imported current ranks are the latest completed run.
      const [current] = await db.query<{ id: number; ranked_users: number }>(
        `select id, ranked_users from ranking_run where status = 'completed' order by finished_at desc, id desc limit 1`,
      );
      expect(current!.ranked_users).toBe(VOLUME.users + 4);
      const countries = await db.query<{
        login: string;
        country_code: string | null;
        country_rank: number | null;
      }>(
        `select u.login, s.country_code, s.country_rank from ranking_snapshot s join github_user u on u.id = s.user_id
       where s.run_id = $1 and u.login in ('octocat', 'emoji', 'zerodate', 'social-null') order by u.login`,
        [current!.id],
      );
      expect(countries).toEqual([
        { login: 'emoji', country_code: 'VN', country_rank: 1 },
        { login: 'octocat', country_code: 'US', country_rank: 1 },
        { login: 'social-null', country_code: 'TR', country_rank: 1 },
        { login: 'zerodate', country_code: null, country_rank: null },
      ]);
      expect(await count(db, `ranking_run where status <> 'completed'`)).toBe(0);

      // Nothing dropped silently: every row read is mapped or skipped, and each skipped or repaired row has a line.
      const text = readFileSync(report, 'utf8');
      for (const line of [
        'Users#1 skipped merged-duplicate-login',
        'Users#3 skipped merged-duplicate-login',
        'Users#5 skipped merged-duplicate-login',
        'Users#6 repaired zero-date',
        'Users#7 repaired reshaped-json',
        'Users#7 repaired invalid-json',
        'Users#8 repaired nul-character',
        'Repositories#1 skipped merged-duplicate-row',
        'Repositories#4 skipped orphan',
        'Repositories#5 repaired invalid-json',
        'Repositories#6 skipped merged-duplicate-row',
        'Activities#1 skipped merged-duplicate-row',
        'Activities#4 skipped orphan',
        'Activities#5 skipped zero-date',
        'Activities#7 skipped merged-duplicate-row',
        'UserRankings#2 skipped merged-duplicate-row',
        'UserRankings#4 repaired unknown-country',
        'UserRankings#5 skipped orphan',
        'UserRankings#6 skipped missing-rank',
        'RankingSnapshots#3 skipped orphan',
        'RankingSnapshots#4 skipped missing-rank',
        'RankingSnapshots#5 repaired zero-date',
      ]) {
        expect(text).toContain(line);
      }
      const tallies = [
        ...text.matchAll(
          /^(Users|Repositories|Activities|UserRankings|RankingSnapshots)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s+(\d+)/gm,
        ),
      ];
      expect(tallies).toHaveLength(5);
      const read = Object.fromEntries(tallies.map((m) => [m[1], Number(m[2])]));
      expect(read).toEqual({
        Users: VOLUME.users + DIRTY.users,
        Repositories: VOLUME.users * VOLUME.reposPerUser + DIRTY.repositories,
        Activities: VOLUME.users * VOLUME.activityDays + DIRTY.activities,
        UserRankings: VOLUME.users + DIRTY.rankings,
        RankingSnapshots: VOLUME.users * VOLUME.snapshotRuns + DIRTY.snapshots,
      });
      for (const m of tallies) expect(Number(m[3]) + Number(m[4]), m[1]).toBe(Number(m[2]));
      const skippedLines = text.split('\n').filter((l) => /^[A-Za-z]+#\d+ skipped [a-z-]+: /.test(l)).length;
      expect(skippedLines).toBe(tallies.reduce((sum, m) => sum + Number(m[4]), 0));

      // --verify-only notices a target row that no longer matches its source row.
      await db.query(`update github_user set followers = followers + 1 where login_key = 'octocat'`);
      const tampered = await runImport(db, ['--source', legacy.url, '--verify-only']);
      expect(tampered.code).toBe(1);
      expect(tampered.output).toMatch(/^verify Users: MISMATCH/m);
      expect(tampered.output).toMatch(/^verify Repositories: OK/m);
    },
    IMPORT_TIMEOUT_MS,
  );

  it(
    'changes nothing when run a second time',
    async () => {
      const db = await target('import_twice');
      const first = await runImport(db, [
        '--source',
        legacy.url,
        '--report',
        path.join(reports, 'first.txt'),
      ]);
      expect(first.code, first.output).toBe(0);
      const before = await fingerprint(db);
      const second = await runImport(db, [
        '--source',
        legacy.url,
        '--report',
        path.join(reports, 'second.txt'),
      ]);
      expect(second.code, second.output).toBe(0);
      expect(await fingerprint(db)).toEqual(before);
      expect(second.output).toMatch(
        /^Activities: read \d+, mapped \d+, inserted 0, updated 0, unchanged [1-9]/m,
      );
      expect(second.output.match(/inserted 0, updated 0/g)).toHaveLength(5);
    },
    IMPORT_TIMEOUT_MS,
  );

  it(
    'writes nothing in a dry run, and reports what it would skip and repair',
    async () => {
      const db = await target('import_dry');
      const report = path.join(reports, 'dry.txt');
      const before = await fingerprint(db);
      const run = await runImport(db, ['--source', legacy.url, '--dry-run', '--report', report]);
      expect(run.code, run.output).toBe(0);
      expect(await fingerprint(db)).toEqual(before);
      expect(await count(db, 'github_user')).toBe(0);
      const [schema] = await db.query<{ exists: boolean }>(
        `select exists (select 1 from pg_namespace where nspname = 'legacy_import') as exists`,
      );
      expect(schema!.exists).toBe(false);
      const text = readFileSync(report, 'utf8');
      expect(text).toContain('dry run: nothing was written');
      expect(text).toContain('Users#1 skipped merged-duplicate-login');
      expect(text).toContain('Activities#4 skipped orphan');
      expect(text).toMatch(
        new RegExp(
          `^Users\\s+${VOLUME.users + DIRTY.users}\\s+${VOLUME.users + DIRTY.users - 3}\\s+0\\s+0\\s+0\\s+3`,
          'm',
        ),
      );
    },
    IMPORT_TIMEOUT_MS,
  );
});
