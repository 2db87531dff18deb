import type { RateLimitResource } from './rate-limit-resource';

/**
 * Every usable token (or unauthenticated access) is out of budget for a resource for longer
 * than the client is willing to wait. Callers (harvest jobs) should retry after `resetAt`.
 * Carries the domain code `RATE_LIMITED`; names no token.
 */
export class GitHubRateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';

  constructor(
    readonly resource: RateLimitResource,
    /** Epoch ms at which a token becomes usable again. */
    readonly resetAt: number,
  ) {
    super(
      `GitHub rate limit for "${resource}" exhausted on every token until ${new Date(resetAt).toISOString()}`,
    );
    this.name = 'GitHubRateLimitedError';
  }
}

/**
 * GitHub could not be reached (DNS, connection refused or reset, TLS, timeout) on every attempt.
 * Octokit reports such failures as status 500; this error says what happened instead, carries no
 * status (so nobody reads it as "GitHub answered 500"); a harvest retries it like a 5xx.
 */
export class GitHubNetworkError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`GitHub could not be reached: ${detail}`, options);
    this.name = 'GitHubNetworkError';
  }
}

/**
 * Tokens are configured and GitHub rejected every one (401): nothing is sent until the token secret
 * holds a new value. A harvest waits on it (it does not fail); names no token.
 */
export class GitHubTokensRejectedError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE';

  constructor(readonly reason: string) {
    super(reason);
    this.name = 'GitHubTokensRejectedError';
  }
}
