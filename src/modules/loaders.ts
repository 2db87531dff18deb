import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Cache } from '../platform/cache/cache';

/**
 * Per-request DataLoaders, one per batched lookup, created fresh for every request so nothing is
 * cached across callers. Features whose loaders need collaborators of their own (the shared cache)
 * register them in `batches` on first use, through their service.
 */
export interface Loaders {
  readonly batches: BatchLoaders;
}

export function createLoaders(_em: EntityManager): Loaders {
  return { batches: new BatchLoaders() };
}

/** Named per-request loaders: the first `get` of a name creates it; later ones share it. */
export class BatchLoaders {
  private readonly loaders = new Map<string, unknown>();

  get<K, V>(name: string, create: () => DataLoader<K, V, string>): DataLoader<K, V, string> {
    let loader = this.loaders.get(name) as DataLoader<K, V, string> | undefined;
    if (!loader) {
      loader = create();
      this.loaders.set(name, loader);
    }
    return loader;
  }
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
export const INSIGHTS_CACHE_TTL_MS = 60 * 60 * 1000;

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
