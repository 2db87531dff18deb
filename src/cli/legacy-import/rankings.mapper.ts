import type { LegacyRow, RowIssues } from './legacy-import.types';
import { childRows, type TableMapper } from './legacy-mapper';
import { snapshotRunKey } from './legacy-run-plan';
import { legacyInt, legacyText, legacyTimestamp, pairKey, quietTimestamp } from './legacy-values';

/** A ranking_snapshot row: one user in one run. */
export interface SnapshotRecord {
  readonly runId: number;
  readonly userId: number;
  readonly score: number;
  readonly globalRank: number;
  readonly countryCode: string | null;
  readonly countryRank: number | null;
}

const snapshotKey = (s: SnapshotRecord) => pairKey(s.runId, s.userId, 2 ** 32) ?? `${s.runId}|${s.userId}`;
const snapshotValues = (s: SnapshotRecord) => [
  s.runId,
  s.userId,
  s.score,
  s.globalRank,
  s.countryCode,
  s.countryRank,
];

/**
 * UserRankings (the current ranks) -> ranking_snapshot rows of one imported run, the legacy
 * country name mapped to its ISO code. followers, public_repos and the totals have no column:
 * the service reads them from the user and activity rows.
 */
export const userRankingsMapper: TableMapper<SnapshotRecord> = {
  table: 'UserRankings',
  columns: ['id', 'user_id', 'country', 'score', 'global_rank', 'country_rank', 'last_calculated_at'],
  map: childRows((row, userId, issues, context) => {
    const runId = context.runs.current;
    if (runId === null) return null;
    if (quietTimestamp(row.last_calculated_at) === null) {
      issues.repaired(
        'zero-date',
        `last_calculated_at "${String(row.last_calculated_at)}" is no date; the imported run carries the latest valid one`,
      );
    }
    const countryName = legacyText(row.country, 'country', issues);
    const countryCode = context.locations.countryFromLegacyName(countryName);
    if (countryName !== null && countryName.trim() !== '' && countryCode === null) {
      issues.repaired(
        'unknown-country',
        `country "${countryName}" names no single country; stored without a country`,
      );
    }
    const record = ranked(row, issues, runId, userId, countryCode);
    if (record) context.countries.set(userId, countryCode);
    return record;
  }),
  key: snapshotKey,
  values: snapshotValues,
};

/**
 * RankingSnapshots (rank history) -> ranking_snapshot rows, one imported run per legacy
 * (job_id, ranking_calculated_at). The legacy snapshot holds no country: it takes the country of
 * the user's current ranking. followers, public_repos and job_id have no column.
 */
export const rankingSnapshotsMapper: TableMapper<SnapshotRecord> = {
  table: 'RankingSnapshots',
  columns: [
    'id',
    'user_id',
    'score',
    'global_rank',
    'country_rank',
    'ranking_calculated_at',
    'job_id',
    'recorded_at',
  ],
  map: childRows((row, userId, issues, context) => {
    const calculatedAt = legacyTimestamp(row.ranking_calculated_at, 'ranking_calculated_at', issues);
    legacyTimestamp(row.recorded_at, 'recorded_at', issues);
    const runId = context.runs.byKey.get(snapshotRunKey(row.job_id, calculatedAt));
    if (runId === undefined)
      throw new Error(`no imported run for RankingSnapshots#${row.id}: the run plan is stale`);
    return ranked(row, issues, runId, userId, context.countries.get(userId) ?? null);
  }),
  key: snapshotKey,
  values: snapshotValues,
};

function ranked(
  row: LegacyRow,
  issues: RowIssues,
  runId: number,
  userId: number,
  countryCode: string | null,
): SnapshotRecord | null {
  const score = legacyInt(row.score, null);
  const globalRank = legacyInt(row.global_rank, null);
  if (score === null || globalRank === null) {
    issues.skipped(
      'missing-rank',
      `${score === null ? 'score' : 'global_rank'} is null: the user was not ranked`,
    );
    return null;
  }
  let countryRank = legacyInt(row.country_rank, null);
  if (countryRank !== null && countryCode === null) {
    issues.repaired('unknown-country', `country_rank ${countryRank} without a known country; stored as null`);
    countryRank = null;
  }
  return { runId, userId, score, globalRank, countryCode, countryRank };
}
