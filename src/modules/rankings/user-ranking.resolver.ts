import { boundedArgument } from '../../core/arguments';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserNode } from '../users/user.types';
import type { UserRankingService } from './user-ranking.service';
import { RankSnapshotNode, UserRankingNode } from './rankings.types';

/** `User.ranking`: the developer's place in the current ranking (batched per request). */
@Resolver(() => UserNode)
export class UserRankingFieldResolver {
  constructor(private readonly rankings: UserRankingService) {}

  @FieldResolver(() => UserRankingNode, {
    nullable: true,
    description:
      'Score, global and country rank in the current ranking; provisional (placed among its scores) for a developer harvested after the run; null when not ranked (too few followers, or no ranking run yet).',
  })
  ranking(@Root() user: UserNode, @Ctx() ctx: GraphQLContext): Promise<UserRankingNode | null> {
    return this.rankings.ranking(ctx.em, ctx.loaders, user);
  }
}

/** `UserRanking.history`: the developer's ranks in the latest runs (batched per request). */
@Resolver(() => UserRankingNode)
export class UserRankingHistoryResolver {
  constructor(private readonly rankings: UserRankingService) {}

  @FieldResolver(() => [RankSnapshotNode], {
    description: 'Score and ranks in the latest runs, newest first.',
  })
  history(
    @Root() ranking: UserRankingNode,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 30, description: 'How many runs: 1-100, 30 by default.' })
    first: number,
  ): Promise<RankSnapshotNode[]> {
    return this.rankings.history(
      ctx.em,
      ctx.loaders,
      ranking.userId,
      boundedArgument('first', first, 1, 100),
    );
  }
}
