/**
 * GitHub keeps a separate primary rate limit per "resource": REST calls spend `core`, the search
 * endpoints `search` (code search its own `code_search`), GraphQL `graphql` (in points).
 */
export type RateLimitResource = 'core' | 'search' | 'graphql' | 'code_search';

export const RATE_LIMIT_RESOURCES: readonly RateLimitResource[] = [
  'core',
  'search',
  'graphql',
  'code_search',
];

export function isRateLimitResource(value: unknown): value is RateLimitResource {
  return typeof value === 'string' && (RATE_LIMIT_RESOURCES as readonly string[]).includes(value);
}

/**
 * The resource a request will spend, from its URL (before sending, to pick a token with budget
 * for it). Works for api.github.com and for GitHub Enterprise Server (`/api/v3/...`, `/api/graphql`).
 */
export function resourceForRequest(url: string): RateLimitResource {
  const path = new URL(url, 'http://placeholder').pathname;
  if (/\/graphql\/?$/.test(path)) return 'graphql';
  if (/\/search\/code\/?$/.test(path)) return 'code_search';
  if (/\/search\//.test(path)) return 'search';
  return 'core';
}

/** GitHub's published primary limits, assumed for a token until its first response says otherwise. */
export const DEFAULT_LIMITS: Readonly<
  Record<'authenticated' | 'unauthenticated', Readonly<Record<RateLimitResource, number>>>
> = {
  authenticated: { core: 5000, search: 30, graphql: 5000, code_search: 10 },
  unauthenticated: { core: 60, search: 10, graphql: 0, code_search: 0 },
};
