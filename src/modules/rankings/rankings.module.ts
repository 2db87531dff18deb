import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config/config';
import type { ResolverClass } from '../../graphql/schema';
import type { Cache } from '../../platform/cache/cache';
import type { GitHubClient } from '../../platform/github/github-client';
import type { Logger } from '../../platform/logging/logger';
import type { JobOutbox } from '../../platform/outbox/job-outbox';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import type { QueueDriver } from '../../platform/queue/job-queue';
import type { HarvestRequests } from '../harvest/harvest-requests';
import type { ReportRankingSource } from '../reports/report-ranking-source';
import { LocationCountryDirectory } from './country-directory';
import { CountryHarvestJobs } from './country-harvest.jobs';
import { CountryHarvestService } from './country-harvest.service';
import type { LocationResolver } from './location';
import { RankingEntriesService } from './ranking-entries.service';
import { type RankingRunHooks, RankingRunService } from './ranking-run.service';
import { RankingJobs } from './rankings.jobs';
import { RankingsResolver } from './rankings.resolver';
import { RankingsQueryService } from './rankings-query.service';
import { UserRankingFieldResolver, UserRankingHistoryResolver } from './user-ranking.resolver';
import { UserRankingService } from './user-ranking.service';

export interface RankingsModuleOptions {
  readonly config: Config;
  /** The global EntityManager (jobs fork it). */
  readonly em: EntityManager;
  readonly queue: QueueDriver;
  /** Manual ranking runs and country harvests are written here and relayed to `queue` after commit. */
  readonly outbox: JobOutbox;
  readonly pubSub: AppPubSub;
  readonly cache: Cache;
  readonly logger: Logger;
  readonly github: GitHubClient;
  readonly harvests: HarvestRequests;
  readonly locations: LocationResolver;
  /** Tests inject failures into the run's transaction. */
  readonly runHooks?: RankingRunHooks;
}

export interface RankingsModule {
  readonly runs: RankingRunService;
  readonly jobs: RankingJobs;
  readonly countryHarvests: CountryHarvestJobs;
  /** The reports' score and ranks. */
  readonly reportSource: ReportRankingSource;
  /** Resolver instances for the schema. */
  readonly resolvers: readonly (readonly [ResolverClass, object])[];
  /** Worker role: the schedule, ranking runs and country harvests. */
  startWorker(): Promise<void>;
}

/** Builds the rankings feature: run, schedule, reads, country harvests and their resolvers. */
export function createRankingsModule(options: RankingsModuleOptions): RankingsModule {
  const { config, logger } = options;
  const log = logger.child({ component: 'rankings' });
  const fork = () => options.em.fork() as EntityManager;
  // The resolver's own place data: the 32 MB city list is parsed once per process.
  const directory = new LocationCountryDirectory(options.locations, () => options.locations.placeData());
  const runs = new RankingRunService(config.rankings, log, options.runHooks);
  const queries = new RankingsQueryService(options.cache, directory);
  const userRankings = new UserRankingService(queries, directory);
  const jobs = new RankingJobs({
    queue: options.queue,
    outbox: options.outbox,
    runs,
    pubSub: options.pubSub,
    cache: options.cache,
    fork,
    cron: config.rankings.cron,
    logger: log,
  });
  const countryHarvests = new CountryHarvestJobs({
    queue: options.queue,
    outbox: options.outbox,
    countries: directory,
    fork,
    logger: log,
    service: new CountryHarvestService({
      github: options.github,
      harvests: options.harvests,
      countries: directory,
      settings: {
        minFollowers: config.rankings.countryHarvestMinFollowers,
        cities: config.rankings.countryHarvestCities,
        freshnessMs: config.harvest.freshnessMs,
      },
      logger: log,
    }),
  });
  return {
    runs,
    jobs,
    countryHarvests,
    reportSource: userRankings,
    resolvers: [
      [
        RankingsResolver,
        new RankingsResolver(new RankingEntriesService(queries), queries, directory, jobs, countryHarvests),
      ],
      [UserRankingFieldResolver, new UserRankingFieldResolver(userRankings)],
      [UserRankingHistoryResolver, new UserRankingHistoryResolver(userRankings)],
    ],
    async startWorker() {
      await jobs.startWorker();
      countryHarvests.startWorker();
    },
  };
}
