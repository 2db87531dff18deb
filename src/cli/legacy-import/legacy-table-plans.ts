import { activitiesMapper } from './activities.mapper';
import * as bulkWriter from './legacy-bulk.writer';
import type { LegacyTable } from './legacy-import.types';
import type { MapContext, TableMapper } from './legacy-mapper';
import * as writer from './legacy-target.writer';
import { rankingSnapshotsMapper, userRankingsMapper } from './rankings.mapper';
import { repositoriesMapper } from './repositories.mapper';
import type { Sql, WriteResult } from './target-database';
import { usersMapper } from './users.mapper';
import { loginKey } from '../../modules/users/login';

type Write<T> = (sql: Sql, records: readonly T[]) => Promise<WriteResult>;

export interface TablePlan<T> {
  readonly mapper: TableMapper<T>;
  /** The service table written. */
  readonly target: string;
  /** Upsert: inserts new rows, updates changed ones (any run). */
  readonly write: Write<T>;
  /** COPY of new rows (a target table that was empty when the pass began). */
  readonly bulk: Write<T>;
  /** Rows per batch as a multiple of `--batch-size`: narrow rows come in larger batches. */
  readonly batchScale: number;
}

/** Pairs a mapper with the writers of the same record type (the table list itself is heterogeneous). */
function plan<T>(
  mapper: TableMapper<T>,
  target: string,
  write: Write<T>,
  bulk: Write<T>,
  batchScale = 1,
): TablePlan<unknown> {
  return { mapper, target, write, bulk, batchScale } as unknown as TablePlan<unknown>;
}

/** Activity and ranking rows are a few numbers each: four times the batch size costs little memory. */
const NARROW = 4;

export const PLANS: Record<LegacyTable, TablePlan<unknown>> = {
  Users: plan(usersMapper, 'github_user', writer.writeUsers, bulkWriter.copyUsers),
  Repositories: plan(repositoriesMapper, 'repository', writer.writeRepositories, bulkWriter.copyRepositories),
  Activities: plan(
    activitiesMapper,
    'daily_activity',
    writer.writeActivities,
    bulkWriter.copyActivities,
    NARROW,
  ),
  UserRankings: plan(
    userRankingsMapper,
    'ranking_snapshot',
    writer.writeSnapshots,
    bulkWriter.copySnapshots,
    NARROW,
  ),
  RankingSnapshots: plan(
    rankingSnapshotsMapper,
    'ranking_snapshot',
    writer.writeSnapshots,
    bulkWriter.copySnapshots,
    NARROW,
  ),
};

/** When each service table counts as empty (a first import): then it is bulk loaded. */
export const EMPTY: Record<string, string> = {
  github_user: 'not exists (select 1 from github_user)',
  repository:
    'not exists (select 1 from repository) and not exists (select 1 from legacy_import.repository_map)',
  daily_activity: 'not exists (select 1 from daily_activity)',
  ranking_snapshot: 'not exists (select 1 from ranking_snapshot)',
};

export function mapperOf(table: LegacyTable): TableMapper<unknown> {
  return PLANS[table].mapper;
}

/** What later tables need from a finished one: the user map (with merged logins), the ranking countries, the run totals. */
export async function afterTable(table: LegacyTable, target: Sql | null, context: MapContext): Promise<void> {
  const users = context.users as Map<number, number>;
  const countries = context.countries as Map<number, string | null>;
  if (table === 'Users') {
    const losers = [...context.merges.losers];
    if (target) {
      await writer.mapUsers(
        target,
        losers.map(([id]) => id),
        losers.map(([, l]) => loginKey(l.winnerLogin)),
      );
      for (const [legacyId, userId] of await writer.loadUserMap(target)) users.set(legacyId, userId);
    } else {
      for (const [id, loser] of losers)
        if (users.has(loser.winnerId)) users.set(id, users.get(loser.winnerId)!);
    }
  }
  if (table === 'UserRankings' && target && context.runs.current !== null) {
    for (const [userId, code] of await writer.loadCountries(target, context.runs.current))
      countries.set(userId, code);
  }
  if (table === 'RankingSnapshots' && target) await writer.completeRuns(target, context.runs);
}
