import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config';
import { combineGuards } from './graphql/guards';
import { createQueryLimits } from './graphql/query-limits';
import { createRateLimitGuard } from './graphql/rate-limit-guard';
import { buildAppSchema, type ResolverClass } from './graphql/schema';
import { createContextFactory } from './http/context';
import { createHttpServer, type HttpServer } from './http/server';
import { ApiKeyResolver } from './modules/auth/api-key.resolver';
import { ApiKeyService } from './modules/auth/api-key.service';
import { authChecker } from './modules/auth/auth-checker';
import { ENTITIES } from './modules/entities';
import { RESOLVERS } from './modules/resolvers';
import {
  cacheCheck,
  databaseCheck,
  githubPoolCheck,
  mailCheck,
  queueCheck,
  rateLimitCheck,
  secretsCheck,
} from './modules/system/health-checks';
import { type HealthCheck, HealthService } from './modules/system/health.service';
import { SystemResolver } from './modules/system/system.resolver';
import type { Cache } from './platform/cache/cache';
import { MemoryCache } from './platform/cache/memory-cache';
import { RedisCache } from './platform/cache/redis-cache';
import { openDatabase } from './platform/database/database';
import { migrateUp } from './platform/database/migrations';
import { createLogger, type Logger } from './platform/logging/logger';
import { SERVICE_VERSION } from './platform/paths';
import { type AppPubSub, createMemoryPubSub, createRedisPubSub } from './platform/pubsub/pubsub';
import { BullMqDriver } from './platform/queue/bullmq-driver';
import type { QueueDriver } from './platform/queue/job-queue';
import { MemoryQueueDriver } from './platform/queue/memory-driver';
import { createRateLimitStore, type RateLimitStore } from './platform/rate-limit/rate-limit-store';
import { closeRedis, createRedisFactory, type RedisClient } from './platform/redis/redis-factory';
import type { SecretStore } from './platform/secrets/secret-store';
import { createHarvestModule } from './modules/harvest/harvest.module';
import { HarvestResolver } from './modules/harvest/harvest.resolver';
import { createLocationResolver } from './modules/rankings/location';
import type { RetryPolicy } from './platform/github/github-request-hook';
import type { HarvestRequests } from './modules/harvest/harvest-requests';
import { insightsResolvers } from './modules/users/insights.wiring';
import { createRankingsModule } from './modules/rankings/rankings.module';
import type { RankingRunHooks } from './modules/rankings/ranking-run.service';
import { JobOutbox } from './platform/outbox/job-outbox'; // outbox
import { OutboxRelay, type OutboxRelayHooks } from './platform/outbox/outbox-relay'; // outbox

export type Role = 'api' | 'worker' | 'all';

/** What tests and bootstrap may replace or add; everything else is built from `config`. */
export interface AppOverrides {
  readonly logger?: Logger;
  /** The store configuration was read through (bootstrap passes it so rotation re-reads work). */
  readonly secrets?: SecretStore;
  readonly extraHealthChecks?: readonly HealthCheck[];
  readonly extraRoutes?: (fastify: FastifyInstance) => void;
  // insights (read API): tests hand in a recording harvest service.
  /** Where the read API asks for harvests of unknown or stale users (default: the harvest service). */
  readonly harvestRequests?: HarvestRequests;
  // harvest: tests shorten the GitHub client's retry waits.
  /** GitHub client retry policy over its defaults. */
  readonly githubRetry?: Partial<RetryPolicy>;
  // rankings: tests inject a failing step into the ranking run's transaction.
  /** Hooks into the ranking run (tests only). */
  readonly rankingRunHooks?: RankingRunHooks;
  // outbox: tests stop or kill the relay between adding jobs and marking them relayed.
  /** Hooks into the outbox relay (tests only). */
  readonly outboxRelayHooks?: OutboxRelayHooks;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  /** Starts the role's parts; for `api` and `all`, resolves with the listening URL. */
  start(role?: Role): Promise<{ url: string | undefined }>;
  /** Graceful: stop accepting, finish in-flight work, close queues, Valkey and the database. */
  close(): Promise<void>;
}

/** The composition root: every dependency is built here and handed to what needs it. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const database = await openDatabase(config, ENTITIES, logger);
  const closers: (() => Promise<unknown>)[] = [];

  let cache: Cache;
  let pubSub: AppPubSub;
  let queue: QueueDriver;
  let rateLimits: RateLimitStore;
  if (config.redis.mode === 'external') {
    const redis = createRedisFactory(config.redis, logger);
    rateLimits = createRateLimitStore({ config: config.rateLimit, redis, logger });
    const cacheClient: RedisClient = redis.create('command');
    cache = new RedisCache(cacheClient, `${redis.keyPrefix}:cache:`, logger);
    pubSub = createRedisPubSub(redis, logger);
    queue = new BullMqDriver(redis, logger);
    closers.push(() => closeRedis(cacheClient));
  } else {
    rateLimits = createRateLimitStore({ config: config.rateLimit, redis: undefined, logger });
    cache = new MemoryCache(config.cache.memoryMaxEntries);
    pubSub = createMemoryPubSub(logger);
    queue = new MemoryQueueDriver(logger);
  }
  logger.info(
    { database: database.mode, valkey: config.redis.mode, env: config.env, version: SERVICE_VERSION },
    database.mode === 'embedded' || config.redis.mode === 'memory'
      ? 'running in embedded mode (development only): data and jobs of this process only'
      : 'running against external PostgreSQL and Valkey',
  );
  if (config.env === 'production' && config.http.trustProxyHops === 0) {
    // Behind a load balancer every client would share its address: one anonymous rate-limit budget.
    logger.warn('TRUST_PROXY_HOPS is 0: set it to the number of proxies in front (1 behind an ALB)');
  }

  // --- outbox: features write jobs with their records (JobOutbox, in their transaction); the relay
  // adds them to the queue after commit (woken by the commit, plus a sweep). Every role runs it.
  const relay = new OutboxRelay({
    em: database.orm.em,
    queue,
    logger: logger.child({ component: 'outbox' }),
    settings: config.outbox,
    hooks: overrides.outboxRelayHooks,
  });
  const outbox = new JobOutbox(relay.wake);
  // --- end outbox

  // --- harvest: token pool + GitHub client (ETags in the shared cache), HarvestService (requests,
  // dedup, negative cache), the harvest job processor (started by the worker role) and its resolver.
  // Harvests store the country of the profile's location (rankings' resolver; its data loads on first use).
  const locations = createLocationResolver();
  const harvest = await createHarvestModule({
    config,
    em: database.orm.em,
    queue,
    outbox, // outbox
    pubSub,
    cache,
    logger,
    secrets: overrides.secrets,
    githubRetry: overrides.githubRetry,
    locate: (text) => locations.resolveLocation(text),
  });
  // --- end harvest

  const health = new HealthService(
    [
      databaseCheck(database),
      cacheCheck(cache, config.redis.mode === 'external' ? 'valkey' : 'memory'),
      queueCheck(queue),
      secretsCheck(overrides.secrets, config.secrets.names),
      githubPoolCheck(harvest.github.pool), // harvest: the token pool's live budgets
      mailCheck(config.mail),
      rateLimitCheck(rateLimits, config.rateLimit.enabled),
      ...(overrides.extraHealthChecks ?? []),
    ],
    config.health.timeoutMs,
    SERVICE_VERSION,
  );

  const apiKeys = new ApiKeyService();

  // --- rankings: score, ranking run (one statement, atomic switch), schedule (repeatable job +
  // advisory lock), reads (batched, cached per run), country harvests. Workers start its jobs.
  const rankings = createRankingsModule({
    config,
    em: database.orm.em,
    queue,
    outbox, // outbox
    pubSub,
    cache,
    logger,
    github: harvest.github,
    harvests: overrides.harvestRequests ?? harvest.service,
    locations,
    runHooks: overrides.rankingRunHooks,
  });
  // --- end rankings

  // insights (read API): user(login:), users, node, User.repositories/activity/languages/report.
  // harvests: the harvest service built above (tests may hand in another);
  // rankings: the rankings feature's ReportRankingSource.
  const insights = insightsResolvers({
    cache,
    harvests: overrides.harvestRequests ?? harvest.service,
    rankings: rankings.reportSource, // rankings
    freshnessMs: config.harvest.freshnessMs,
    logger,
  });

  const schema = await buildAppSchema({
    resolvers: RESOLVERS,
    resolverInstances: new Map<ResolverClass, object>([
      [SystemResolver, new SystemResolver(health)],
      [ApiKeyResolver, new ApiKeyResolver(apiKeys)],
      [HarvestResolver, harvest.resolver], // harvest
      ...insights,
      ...rankings.resolvers, // rankings
    ]),
    pubSub,
    authChecker,
  });

  let http: HttpServer | undefined;
  let closing: Promise<void> | undefined;

  return {
    config,
    logger,
    async start(role = 'all') {
      if (database.mode === 'embedded') {
        const applied = await migrateUp(database.orm);
        logger.info({ applied }, 'embedded database migrated');
      }
      relay.start(); // outbox: every role relays committed jobs (and what a crashed process left)
      let url: string | undefined;
      if (role === 'api' || role === 'all') {
        http = await createHttpServer({
          config: config.http,
          security: config.security,
          limits: config.limits,
          cache,
          nodeEnv: config.env,
          logger,
          schema,
          health,
          context: createContextFactory(database.orm, apiKeys, config.http.trustProxyHops),
          guards: combineGuards(
            createQueryLimits(schema, config.limits),
            createRateLimitGuard({ config, schema, logger, store: rateLimits }),
          ),
          routes: overrides.extraRoutes,
        });
        url = await http.listen();
      }
      // Workers resolve locations for every harvest: build the index now, not in the first job.
      if (role === 'worker' || role === 'all') locations.warmUp();
      // harvest: the worker role cleans the harvest queue (QUEUE_CLEANUP_*) and processes harvests.
      if (role === 'worker' || role === 'all') await harvest.startWorker();
      // rankings: the worker role registers the schedule and runs rankings and country harvests.
      if (role === 'worker' || role === 'all') await rankings.startWorker();
      logger.info({ role, url }, 'started');
      return { url };
    },
    close() {
      // Each stage runs even when an earlier one failed, so a failing step never leaves Valkey
      // connections or the database pool open; the first failure is reported at the end.
      closing ??= (async () => {
        const stages: (() => Promise<unknown>)[] = [
          async () => http?.close(),
          () => relay.close(), // outbox: rows not relayed yet wait in PostgreSQL for the next start
          () => queue.close(),
          () => pubSub.close(),
          () => Promise.all([...closers.map((close) => close()), rateLimits.close()]),
          () => database.close(),
        ];
        const failures: unknown[] = [];
        for (const stage of stages) await stage().catch((error: unknown) => failures.push(error));
        if (failures.length > 0) {
          logger.error({ err: failures[0], failures: failures.length }, 'closed with errors');
          throw failures[0];
        }
        logger.info('closed');
      })();
      return closing;
    },
  };
}
