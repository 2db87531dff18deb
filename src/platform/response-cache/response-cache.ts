import type { Logger } from '../logging/logger';
import type { RedisClient } from '../redis/redis-factory';

/**
 * Whole answers of cacheable read operations, as the bytes sent (docs/performance.md): an
 * in-process tier in front of a shared Valkey tier. It knows no GraphQL or HTTP: callers give a key
 * (what the answer depends on), tags (what data it shows) and the time they started computing it.
 *
 * Freshness: `invalidate(tag)` (called on every instance by the data-change events) records when
 * the data behind a tag changed. An entry counts only if it was computed after every change of its
 * tags (and of ALL_TAG), by more than `skewMs`, so an answer computed from older data, on any
 * instance, is never served once the event has arrived; entries computed before this process
 * started are not trusted either (it has not seen the events before). The shared tier is
 * separate from the shared data cache (platform/cache) and never fails a request: when Valkey is
 * unreachable it is skipped.
 */
interface CachedAbout {
  /** Strong validator of the body. */
  readonly etag: string;
  /** The operation's rate-limit cost, charged on every hit. */
  readonly cost: number;
  /** When the request that computed it started (ms since the epoch, the computing instance's clock). */
  readonly computedAt: number;
  readonly tags: readonly string[];
}

/** An answer as it is stored. */
export interface CachedResponse extends CachedAbout {
  /** The answer (JSON), sent as it is. */
  readonly body: string;
}

/**
 * An answer as `get` returns it: its UTF-8 bytes, encoded once when it entered this process (the
 * in-process tier keeps only these, not the text as well: half the memory per answer).
 */
export interface CachedAnswer extends CachedAbout {
  readonly bytes: Buffer;
}

export type ResponseCacheTier = 'local' | 'shared';

export interface ResponseCacheSettings {
  readonly ttlMs: number;
  readonly localMaxBytes: number;
  /** Larger answers are not cached. */
  readonly maxEntryBytes: number;
  /** Tolerated clock difference between instances (and pub/sub delivery spread). */
  readonly skewMs: number;
  /**
   * Hits only while this instance's invalidation link was heard from (`heard`) within this many ms:
   * a lagging or cut link (events not yet read) means answers are computed instead of possibly
   * stale ones served. Undefined: no such bound (no link to wait for).
   */
  readonly maxLinkLagMs?: number;
}

export interface ResponseCacheStats {
  readonly localHits: number;
  readonly sharedHits: number;
  readonly misses: number;
  readonly stale: number;
  /** Lookups answered as misses because the invalidation link lagged. */
  readonly lagging: number;
  readonly localEntries: number;
  readonly localBytes: number;
}

/**
 * How a bound on staleness (RESPONSE_CACHE_MAX_STALE_MS) splits: heartbeats every quarter of it,
 * hits only while the newest one heard is at most three quarters of it old (the last quarter is
 * left for the publisher of an event to reach Valkey).
 */
export const heartbeatIntervalOf = (maxStaleMs: number): number => Math.floor(maxStaleMs / 4);
export const linkLagOf = (maxStaleMs: number): number => Math.floor((maxStaleMs * 3) / 4);

/** Changes remembered (tags) before old ones are pruned; see `pruneAbove`. */
const PRUNE_ABOVE = 10_000;

/** The tag every entry has: a ranking run (or a lost event) invalidates everything. */
export const ALL_TAG = '*';

/** What `get` finds: the answer and the tier it came from. */
export interface CacheLookup {
  readonly response: CachedAnswer;
  readonly tier: ResponseCacheTier;
}

interface LocalEntry extends CachedAnswer {
  readonly size: number;
  readonly expiresAt: number;
}

export class ResponseCache {
  private readonly local = new Map<string, LocalEntry>();
  private localBytes = 0;
  /** The keys of the in-process entries showing each tag: an invalidation visits only those. */
  private readonly keysByTag = new Map<string, Set<string>>();
  /** When the data behind each tag last changed (entries older than the TTL are gone anyway). */
  private readonly changedAt = new Map<string, number>();
  /**
   * `changedAt` is pruned when it grows past this, which then doubles from what is left: with more
   * tags changing within the TTL than the first bound (10,000 developers harvested at once), a prune
   * on every change would walk them all each time.
   */
  private pruneAbove = PRUNE_ABOVE;
  private counters = { localHits: 0, sharedHits: 0, misses: 0, stale: 0, lagging: 0 };
  /** When the newest heartbeat heard through the invalidation link was sent (this clock). */
  private linkHeardAt = -Infinity;

  constructor(
    private readonly settings: ResponseCacheSettings,
    private readonly shared: { readonly redis: RedisClient; readonly prefix: string } | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.changedAt.set(ALL_TAG, this.now());
  }

  /**
   * A fresh answer for `key`, from the in-process tier or else the shared one. Decided without
   * waiting (no promise) when this process can: a hit in memory, or a lagging link; a promise when
   * the shared tier is asked.
   */
  get(key: string): CacheLookup | undefined | Promise<CacheLookup | undefined> {
    const now = this.now();
    const { maxLinkLagMs } = this.settings;
    if (maxLinkLagMs !== undefined && now - this.linkHeardAt > maxLinkLagMs) {
      this.counters.lagging++;
      this.counters.misses++;
      return undefined;
    }
    const entry = this.local.get(key);
    if (entry) {
      if (entry.expiresAt > now && this.isFresh(entry)) {
        // Recency order for eviction: re-inserted last.
        this.local.delete(key);
        this.local.set(key, entry);
        this.counters.localHits++;
        return { response: entry, tier: 'local' };
      }
      this.drop(key, entry);
    }
    return this.getShared(key, now);
  }

  private async getShared(key: string, now: number): Promise<CacheLookup | undefined> {
    const response = await this.readShared(key);
    if (response && this.isFresh(response)) {
      this.counters.sharedHits++;
      return { response: this.remember(key, response, Buffer.from(response.body), now), tier: 'shared' };
    }
    if (response) this.counters.stale++;
    this.counters.misses++;
    return undefined;
  }

  /** Stores an answer computed from data read after `computedAt`; ignored if that data has changed since. */
  async set(key: string, response: CachedResponse): Promise<void> {
    // Sent as bytes on every hit: encoded once here rather than by each response.
    const bytes = Buffer.from(response.body);
    if (bytes.length > this.settings.maxEntryBytes || !this.isFresh(response)) return;
    this.remember(key, response, bytes, this.now());
    if (!this.shared || this.shared.redis.status !== 'ready') return;
    try {
      await this.shared.redis.set(this.shared.prefix + key, encode(response), 'PX', this.settings.ttlMs);
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'response cache: shared write failed');
    }
  }

  /**
   * A heartbeat sent at `sentAt` came back through the invalidation link: every event published
   * before it has been read (pub/sub delivers in order), so the invalidations up to then are applied.
   */
  heard(sentAt: number): void {
    if (sentAt > this.linkHeardAt) this.linkHeardAt = sentAt;
  }

  /** The data behind `tag` (ALL_TAG: everything) changed now: earlier answers showing it are stale. */
  invalidate(tag: string): void {
    const now = this.now();
    this.changedAt.set(tag, now);
    if (tag === ALL_TAG) {
      this.local.clear();
      this.keysByTag.clear();
      this.localBytes = 0;
      this.changedAt.clear();
      this.changedAt.set(ALL_TAG, now);
      this.pruneAbove = PRUNE_ABOVE;
      return;
    }
    const keys = this.keysByTag.get(tag);
    if (keys) for (const key of [...keys]) this.drop(key, this.local.get(key)!);
    if (this.changedAt.size > this.pruneAbove) this.prune(now);
  }

  stats(): ResponseCacheStats {
    return { ...this.counters, localEntries: this.local.size, localBytes: this.localBytes };
  }

  private isFresh(response: CachedAbout): boolean {
    const limit = response.computedAt - this.settings.skewMs;
    if ((this.changedAt.get(ALL_TAG) ?? 0) >= limit) return false;
    return response.tags.every((tag) => (this.changedAt.get(tag) ?? 0) < limit);
  }

  /** Keeps an answer in this process as `bytes` (its body's UTF-8, which every hit sends as it is). */
  private remember(key: string, response: CachedAbout, bytes: Buffer, now: number): LocalEntry {
    const previous = this.local.get(key);
    if (previous) this.drop(key, previous);
    const { etag, cost, computedAt, tags } = response;
    const size = bytes.length + key.length;
    const expiresAt = Math.min(now + this.settings.ttlMs, computedAt + this.settings.ttlMs);
    const entry: LocalEntry = { etag, cost, computedAt, tags, bytes, size, expiresAt };
    this.local.set(key, entry);
    this.localBytes += size;
    for (const tag of response.tags) {
      const keys = this.keysByTag.get(tag);
      if (keys) keys.add(key);
      else this.keysByTag.set(tag, new Set([key]));
    }
    while (this.localBytes > this.settings.localMaxBytes && this.local.size > 0) {
      const [oldestKey, oldest] = this.local.entries().next().value as [string, LocalEntry];
      this.drop(oldestKey, oldest);
    }
    return entry;
  }

  private drop(key: string, entry: LocalEntry): void {
    if (this.local.get(key) !== entry) return;
    this.local.delete(key);
    this.localBytes -= entry.size;
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }

  /** Forgets changes older than any entry can be (entries live at most the TTL). */
  private prune(now: number): void {
    for (const [tag, at] of this.changedAt) {
      if (tag !== ALL_TAG && at < now - this.settings.ttlMs - this.settings.skewMs)
        this.changedAt.delete(tag);
    }
    this.pruneAbove = Math.max(PRUNE_ABOVE, this.changedAt.size * 2);
  }

  private async readShared(key: string): Promise<CachedResponse | undefined> {
    if (!this.shared || this.shared.redis.status !== 'ready') return undefined;
    try {
      const raw = await this.shared.redis.get(this.shared.prefix + key);
      return raw === null ? undefined : decode(raw);
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'response cache: shared read failed');
      return undefined;
    }
  }
}

/** `computedAt \n cost \n etag \n tags (tab-separated) \n body`: the body is never parsed. */
function encode(response: CachedResponse): string {
  return `${response.computedAt}\n${response.cost}\n${response.etag}\n${response.tags.join('\t')}\n${response.body}`;
}

function decode(raw: string): CachedResponse | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 4; i++) {
    const end = raw.indexOf('\n', start);
    if (end < 0) return undefined;
    fields.push(raw.slice(start, end));
    start = end + 1;
  }
  const [computedAt, cost, etag, tags] = fields as [string, string, string, string];
  return {
    computedAt: Number(computedAt),
    cost: Number(cost),
    etag,
    tags: tags === '' ? [] : tags.split('\t'),
    body: raw.slice(start),
  };
}
