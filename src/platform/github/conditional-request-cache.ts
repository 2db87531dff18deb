import { createHash } from 'node:crypto';
import type { Cache } from '../cache/cache';
import type { HeaderBag } from './rate-limit-signals';

/**
 * The validators (ETag, Last-Modified) and body of every cacheable GET, kept in the shared cache
 * (Valkey in production, so every process benefits). A later request for the same URL sends
 * `If-None-Match`/`If-Modified-Since`; GitHub answers 304 for an unchanged resource, which does
 * not count against the rate limit, and the stored body is served as if it were a 200.
 *
 * The key is the URL (with its query, so each page has its own entry) and the Accept header.
 * GitHub's ETags are per token (responses carry `Vary: Authorization`; another token's ETag gets
 * a full 200), so the entry names the token that fetched it (`tokenId`, its masked id): the
 * request hook revalidates with that token when it can, and with `If-Modified-Since` otherwise.
 */
export interface CachedResponse {
  readonly url: string;
  readonly etag: string | undefined;
  readonly lastModified: string | undefined;
  /** Masked id of the token whose ETag this is (`unauthenticated` for none). */
  readonly tokenId?: string;
  /** The headers a caller needs again (pagination `link`, content type, validators). */
  readonly headers: Readonly<Record<string, string>>;
  readonly data: unknown;
}

/** Headers worth replaying on a 304; rate-limit headers come fresh from the 304 itself. */
const KEPT_HEADERS = [
  'link',
  'etag',
  'last-modified',
  'content-type',
  'x-github-media-type',
  'cache-control',
] as const;

export interface ConditionalRequestCacheOptions {
  readonly cache: Cache;
  /** How long validators and bodies are kept (longer than the harvest freshness window). */
  readonly ttlMs: number;
  readonly keyPrefix?: string;
}

export class ConditionalRequestCache {
  constructor(private readonly options: ConditionalRequestCacheOptions) {}

  key(url: string, accept: string | undefined): string {
    const digest = createHash('sha256')
      .update(`${url}\n${accept ?? ''}`)
      .digest('hex');
    return `${this.options.keyPrefix ?? 'github:conditional:'}${digest}`;
  }

  async lookup(key: string): Promise<CachedResponse | undefined> {
    return this.options.cache.get<CachedResponse>(key);
  }

  /** Stores a 200 that carries a validator; returns whether it was stored. */
  async store(
    key: string,
    url: string,
    headers: HeaderBag,
    data: unknown,
    tokenId?: string,
  ): Promise<boolean> {
    const etag = headerString(headers, 'etag');
    const lastModified = headerString(headers, 'last-modified');
    if (etag === undefined && lastModified === undefined) return false;
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = headerString(headers, name);
      if (value !== undefined) kept[name] = value;
    }
    const entry: CachedResponse = { url, etag, lastModified, tokenId, headers: kept, data };
    await this.options.cache.set(key, entry, this.options.ttlMs);
    return true;
  }
}

function headerString(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
}
