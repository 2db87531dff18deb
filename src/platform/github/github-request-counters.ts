/** What the GitHub client counts, for metrics and tests (a plain mutable tally per client). */
export interface GitHubClientStats {
  /** Requests sent to GitHub (each retry counts). */
  readonly requests: number;
  /** Conditional GETs GitHub answered 304 (served from the cache, no budget spent). */
  readonly notModified: number;
  /** Bodies stored for later conditional requests. */
  readonly cacheStores: number;
  /** Retries after 5xx or network failures. */
  readonly retries: number;
  /** Times every token was resting and the client waited. */
  readonly rateLimitWaits: number;
  /** 401 answers that removed a token. */
  readonly tokensRejected: number;
  /** Secondary rate limits met (403/429 with retry-after or GitHub's message). */
  readonly secondaryLimits: number;
  /** Times a request waited for pacing (secondary-limit budgets per token). */
  readonly pacedWaits: number;
}

export class GitHubRequestCounters {
  requests = 0;
  notModified = 0;
  cacheStores = 0;
  retries = 0;
  rateLimitWaits = 0;
  tokensRejected = 0;
  secondaryLimits = 0;
  pacedWaits = 0;

  snapshot(): GitHubClientStats {
    return {
      requests: this.requests,
      notModified: this.notModified,
      cacheStores: this.cacheStores,
      retries: this.retries,
      rateLimitWaits: this.rateLimitWaits,
      tokensRejected: this.tokensRejected,
      secondaryLimits: this.secondaryLimits,
      pacedWaits: this.pacedWaits,
    };
  }
}
