import type { CountryCode, LocationMatch } from '../../modules/location';
import type { LegacyRow, LegacyTable, RowIssues } from './legacy-import.types';
import type { MergePlan } from './legacy-merge-plan';
import type { RunIds } from './legacy-run-plan';

/** What the mappers look things up in. Filled table by table as the import goes. */
export interface MapContext {
  /** Legacy user id -> target user id (merged duplicates point at the surviving user). */
  readonly users: Map<number, number>;
  readonly merges: MergePlan;
  readonly runs: RunIds;
  /** Target user id -> ISO country code of the user's current legacy ranking. */
  readonly countries: Map<number, string | null>;
  readonly locations: Locations;
}

/** What the mappers ask the location resolver (the resolver itself, or one in a worker thread). */
export interface Locations {
  resolveLocation(text: string | null | undefined): LocationMatch | null;
  countryFromLegacyName(name: string | null | undefined): CountryCode | null;
  /** Resolves a batch's texts ahead, where the answers come from elsewhere (a worker). */
  prepare?(texts: readonly (string | null)[]): Promise<void>;
}

/**
 * How one legacy table becomes rows of the target: the columns to read, the mapping of one row
 * (null when the row is skipped; the reason is in `issues`), and the row's values for checksums.
 */
export interface TableMapper<T> {
  readonly table: LegacyTable;
  readonly columns: readonly string[];
  map(row: LegacyRow, issues: RowIssues, context: MapContext): T | null;
  /** Work ahead of mapping a batch that may wait (resolving its locations). */
  prepare?(rows: readonly LegacyRow[], context: MapContext): Promise<void>;
  /** The target key of a mapped row: two rows of one batch with the same key would collide. */
  key(record: T): string | number;
  /** The mapped values, in a fixed order, as the verifier compares them with the target. */
  values(record: T): readonly unknown[];
}

/**
 * The `map` of a table whose rows belong to a user: orphans and merged duplicates are skipped
 * (and reported) by `ownerOf`; the rest are mapped with their target user id.
 */
export function childRows<T>(
  map: (row: LegacyRow, userId: number, issues: RowIssues, context: MapContext) => T | null,
): TableMapper<T>['map'] {
  return (row, issues, context) => {
    const userId = ownerOf(row, issues, context);
    return userId === null ? null : map(row, userId, issues, context);
  };
}

/** The target user of a child row, or null (with a report line) when the row is an orphan or a merged duplicate. */
export function ownerOf(row: LegacyRow, issues: RowIssues, context: MapContext): number | null {
  const legacyUserId = Number(row.user_id);
  const duplicateOf = context.merges.collisions.get(issues.table)?.get(row.id);
  if (duplicateOf !== undefined) {
    issues.skipped(
      'merged-duplicate-row',
      `user ${legacyUserId} was merged into user ${context.merges.losers.get(legacyUserId)?.winnerId ?? '?'}, which already has this row (from user ${duplicateOf})`,
    );
    return null;
  }
  const userId = context.users.get(legacyUserId);
  if (userId === undefined) {
    issues.skipped('orphan', `user ${legacyUserId} does not exist`);
    return null;
  }
  return userId;
}
