import { createHash } from 'node:crypto';
import type { Cache } from '../cache/cache';

/**
 * Answers computed from GitHub answers that cannot be revalidated (GraphQL is a POST: never a
 * 304), kept under a digest of the inputs they were computed from. A harvest keys its GraphQL
 * repository counts by the repository list REST served (itself revalidated for free): while that
 * list is unchanged (no push, star, issue or pull request opened or closed), the counts are
 * reused instead of paid again. What the list does not reflect (watchers) may lag by up to the
 * TTL. Without a cache every call computes.
 */
export class DerivedAnswerCache {
  constructor(
    private readonly cache: Cache | undefined,
    private readonly ttlMs: number,
    private readonly keyPrefix = 'github:derived:',
  ) {}

  async remember<T>(inputs: unknown, compute: () => Promise<T>): Promise<T> {
    if (!this.cache) return compute();
    const key = `${this.keyPrefix}${createHash('sha256').update(JSON.stringify(inputs)).digest('hex')}`;
    const hit = await this.cache.get<T>(key);
    if (hit !== undefined) return hit;
    const value = await compute();
    await this.cache.set(key, value, this.ttlMs);
    return value;
  }
}
