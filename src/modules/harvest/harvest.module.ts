import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config/config';
import type { Cache } from '../../platform/cache/cache';
import { createGitHubClient, type GitHubClient } from '../../platform/github/github-client';
import type { RetryPolicy } from '../../platform/github/github-request-hook';
import { TokenPool } from '../../platform/github/token-pool';
import { createTokenProvider } from '../../platform/github/token-provider';
import type { Logger } from '../../platform/logging/logger';
import type { JobOutbox } from '../../platform/outbox/job-outbox';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import type { QueueDriver } from '../../platform/queue/job-queue';
import type { SecretStore } from '../../platform/secrets/secret-store';
import { HarvestJobProcessor } from './harvest-job.processor';
import type { CountryLocator } from './harvest-writer';
import { HarvestResolver } from './harvest.resolver';
import { HARVEST_QUEUE, type HarvestJobData, HarvestService } from './harvest.service';
import { cleanQueueAtStartup } from './queue-cleanup';
import { UserHarvester } from './user-harvester';

export interface HarvestModuleOptions {
  readonly config: Config;
  /** The global EntityManager (jobs fork it). */
  readonly em: EntityManager;
  readonly queue: QueueDriver;
  /** Harvest jobs are written here with their records and relayed to `queue` after commit. */
  readonly outbox: JobOutbox;
  readonly pubSub: AppPubSub;
  /** Shared cache: ETags and bodies of GitHub GETs for conditional requests. */
  readonly cache: Cache;
  readonly logger: Logger;
  /** Where rotated GitHub tokens are re-read from (with `config.secrets.names.github`). */
  readonly secrets?: SecretStore;
  /** GitHub client retry policy over the defaults (tests shorten the waits). */
  readonly githubRetry?: Partial<RetryPolicy>;
  readonly locate?: CountryLocator;
}

export interface HarvestModule {
  readonly github: GitHubClient;
  readonly service: HarvestService;
  readonly resolver: HarvestResolver;
  readonly processor: HarvestJobProcessor;
  /** Worker role: cleans the queue per QUEUE_CLEANUP_* and starts processing harvests. */
  startWorker(): Promise<void>;
}

/** Builds the harvest feature: token pool, GitHub client, service, resolver and job processor. */
export async function createHarvestModule(options: HarvestModuleOptions): Promise<HarvestModule> {
  const { config, logger } = options;
  const pool = new TokenPool({
    provider: createTokenProvider({
      staticTokens: config.github.tokens,
      secrets: options.secrets,
      secretName: config.secrets.names.github,
    }),
    logger,
  });
  const github = await createGitHubClient({
    baseUrl: config.github.apiUrl,
    pool,
    cache: options.cache,
    logger,
    retry: options.githubRetry,
  });
  const service = new HarvestService({
    queue: options.queue,
    outbox: options.outbox,
    config: config.harvest,
    logger,
  });
  const processor = new HarvestJobProcessor({
    em: options.em,
    harvester: new UserHarvester({ github }),
    pubSub: options.pubSub,
    logger: logger.child({ component: 'harvest' }),
    locate: options.locate,
  });
  return {
    github,
    service,
    resolver: new HarvestResolver(service),
    processor,
    async startWorker() {
      await cleanQueueAtStartup(options.queue, HARVEST_QUEUE, config, logger).catch((error: Error) =>
        logger.warn({ error: error.message }, 'queue clean-up at start-up failed'),
      );
      options.queue.work<HarvestJobData>(HARVEST_QUEUE, processor.handle, {
        concurrency: config.queue.concurrency,
      });
    },
  };
}
