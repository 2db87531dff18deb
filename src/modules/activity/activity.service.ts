import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../core/errors';
import type { Cache } from '../../platform/cache/cache';
import type DataLoader from 'dataloader';
import { insightsLoader, type DeveloperVersion, type Loaders } from '../../core/loaders';
import {
  type ActivitySummary,
  addDays,
  type DayCounts,
  daysBetween,
  summarize,
  toDay,
} from './activity-calendar';
import type { ActivityGranularity } from './activity.types';

export type ActivityLoader = DataLoader<ActivityKey, ActivitySummary, string>;

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

/** One developer's activity over a range at a granularity: what one cache entry holds. */
export type ActivityKey = DeveloperVersion & DayRange & Pick<ActivityArgs, 'granularity'>;

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
 * over `daily_activity`; summaries are cached per developer, harvest, range and granularity.
 */
export class ActivityService {
  constructor(
    private readonly cache: Cache,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The request's `activity` loader (core/loaders.ts). */
  createLoader(em: EntityManager): ActivityLoader {
    return insightsLoader<ActivityKey, ActivitySummary>(this.cache, 'activity', {
      args: (k) => [k.from, k.to, k.granularity],
      group: (k) => `${k.from}:${k.to}`,
      load: (keys) => this.load(em, keys),
    });
  }

  activity(loaders: Loaders, user: DeveloperVersion, args: ActivityArgs): Promise<ActivitySummary> {
    const range = activityRange(args, this.now());
    return loaders.activity.load({
      userId: user.userId,
      harvestedAt: user.harvestedAt,
      ...range,
      granularity: args.granularity,
    });
  }

  private async load(em: EntityManager, keys: readonly ActivityKey[]): Promise<ActivitySummary[]> {
    const { from, to } = keys[0]!;
    const rows = await em.execute<Record<string, unknown>[]>(
      `select user_id, to_char(date, 'YYYY-MM-DD') as day, commits, pull_requests, issues_opened, reviews
       from daily_activity where user_id in (?) and date between ?::date and ?::date`,
      [[...new Set(keys.map((k) => k.userId))], from, to],
    );
    const byUser = new Map<number, DayCounts[]>();
    for (const row of rows) {
      const user = Number(row.user_id);
      let days = byUser.get(user);
      if (!days) byUser.set(user, (days = []));
      days.push({
        date: String(row.day),
        commits: Number(row.commits),
        pullRequests: Number(row.pull_requests),
        issuesOpened: Number(row.issues_opened),
        reviews: Number(row.reviews),
      });
    }
    return keys.map((k) => summarize(byUser.get(k.userId) ?? [], from, to, k.granularity));
  }
}
