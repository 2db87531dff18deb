import type { EntityManager } from '@mikro-orm/postgresql';
import { type ConnectionShape, toConnection } from '../../graphql/pagination';
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
    const ids = page.rows.slice(0, page.size).map((r) => r.userId);
    const users = ids.length === 0 ? [] : await em.find(GithubUser, { id: { $in: ids } });
    const byId = new Map(users.map((u) => [u.id, UserNode.from(u)]));
    const entries = page.rows.flatMap((row) => {
      const user = byId.get(row.userId);
      // A user deleted since the run is left out of the page (the next run drops them).
      if (!user && ids.includes(row.userId)) return [];
      return [
        Object.assign(new RankingEntryNode(), {
          userId: row.userId,
          rank: row.rank,
          score: row.score,
          rankChange: row.previousRank === null ? null : row.previousRank - row.rank,
          user,
        }),
      ];
    });
    const cursorOf = (entry: RankingEntryNode) => page.cursorOf({ ...entry, previousRank: null });
    return toConnection(entries, page.size, page.totalCount, page.hasPrevious, cursorOf);
  }
}
