import { childRows, type TableMapper } from './legacy-mapper';
import { ACTIVITY_COLUMNS } from './legacy-target.writer';
import { dayNumber, legacyDay, legacyInt, pairKey } from './legacy-values';

export interface ActivityRecord {
  readonly userId: number;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly commits: number;
  readonly pullRequests: number;
  readonly issuesOpened: number;
}

/** Activities -> daily_activity, keyed (user, date); `reviews` is not in the legacy data (0, or what a harvest wrote). */

export const activitiesMapper: TableMapper<ActivityRecord> = {
  table: 'Activities',
  columns: ['id', 'user_id', 'date', 'commits', 'pull_requests', 'issues_opened'],
  map: childRows((row, userId, issues) => {
    const before = issues.issues.length;
    const date = legacyDay(row.date, 'date', issues);
    if (date === null) {
      // The day is the row's key: a row without one cannot be placed.
      const removed = issues.issues.splice(before);
      const reason =
        removed.map((i) => i.detail.replace('; stored as null', '')).join('; ') || 'date is null';
      issues.skipped(removed[0]?.kind ?? 'zero-date', `${reason}; the day is the row's key, row skipped`);
      return null;
    }
    return {
      userId,
      date,
      commits: legacyInt(row.commits, 0),
      pullRequests: legacyInt(row.pull_requests, 0),
      issuesOpened: legacyInt(row.issues_opened, 0),
    };
  }),
  key: (a) => pairKey(a.userId, dayNumber(a.date), 2 ** 23) ?? `${a.userId}|${a.date}`,
  values: (record) => ACTIVITY_COLUMNS.map(([, , value]) => value(record)),
};
