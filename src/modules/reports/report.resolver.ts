import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserNode } from '../users/user.types';
import { REPORT_PERIOD_DAYS } from './report-rules';
import type { ReportService } from './report.service';
import { Report } from './report.types';

/** `User.report` (batched per request, badges cached per harvest). */
@Resolver(() => UserNode)
export class UserReportResolver {
  constructor(private readonly reports: ReportService) {}

  @FieldResolver(() => Report, {
    description: `Trophies and achievements by the old service's rules (commits, issues and pull requests over the ${REPORT_PERIOD_DAYS} days ending on the day of the last harvest), with score and ranks once rankings exist.`,
  })
  report(@Root() user: UserNode, @Ctx() ctx: GraphQLContext): Promise<Report> {
    return this.reports.report(ctx.em, ctx.loaders, user);
  }
}
