/**
 * Pure calendar arithmetic for activity: UTC calendar days as `YYYY-MM-DD` strings, buckets by
 * day, ISO week (Monday first) or calendar month, streaks and averages. No I/O.
 */

export type Granularity = 'DAY' | 'WEEK' | 'MONTH';

export interface Counts {
  commits: number;
  pullRequests: number;
  issuesOpened: number;
  reviews: number;
  contributions: number;
}

export interface DayCounts extends Omit<Counts, 'contributions'> {
  readonly date: string;
}

export interface Bucket extends Counts {
  readonly start: string;
  readonly end: string;
}

export interface Streak {
  readonly length: number;
  readonly start: string | null;
  readonly end: string | null;
}

export interface ActivitySummary {
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly days: number;
  readonly activeDays: number;
  readonly totals: Counts;
  readonly dailyAverages: Counts;
  /** Sums divided by the active days (0 without any). */
  readonly activeDayAverages: Counts;
  /** The last active day of the range; null without any. */
  readonly lastActiveDay: string | null;
  readonly buckets: Bucket[];
  readonly currentStreak: Streak;
  readonly longestStreak: Streak;
}

export const DAY_MS = 86_400_000;

/** The UTC calendar day (`YYYY-MM-DD`) of a moment: a Date, epoch ms or an ISO timestamp. */
export function toDay(moment: Date | number | string): string {
  return new Date(moment).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** First day of the bucket holding `day`. */
export function bucketStart(day: string, granularity: Granularity): string {
  if (granularity === 'DAY') return day;
  if (granularity === 'MONTH') return `${day.slice(0, 8)}01`;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

function nextBucketStart(start: string, granularity: Granularity): string {
  if (granularity === 'DAY') return addDays(start, 1);
  if (granularity === 'WEEK') return addDays(start, 7);
  const date = new Date(`${start}T00:00:00Z`);
  return toDay(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)));
}

const zero = (): Counts => ({ commits: 0, pullRequests: 0, issuesOpened: 0, reviews: 0, contributions: 0 });

function add(into: Counts, day: DayCounts): void {
  into.commits += day.commits;
  into.pullRequests += day.pullRequests;
  into.issuesOpened += day.issuesOpened;
  into.reviews += day.reviews;
  into.contributions += contributions(day);
}

export function contributions(day: Omit<DayCounts, 'date'>): number {
  return day.commits + day.pullRequests + day.issuesOpened + day.reviews;
}

/** Summarizes the days in [from, to] (inclusive; days outside are ignored, missing days count 0). */
export function summarize(
  rows: readonly DayCounts[],
  from: string,
  to: string,
  granularity: Granularity,
): ActivitySummary {
  const inRange = rows.filter((r) => r.date >= from && r.date <= to && contributions(r) > 0);
  const active = new Set(inRange.map((r) => r.date));
  const days = daysBetween(from, to) + 1;
  const totals = zero();
  const buckets: Bucket[] = [];
  const byStart = new Map<string, Bucket>();
  for (let start = from; start <= to; start = nextBucketStart(bucketStart(start, granularity), granularity)) {
    const end = addDays(nextBucketStart(bucketStart(start, granularity), granularity), -1);
    const bucket: Bucket = { start, end: end < to ? end : to, ...zero() };
    buckets.push(bucket);
    byStart.set(bucketStart(start, granularity), bucket);
  }
  for (const row of inRange) {
    add(totals, row);
    add(byStart.get(bucketStart(row.date, granularity))!, row);
  }
  const perDay = (divisor: number): Counts => ({
    commits: divisor ? totals.commits / divisor : 0,
    pullRequests: divisor ? totals.pullRequests / divisor : 0,
    issuesOpened: divisor ? totals.issuesOpened / divisor : 0,
    reviews: divisor ? totals.reviews / divisor : 0,
    contributions: divisor ? totals.contributions / divisor : 0,
  });
  const sortedActive = [...active].sort();
  return {
    from,
    to,
    granularity,
    days,
    activeDays: active.size,
    totals,
    dailyAverages: perDay(days),
    activeDayAverages: perDay(active.size),
    lastActiveDay: sortedActive.at(-1) ?? null,
    buckets,
    currentStreak: currentStreak(active, from, to),
    longestStreak: longestStreak(sortedActive),
  };
}

/** Consecutive active days ending on `to`, or on the day before when `to` has none yet. */
export function currentStreak(active: ReadonlySet<string>, from: string, to: string): Streak {
  let end = active.has(to) ? to : addDays(to, -1);
  if (!active.has(end) || end < from) return { length: 0, start: null, end: null };
  let start = end;
  while (addDays(start, -1) >= from && active.has(addDays(start, -1))) start = addDays(start, -1);
  end = end > to ? to : end;
  return { length: daysBetween(start, end) + 1, start, end };
}

/** The longest run of consecutive active days (the earliest when tied). */
export function longestStreak(sortedActive: readonly string[]): Streak {
  let best: Streak = { length: 0, start: null, end: null };
  let runStart: string | null = null;
  let previous: string | null = null;
  for (const day of sortedActive) {
    if (previous === null || addDays(previous, 1) !== day) runStart = day;
    const length = daysBetween(runStart!, day) + 1;
    if (length > best.length) best = { length, start: runStart, end: day };
    previous = day;
  }
  return best;
}
