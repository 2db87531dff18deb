import type { EntityManager } from '@mikro-orm/postgresql';
import type { RankingsConfig } from '../../config/config';
import type { Cache } from '../../platform/cache/cache';
import { cachedLoader, type Loaders } from '../../core/loaders';
import { PROVISIONAL_RANKING_SQL, provisionalRankingParams } from './provisional-ranking.sql';
import {
  type CurrentRuns,
  memo,
  num,
  numOrNull,
  pgArray,
  RUN_CACHE_TTL_MS,
  type RankingsQueryService,
} from './rankings-query.service';

export interface UserRankingRow {
  readonly userId: number;
  readonly score: number;
  readonly globalRank: number;
  readonly countryCode: string | null;
  readonly countryRank: number | null;
  /** Ranked developers of the country (a provisional one counted in); null without a country. */
  readonly countryTotal: number | null;
  readonly previousGlobalRank: number | null;
  /** Commits and contributions of the commit window the score counted; null for runs before they were kept. */
  readonly commits: number | null;
  readonly contributions: number | null;
  /** When the rank was computed (ISO 8601): the run's end, or the provisional placement's time. */
  readonly computedAt: string;
  /** Placed among the current run's scores after it, not ranked by it (harvested since). */
  readonly provisional: boolean;
}

/** Whom a ranking is asked for: the harvest time keys the provisional ranks in the shared cache. */
export interface RankedUserKey {
  readonly userId: number;
  readonly harvestedAt: Date | string | null;
}

export type ProvisionalSettings = Pick<RankingsConfig, 'minFollowers' | 'commitWindowDays'>;

/**
 * A developer's current ranking: the current run's row, else a provisional placement among the
 * run's scores (provisional-ranking.sql.ts) when the developer now meets the follower floor. Per
 * request one batch: one query for the run's rows and, only when some developers are missing from
 * the run, one more for all of their provisional ranks. Cached in the shared cache under the run
 * id and the developer's harvest time, so a completed harvest or a new run changes the key.
 */
export class UserRankingQueries {
  constructor(
    private readonly cache: Cache,
    private readonly runs: Pick<RankingsQueryService, 'currentRunsOnce'>,
    private readonly settings: ProvisionalSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async userRanking(
    em: EntityManager,
    loaders: Loaders,
    user: RankedUserKey,
  ): Promise<UserRankingRow | null> {
    const runs = await this.runs.currentRunsOnce(loaders);
    if (!runs) return null;
    const loader = memo(loaders.rankings.userRankings, runs.id, () =>
      cachedLoader<RankedUserKey, UserRankingRow | null>({
        cache: this.cache,
        ttlMs: RUN_CACHE_TTL_MS,
        cacheKey: (k) => {
          const harvested = k.harvestedAt ? new Date(k.harvestedAt).getTime() : 'never';
          return `rankings:v2:user:${runs.id}:${k.userId}:${harvested}`;
        },
        group: () => 'all',
        load: (keys) => this.load(em, runs, keys),
      }),
    );
    return loader.load(user);
  }

  private async load(
    em: EntityManager,
    runs: CurrentRuns,
    keys: readonly RankedUserKey[],
  ): Promise<(UserRankingRow | null)[]> {
    const ids = [...new Set(keys.map((k) => k.userId))];
    const rows = await em.execute<Record<string, unknown>[]>(
      `select s.user_id, s.score, s.global_rank, s.country_code, s.country_rank, c.ranked_users as country_total,
         p.global_rank as previous_global_rank, s.commits, s.contributions
       from ranking_snapshot s
       left join ranking_country c on c.run_id = s.run_id and c.country_code = s.country_code
       left join ranking_snapshot p on p.run_id = ? and p.user_id = s.user_id
       where s.run_id = ? and s.user_id = any(?::bigint[])`,
      [runs.previousId ?? 0, runs.id, pgArray(ids)],
    );
    const byId = new Map(rows.map((r) => [num(r.user_id), toRow(r, runs.finishedAt, false)]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const computedAt = this.now().toISOString();
      const provisional = await em.execute<Record<string, unknown>[]>(
        PROVISIONAL_RANKING_SQL,
        provisionalRankingParams(pgArray(missing), this.settings, runs),
      );
      for (const r of provisional) byId.set(num(r.user_id), toRow(r, computedAt, true));
    }
    return keys.map((k) => byId.get(k.userId) ?? null);
  }
}

function toRow(r: Record<string, unknown>, computedAt: string, provisional: boolean): UserRankingRow {
  return {
    userId: num(r.user_id),
    score: num(r.score),
    globalRank: num(r.global_rank),
    countryCode: (r.country_code as string | null) ?? null,
    countryRank: numOrNull(r.country_rank),
    countryTotal: numOrNull(r.country_total),
    previousGlobalRank: provisional ? null : numOrNull(r.previous_global_rank),
    commits: numOrNull(r.commits),
    contributions: numOrNull(r.contributions),
    computedAt,
    provisional,
  };
}
