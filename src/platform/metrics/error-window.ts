/** One code's count in one minute. */
interface MinuteBucket {
  readonly minute: number;
  readonly counts: Map<string, { count: number; lastSeenAt: number }>;
}

export interface ErrorCodeCount {
  readonly code: string;
  readonly count: number;
  readonly lastSeenAt: Date;
}

/** The longest window `recent` answers (and how long buckets are kept). */
export const ERROR_WINDOW_MINUTES = 60;
/** Distinct codes kept per minute; more collapse into OTHER (codes are a fixed list, so this never binds in practice). */
const MAX_CODES_PER_MINUTE = 64;

/**
 * Errors answered to clients by code over the last hour, in per-minute buckets: at most 60
 * buckets of at most 64 codes, whatever the traffic. Fed where `insights_errors_total` is counted
 * (AppMetrics.countError), read by the operator console (`operations { recentErrors }`). Per process.
 */
export class ErrorWindow {
  private readonly buckets: MinuteBucket[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  record(code: string): void {
    const at = this.now();
    const minute = Math.floor(at / 60_000);
    let bucket = this.buckets.at(-1);
    if (!bucket || bucket.minute !== minute) {
      bucket = { minute, counts: new Map() };
      this.buckets.push(bucket);
      this.trim(minute);
    }
    const key = bucket.counts.has(code) || bucket.counts.size < MAX_CODES_PER_MINUTE ? code : 'OTHER';
    const entry = bucket.counts.get(key) ?? { count: 0, lastSeenAt: at };
    entry.count++;
    entry.lastSeenAt = at;
    bucket.counts.set(key, entry);
  }

  /** Counts by code over the last `minutes` (the current minute included), most first. */
  recent(minutes: number): ErrorCodeCount[] {
    const current = Math.floor(this.now() / 60_000);
    this.trim(current);
    const since = current - Math.min(Math.max(1, minutes), ERROR_WINDOW_MINUTES) + 1;
    const totals = new Map<string, { count: number; lastSeenAt: number }>();
    for (const bucket of this.buckets) {
      if (bucket.minute < since) continue;
      for (const [code, entry] of bucket.counts) {
        const total = totals.get(code) ?? { count: 0, lastSeenAt: 0 };
        total.count += entry.count;
        total.lastSeenAt = Math.max(total.lastSeenAt, entry.lastSeenAt);
        totals.set(code, total);
      }
    }
    return [...totals]
      .map(([code, t]) => ({ code, count: t.count, lastSeenAt: new Date(t.lastSeenAt) }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  }

  /** Drops buckets older than the window. */
  private trim(currentMinute: number): void {
    while (this.buckets.length > 0 && this.buckets[0]!.minute <= currentMinute - ERROR_WINDOW_MINUTES)
      this.buckets.shift();
  }
}
