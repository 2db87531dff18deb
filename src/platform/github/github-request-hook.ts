import type { EndpointDefaults, EndpointInterface, OctokitResponse } from '@octokit/types';
import type { Logger } from '../logging/logger';
import type { ConditionalRequestCache, CachedResponse } from './conditional-request-cache';
import { GitHubNetworkError, GitHubRateLimitedError, GitHubTokensRejectedError } from './github-errors';
import type { GitHubRequestCounters } from './github-request-counters';
import {
  classifyFailure,
  type HeaderBag,
  isGraphQLRateLimited,
  budgetFromHeaders,
} from './rate-limit-signals';
import { resourceForRequest } from './rate-limit-resource';
import type { TokenLease, TokenPool } from './token-pool';

export type RequestOptions = Required<EndpointDefaults>;
export type SendRequest = (
  options: RequestOptions,
) => OctokitResponse<unknown> | Promise<OctokitResponse<unknown>>;
export type RequestHook = (send: SendRequest, options: RequestOptions) => Promise<OctokitResponse<unknown>>;

export interface RetryPolicy {
  /** Attempts for 5xx and network failures, the first included (default 4). */
  readonly maxAttempts: number;
  /** First backoff; doubles each attempt, with ±20% jitter (default 500 ms). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Longest wait for a rate-limited resource before giving up with GitHubRateLimitedError. */
  readonly maxRateLimitWaitMs: number;
  /** Re-sends after rate-limit answers (each picks another token or waits), at most. */
  readonly maxRateLimitRetries: number;
  /** Per-attempt timeout (default 30 s). */
  readonly requestTimeoutMs: number;
}

export interface RequestHookOptions {
  readonly pool: TokenPool;
  /** Parses endpoint options into the final URL (Octokit's `request.endpoint`). */
  readonly endpoint: EndpointInterface;
  readonly conditionalCache: ConditionalRequestCache | undefined;
  readonly counters: GitHubRequestCounters;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
}

interface RequestErrorLike {
  readonly name: string;
  readonly message: string;
  readonly status: number;
  readonly response?: { readonly headers: HeaderBag; readonly data: unknown; readonly url: string };
}

function asRequestError(error: unknown): RequestErrorLike | undefined {
  return error instanceof Error && typeof (error as Partial<RequestErrorLike>).status === 'number'
    ? (error as unknown as RequestErrorLike)
    : undefined;
}

/** GitHub's answer to a GraphQL query it stopped: "…This may be the result of a timeout…". */
function isGraphQLTimeout(data: unknown): boolean {
  const errors = (data as { errors?: { message?: unknown }[] } | null | undefined)?.errors;
  return Array.isArray(errors) && errors.some((e) => /timeout/i.test(String(e?.message ?? '')));
}

/** The request as GitHub will see it, without credentials or conditional headers of ours. */
function headersWithout(headers: RequestOptions['headers'], ...names: string[]): RequestOptions['headers'] {
  const copy = { ...headers };
  for (const name of names) delete (copy as Record<string, unknown>)[name];
  return copy;
}

/**
 * Octokit's `request` hook: per request, picks a token from the pool for the request's resource,
 * makes GETs conditional with what the cache holds, records the budget GitHub reports, and
 * handles failures as GitHub asks clients to: 401 drops the token (and re-reads the secret),
 * 403/429 rate limits rest the token and retry with another (or wait), 5xx and network errors
 * retry with exponential backoff. A 304 comes back to the caller as the cached 200.
 */
export function createRequestHook(options: RequestHookOptions): RequestHook {
  const { pool, counters, logger, retry } = options;

  async function acquire(resource: TokenLease['resource'], prefer: string | undefined): Promise<TokenLease> {
    for (;;) {
      const acquisition = await pool.acquire(resource, prefer);
      if (acquisition.kind === 'ready') return acquisition.lease;
      if (acquisition.kind === 'paused') throw new GitHubTokensRejectedError(acquisition.reason);
      if (acquisition.kind === 'busy') {
        counters.pacedWaits++;
        await acquisition.released;
        continue;
      }
      const waitMs = Math.max(0, acquisition.until - options.now());
      if (acquisition.reason === 'paced') {
        // Pacing waits at most a minute: the request goes out then, within GitHub's limits.
        counters.pacedWaits++;
        await options.sleep(waitMs);
        continue;
      }
      if (waitMs > retry.maxRateLimitWaitMs) throw new GitHubRateLimitedError(resource, acquisition.until);
      counters.rateLimitWaits++;
      logger.info({ resource, waitMs }, 'every GitHub token is resting; waiting');
      await options.sleep(waitMs);
    }
  }

  function backoff(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    const base = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(base * (0.8 + 0.4 * options.random()));
  }

  return async (send, requestOptions) => {
    const parsed = options.endpoint.parse(requestOptions);
    const resource = resourceForRequest(parsed.url);
    const callerHeaders = requestOptions.headers as Record<string, string | undefined>;
    // A caller that makes its own conditional request gets GitHub's answer untouched.
    const cacheable =
      parsed.method === 'GET' &&
      options.conditionalCache !== undefined &&
      callerHeaders['if-none-match'] === undefined &&
      callerHeaders['if-modified-since'] === undefined;
    const cacheKey = cacheable ? options.conditionalCache!.key(parsed.url, callerHeaders.accept) : undefined;
    const cached: CachedResponse | undefined = cacheKey
      ? await options.conditionalCache!.lookup(cacheKey)
      : undefined;
    const callerSignal = requestOptions.request?.signal as AbortSignal | undefined;

    let failures = 0;
    let rateLimitRetries = 0;
    let authRetries = 0;
    for (;;) {
      // GitHub's ETags are per token: the token that fetched the cached answer revalidates it.
      const lease = await acquire(resource, cached?.tokenId);
      const headers: Record<string, string> = {
        'x-github-api-version': '2022-11-28',
        ...(headersWithout(requestOptions.headers, 'authorization') as Record<string, string>),
      };
      if (lease.token !== undefined) headers.authorization = `token ${lease.token}`;
      const ownEtag = cached?.etag !== undefined && cached.tokenId === lease.id;
      if (ownEtag) headers['if-none-match'] = cached.etag!;
      // Another token: its ETag would never match; a date does, where GitHub sent one.
      else if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
      const timeout = AbortSignal.timeout(retry.requestTimeoutMs);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
      counters.requests++;
      try {
        const sent = {
          ...requestOptions,
          headers: headers as RequestOptions['headers'],
          request: { ...requestOptions.request, signal },
        };
        const response = await send(sent);
        pool.observe(lease, response.headers);
        pool.pacer.succeeded(lease.id);
        if (resource === 'graphql' && isGraphQLRateLimited(response.data)) {
          const reset = budgetFromHeaders(response.headers)?.resetAt;
          pool.rest(lease, reset && reset > options.now() ? reset : options.now() + 60_000, 'exhausted');
          if (++rateLimitRetries > retry.maxRateLimitRetries) return response;
          continue;
        }
        if (cacheKey && response.status === 200) {
          if (
            await options.conditionalCache!.store(
              cacheKey,
              parsed.url,
              response.headers,
              response.data,
              lease.id,
            )
          )
            counters.cacheStores++;
        }
        return response;
      } catch (error) {
        const requestError = asRequestError(error);
        if (!requestError || callerSignal?.aborted) throw error;
        const response = requestError.response;
        if (response) pool.observe(lease, response.headers);
        if (requestError.status === 304 && cached) {
          counters.notModified++;
          pool.pacer.succeeded(lease.id);
          const fresh = Object.fromEntries(
            Object.entries(response?.headers ?? {}).filter(([name]) => name.startsWith('x-')),
          );
          return {
            status: 200,
            url: cached.url,
            headers: { ...cached.headers, ...fresh },
            data: cached.data,
          };
        }
        // A GraphQL query GitHub stopped at its 10-second limit fails the same way again: the caller
        // asks for less (smaller pages) instead of this hook repeating it (timeouts cost points).
        if (resource === 'graphql' && requestError.status === 502 && isGraphQLTimeout(response?.data))
          throw error;
        const verdict = classifyFailure(
          {
            status: response ? requestError.status : undefined,
            headers: response?.headers,
            message: requestError.message,
          },
          options.now(),
        );
        switch (verdict.kind) {
          case 'bad-credentials':
            if (lease.token === undefined || ++authRetries > 10) throw error;
            counters.tokensRejected++;
            await pool.invalidate(lease);
            continue;
          case 'primary-limit':
            pool.rest(lease, verdict.resetAt, 'exhausted');
            if (++rateLimitRetries > retry.maxRateLimitRetries) throw error;
            continue;
          case 'secondary-limit': {
            // That token backs off (exponentially when it keeps meeting limits); others go on.
            counters.secondaryLimits++;
            const until = pool.pacer.secondaryLimit(lease.id, verdict.retryAt, options.now());
            pool.rest(lease, until, 'secondary-limit');
            if (++rateLimitRetries > retry.maxRateLimitRetries) throw error;
            continue;
          }
          case 'server-error':
          case 'network-error': {
            if (++failures >= retry.maxAttempts) {
              throw verdict.kind === 'network-error'
                ? new GitHubNetworkError(requestError.message.slice(0, 200), { cause: error })
                : error;
            }
            const delay = backoff(
              failures,
              verdict.kind === 'server-error' ? verdict.retryAfterMs : undefined,
            );
            counters.retries++;
            logger.warn(
              {
                status: response ? requestError.status : undefined,
                attempt: failures,
                delayMs: delay,
                tokenId: lease.id,
                url: parsed.url,
              },
              'GitHub request failed; retrying',
            );
            await options.sleep(delay);
            continue;
          }
          default:
            throw error;
        }
      } finally {
        pool.release(lease);
      }
    }
  };
}
