import type { EntityManager } from '@mikro-orm/postgresql';
import type { Cache } from '../../platform/cache/cache';
import { addDays, toDay } from '../activity/activity-calendar';
import type DataLoader from 'dataloader';
import { insightsLoader, type DeveloperVersion, type Loaders } from '../../core/loaders';
import type { ReportRankingSource } from './report-ranking-source';
import {
  ACHIEVEMENT_RULES,
  evaluate,
  REPORT_PERIOD_DAYS,
  type ReportMetrics,
  TROPHY_RULES,
} from './report-rules';
import { Achievement, Report, Trophy, TrophyTier } from './report.types';

const TIERS = [null, TrophyTier.BRONZE, TrophyTier.SILVER, TrophyTier.GOLD] as const;

export interface ReportSubject extends DeveloperVersion {
  readonly followers: number;
  readonly publicRepos: number;
  readonly countryCode: string | null;
}

export interface ReportKey extends ReportSubject {
  readonly periodEnd: string;
}

export type BadgeReport = Omit<
  Report,
  'score' | 'globalRank' | 'countryRank' | 'percentileInCountry' | 'provisional'
>;

export type ReportLoader = DataLoader<ReportKey, BadgeReport, string>;

/** The badges of one developer from their metrics (pure). */
export function badgeReport(metrics: ReportMetrics, periodEnd: string): BadgeReport {
  return {
    periodStart: addDays(periodEnd, -(REPORT_PERIOD_DAYS - 1)),
    periodEnd,
    trophies: TROPHY_RULES.map((rule) => {
      const { value, level, nextThreshold } = evaluate(rule, metrics);
      const { id: kind, name, description } = rule;
      return Object.assign(new Trophy(), {
        kind,
        name,
        description,
        value,
        tier: TIERS[level],
        nextThreshold,
      });
    }),
    achievements: ACHIEVEMENT_RULES.map((rule) => {
      const { value, level, nextThreshold } = evaluate(rule, metrics);
      const { id: kind, name, description } = rule;
      return Object.assign(new Achievement(), { kind, name, description, value, level, nextThreshold });
    }),
  };
}

/**
 * `User.report`: badges from two grouped queries for every developer of a request (activity
 * sums over each one's report period; repository sums and distinct topics), cached per developer
 * and harvest; score and ranks from the rankings source (not cached: they change with rankings).
 */
export class ReportService {
  constructor(
    private readonly cache: Cache,
    private readonly rankings: ReportRankingSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The request's `reports` loader (core/loaders.ts). */
  createLoader(em: EntityManager): ReportLoader {
    return insightsLoader<ReportKey, BadgeReport>(this.cache, 'report', {
      args: (k) => [k.periodEnd, k.followers, k.publicRepos],
      load: (keys) => this.load(em, keys),
    });
  }

  async report(em: EntityManager, loaders: Loaders, user: ReportSubject): Promise<Report> {
    const periodEnd = toDay(user.harvestedAt ?? this.now());
    const [badges, ranking] = await Promise.all([
      loaders.reports.load({ ...pick(user), periodEnd }),
      this.rankings.rankingOf(em, loaders, user),
    ]);
    return Object.assign(new Report(), {
      ...badges,
      score: ranking?.score ?? null,
      globalRank: ranking?.globalRank ?? null,
      countryRank: ranking?.countryRank ?? null,
      percentileInCountry: ranking?.percentileInCountry ?? null,
      provisional: ranking?.provisional ?? false,
    });
  }

  /** The badges of one developer as stored now (not cached: for events that compare them). */
  async badgesOf(em: EntityManager, subject: ReportSubject): Promise<BadgeReport> {
    const periodEnd = toDay(subject.harvestedAt ?? this.now());
    const [badges] = await this.load(em, [{ ...pick(subject), periodEnd }]);
    return badges!;
  }

  private async load(em: EntityManager, keys: readonly ReportKey[]): Promise<BadgeReport[]> {
    const ids = keys.map((k) => k.userId);
    const [activity, repositories] = await Promise.all([
      em.execute<Record<string, string>[]>(
        `select p.user_id, coalesce(sum(d.commits), 0) as commits,
           coalesce(sum(d.pull_requests), 0) as pull_requests, coalesce(sum(d.issues_opened), 0) as issues_opened
         from unnest(array[?]::bigint[], array[?]::date[]) as p(user_id, period_end)
         left join daily_activity d on d.user_id = p.user_id
           and d.date between p.period_end - ${REPORT_PERIOD_DAYS - 1} and p.period_end
         group by p.user_id`,
        [ids, keys.map((k) => k.periodEnd)],
      ),
      em.execute<Record<string, string>[]>(
        `select r.owner_id, sum(r.stargazer_count) as stars, sum(r.fork_count) as forks,
           (select count(distinct t.topic) from repository r2
              cross join lateral jsonb_array_elements_text(r2.topics) as t(topic)
            where r2.owner_id = r.owner_id) as topics
         from repository r where r.owner_id in (?) group by r.owner_id`,
        [ids],
      ),
    ]);
    const activityOf = new Map(activity.map((row) => [Number(row.user_id), row]));
    const repositoriesOf = new Map(repositories.map((row) => [Number(row.owner_id), row]));
    return keys.map((key) => {
      const a = activityOf.get(key.userId);
      const r = repositoriesOf.get(key.userId);
      const metrics: ReportMetrics = {
        followers: key.followers,
        publicRepositories: key.publicRepos,
        commits: Number(a?.commits ?? 0),
        pullRequests: Number(a?.pull_requests ?? 0),
        issuesOpened: Number(a?.issues_opened ?? 0),
        stars: Number(r?.stars ?? 0),
        forks: Number(r?.forks ?? 0),
        topics: Number(r?.topics ?? 0),
      };
      return badgeReport(metrics, key.periodEnd);
    });
  }
}

function pick(user: ReportSubject): ReportSubject {
  const { userId, harvestedAt, followers, publicRepos, countryCode } = user;
  return { userId, harvestedAt, followers, publicRepos, countryCode };
}
