import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Cache } from '../platform/cache/cache';

/**
 * Per-request loaders: typed fields of the GraphQL context, each declared by the module that owns
 * it (declaration merging), for example in activity.module.ts:
 *
 *   declare module '../../core/loaders' { interface Loaders { activity: ActivityLoader } }
 *
 * and created by that module's `loaders` factory. Fresh for every request, built on first use.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

export type LoaderFactories = { readonly [K in keyof Loaders]?: (em: EntityManager) => Loaders[K] };

/** A request's loaders: each field is built by its module's factory the first time it is read. */
export function createLoaders(em: EntityManager, factories: readonly LoaderFactories[]): Loaders {
  const loaders = {};
  for (const factory of factories) {
    for (const [name, create] of Object.entries(factory) as [string, (em: EntityManager) => unknown][]) {
      if (Object.hasOwn(loaders, name)) throw new Error(`two modules declare the loader "${name}"`);
      Object.defineProperty(loaders, name, {
        configurable: true,
        enumerable: true,
        get() {
          const value = create(em);
          Object.defineProperty(loaders, name, { value, enumerable: true });
          return value;
        },
      });
    }
  }
  return loaders as Loaders;
}

export interface CachedBatchOptions<K, V> {
  readonly cache: Cache;
  readonly ttlMs: number;
  /** Key in the shared cache: must change whenever the value may (include the harvest time). */
  readonly cacheKey: (key: K) => string;
  /** Keys loaded together in one query share a group (e.g. the same arguments). */
  readonly group: (key: K) => string;
  /** Loads one group of keys (one query, or a fixed few); returns values in the keys' order. */
  readonly load: (keys: readonly K[]) => Promise<V[]>;
}

/**
 * A DataLoader whose batch answers from the shared cache first and loads only the misses, one
 * `load` per group of keys. Cache reads run inside the batch, so all of a page's parents stay in
 * one batch (and one query per group) whether they hit or miss.
 */
export function cachedLoader<K, V>(options: CachedBatchOptions<K, V>): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const cached = await Promise.all(keys.map((key) => options.cache.get<V>(options.cacheKey(key))));
      const values: (V | undefined)[] = [...cached];
      const groups = new Map<string, number[]>();
      keys.forEach((key, index) => {
        if (cached[index] !== undefined) return;
        const group = options.group(key);
        groups.set(group, [...(groups.get(group) ?? []), index]);
      });
      await Promise.all(
        [...groups.values()].map(async (indexes) => {
          const loaded = await options.load(indexes.map((i) => keys[i]!));
          indexes.forEach((keyIndex, i) => {
            values[keyIndex] = loaded[i];
          });
          await Promise.all(
            indexes.map((i) => options.cache.set(options.cacheKey(keys[i]!), values[i], options.ttlMs)),
          );
        }),
      );
      return values as V[];
    },
    { cacheKeyFn: options.cacheKey },
  );
}

/** Time-to-live of the insights entries in the shared cache (keys carry the harvest time). */
const INSIGHTS_CACHE_TTL_MS = 60 * 60 * 1000;

/**
 * `<kind>:<user id>:<harvested at ms or never>:<arguments>`: a completed harvest changes the key.
 * The version changes with the shape of what is cached (v2: repository watchers and default branch,
 * activity per active day), so entries of an older release are never read.
 */
export function insightsCacheKey(
  kind: string,
  userId: number,
  harvestedAt: Date | string | null,
  ...args: (string | number)[]
): string {
  const version = harvestedAt ? new Date(harvestedAt).getTime() : 'never';
  return ['insights', 'v2', kind, userId, version, ...args].join(':');
}

/** A developer as of one harvest: insights are cached per developer and harvest. */
export interface DeveloperVersion {
  readonly userId: number;
  readonly harvestedAt: Date | null;
}

/**
 * A per-request loader of one kind of insight per developer: cached in the shared cache under
 * `insightsCacheKey(kind, user, harvest, ...args)`, misses loaded one `load` per `group`.
 */
export function insightsLoader<K extends DeveloperVersion, V>(
  cache: Cache,
  kind: string,
  options: {
    readonly args?: (key: K) => (string | number)[];
    readonly group?: (key: K) => string;
    readonly load: (keys: readonly K[]) => Promise<V[]>;
  },
): DataLoader<K, V, string> {
  return cachedLoader<K, V>({
    cache,
    ttlMs: INSIGHTS_CACHE_TTL_MS,
    cacheKey: (k) => insightsCacheKey(kind, k.userId, k.harvestedAt, ...(options.args?.(k) ?? [])),
    group: options.group ?? (() => 'all'),
    load: options.load,
  });
}
