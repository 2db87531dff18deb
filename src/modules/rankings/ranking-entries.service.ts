import type { EntityManager } from '@mikro-orm/postgresql';
import { type ConnectionShape, toConnection } from '../../core/cursors';
import { GithubUser } from '../users/github-user.entity';
import { UserNode } from '../users/user.types';
import type { RankingsQueryService } from './rankings-query.service';
import { RankingEntryNode } from './rankings.types';

export type RankingConnectionShape = ConnectionShape<RankingEntryNode>;

/** A page of a ranking with its developers: the ranked rows (cached per run) plus one query for the users. */
export class RankingEntriesService {
  constructor(private readonly queries: RankingsQueryService) {}

  async connection(
    em: EntityManager,
    args: { country: string | null; first: number | null; after: string | null },
  ): Promise<RankingConnectionShape> {
    const page = await this.queries.page(em, args);
    // Users for every fetched row, the look-ahead one included: a user deleted since the run is
    // skipped (the next run drops them) and the following row takes its place.
    const ids = page.rows.map((r) => r.userId);
    const users = ids.length === 0 ? [] : await em.find(GithubUser, { id: { $in: ids } });
    const byId = new Map(users.map((u) => [u.id, UserNode.from(u)]));
    const present = page.rows.filter((row) => byId.has(row.userId));
    const shown = present.slice(0, page.size);
    const entries = shown.map((row) =>
      Object.assign(new RankingEntryNode(), {
        userId: row.userId,
        rank: row.rank,
        score: row.score,
        rankChange: row.previousRank === null ? null : row.previousRank - row.rank,
        user: byId.get(row.userId)!,
      }),
    );
    const cursorOf = (entry: RankingEntryNode) => page.cursorOf({ ...entry, previousRank: null });
    const connection = toConnection(entries, page.size, page.totalCount, page.hasPrevious, cursorOf);
    // The look-ahead row was there, so rows follow this page (even when it filled a deleted user's place).
    return { ...connection, pageInfo: { ...connection.pageInfo, hasNextPage: page.rows.length > page.size } };
  }
}
