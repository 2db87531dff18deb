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
  /** Built when first read (a getter). */
  readonly buckets: readonly Bucket[];
  readonly currentStreak: Streak;
  readonly longestStreak: Streak;
}

export const DAY_MS = 86_400_000;

/** The UTC calendar day (`YYYY-MM-DD`) of a moment: a Date, epoch ms or an ISO timestamp. */
export function toDay(moment: Date | number | string): string {
  return new Date(moment).toISOString().slice(0, 10);
}

/** The first whole UTC day after an ISO timestamp (its own day is counted only in part). */
export function dayAfter(timestamp: string): string {
  return toDay(Date.parse(timestamp) + DAY_MS);
}

/*
 * Days as numbers (days since 1970-01-01) for the arithmetic: a year of daily buckets made through
 * Date objects and ISO strings was a quarter of the CPU of a profile read that misses the caches
 * (docs/performance.md). Conversions are Howard Hinnant's civil-calendar algorithms (proleptic
 * Gregorian, as `Date` is), for years 0 to 9999.
 */

/** The day number of a `YYYY-MM-DD` day; a RangeError for anything else, as `Date` would give. */
export function dayNumber(day: string): number {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const date = Number(day.slice(8, 10));
  if (day.length !== 10 || !(month >= 1 && month <= 12 && date >= 1 && date <= 31) || Number.isNaN(year)) {
    throw new RangeError(`Invalid day: ${day}`);
  }
  return fromCivil(year, month, date);
}

/** The day number of a year, month (1-12) and day of month. */
function fromCivil(year: number, month: number, date: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + date - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Year, month (1-12) and day of month of a day number. */
function civil(n: number): { year: number; month: number; date: number } {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, date };
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The `YYYY-MM-DD` of a day number. */
export function dayString(n: number): string {
  const { year, month, date } = civil(n);
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(date)}`;
}

export function addDays(day: string, days: number): string {
  return dayString(dayNumber(day) + days);
}

export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** First day (number) of the bucket holding day `n`: itself, its ISO week's Monday, or the 1st of its month. */
function bucketStartNumber(n: number, granularity: Granularity): number {
  if (granularity === 'DAY') return n;
  if (granularity === 'WEEK') return n - ((((n + 3) % 7) + 7) % 7); // day 0 was a Thursday
  return n - civil(n).date + 1;
}

function nextBucketStartNumber(start: number, granularity: Granularity): number {
  if (granularity === 'DAY') return start + 1;
  if (granularity === 'WEEK') return start + 7;
  const { year, month } = civil(start);
  return month === 12 ? fromCivil(year + 1, 1, 1) : fromCivil(year, month + 1, 1);
}

/** First day of the bucket holding `day`. */
export function bucketStart(day: string, granularity: Granularity): string {
  return dayString(bucketStartNumber(dayNumber(day), granularity));
}

const zero = (): Counts => ({ commits: 0, pullRequests: 0, issuesOpened: 0, reviews: 0, contributions: 0 });

export function contributions(day: Omit<DayCounts, 'date'>): number {
  return day.commits + day.pullRequests + day.issuesOpened + day.reviews;
}

/**
 * The active days of a developer, packed for the shared cache: `[day number, commits, pull requests,
 * issues opened, reviews]` for each day with a contribution, oldest first, one entry per day. A year
 * of it is a few KB of JSON, where a summary with its daily buckets was about 36 KB (written to and
 * parsed from Valkey on every miss, although a profile reads only totals and streaks).
 */
export type PackedDays = readonly number[];

/** Numbers per day in `PackedDays`. */
const PACKED_FIELDS = 5;

/** Packs day rows (any order; days without a contribution dropped, a day given twice summed). */
function packDays(rows: readonly DayCounts[]): number[] {
  const byDay = new Map<number, number[]>();
  for (const row of rows) {
    if (contributions(row) <= 0) continue;
    const n = dayNumber(row.date);
    const counts = byDay.get(n);
    if (!counts) byDay.set(n, [n, row.commits, row.pullRequests, row.issuesOpened, row.reviews]);
    else {
      counts[1]! += row.commits;
      counts[2]! += row.pullRequests;
      counts[3]! += row.issuesOpened;
      counts[4]! += row.reviews;
    }
  }
  return [...byDay.keys()].sort((a, b) => a - b).flatMap((n) => byDay.get(n)!);
}

/** Adds the day at `i` of `packed` to `into`. */
function addPacked(into: Counts, packed: PackedDays, i: number): void {
  const commits = packed[i + 1]!;
  const pullRequests = packed[i + 2]!;
  const issuesOpened = packed[i + 3]!;
  const reviews = packed[i + 4]!;
  into.commits += commits;
  into.pullRequests += pullRequests;
  into.issuesOpened += issuesOpened;
  into.reviews += reviews;
  into.contributions += commits + pullRequests + issuesOpened + reviews;
}

/** Summarizes the days in [from, to] (inclusive; days outside are ignored, missing days count 0). */
export function summarize(
  rows: readonly DayCounts[],
  from: string,
  to: string,
  granularity: Granularity,
): ActivitySummary {
  return summarizePacked(packDays(rows), from, to, granularity);
}

/**
 * `summarize` over packed days (as `packDays` gives them). Totals and streaks walk the active days
 * only; the buckets (a year of days: 365 objects) are built when something reads them.
 */
export function summarizePacked(
  packed: PackedDays,
  from: string,
  to: string,
  granularity: Granularity,
): ActivitySummary {
  const first = dayNumber(from);
  const last = dayNumber(to);
  const days = last - first + 1;
  const totals = zero();
  /** Offsets into `packed` of the active days in the range, oldest first. */
  const inRange: number[] = [];
  for (let i = 0; i < packed.length; i += PACKED_FIELDS) {
    const n = packed[i]!;
    if (n < first || n > last) continue;
    inRange.push(i);
    addPacked(totals, packed, i);
  }
  const activeDays = inRange.map((i) => packed[i]!);
  const perDay = (divisor: number): Counts => ({
    commits: divisor ? totals.commits / divisor : 0,
    pullRequests: divisor ? totals.pullRequests / divisor : 0,
    issuesOpened: divisor ? totals.issuesOpened / divisor : 0,
    reviews: divisor ? totals.reviews / divisor : 0,
    contributions: divisor ? totals.contributions / divisor : 0,
  });
  const lastActive = activeDays.at(-1);
  let buckets: Bucket[] | undefined;
  return {
    from,
    to,
    granularity,
    days,
    activeDays: activeDays.length,
    totals,
    dailyAverages: perDay(days),
    activeDayAverages: perDay(activeDays.length),
    lastActiveDay: lastActive === undefined ? null : dayString(lastActive),
    get buckets() {
      return (buckets ??= bucketsOf(packed, inRange, first, last, granularity));
    },
    currentStreak: currentRun(activeDays, last),
    longestStreak: longestRun(activeDays),
  };
}

/** One bucket per day, week or month of [first, last], zeros included, with the active days added. */
function bucketsOf(
  packed: PackedDays,
  inRange: readonly number[],
  first: number,
  last: number,
  granularity: Granularity,
): Bucket[] {
  const buckets: Bucket[] = [];
  let next = 0; // the next active day (index into `inRange`) to add
  for (let start = first; start <= last;) {
    const end = Math.min(nextBucketStartNumber(bucketStartNumber(start, granularity), granularity) - 1, last);
    const bucket: Bucket = { start: dayString(start), end: dayString(end), ...zero() };
    for (; next < inRange.length && packed[inRange[next]!]! <= end; next++)
      addPacked(bucket, packed, inRange[next]!);
    buckets.push(bucket);
    start = end + 1;
  }
  return buckets;
}

const noStreak = (): Streak => ({ length: 0, start: null, end: null });

/**
 * Consecutive active days ending on `to`, or on the day before when `to` has none yet. The active
 * days are the range's, ascending, so the run is read off the end of the list.
 */
function currentRun(sortedActive: readonly number[], to: number): Streak {
  let i = sortedActive.length - 1;
  const end = sortedActive[i];
  if (end === undefined || end < to - 1) return noStreak();
  while (i > 0 && sortedActive[i - 1] === sortedActive[i]! - 1) i--;
  const start = sortedActive[i]!;
  return { length: end - start + 1, start: dayString(start), end: dayString(end) };
}

/** The longest run of consecutive active days (the earliest when tied). */
function longestRun(sortedActive: readonly number[]): Streak {
  let best = { length: 0, start: 0, end: 0 };
  let runStart = 0;
  let previous: number | undefined;
  for (const day of sortedActive) {
    if (previous === undefined || previous + 1 !== day) runStart = day;
    const length = day - runStart + 1;
    if (length > best.length) best = { length, start: runStart, end: day };
    previous = day;
  }
  return best.length === 0
    ? noStreak()
    : { length: best.length, start: dayString(best.start), end: dayString(best.end) };
}
