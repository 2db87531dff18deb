import { createHash, randomBytes } from 'node:crypto';
import type { components } from '@octokit/openapi-types';

/**
 * Header and body conventions of api.github.com, taken from recorded exchanges
 * (@octokit/fixtures) and GitHub's REST documentation.
 */

export type BasicError = components['schemas']['basic-error'];

export const DOCS = {
  rest: 'https://docs.github.com/rest',
  getUser: 'https://docs.github.com/rest/users/users#get-a-user',
  listCommits: 'https://docs.github.com/rest/commits/commits#list-commits',
  searchUsers: 'https://docs.github.com/rest/search/search#search-users',
  searchIssues: 'https://docs.github.com/rest/search/search#search-issues-and-pull-requests',
  events: 'https://docs.github.com/rest/activity/events#list-public-events-for-a-user',
  primaryLimit:
    'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits',
  secondaryLimit:
    'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  redirects: 'https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects',
  graphqlAuth:
    'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
} as const;

/** GitHub's error body: `{"message","documentation_url","status"}` (status is a string). */
export function errorBody(status: number, message: string, documentationUrl: string): BasicError {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

/** GitHub's request id format: five colon-separated upper-case hex groups. */
export function requestId(): string {
  const hex = randomBytes(16).toString('hex').toUpperCase();
  return [hex.slice(0, 4), hex.slice(4, 9), hex.slice(9, 16), hex.slice(16, 23), hex.slice(23, 31)].join(':');
}

/** A weak ETag over the body, as GitHub sends for JSON resources (`W/"<64 hex>"`). */
export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex')}"`;
}

/** Whether an `If-None-Match` header matches an ETag (weak comparison, `*` matches anything). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/** An HTTP date (`Tue, 10 Oct 2017 16:00:00 GMT`). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/**
 * The `Link` header GitHub sends on paginated lists: relations in the order prev, next, last,
 * first, each URL the request's own query with `page` replaced (or appended).
 */
export function linkHeader(
  base: string,
  query: URLSearchParams,
  page: number,
  lastPage: number,
): string | undefined {
  const url = (p: number): string => {
    const params = new URLSearchParams(query);
    params.set('page', String(p));
    return `<${base}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${url(Math.min(page - 1, Math.max(lastPage, 1)))}; rel="prev"`);
  if (page < lastPage) links.push(`${url(page + 1)}; rel="next"`, `${url(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${url(1)}; rel="first"`);
  return links.length > 0 ? links.join(', ') : undefined;
}

/** `per_page` and `page` as GitHub reads them: per_page 1..100 (default 30), page >= 1. */
export function pagination(query: URLSearchParams, defaultPerPage = 30): { perPage: number; page: number } {
  const perPageRaw = Number.parseInt(query.get('per_page') ?? '', 10);
  const pageRaw = Number.parseInt(query.get('page') ?? '', 10);
  const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, 100) : defaultPerPage;
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  return { perPage, page };
}

/** One page of a list, with the numbers the Link header needs. */
export function paginate<T>(items: readonly T[], query: URLSearchParams, defaultPerPage = 30) {
  const { perPage, page } = pagination(query, defaultPerPage);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  return { items: items.slice((page - 1) * perPage, page * perPage), page, perPage, lastPage };
}

/** Headers api.github.com sends on every JSON response, whatever the route. */
export function commonHeaders(now: number, authenticated: boolean): Record<string, string> {
  return {
    date: httpDate(now),
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': requestId(),
    'access-control-allow-origin': '*',
    'access-control-expose-headers':
      'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
    'content-security-policy': "default-src 'none'",
    'strict-transport-security': 'max-age=31536000; includeSubdomains; preload',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'deny',
    'x-xss-protection': '0',
    'referrer-policy': 'origin-when-cross-origin, strict-origin-when-cross-origin',
    vary: authenticated
      ? 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding'
      : 'Accept, Accept-Encoding',
    ...(authenticated ? { 'x-oauth-scopes': 'read:org, read:user', 'x-accepted-oauth-scopes': '' } : {}),
  };
}
