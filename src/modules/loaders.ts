import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Per-request DataLoaders, one per batched lookup. Features add theirs here; each is created
 * fresh for every request so nothing is cached across callers.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

export function createLoaders(_em: EntityManager): Loaders {
  return {};
}
