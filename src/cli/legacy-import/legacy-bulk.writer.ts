import type { ActivityRecord } from './activities.mapper';
import { copyRecords } from './bulk-load';
import type { SnapshotRecord } from './rankings.mapper';
import type { RepositoryRecord } from './repositories.mapper';
import type { BatchColumn, Sql, WriteResult } from './target-database';
import type { UserRecord } from './users.mapper';
import {
  ACTIVITY_COLUMNS,
  mapUsers,
  REPOSITORY_COLUMNS,
  SNAPSHOT_COLUMNS,
  USER_COLUMNS,
} from './legacy-target.writer';

/**
 * The writes of a first import (target table empty when the pass began): plain COPY, no conflict
 * handling. Every row is new (a kept unique constraint fails the batch otherwise, and the runner
 * writes it again with the upsert), so all count as inserted.
 */
export async function copyUsers(sql: Sql, users: readonly UserRecord[]): Promise<WriteResult> {
  await copyRecords(sql, 'github_user', USER_COLUMNS, users);
  await mapUsers(
    sql,
    users.map((u) => u.legacyId),
    users.map((u) => u.loginKey),
  );
  return { inserted: users.length, updated: 0 };
}

/** New ids from the `repository` sequence (one round trip), then the rows and their map entries. */
export async function copyRepositories(
  sql: Sql,
  repositories: readonly RepositoryRecord[],
): Promise<WriteResult> {
  if (repositories.length === 0) return { inserted: 0, updated: 0 };
  const { rows } = await sql.query<{ id: number }>(
    `select nextval('repository_id_seq'::regclass) as id from generate_series(1, $1)`,
    [repositories.length],
  );
  // The i-th record's id is the i-th value (no copy of each record with its id added).
  const ids = rows.map((r) => Number(r.id));
  const id: BatchColumn<RepositoryRecord> = ['id', 'bigint', (_, i) => ids[i!]];
  await copyRecords(sql, 'repository', [id, ...REPOSITORY_COLUMNS], repositories);
  await copyRecords(
    sql,
    'legacy_import.repository_map',
    [
      ['legacy_id', 'bigint', (r) => r.legacyId],
      ['repository_id', 'bigint', (_, i) => ids[i!]],
    ],
    repositories,
  );
  return { inserted: repositories.length, updated: 0 };
}

export async function copyActivities(sql: Sql, activities: readonly ActivityRecord[]): Promise<WriteResult> {
  await copyRecords(sql, 'daily_activity', ACTIVITY_COLUMNS, activities);
  return { inserted: activities.length, updated: 0 };
}

export async function copySnapshots(sql: Sql, snapshots: readonly SnapshotRecord[]): Promise<WriteResult> {
  await copyRecords(sql, 'ranking_snapshot', SNAPSHOT_COLUMNS, snapshots);
  return { inserted: snapshots.length, updated: 0 };
}
