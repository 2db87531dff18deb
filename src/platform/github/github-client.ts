import type { Cache } from '../cache/cache';
import type { Logger } from '../logging/logger';
import { ConditionalRequestCache } from './conditional-request-cache';
import { DerivedAnswerCache } from './derived-answer-cache';
import { type GitHubClientStats, GitHubRequestCounters } from './github-request-counters';
import { createRequestHook, type RetryPolicy } from './github-request-hook';
import { type GitHubOctokit, loadOctokit } from './octokit-loader';
import type { TokenPool } from './token-pool';

export interface GitHubClientOptions {
  /** `GITHUB_API_URL`: https://api.github.com, a GitHub Enterprise Server `/api/v3`, or a test server. */
  readonly baseUrl: string;
  readonly pool: TokenPool;
  /** Shared cache for conditional requests (Valkey in production); omit to disable them. */
  readonly cache?: Cache;
  /** How long ETags and bodies are kept (default 3 days: beyond the 24 h harvest freshness). */
  readonly conditionalCacheTtlMs?: number;
  readonly logger: Logger;
  readonly userAgent?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Injected for tests (a manual clock); defaults to timers and Date.now. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface GitHubClient {
  /** Octokit with `request`, `graphql` and `paginate`; every request goes through the pool. */
  readonly octokit: GitHubOctokit;
  readonly pool: TokenPool;
  /** Answers derived from GitHub answers, kept while their inputs are unchanged (same cache, same TTL). */
  readonly derived: DerivedAnswerCache;
  stats(): GitHubClientStats;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 60_000,
  maxRateLimitRetries: 10,
  requestTimeoutMs: 30_000,
};

const THREE_DAYS_MS = 3 * 24 * 3_600_000;

/**
 * Builds the GitHub client. Async because Octokit is ESM-only and is loaded with `import()`.
 * No token is given to Octokit itself: the request hook sets `authorization` per request from
 * the pool, so every call (REST, GraphQL, each page of `paginate`) spends the best token.
 */
export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  const Octokit = await loadOctokit();
  const logger = options.logger.child({ component: 'github' });
  const octokit = new Octokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'github-insights-api',
    log: {
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.info(message),
      warn: (message: string) => logger.warn(message),
      error: (message: string) => logger.error(message),
    },
  });
  const counters = new GitHubRequestCounters();
  const hook = createRequestHook({
    pool: options.pool,
    endpoint: octokit.request.endpoint,
    conditionalCache: options.cache
      ? new ConditionalRequestCache({
          cache: options.cache,
          ttlMs: options.conditionalCacheTtlMs ?? THREE_DAYS_MS,
        })
      : undefined,
    counters,
    logger,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  });
  octokit.hook.wrap('request', hook);
  return {
    octokit,
    pool: options.pool,
    derived: new DerivedAnswerCache(options.cache, options.conditionalCacheTtlMs ?? THREE_DAYS_MS),
    stats: () => counters.snapshot(),
  };
}
