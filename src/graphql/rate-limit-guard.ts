import type { GraphqlGuards } from './guards';

/** Rate limits per API key and per client IP. Placeholder until rate limiting lands. */
export function createRateLimitGuard(): Partial<GraphqlGuards> {
  return {};
}
