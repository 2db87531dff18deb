import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config';
import type { HealthCheck } from './core/health';
import { createLoaders } from './core/loaders';
import type { ObservedMetric } from './core/metrics';
import {
  composeModules,
  entitiesOf,
  type ModuleDefinition,
  type ProcessRole,
  resolversOf,
  ROLE_PARTS,
} from './core/module';
import { combineGuards } from './graphql/guards';
import { createQueryLimits } from './graphql/query-limits';
import { createRateLimitGuard } from './graphql/rate-limit-guard';
import type { ResponseCachePolicy } from './graphql/cacheable-operation';
import { invalidateOnDataChanges, LISTS_TAG, userTag } from './http/response-cache-invalidation';
import { buildAppSchema } from './graphql/schema';
import { createContextFactory } from './http/context';
import { createHttpServer, type HttpServer } from './http/server';
import { activityModule } from './modules/activity/activity.module';
import { AUTH, authModule } from './modules/auth/auth.module';
import type { HarvestRequests } from './modules/harvest/harvest-requests';
import { harvestModule } from './modules/harvest/harvest.module';
import { locationModule } from './modules/location/location.module';
import { nodesModule } from './modules/nodes/nodes.module';
import { operationsModule } from './modules/operations/operations.module';
import { notificationsModule } from './modules/notifications/notifications.module';
export { reportStartupFailure } from './modules/notifications/startup-failure';
import type { RankingRunHooks } from './modules/rankings/ranking-run.service';
import { rankingsModule } from './modules/rankings/rankings.module';
import { reportsModule } from './modules/reports/reports.module';
import { repositoriesModule } from './modules/repositories/repositories.module';
import { SYSTEM, systemModule } from './modules/system/system.module';
import { usersModule } from './modules/users/users.module';
import { loginKey } from './modules/users/login';
import { webhooksModule } from './modules/webhooks/webhooks.module';
import type { RetryPolicy } from './platform/github/github-request-hook';
import { createStdoutLogger, type Logger } from './platform/logging/logger';
import { migrateUp } from './platform/database/migrations';
import { SERVICE_VERSION, WEB_BUILD_DIR } from './platform/paths';
import { closeStages } from './platform/close-stages';
import { heartbeatIntervalOf } from './platform/response-cache/response-cache';
import type { OutboxRelayHooks } from './platform/outbox/outbox-relay';
import { openPlatform, PLATFORM_ENTITIES } from './platform/platform';
import { AppMetrics } from './platform/metrics/metrics';
import { ErrorWindow } from './platform/metrics/error-window';
import {
  cacheMetrics,
  databasePoolMetric,
  queueJobsMetric,
  secretMetrics,
} from './platform/metrics/platform-metrics';
import type { SecretStore } from './platform/secrets/secret-store';

export type Role = ProcessRole;

/** What tests may change in the module list; production uses the defaults. */
export interface ModuleOptions {
  /** Where the read API and country harvests ask for harvests (default: the harvest service). */
  readonly harvestRequests?: HarvestRequests;
  /** GitHub client retry policy over its defaults (tests shorten the waits). */
  readonly githubRetry?: Partial<RetryPolicy>;
  /** Hooks into the ranking run (tests inject a failing step into its transaction). */
  readonly rankingRunHooks?: RankingRunHooks;
  readonly extraHealthChecks?: readonly HealthCheck[];
  /** Modules added after the features (tests add one to prove the contract). */
  readonly extraModules?: readonly ModuleDefinition<unknown>[];
  /** Errors answered by code, last hour (createApp makes it and feeds it through AppMetrics). */
  readonly errorWindow?: ErrorWindow;
}

/**
 * Every module of the service, in the order they are created: a module may `use` only those
 * listed before it. Entities, resolvers, health checks, topics, loaders, what each role starts and
 * what closes all come from this one list.
 */
export function appModules(options: ModuleOptions = {}): ModuleDefinition<unknown>[] {
  return [
    locationModule,
    authModule,
    harvestModule({ githubRetry: options.githubRetry, requests: options.harvestRequests }),
    usersModule,
    repositoriesModule,
    activityModule,
    rankingsModule({ runHooks: options.rankingRunHooks }),
    reportsModule,
    notificationsModule,
    webhooksModule,
    ...(options.extraModules ?? []),
    nodesModule, // after every module that resolves Node ids
    systemModule({ extraChecks: options.extraHealthChecks }), // gathers the checks of every module before it
    operationsModule({ errors: options.errorWindow }), // after system: reads its health history
  ];
}

/** Every table's entity: the platform's and every module's (CLI commands and tests open the database with them). */
export function appEntities() {
  return [...PLATFORM_ENTITIES, ...entitiesOf(appModules())];
}

/**
 * The root query fields the response cache may answer (docs/performance.md), with the tags the
 * invalidation events clear. `user { harvest }` is left out: queueing a harvest publishes no event.
 */
const RESPONSE_CACHE_POLICY: ResponseCachePolicy = {
  rootFields: {
    user: {
      tags: (args) => [typeof args.login === 'string' ? userTag(loginKey(args.login)) : LISTS_TAG],
      // The harvest and a refused harvest start depend on the moment and the caller, not on stored data.
      unless: ['harvest', 'harvestRefusal'],
    },
    users: { tags: () => [LISTS_TAG] },
    rankings: { tags: () => [LISTS_TAG] },
    countries: { tags: () => [LISTS_TAG] },
  },
};

/** What tests and bootstrap may replace or add; everything else is built from `config`. */
export interface AppOverrides extends ModuleOptions {
  readonly logger?: Logger;
  /** The store configuration was read through (bootstrap passes it so rotation re-reads work). */
  readonly secrets?: SecretStore;
  readonly extraRoutes?: (fastify: FastifyInstance) => void;
  /** Root query fields the response cache may answer besides the app's (tests add their modules'). */
  readonly extraCacheableFields?: ResponseCachePolicy['rootFields'];
  /** Hooks into the outbox relay (tests stop or kill it between adding jobs and marking them). */
  readonly outboxRelayHooks?: OutboxRelayHooks;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  /** Starts the role's parts; for `api` and `all`, resolves with the listening URL. */
  start(role?: Role): Promise<{ url: string | undefined }>;
  /** Graceful: stop accepting, finish in-flight work, close modules, queues, Valkey and the database. */
  close(): Promise<void>;
}

/** The composition root: every dependency is built here and handed to what needs it. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createStdoutLogger(config.log);
  // Errors answered by code: counted for /metrics and, per minute, for the operator console.
  const errorWindow = new ErrorWindow();
  const definitions = appModules({ ...overrides, errorWindow });
  // One registry per app, made here and handed down: no prom-client default registry.
  const metrics = new AppMetrics({ maxOperationNames: config.metrics.maxOperationNames, errorWindow });
  const platform = await openPlatform({
    config,
    logger,
    metrics,
    secrets: overrides.secrets,
    entities: entitiesOf(definitions),
    relayHooks: overrides.outboxRelayHooks,
  });
  logger.info(
    {
      database: platform.database.mode,
      valkey: config.redis.mode,
      env: config.env,
      version: SERVICE_VERSION,
    },
    platform.database.mode === 'embedded' || config.redis.mode === 'memory'
      ? 'running in embedded mode (development only): data and jobs of this process only'
      : 'running against external PostgreSQL and Valkey',
  );
  if (config.env === 'production' && config.http.trustProxyHops === 0) {
    // Behind a load balancer every client would share its address: one anonymous rate-limit budget.
    logger.warn('TRUST_PROXY_HOPS is 0: set it to the number of proxies in front (1 behind an ALB)');
  }

  const { modules, use } = await composeModules(definitions, platform);
  const schema = await buildAppSchema({
    resolvers: resolversOf(definitions),
    instances: modules.flatMap((module) => module.resolvers ?? []),
    pubSub: platform.pubSub,
  });
  const loaderFactories = modules.flatMap((module) => (module.loaders ? [module.loaders] : []));

  let http: HttpServer | undefined;
  for (const metric of [
    databasePoolMetric(platform.em),
    ...cacheMetrics(platform.cache),
    queueJobsMetric(
      platform.queue,
      modules.flatMap((module) => module.queues ?? []),
    ),
    ...secretMetrics(platform.secrets),
    websocketMetric(() => http?.websocketStats()),
    ...modules.flatMap((module) => module.metrics ?? []),
  ])
    metrics.observe(metric);
  let stopInvalidation: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  return {
    config,
    logger,
    async start(role = 'all') {
      if (platform.database.mode === 'embedded') {
        const applied = await migrateUp(platform.database.orm);
        logger.info({ applied }, 'embedded database migrated');
      }
      platform.startRelay();
      const parts = ROLE_PARTS[role];
      let url: string | undefined;
      if (parts.includes('api')) {
        const rateLimits = createRateLimitGuard({ config, schema, logger, store: platform.rateLimits });
        const { responseCache } = platform;
        if (responseCache) {
          stopInvalidation = invalidateOnDataChanges({
            pubSub: platform.pubSub,
            cache: responseCache,
            loginKey,
            logger,
            heartbeatMs: heartbeatIntervalOf(config.cache.response.maxStaleMs),
          });
        }
        http = await createHttpServer({
          config: config.http,
          websocket: config.websocket,
          security: config.security,
          limits: config.limits,
          metricsAccess: config.metrics,
          metrics,
          cache: platform.cache,
          nodeEnv: config.env,
          logger,
          schema,
          health: use(SYSTEM).health,
          context: createContextFactory({
            fork: () => platform.em.fork(),
            resolveViewer: use(AUTH).resolveViewer,
            rejectedKeys: use(AUTH).rejectedKeys,
            createLoaders: (em) => createLoaders(em, loaderFactories),
            trustedProxyHops: config.http.trustProxyHops,
          }),
          guards: combineGuards(createQueryLimits(schema, config.limits), rateLimits),
          moduleRoutes: modules.flatMap((module) => module.routes ?? []),
          responseCache: responseCache && {
            cache: responseCache,
            policy: {
              rootFields: { ...RESPONSE_CACHE_POLICY.rootFields, ...overrides.extraCacheableFields },
            },
            admit: rateLimits.admitCached,
          },
          web: { dir: WEB_BUILD_DIR, console: config.http.console },
          routes: overrides.extraRoutes,
        });
        url = await http.listen();
      }
      for (const part of parts) {
        for (const module of modules) await module.start?.[part]?.();
      }
      logger.info({ role, url }, 'started');
      return { url };
    },
    close() {
      // HTTP first (stop taking work), then the modules, then the platform's clients.
      closing ??= closeStages(
        [
          async () => {
            stopInvalidation?.();
            await http?.close();
          },
          () => Promise.all(modules.map((module) => module.close?.())),
          () => platform.close(),
        ],
        logger,
        'app',
      ).then(() => logger.info('closed'));
      return closing;
    },
  };
}

/** WebSocket connections and subscriptions of this api process (none before it serves HTTP). */
function websocketMetric(
  stats: () => { readonly connections: number; readonly subscriptions: number } | undefined,
): ObservedMetric {
  return {
    name: 'insights_websocket_open',
    help: 'Open GraphQL WebSocket connections and the subscriptions running on them, by kind',
    type: 'gauge',
    labelNames: ['kind'],
    read() {
      const now = stats();
      if (!now) return [];
      return [
        { labels: { kind: 'connections' }, value: now.connections },
        { labels: { kind: 'subscriptions' }, value: now.subscriptions },
      ];
    },
  };
}
