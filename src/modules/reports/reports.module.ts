import { defineModule, moduleKey } from '../../core/module';
import { RANKINGS } from '../rankings/rankings.module';
import { UserReportResolver } from './report.resolver';
import { type ReportLoader, ReportService } from './report.service';

declare module '../../core/loaders' {
  interface Loaders {
    /** `User.report` badges: two grouped queries for a request's developers. */
    reports: ReportLoader;
  }
}

/** `User.report`: trophies and achievements, with score and ranks from the rankings module. */
export const reportsModule = defineModule({
  key: moduleKey('reports'),
  entities: [],
  resolvers: [UserReportResolver],
  create({ cache }, { use }) {
    const reports = new ReportService(cache, use(RANKINGS).reportSource);
    return {
      resolvers: [new UserReportResolver(reports)],
      loaders: { reports: (em) => reports.createLoader(em) },
      exports: undefined,
    };
  },
});
