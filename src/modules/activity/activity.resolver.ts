import { DateResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserNode } from '../users/user.types';
import type { ActivitySummary } from './activity-calendar';
import { DEFAULT_ACTIVITY_DAYS, MAX_ACTIVITY_DAYS, type ActivityService } from './activity.service';
import { Activity, ActivityGranularity } from './activity.types';

/** `User.activity` (batched per request, cached per harvest). */
@Resolver(() => UserNode)
export class UserActivityResolver {
  constructor(private readonly activityService: ActivityService) {}

  @FieldResolver(() => Activity, {
    description: `Contributions per day, week or month over [from, to] (UTC days, at most ${MAX_ACTIVITY_DAYS} days), with totals, streaks and daily averages. Only days the harvests collected count (a harvest collects the last year).`,
  })
  activity(
    @Root() user: UserNode,
    @Ctx() ctx: GraphQLContext,
    @Arg('from', () => DateResolver, {
      nullable: true,
      validate: false,
      description: `First day; by default ${DEFAULT_ACTIVITY_DAYS - 1} days before \`to\`.`,
    })
    from: Date | null,
    @Arg('to', () => DateResolver, {
      nullable: true,
      validate: false,
      description: 'Last day; today (UTC) by default.',
    })
    to: Date | null,
    @Arg('granularity', () => ActivityGranularity, {
      defaultValue: ActivityGranularity.DAY,
      description: 'Bucket size; DAY by default.',
    })
    granularity: ActivityGranularity,
  ): Promise<ActivitySummary> {
    return this.activityService.activity(ctx.loaders, user, { from, to, granularity });
  }
}
