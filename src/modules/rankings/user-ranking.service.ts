import type { EntityManager } from '@mikro-orm/postgresql';
import type { Loaders } from '../../core/loaders';
import type { ReportRanking, ReportRankingSource } from '../reports/report-ranking-source';
import type { CountryDirectory } from './country-directory';
import type { RankingsQueryService } from './rankings-query.service';
import { CountryNode, RankSnapshotNode, UserRankingNode } from './rankings.types';
import type { RankedUserKey, UserRankingQueries, UserRankingRow } from './user-ranking.queries';

/** Share of the country's ranked developers at or below this rank, in percent, one decimal. */
export function percentileInCountry(countryRank: number | null, countryTotal: number | null): number | null {
  if (countryRank === null || !countryTotal) return null;
  return Math.round(((countryTotal - countryRank + 1) / countryTotal) * 1000) / 10;
}

/** A developer's ranking and history, as GraphQL objects; also the reports' ranking source. */
export class UserRankingService implements ReportRankingSource {
  constructor(
    private readonly queries: RankingsQueryService,
    private readonly userQueries: UserRankingQueries,
    private readonly countries: CountryDirectory,
  ) {}

  async ranking(em: EntityManager, loaders: Loaders, user: RankedUserKey): Promise<UserRankingNode | null> {
    const row = await this.userQueries.userRanking(em, loaders, user);
    return row ? this.toNode(row) : null;
  }

  async history(
    em: EntityManager,
    loaders: Loaders,
    userId: number,
    first: number,
  ): Promise<RankSnapshotNode[]> {
    const rows = await this.queries.history(em, loaders, userId, first);
    return rows.map((r) =>
      Object.assign(new RankSnapshotNode(), { ...r, recordedAt: new Date(r.recordedAt) }),
    );
  }

  async rankingOf(
    em: EntityManager,
    loaders: Loaders,
    user: { userId: number; countryCode: string | null; harvestedAt: Date | null },
  ): Promise<ReportRanking | null> {
    const row = await this.userQueries.userRanking(em, loaders, user);
    if (!row) return null;
    return {
      score: row.score,
      globalRank: row.globalRank,
      countryRank: row.countryRank,
      percentileInCountry: percentileInCountry(row.countryRank, row.countryTotal),
      provisional: row.provisional,
    };
  }

  private toNode(row: UserRankingRow): UserRankingNode {
    return Object.assign(new UserRankingNode(), {
      userId: row.userId,
      score: row.score,
      globalRank: row.globalRank,
      countryRank: row.countryRank,
      country: row.countryCode
        ? Object.assign(new CountryNode(), {
            code: row.countryCode,
            name: this.countries.name(row.countryCode) ?? row.countryCode,
          })
        : null,
      percentileInCountry: percentileInCountry(row.countryRank, row.countryTotal),
      rankChange: row.previousGlobalRank === null ? null : row.previousGlobalRank - row.globalRank,
      totalCommitContributions: row.commits,
      totalContributions: row.contributions,
      computedAt: new Date(row.computedAt),
      provisional: row.provisional,
    });
  }
}
