import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { decodeTaggedCursor, encodeCursor, isCursorInt, pageSize } from '../../core/cursors';
import { cachedLoader, type Loaders } from '../../core/loaders';
import type { Cache } from '../../platform/cache/cache';
import { requireCountry, type CountryDirectory } from './country-directory';
import type { RankedUserKey, UserRankingRow } from './user-ranking.queries';

/** The current run and the one before it (for rankChange); cached until a run ends. */
export interface CurrentRuns {
  readonly id: number;
  readonly previousId: number | null;
  readonly rankedUsers: number;
  /** When the current run completed (ISO 8601): when its ranks were computed. */
  readonly finishedAt: string;
}

export interface RankingRow {
  readonly userId: number;
  readonly rank: number;
  readonly score: number;
  readonly previousRank: number | null;
}

export interface RankingPage {
  readonly rows: RankingRow[];
  readonly size: number;
  readonly totalCount: number;
  readonly hasPrevious: boolean;
  readonly cursorOf: (row: RankingRow) => string;
}

export interface HistoryRow {
  readonly runId: number;
  readonly recordedAt: string;
  readonly score: number;
  readonly globalRank: number;
  readonly countryRank: number | null;
}

/**
 * The rankings feature's per-request loaders (`Loaders.rankings`): the current runs once per
 * request, then one batch per run (and per history length) for every developer of the request.
 */
export interface RankingLoaders {
  readonly currentRuns: DataLoader<'current', CurrentRuns | null, string>;
  readonly userRankings: Map<number, DataLoader<RankedUserKey, UserRankingRow | null, string>>;
  /** By run id, then history length. */
  readonly histories: Map<number, Map<number, DataLoader<number, HistoryRow[], string>>>;
}

export function memo<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Entries live until the next run changes the keys (which carry the run id); the TTL bounds memory. */
export const RUN_CACHE_TTL_MS = 25 * 3_600_000;
/** The current run pointer is also deleted when a run ends; the TTL covers a missed delete. */
const CURRENT_TTL_MS = 60_000;
export const CURRENT_RUNS_CACHE_KEY = 'rankings:v2:current';

export const num = (v: unknown): number => Number(v);

/** A bigint[] parameter as a PostgreSQL array literal (knex would expand a JS array into a list). */
export const pgArray = (ids: readonly number[]): string => `{${ids.map((id) => Math.trunc(id)).join(',')}}`;
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Reads of the current ranking: pages by rank, a developer's ranking and history, countries.
 * Every read is one query for a whole page or batch, cached in the shared cache under the run id.
 */
export class RankingsQueryService {
  constructor(
    private readonly cache: Cache,
    private readonly countries: CountryDirectory,
  ) {}

  async currentRuns(em: EntityManager): Promise<CurrentRuns | null> {
    const cached = await this.cache.get<CurrentRuns | null>(CURRENT_RUNS_CACHE_KEY);
    if (cached !== undefined) return cached;
    const rows = await em.execute<{ id: number; ranked_users: number; finished_at: string | Date }[]>(
      `select id, ranked_users, finished_at from ranking_run where status = 'completed'
       order by finished_at desc, id desc limit 2`,
    );
    const current = rows[0]
      ? {
          id: num(rows[0].id),
          previousId: numOrNull(rows[1]?.id),
          rankedUsers: num(rows[0].ranked_users),
          finishedAt: new Date(rows[0].finished_at).toISOString(),
        }
      : null;
    await this.cache.set(CURRENT_RUNS_CACHE_KEY, current, CURRENT_TTL_MS);
    return current;
  }

  /**
   * The request's `rankings` loaders. The current runs are read once per request: every field
   * resolver of a page awaits the same promise, so their loads land in the same tick and batch.
   */
  createLoaders(em: EntityManager): RankingLoaders {
    return {
      currentRuns: new DataLoader<'current', CurrentRuns | null, string>(async (keys) => {
        const runs = await this.currentRuns(em);
        return keys.map(() => runs);
      }),
      userRankings: new Map(),
      histories: new Map(),
    };
  }

  currentRunsOnce(loaders: Loaders): Promise<CurrentRuns | null> {
    return loaders.rankings.currentRuns.load('current');
  }

  /** A page of the global ranking, or of a country's (`country`: code or English name). */
  async page(
    em: EntityManager,
    args: { country: string | null; first: number | null; after: string | null },
  ): Promise<RankingPage> {
    const size = pageSize(args.first);
    const code = args.country == null ? null : requireCountry(this.countries, args.country);
    // Cursors carry their ranking (global `*` or a country code): one from another list is refused.
    const scope = code ?? '*';
    const [afterRank, afterUser] = args.after
      ? (decodeTaggedCursor(args.after, scope, 2, (v) => v.every(isCursorInt)) as number[])
      : [0, 0];
    const cursorOf = (row: RankingRow) => encodeCursor([scope, row.rank, row.userId]);
    const runs = await this.currentRuns(em);
    if (!runs) return { rows: [], size, totalCount: 0, hasPrevious: false, cursorOf };
    const key = ['rankings:v1:page', runs.id, code ?? '*', afterRank, afterUser, size].join(':');
    let cached = await this.cache.get<{ rows: RankingRow[]; totalCount: number }>(key);
    if (!cached) {
      const rank = code ? 'country_rank' : 'global_rank';
      const rows = await em.execute<Record<string, unknown>[]>(
        `select s.user_id, s.${rank} as rank, s.score, p.${rank} as previous_rank,
           ${code ? '(select ranked_users from ranking_country where run_id = s.run_id and country_code = ?)' : '?::int'} as total
         from ranking_snapshot s
         left join ranking_snapshot p on p.run_id = ? and p.user_id = s.user_id
           ${code ? 'and p.country_code = s.country_code' : ''}
         where s.run_id = ? ${code ? 'and s.country_code = ?' : ''}
           and (s.${rank}, s.user_id) > (?, ?)
         order by s.${rank}, s.user_id
         limit ?`,
        [
          code ?? runs.rankedUsers,
          runs.previousId ?? 0,
          runs.id,
          ...(code ? [code] : []),
          Number(afterRank) || 0,
          Number(afterUser) || 0,
          size + 1,
        ],
      );
      cached = {
        rows: rows.map((r) => ({
          userId: num(r.user_id),
          rank: num(r.rank),
          score: num(r.score),
          previousRank: numOrNull(r.previous_rank),
        })),
        totalCount: rows[0] ? num(rows[0].total) : await this.total(em, runs, code),
      };
      await this.cache.set(key, cached, RUN_CACHE_TTL_MS);
    }
    return { ...cached, size, hasPrevious: Boolean(args.after), cursorOf };
  }

  /** Countries of the current ranking with their ranked developers, most first. */
  async countryCounts(em: EntityManager): Promise<{ code: string; rankedDevelopers: number }[]> {
    const runs = await this.currentRuns(em);
    if (!runs) return [];
    const key = `rankings:v1:countries:${runs.id}`;
    const cached = await this.cache.get<{ code: string; rankedDevelopers: number }[]>(key);
    if (cached) return cached;
    const rows = await em.execute<{ country_code: string; ranked_users: number }[]>(
      'select country_code, ranked_users from ranking_country where run_id = ? order by ranked_users desc, country_code',
      [runs.id],
    );
    const counts = rows.map((r) => ({ code: r.country_code, rankedDevelopers: num(r.ranked_users) }));
    await this.cache.set(key, counts, RUN_CACHE_TTL_MS);
    return counts;
  }

  /** A developer's last `first` runs, newest first; batched per request, cached per run. */
  async history(em: EntityManager, loaders: Loaders, userId: number, first: number): Promise<HistoryRow[]> {
    const runs = await this.currentRunsOnce(loaders);
    if (!runs) return [];
    const loader = memo(
      memo(loaders.rankings.histories, runs.id, () => new Map()),
      first,
      () =>
        cachedLoader<number, HistoryRow[]>({
          cache: this.cache,
          ttlMs: RUN_CACHE_TTL_MS,
          cacheKey: (id) => `rankings:v1:history:${runs.id}:${first}:${id}`,
          group: () => 'all',
          load: async (ids) => {
            // The last `first` completed runs, then one key probe per (run, user) in one query.
            const rows = await em.execute<Record<string, unknown>[]>(
              `with runs as (
               select id, finished_at from ranking_run where status = 'completed' and id <= ?
               order by finished_at desc, id desc limit ?)
             select s.user_id, s.run_id, runs.finished_at, s.score, s.global_rank, s.country_rank
             from runs join ranking_snapshot s on s.run_id = runs.id and s.user_id = any(?::bigint[])
             order by runs.finished_at desc, runs.id desc`,
              [runs.id, first, pgArray(ids)],
            );
            return ids.map((id) =>
              rows
                .filter((r) => num(r.user_id) === id)
                .map((r) => ({
                  runId: num(r.run_id),
                  recordedAt: new Date(r.finished_at as string | Date).toISOString(),
                  score: num(r.score),
                  globalRank: num(r.global_rank),
                  countryRank: numOrNull(r.country_rank),
                })),
            );
          },
        }),
    );
    return loader.load(userId);
  }

  private async total(em: EntityManager, runs: CurrentRuns, code: string | null): Promise<number> {
    if (!code) return runs.rankedUsers;
    const [row] = await em.execute<{ ranked_users: number }[]>(
      'select ranked_users from ranking_country where run_id = ? and country_code = ?',
      [runs.id, code],
    );
    return row ? num(row.ranked_users) : 0;
  }
}
