import type { EntityManager } from '@mikro-orm/postgresql';
import type { Loaders } from '../../core/loaders';

/** A developer's score and ranks, as the rankings feature computes them. */
export interface ReportRanking {
  readonly score: number | null;
  readonly globalRank: number | null;
  readonly countryRank: number | null;
  /** 0-100: share of ranked developers of the same country this one is ahead of. */
  readonly percentileInCountry: number | null;
  /** Placed among the current run's scores after it (harvested since), not ranked by it. */
  readonly provisional: boolean;
}

/**
 * Where the report's score and ranks come from. The rankings feature implements it (batching
 * through `loaders`, so a page of reports stays a constant number of queries) and app.ts hands it
 * to the report service.
 */
export interface ReportRankingSource {
  rankingOf(
    em: EntityManager,
    loaders: Loaders,
    user: { userId: number; countryCode: string | null; harvestedAt: Date | null },
  ): Promise<ReportRanking | null>;
}
