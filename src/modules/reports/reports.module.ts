import type { EntityManager } from '@mikro-orm/postgresql';
import { defineModule, moduleKey } from '../../core/module';
import { RANKINGS } from '../rankings/rankings.module';
import { UserReportResolver } from './report.resolver';
import { type BadgeReport, type ReportLoader, ReportService, type ReportSubject } from './report.service';

declare module '../../core/loaders' {
  interface Loaders {
    /** `User.report` badges: two grouped queries for a request's developers. */
    reports: ReportLoader;
  }
}

export interface ReportsExports {
  /** A developer's trophies and achievements from the stored data now (notifications compare them). */
  badgesOf(em: EntityManager, subject: ReportSubject): Promise<BadgeReport>;
}

export const REPORTS = moduleKey<ReportsExports>('reports');

/** `User.report`: trophies and achievements, with score and ranks from the rankings module. */
export const reportsModule = defineModule({
  key: REPORTS,
  entities: [],
  resolvers: [UserReportResolver],
  create({ cache }, { use }) {
    const reports = new ReportService(cache, use(RANKINGS).reportSource);
    return {
      resolvers: [new UserReportResolver(reports)],
      loaders: { reports: (em) => reports.createLoader(em) },
      exports: { badgesOf: (em, subject) => reports.badgesOf(em, subject) },
    };
  },
});
