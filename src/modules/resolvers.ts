import type { NonEmptyArray } from 'type-graphql';
import type { ResolverClass } from '../graphql/schema';
import { ApiKeyResolver } from './auth/api-key.resolver';
import { SystemResolver } from './system/system.resolver';
import { HarvestResolver } from './harvest/harvest.resolver';
// insights (read API)
import { UserActivityResolver } from './activity/activity.resolver';
import { UserReportResolver } from './reports/report.resolver';
import { UserRepositoriesResolver } from './repositories/repository.resolver';
import { UserResolver } from './users/user.resolver';
// rankings
import { RankingsResolver } from './rankings/rankings.resolver';
import { UserRankingFieldResolver, UserRankingHistoryResolver } from './rankings/user-ranking.resolver';

/** Every resolver class in the schema, listed explicitly. Instances are built in app.ts. */
export const RESOLVERS: NonEmptyArray<ResolverClass> = [
  SystemResolver,
  ApiKeyResolver,
  HarvestResolver,
  // insights (read API)
  UserResolver,
  UserRepositoriesResolver,
  UserActivityResolver,
  UserReportResolver,
  // rankings
  RankingsResolver,
  UserRankingFieldResolver,
  UserRankingHistoryResolver,
];
