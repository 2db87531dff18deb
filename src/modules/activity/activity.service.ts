import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../core/errors';
import type { Cache } from '../../platform/cache/cache';
import type DataLoader from 'dataloader';
import { insightsLoader, type DeveloperVersion, type Loaders } from '../../core/loaders';
import {
  type ActivitySummary,
  addDays,
  daysBetween,
  type PackedDays,
  summarizePacked,
  toDay,
} from './activity-calendar';
import type { ActivityGranularity } from './activity.types';

export type ActivityLoader = DataLoader<ActivityKey, PackedDays, string>;

/** Default range: the last 365 days, ending today (UTC). */
export const DEFAULT_ACTIVITY_DAYS = 365;
/** Longest range one request may ask for: three years. */
export const MAX_ACTIVITY_DAYS = 3 * 366;

export interface ActivityArgs {
  readonly from?: Date | null;
  readonly to?: Date | null;
  readonly granularity: ActivityGranularity;
}

/** A range of UTC days, both ends included (`YYYY-MM-DD`). */
export type DayRange = { readonly from: string; readonly to: string };

/** One developer's active days over a range: what one cache entry holds (any granularity). */
export type ActivityKey = DeveloperVersion & DayRange;

/** The range asked for, defaulted and bounded; anything else is BAD_USER_INPUT. */
export function activityRange(args: ActivityArgs, today: Date): DayRange {
  const to = args.to ? toDay(args.to) : toDay(today);
  const from = args.from ? toDay(args.from) : addDays(to, -(DEFAULT_ACTIVITY_DAYS - 1));
  if (from > to) throw new DomainError('BAD_USER_INPUT', 'from must not be after to', { argument: 'from' });
  if (daysBetween(from, to) + 1 > MAX_ACTIVITY_DAYS)
    throw new DomainError('BAD_USER_INPUT', `the range must span at most ${MAX_ACTIVITY_DAYS} days`, {
      argument: 'from',
    });
  return { from, to };
}

/**
 * `User.activity`: every developer of a request asking the same range is answered by one query
 * over `daily_activity`. The active days are cached packed (activity-calendar.ts), per developer,
 * harvest and range, and summarized per request (totals and streaks walk the active days only).
 */
export class ActivityService {
  constructor(
    private readonly cache: Cache,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The request's `activity` loader (core/loaders.ts). */
  createLoader(em: EntityManager): ActivityLoader {
    return insightsLoader<ActivityKey, PackedDays>(this.cache, 'activity-days', {
      args: (k) => [k.from, k.to],
      group: (k) => `${k.from}:${k.to}`,
      load: (keys) => this.load(em, keys),
    });
  }

  async activity(loaders: Loaders, user: DeveloperVersion, args: ActivityArgs): Promise<ActivitySummary> {
    const range = activityRange(args, this.now());
    const days = await loaders.activity.load({
      userId: user.userId,
      harvestedAt: user.harvestedAt,
      ...range,
    });
    return summarizePacked(days, range.from, range.to, args.granularity);
  }

  /** One statement for the developers asking one range: a packed text per developer, no row objects. */
  private async load(em: EntityManager, keys: readonly ActivityKey[]): Promise<PackedDays[]> {
    const { from, to } = keys[0]!;
    const rows = await em.execute<{ user_id: number | string; days: string }[]>(
      `select user_id, string_agg(concat_ws(',', date - date '1970-01-01', commits, pull_requests,
                issues_opened, reviews), ',' order by date) as days
       from daily_activity
       where user_id in (?) and date between ?::date and ?::date
         and commits + pull_requests + issues_opened + reviews > 0
       group by user_id`,
      [[...new Set(keys.map((k) => k.userId))], from, to],
    );
    const byUser = new Map(rows.map((row) => [Number(row.user_id), row.days.split(',').map(Number)]));
    return keys.map((k) => byUser.get(k.userId) ?? []);
  }
}
