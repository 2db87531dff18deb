import type { EntityManager } from '@mikro-orm/postgresql';
import type { Platform } from '../platform/platform';
import type { NodeTypeName } from './global-id';
import type { HealthCheck } from './health';
import type { ObservedMetric } from './metrics';
import type { OperatorNotifier } from './operator-alerts';
import type { LoaderFactories } from './loaders';

/**
 * The module contract (docs/architecture.md). Every feature folder exports one definition from its
 * `x.module.ts`; `app.ts` lists the definitions once, and everything else (entities, resolvers,
 * health checks, topics, loaders, what each role starts, what closes) is derived from that list.
 */

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ResolverClass = Function;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EntityClass = abstract new (...args: any[]) => object;

/** What a process runs: `api` (HTTP + WebSocket), `worker` (jobs), `all` (both). */
export type ProcessRole = 'api' | 'worker' | 'all';
export type ModulePart = 'api' | 'worker';

export type { Platform };

/** The one place that says which parts of every module a role starts. */
export const ROLE_PARTS: Readonly<Record<ProcessRole, readonly ModulePart[]>> = {
  api: ['api'],
  worker: ['worker'],
  all: ['api', 'worker'],
};

/** What a module's HTTP route sees of a request (no transport types: http/ adapts Fastify's). */
export interface RouteRequest {
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as sent (webhooks verify signatures over it); empty when none. */
  readonly body: string;
  readonly requestId: string;
}

export interface RouteResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Text as it is (an HTML page, a plain answer), or an object answered as JSON. */
  readonly body: string | Readonly<Record<string, unknown>>;
}

/**
 * A REST route a module serves (webhooks, links in e-mails). A thrown DomainError is answered with
 * its code's HTTP status, like every route.
 */
export interface ModuleRoute {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** Largest body accepted (default 256 KiB); a larger one is answered 413 PAYLOAD_TOO_LARGE. */
  readonly bodyLimitBytes?: number;
  /** Content types accepted (others: 415); absent: any, read as text (SNS posts `text/plain`). */
  readonly contentTypes?: readonly string[];
  handle(request: RouteRequest): Promise<RouteResponse>;
}

/** Fetches objects of one Node type back by database id, for `node(id:)`. */
export type NodeFetcher = (em: EntityManager, id: number) => Promise<object | null>;

export interface AppModule<TExports = undefined> {
  /** One instance of each resolver class the definition declares, built with its services. */
  readonly resolvers?: readonly object[];
  readonly healthChecks?: readonly HealthCheck[];
  /** Figures the module owns, read at each scrape of `GET /metrics` (core/metrics.ts). */
  readonly metrics?: readonly ObservedMetric[];
  /** Where operator notifications go besides the log (the notifications module: email). */
  readonly operatorNotifier?: OperatorNotifier;
  /** The pub/sub topics this module publishes. */
  readonly topics?: readonly string[];
  /** The job queues this module's worker part consumes (health reports their figures). */
  readonly queues?: readonly string[];
  /** Repeatable jobs by health detail name (`nextRankingRun`): health reports when each runs next. */
  readonly schedules?: Readonly<Record<string, { readonly queue: string; readonly key: string }>>;
  /** Per-request loaders this module owns (typed fields of `Loaders`, see core/loaders.ts). */
  readonly loaders?: LoaderFactories;
  /** The Node types whose global ids this module resolves. */
  readonly nodes?: Partial<Record<NodeTypeName, NodeFetcher>>;
  /** REST routes the api part serves (webhooks, links in e-mails); http/module-routes.ts registers them. */
  readonly routes?: readonly ModuleRoute[];
  /** What each part starts (job processors and schedules for `worker`); see ROLE_PARTS. */
  readonly start?: Partial<Record<ModulePart, () => Promise<void>>>;
  /** Releases what the module opened itself; platform clients are closed by the app. */
  close?(): Promise<void>;
  /** What later modules may `use` (services, sources): the module's public face. */
  readonly exports: TExports;
}

/** A module's typed name: what other modules `use` to reach its exports. */
export interface ModuleKey<TExports> {
  readonly name: string;
  /** Type only: carries the exports' type. */
  readonly exportsType?: TExports;
}

export function moduleKey<TExports>(name: string): ModuleKey<TExports> {
  return { name };
}

export interface ModuleScope {
  /** The exports of a module listed before the caller; a module listed after it is a start-up error. */
  use<T>(key: ModuleKey<T>): T;
  /** Every module created so far, in list order. */
  readonly created: readonly CreatedModule[];
}

export interface ModuleDefinition<TExports = undefined> {
  readonly key: ModuleKey<TExports>;
  /** MikroORM entities the module owns (the database opens with every module's list). */
  readonly entities: readonly EntityClass[];
  /**
   * Resolver classes the module serves: the schema is built from every module's list, and
   * `create` returns one instance of each. A resolver no module declares never reaches the schema.
   */
  readonly resolvers: readonly ResolverClass[];
  create(platform: Platform, scope: ModuleScope): AppModule<TExports> | Promise<AppModule<TExports>>;
}

export type CreatedModule = AppModule<unknown> & { readonly name: string };

/** Identity: keeps the exports' type for `use`. */
export function defineModule<TExports>(definition: ModuleDefinition<TExports>): ModuleDefinition<TExports> {
  return definition;
}

/** Creates the listed modules in order; each may `use` the ones before it. */
export async function composeModules(
  definitions: readonly ModuleDefinition<unknown>[],
  platform: Platform,
): Promise<{ modules: readonly CreatedModule[]; use: ModuleScope['use'] }> {
  const created: CreatedModule[] = [];
  const exportsOf = new Map<string, unknown>();
  const use = <T>(key: ModuleKey<T>): T => {
    if (!exportsOf.has(key.name)) {
      throw new Error(`module "${key.name}" is used before it is created: list it earlier in app.ts`);
    }
    return exportsOf.get(key.name) as T;
  };
  for (const { key, resolvers, create } of definitions) {
    if (exportsOf.has(key.name)) throw new Error(`module "${key.name}" is listed twice`);
    const module = await create(platform, { use, created });
    checkResolvers(key.name, resolvers, module.resolvers ?? []);
    created.push({ ...module, name: key.name });
    exportsOf.set(key.name, module.exports);
  }
  return { modules: created, use };
}

/** A module creates exactly one instance of each resolver class it declares, and no other. */
function checkResolvers(
  module: string,
  declared: readonly ResolverClass[],
  instances: readonly object[],
): void {
  const built = instances.map((instance) => instance.constructor);
  const missing = declared.filter((type) => built.filter((b) => b === type).length !== 1);
  const extra = built.filter((type) => !declared.includes(type));
  if (missing.length + extra.length > 0) {
    const names = [...missing, ...extra].map((type) => (type as { name: string }).name).join(', ');
    throw new Error(`module "${module}": resolvers declared and created differ (${names})`);
  }
}

/** The resolver classes of the listed modules, for the schema. */
export function resolversOf(definitions: readonly ModuleDefinition<unknown>[]): ResolverClass[] {
  return definitions.flatMap((definition) => definition.resolvers);
}

export function entitiesOf(definitions: readonly ModuleDefinition<unknown>[]): EntityClass[] {
  return [...new Set(definitions.flatMap((definition) => definition.entities))];
}
