import type { EntityManager } from '@mikro-orm/postgresql';
import { defineModule, moduleKey } from '../../core/module';
import { HARVEST } from '../harvest/harvest.module';
import { LOCATION } from '../location/location.module';
import type { ReportRankingSource } from '../reports/report-ranking-source';
import { type CountryDirectory, LocationCountryDirectory } from './country-directory';
import { COUNTRY_HARVEST_QUEUE, CountryHarvestJobs } from './country-harvest.jobs';
import { CountryHarvestService } from './country-harvest.service';
import { RankingEntriesService } from './ranking-entries.service';
import { type RankingRunHooks, type RankingRunResult, RankingRunService } from './ranking-run.service';
import { EventHooks } from '../../core/event-hooks';
import { TOPICS } from '../../core/topics';
import { RankingCountry } from './ranking-country.entity';
import { RankingRun } from './ranking-run.entity';
import { RankingSnapshot } from './ranking-snapshot.entity';
import { RANKINGS_QUEUE, RANKINGS_SCHEDULE_KEY, RANKINGS_UPDATED, RankingJobs } from './rankings.jobs';
import { RankingsResolver } from './rankings.resolver';
import { type RankingLoaders, RankingsQueryService } from './rankings-query.service';
import { UserRankingFieldResolver, UserRankingHistoryResolver } from './user-ranking.resolver';
import { UserRankingQueries } from './user-ranking.queries';
import { UserRankingService } from './user-ranking.service';

declare module '../../core/loaders' {
  interface Loaders {
    /** The current runs once per request, then per-run batches of rankings and histories. */
    rankings: RankingLoaders;
    /** Countries by code or name (the location module's data), for arguments checked outside a resolver instance (subscription topics). */
    countries: CountryDirectory;
  }
}

export interface RankingsModuleOptions {
  /** Tests inject failures into the run's transaction. */
  readonly runHooks?: RankingRunHooks;
}

export interface RankingsExports {
  readonly runs: RankingRunService;
  readonly jobs: RankingJobs;
  /** Completed ranking runs (notifications compare ranks). */
  readonly completed: EventHooks<RankingRunResult>;
  readonly countryHarvests: CountryHarvestJobs;
  /** The reports' score and ranks. */
  readonly reportSource: ReportRankingSource;
}

export const RANKINGS = moduleKey<RankingsExports>('rankings');

/**
 * Rankings: score, ranking run (one statement, atomic switch), schedule (repeatable job + advisory
 * lock), reads (batched, cached per run), country harvests and their resolvers. The worker part
 * registers the schedule and runs rankings and country harvests.
 */
export function rankingsModule(options: RankingsModuleOptions = {}) {
  return defineModule({
    key: RANKINGS,
    entities: [RankingRun, RankingSnapshot, RankingCountry],
    resolvers: [RankingsResolver, UserRankingFieldResolver, UserRankingHistoryResolver],
    create(platform, { use }) {
      const { config, logger, queue, cache, pubSub } = platform;
      const { github, requests } = use(HARVEST);
      const { locations } = use(LOCATION);
      const log = logger.child({ component: 'rankings' });
      const fork = () => platform.em.fork() as EntityManager;
      // The resolver's own place data: the 32 MB city list is parsed once per process.
      const directory = new LocationCountryDirectory(locations, () => locations.placeData());
      const runs = new RankingRunService(config.rankings, log, options.runHooks);
      const queries = new RankingsQueryService(cache, directory);
      const userRankings = new UserRankingService(
        queries,
        new UserRankingQueries(cache, queries, config.rankings),
        directory,
      );
      const completed = new EventHooks<RankingRunResult>(log, 'ranking run');
      const jobs = new RankingJobs({
        completed,
        queue,
        outbox: platform.outbox,
        runs,
        pubSub,
        cache,
        fork,
        cron: config.rankings.cron,
        logger: log,
      });
      const countryHarvests = new CountryHarvestJobs({
        queue,
        pubSub,
        outbox: platform.outbox,
        countries: directory,
        fork,
        logger: log,
        service: new CountryHarvestService({
          github,
          harvests: requests,
          countries: directory,
          settings: {
            minFollowers: config.rankings.countryHarvestMinFollowers,
            cities: config.rankings.countryHarvestCities,
            freshnessMs: config.harvest.freshnessMs,
          },
          logger: log,
        }),
      });
      const entries = new RankingEntriesService(queries);
      return {
        resolvers: [
          new RankingsResolver(entries, queries, directory, jobs, countryHarvests),
          new UserRankingFieldResolver(userRankings),
          new UserRankingHistoryResolver(userRankings),
        ],
        topics: [RANKINGS_UPDATED, TOPICS.COUNTRY_HARVEST_ACTIVITY],
        queues: [RANKINGS_QUEUE, COUNTRY_HARVEST_QUEUE],
        // Operators see when the ranking run is due next (health, queue component).
        schedules: { nextRankingRun: { queue: RANKINGS_QUEUE, key: RANKINGS_SCHEDULE_KEY } },
        loaders: { rankings: (em) => queries.createLoaders(em), countries: () => directory },
        start: {
          async worker() {
            await jobs.startWorker();
            countryHarvests.startWorker();
          },
        },
        exports: { runs, jobs, completed, countryHarvests, reportSource: userRankings },
      };
    },
  });
}
