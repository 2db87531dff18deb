import { defineModule, moduleKey } from '../../core/module';
import { TOPICS } from '../../core/topics';
import { createGitHubClient, type GitHubClient } from '../../platform/github/github-client';
import type { RetryPolicy } from '../../platform/github/github-request-hook';
import { TokenPool } from '../../platform/github/token-pool';
import { createTokenProvider } from '../../platform/github/token-provider';
import { HarvestJobProcessor } from './harvest-job.processor';
import { LOCATION } from '../location/location.module';
import { HarvestJob } from './harvest-job.entity';
import { EventHooks } from '../../core/event-hooks';
import type { HarvestState } from './harvest-requests';
import type { HarvestRequests } from './harvest-requests';
import { HarvestProgressResolver } from './harvest-progress.resolver';
import { HarvestResolver } from './harvest.resolver';
import { HARVEST_PROGRESS, HARVEST_QUEUE, type HarvestJobData, HarvestService } from './harvest.service';
import { githubPoolCheck } from './github-pool.check';
import { githubPoolMetrics } from './github-pool.metrics';
import { cleanQueueAtStartup } from './queue-cleanup';
import { UserHarvester } from './user-harvester';
import { HarvestGate } from './harvest-gate';
import { HarvestStartLimit } from './harvest-starts';

export interface HarvestModuleOptions {
  /** GitHub client retry policy over the defaults (tests shorten the waits). */
  readonly githubRetry?: Partial<RetryPolicy>;
  /** Where other features ask for harvests (default: this module's service; tests record them). */
  readonly requests?: HarvestRequests;
}

export interface HarvestExports {
  readonly github: GitHubClient;
  /** Harvest requests for the read API and country harvests. */
  readonly requests: HarvestRequests;
  readonly processor: HarvestJobProcessor;
  /** Harvests that ended (completed or failed), for later modules (notifications). */
  readonly outcomes: EventHooks<HarvestState>;
}

export const HARVEST = moduleKey<HarvestExports>('harvest');

/** How long a new-harvest decision waits for Valkey before it is made in memory (one process's count). */
const HARVEST_STARTS_VALKEY_TIMEOUT_MS = 2_000;

/**
 * Harvesting: token pool and GitHub client (ETags in the shared cache), the harvest service
 * (requests, dedup, negative cache), `refreshUser`/`harvestJob`, and the job processor that the
 * worker part starts after cleaning the queue (QUEUE_CLEANUP_*). Harvests store the country of
 * the profile's location through the location module.
 */
export function harvestModule(options: HarvestModuleOptions = {}) {
  return defineModule({
    key: HARVEST,
    entities: [HarvestJob],
    resolvers: [HarvestResolver, HarvestProgressResolver],
    async create(platform, { use }) {
      const { config, logger, queue } = platform;
      const { locations } = use(LOCATION);
      const pool = new TokenPool({
        provider: createTokenProvider({
          staticTokens: config.github.tokens,
          secrets: platform.secrets,
          secretName: config.secrets.names.github,
        }),
        logger,
      });
      const github = await createGitHubClient({
        baseUrl: config.github.apiUrl,
        pool,
        cache: platform.cache,
        logger,
        retry: options.githubRetry,
      });
      const { starts, reservedPoints, pausedRecheckMs } = config.harvest;
      const startLimit = new HarvestStartLimit({
        // Apart from the query rate limit's budgets, in the same store; off with RATE_LIMIT_ENABLED=false.
        // A start costs hundreds of GitHub points: worth waiting longer for the shared count.
        limiter: config.rateLimit.enabled
          ? platform.rateLimits.scoped('harveststarts', starts.windowMs, HARVEST_STARTS_VALKEY_TIMEOUT_MS)
          : undefined,
        starts,
      });
      const service = new HarvestService({
        queue,
        outbox: platform.outbox,
        config: config.harvest,
        logger,
        starts: startLimit,
      });
      const outcomes = new EventHooks<HarvestState>(
        logger.child({ component: 'harvest' }),
        'harvest outcome',
      );
      const processor = new HarvestJobProcessor({
        outcomes,
        gate: new HarvestGate({ pool, reservedPoints, pausedRecheckMs }),
        em: platform.em,
        harvester: new UserHarvester({ github }),
        pubSub: platform.pubSub,
        logger: logger.child({ component: 'harvest' }),
        locate: (text) => locations.resolveLocation(text),
      });
      return {
        resolvers: [new HarvestResolver(service), new HarvestProgressResolver(options.requests ?? service)],
        healthChecks: [githubPoolCheck(pool)],
        metrics: githubPoolMetrics(pool),
        topics: [HARVEST_PROGRESS, TOPICS.HARVEST_ACTIVITY, TOPICS.USER_UPDATED],
        queues: [HARVEST_QUEUE],
        start: {
          async worker() {
            await cleanQueueAtStartup(queue, HARVEST_QUEUE, config, logger).catch((error: Error) =>
              logger.warn({ error: error.message }, 'queue clean-up at start-up failed'),
            );
            queue.work<HarvestJobData>(HARVEST_QUEUE, processor.handle, {
              concurrency: config.queue.concurrency,
            });
          },
        },
        exports: { github, requests: options.requests ?? service, processor, outcomes },
      };
    },
  });
}
