import type { ActivityRecord } from './activities.mapper';
import type { RunIds, RunSpec } from './legacy-run-plan';
import type { SnapshotRecord } from './rankings.mapper';
import type { RepositoryRecord } from './repositories.mapper';
import { type BatchColumn, type Sql, unnestBatch, upsertSet, type WriteResult } from './target-database';
import type { UserRecord } from './users.mapper';

/** Target columns per table, in the order the writer writes them and the verifier checksums them. */
export const USER_COLUMNS: readonly BatchColumn<UserRecord>[] = [
  ['login', 'text', (u) => u.login],
  ['login_key', 'text', (u) => u.loginKey],
  ['name', 'text', (u) => u.name],
  ['name_key', 'text', (u) => u.nameKey],
  ['avatar_url', 'text', (u) => u.avatarUrl],
  ['bio', 'text', (u) => u.bio],
  ['company', 'text', (u) => u.company],
  ['location', 'text', (u) => u.location],
  ['website_url', 'text', (u) => u.websiteUrl],
  ['followers', 'int', (u) => u.followers],
  ['following', 'int', (u) => u.following],
  ['public_repos', 'int', (u) => u.publicRepos],
  ['public_gists', 'int', (u) => u.publicGists],
  ['social', 'jsonb', (u) => u.social],
  ['organizations', 'jsonb', (u) => u.organizations],
  ['country_code', 'text', (u) => u.countryCode],
  ['country_match', 'text', (u) => u.countryMatch],
  ['harvested_at', 'timestamptz', (u) => u.harvestedAt],
  ['created_at', 'timestamptz', (u) => u.createdAt],
  ['updated_at', 'timestamptz', (u) => u.updatedAt],
];

export const REPOSITORY_COLUMNS: readonly BatchColumn<RepositoryRecord>[] = [
  ['owner_id', 'bigint', (r) => r.ownerId],
  ['name', 'text', (r) => r.name],
  ['description', 'text', (r) => r.description],
  ['homepage_url', 'text', (r) => r.homepageUrl],
  ['primary_language', 'text', (r) => r.primaryLanguage],
  ['license', 'text', (r) => r.license],
  ['topics', 'jsonb', (r) => r.topics],
  ['stargazer_count', 'int', (r) => r.stargazerCount],
  ['fork_count', 'int', (r) => r.forkCount],
  ['open_issues_count', 'int', (r) => r.openIssuesCount],
  ['watcher_count', 'int', (r) => r.watcherCount],
  ['disk_usage_kb', 'int', (r) => r.diskUsageKb],
  ['commit_count', 'int', (r) => r.commitCount],
  ['pull_request_count', 'int', (r) => r.pullRequestCount],
  ['default_branch', 'text', (r) => r.defaultBranch],
  ['github_created_at', 'timestamptz', (r) => r.githubCreatedAt],
  ['github_updated_at', 'timestamptz', (r) => r.githubUpdatedAt],
  ['pushed_at', 'timestamptz', (r) => r.pushedAt],
  ['harvested_at', 'timestamptz', (r) => r.harvestedAt],
];

export const ACTIVITY_COLUMNS: readonly BatchColumn<ActivityRecord>[] = [
  ['user_id', 'bigint', (a) => a.userId],
  ['date', 'date', (a) => a.date],
  ['commits', 'int', (a) => a.commits],
  ['pull_requests', 'int', (a) => a.pullRequests],
  ['issues_opened', 'int', (a) => a.issuesOpened],
];

export const SNAPSHOT_COLUMNS: readonly BatchColumn<SnapshotRecord>[] = [
  ['run_id', 'int', (s) => s.runId],
  ['user_id', 'bigint', (s) => s.userId],
  ['score', 'bigint', (s) => s.score],
  ['global_rank', 'int', (s) => s.globalRank],
  ['country_code', 'text', (s) => s.countryCode],
  ['country_rank', 'int', (s) => s.countryRank],
];

const names = <T>(columns: readonly BatchColumn<T>[]) => columns.map(([name]) => name);

/**
 * Inserts new rows and updates changed ones (`on conflict ... where ... is distinct from`), so a
 * second run writes nothing. Counts inserted (xmax = 0) and updated rows.
 */
async function upsert<T>(
  sql: Sql,
  table: string,
  columns: readonly BatchColumn<T>[],
  conflict: readonly string[],
  records: readonly T[],
  guard = '',
): Promise<WriteResult> {
  if (records.length === 0) return { inserted: 0, updated: 0 };
  const all = names(columns);
  const { set, changed } = upsertSet(
    table,
    all.filter((c) => !conflict.includes(c)),
  );
  const batch = unnestBatch(columns, records);
  const { rows } = await sql.query<WriteResult>(
    `with w as (insert into ${table} (${all.join(', ')}) select * from ${batch.sql}
       on conflict (${conflict.join(', ')}) do update set ${set} where ${guard}${changed}
       returning (xmax = 0) as fresh)
     select (count(*) filter (where fresh))::int as inserted, (count(*) filter (where not fresh))::int as updated from w`,
    batch.params,
  );
  return rows[0]!;
}

/**
 * Users by login_key (merged logins are one row). A row a harvest has since confirmed
 * (github_id set) is newer than anything legacy: it is left as it is.
 */
export async function writeUsers(sql: Sql, users: readonly UserRecord[]): Promise<WriteResult> {
  const result = await upsert(
    sql,
    'github_user',
    USER_COLUMNS,
    ['login_key'],
    users,
    'github_user.github_id is null and ',
  );
  await mapUsers(
    sql,
    users.map((u) => u.legacyId),
    users.map((u) => u.loginKey),
  );
  return result;
}

/** legacy user id -> github_user.id by login key (merged duplicates map to the surviving row). */
export async function mapUsers(
  sql: Sql,
  legacyIds: readonly number[],
  loginKeys: readonly string[],
): Promise<void> {
  if (legacyIds.length === 0) return;
  await sql.query(
    `insert into legacy_import.user_map (legacy_id, user_id)
     select v.legacy_id, u.id from unnest($1::bigint[], $2::text[]) as v(legacy_id, login_key)
     join github_user u on u.login_key = v.login_key
     on conflict (legacy_id) do update set user_id = excluded.user_id where user_map.user_id <> excluded.user_id`,
    [legacyIds, loginKeys],
  );
}

export async function loadUserMap(sql: Sql): Promise<Map<number, number>> {
  const { rows } = await sql.query<{ legacy_id: number; user_id: number }>(
    `select legacy_id, user_id from legacy_import.user_map`,
  );
  return new Map(rows.map((r) => [r.legacy_id, r.user_id]));
}

/**
 * Repositories have no natural key in the target (GitHub's id is unknown until a harvest), so
 * legacy_import.repository_map keeps legacy id -> repository id: mapped rows are updated when
 * changed, new ones get an id from the sequence and a map entry in the same statement.
 */
export async function writeRepositories(
  sql: Sql,
  repositories: readonly RepositoryRecord[],
): Promise<WriteResult> {
  if (repositories.length === 0) return { inserted: 0, updated: 0 };
  const columns: readonly BatchColumn<RepositoryRecord>[] = [
    ['legacy_id', 'bigint', (r) => r.legacyId],
    ...REPOSITORY_COLUMNS,
  ];
  const data = names(REPOSITORY_COLUMNS);
  const { set, changed } = upsertSet('r', data, 'e');
  const batch = unnestBatch(columns, repositories);
  const { rows } = await sql.query<WriteResult>(
    `with e as materialized (select v.*, m.repository_id from ${batch.sql}
        left join legacy_import.repository_map m on m.legacy_id = v.legacy_id),
      upd as (update repository r set ${set} from e where r.id = e.repository_id and ${changed} returning r.id),
      fresh as materialized (select e.*, nextval('repository_id_seq'::regclass) as new_id
        from e where e.repository_id is null),
      ins as (insert into repository (id, ${data.join(', ')}) select new_id, ${data.join(', ')} from fresh returning id),
      mapped as (insert into legacy_import.repository_map (legacy_id, repository_id) select legacy_id, new_id from fresh)
     select (select count(*) from ins)::int as inserted, (select count(*) from upd)::int as updated`,
    batch.params,
  );
  return rows[0]!;
}

/** Activity by (user, date); `reviews` keeps what a harvest wrote. */
export function writeActivities(sql: Sql, activities: readonly ActivityRecord[]): Promise<WriteResult> {
  return upsert(sql, 'daily_activity', ACTIVITY_COLUMNS, ['user_id', 'date'], activities);
}

export function writeSnapshots(sql: Sql, snapshots: readonly SnapshotRecord[]): Promise<WriteResult> {
  return upsert(sql, 'ranking_snapshot', SNAPSHOT_COLUMNS, ['run_id', 'user_id'], snapshots);
}

/**
 * Creates the imported ranking runs that do not exist yet, as `failed` ("legacy import in
 * progress") so that no reader takes a half-imported run as current; `completeRuns` flips them.
 */
export async function ensureRuns(sql: Sql, specs: readonly RunSpec[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const spec of specs) {
    const { rows } = await sql.query<{ run_id: number }>(
      `select run_id from legacy_import.run_map where run_key = $1`,
      [spec.key],
    );
    let id = rows[0]?.run_id;
    if (id === undefined) {
      const created = await sql.query<{ id: number }>(
        `insert into ranking_run (status, trigger, job_id, started_at, finished_at, error)
         values ('failed', 'manual', $1, $2, $3, 'legacy import in progress') returning id`,
        [`legacy-import:${spec.key}`.slice(0, 200), spec.startedAt, spec.finishedAt],
      );
      id = created.rows[0]!.id;
      await sql.query(`insert into legacy_import.run_map (run_key, run_id) values ($1, $2)`, [spec.key, id]);
    }
    ids.set(spec.key, id);
  }
  return ids;
}

/** Per-country counts and totals of the imported runs, then marks them completed (changes only what differs). */
export async function completeRuns(sql: Sql, runs: RunIds): Promise<void> {
  const ids = [...runs.byKey.values()];
  if (ids.length === 0) return;
  await sql.query(
    `insert into ranking_country (run_id, country_code, ranked_users)
     select run_id, country_code, count(*)::int from ranking_snapshot
     where run_id = any($1::int[]) and country_code is not null group by run_id, country_code
     on conflict (run_id, country_code) do update set ranked_users = excluded.ranked_users
       where ranking_country.ranked_users <> excluded.ranked_users`,
    [ids],
  );
  await sql.query(
    `update ranking_run r set status = 'completed', error = null, ranked_users = t.ranked, countries = t.countries
     from (select i.id, count(s.user_id)::int as ranked, count(distinct s.country_code)::int as countries
           from unnest($1::int[]) as i(id) left join ranking_snapshot s on s.run_id = i.id group by i.id) t
     where r.id = t.id and (r.status, r.error, r.ranked_users, r.countries) is distinct from ('completed', null, t.ranked, t.countries)`,
    [ids],
  );
}

export async function loadCountries(sql: Sql, runId: number): Promise<Map<number, string | null>> {
  const { rows } = await sql.query<{ user_id: number; country_code: string | null }>(
    `select user_id, country_code from ranking_snapshot where run_id = $1`,
    [runId],
  );
  return new Map(rows.map((r) => [r.user_id, r.country_code]));
}
