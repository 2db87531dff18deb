/** The legacy tables, in import order: users first (every other table points at them). */
export const LEGACY_TABLES = [
  'Users',
  'Repositories',
  'Activities',
  'UserRankings',
  'RankingSnapshots',
] as const;
export type LegacyTable = (typeof LEGACY_TABLES)[number];

/** A legacy row as mysql2 returns it with the reader's type casts (dates as text, JSON as text). */
export type LegacyRow = Record<string, unknown> & { id: number };

/**
 * What happened to one legacy row that did not go across unchanged. `skipped` rows are not in the
 * target; `repaired` rows are, with the value described in `detail`.
 */
export interface ImportIssue {
  readonly table: LegacyTable;
  readonly legacyId: number;
  readonly kind: IssueKind;
  readonly outcome: 'skipped' | 'repaired';
  readonly detail: string;
}

export type IssueKind =
  | 'merged-duplicate-login'
  | 'merged-duplicate-row'
  | 'orphan'
  | 'invalid-json'
  | 'reshaped-json'
  | 'zero-date'
  | 'invalid-date'
  | 'nul-character'
  | 'unknown-country'
  | 'missing-rank'
  | 'duplicate-key';

/** Per-table tallies, kept in the checkpoint so a resumed import reports the whole import. */
export interface TableCounters {
  read: number;
  /** Rows mapped and sent to the target (in a dry run: that would be sent). */
  mapped: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  repaired: number;
}

export function emptyCounters(): TableCounters {
  return { read: 0, mapped: 0, inserted: 0, updated: 0, unchanged: 0, skipped: 0, repaired: 0 };
}

/** Adds `delta` into `into` (and returns it). */
export function addCounters(into: TableCounters, delta: TableCounters): TableCounters {
  for (const key of Object.keys(delta) as (keyof TableCounters)[]) into[key] += delta[key];
  return into;
}

/** Collects the issues of one row while a mapper works on it (one instance serves a batch's rows in turn). */
export class RowIssues {
  readonly issues: ImportIssue[] = [];
  constructor(
    readonly table: LegacyTable,
    public legacyId: number,
  ) {}

  /** Starts over for the next row. */
  reset(legacyId: number): void {
    this.legacyId = legacyId;
    if (this.issues.length > 0) this.issues.length = 0;
  }

  repaired(kind: IssueKind, detail: string): void {
    this.issues.push({ table: this.table, legacyId: this.legacyId, kind, outcome: 'repaired', detail });
  }

  skipped(kind: IssueKind, detail: string): void {
    this.issues.push({ table: this.table, legacyId: this.legacyId, kind, outcome: 'skipped', detail });
  }
}
