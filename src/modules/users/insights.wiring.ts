import type { ResolverClass } from '../../graphql/schema';
import type { Cache } from '../../platform/cache/cache';
import type { Logger } from '../../platform/logging/logger';
import { UserActivityResolver } from '../activity/activity.resolver';
import { ActivityService } from '../activity/activity.service';
import type { HarvestRequests } from '../harvest/harvest-requests';
import type { ReportRankingSource } from '../reports/report-ranking-source';
import { UserReportResolver } from '../reports/report.resolver';
import { ReportService } from '../reports/report.service';
import { LanguageSharesService } from '../repositories/language-shares.service';
import { UserRepositoriesResolver } from '../repositories/repository.resolver';
import { RepositoryPagesService } from '../repositories/repository-pages.service';
import { NodeService } from './node.service';
import { UserDirectoryService } from './user-directory.service';
import { UserLookupService } from './user-lookup.service';
import { UserResolver } from './user.resolver';

export interface InsightsDependencies {
  readonly cache: Cache;
  readonly harvests: HarvestRequests;
  readonly rankings: ReportRankingSource;
  readonly freshnessMs: number;
  readonly logger: Logger;
}

/** The read API's services and resolver instances, for app.ts's `resolverInstances`. */
export function insightsResolvers(deps: InsightsDependencies): [ResolverClass, object][] {
  return [
    [
      UserResolver,
      new UserResolver(
        new UserLookupService(deps.harvests, deps.freshnessMs, deps.logger),
        new UserDirectoryService(),
        new NodeService(),
      ),
    ],
    [
      UserRepositoriesResolver,
      new UserRepositoriesResolver(
        new RepositoryPagesService(deps.cache),
        new LanguageSharesService(deps.cache),
      ),
    ],
    [UserActivityResolver, new UserActivityResolver(new ActivityService(deps.cache))],
    [UserReportResolver, new UserReportResolver(new ReportService(deps.cache, deps.rankings))],
  ];
}
