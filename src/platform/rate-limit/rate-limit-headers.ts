import type { RateLimitDecision } from './rate-limiter';

/**
 * A decision as response header fields, in the style of the IETF draft "RateLimit header fields
 * for HTTP" (RateLimit-Limit / -Remaining / -Reset in seconds, RateLimit-Policy `limit;w=window`),
 * plus Retry-After (RFC 9110) when refused. Seconds are rounded up so a client that waits them
 * never arrives early.
 */
export function rateLimitHeaders(decision: RateLimitDecision, windowMs: number): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(toSeconds(decision.resetMs)),
    'ratelimit-policy': `${decision.limit};w=${toSeconds(windowMs)}`,
  };
  if (!decision.allowed) headers['retry-after'] = String(retryAfterSeconds(decision));
  return headers;
}

/** Whole seconds to wait before retrying a refused attempt (at least 1). */
export function retryAfterSeconds(decision: RateLimitDecision): number {
  return Math.max(1, toSeconds(decision.retryAfterMs));
}

function toSeconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}
