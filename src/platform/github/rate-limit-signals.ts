import { isRateLimitResource, type RateLimitResource } from './rate-limit-resource';

/**
 * Reading GitHub's rate-limit signals, following "Best practices for using the REST API" and
 * "Rate limits for the REST API":
 * - every response carries `x-ratelimit-limit/remaining/used/reset/resource` for the token;
 * - a 403 or 429 with `retry-after` means: wait that many seconds (secondary limit);
 * - a 403 or 429 with `x-ratelimit-remaining: 0` means: wait until `x-ratelimit-reset`;
 * - otherwise a secondary-limit message means: wait at least one minute;
 * - GraphQL answers an exhausted budget with HTTP 200 and an error of type `RATE_LIMITED`.
 */
export type HeaderBag = Readonly<Record<string, string | number | undefined>>;

export interface BudgetObservation {
  readonly resource: RateLimitResource | undefined;
  readonly limit: number | undefined;
  readonly remaining: number | undefined;
  readonly used: number | undefined;
  /** Epoch ms. */
  readonly resetAt: number | undefined;
}

const num = (value: string | number | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
};

/** The budget a response reports, or undefined when it carries no rate-limit headers. */
export function budgetFromHeaders(headers: HeaderBag | undefined): BudgetObservation | undefined {
  if (!headers || headers['x-ratelimit-remaining'] === undefined) return undefined;
  const resource = headers['x-ratelimit-resource'];
  const reset = num(headers['x-ratelimit-reset']);
  return {
    resource: isRateLimitResource(resource) ? resource : undefined,
    limit: num(headers['x-ratelimit-limit']),
    remaining: num(headers['x-ratelimit-remaining']),
    used: num(headers['x-ratelimit-used']),
    resetAt: reset === undefined ? undefined : reset * 1000,
  };
}

export type FailureVerdict =
  | { readonly kind: 'bad-credentials' }
  | { readonly kind: 'primary-limit'; readonly resetAt: number }
  | { readonly kind: 'secondary-limit'; readonly retryAt: number }
  | { readonly kind: 'server-error'; readonly retryAfterMs: number | undefined }
  | { readonly kind: 'network-error' }
  | { readonly kind: 'fatal' };

export interface FailureFacts {
  /** HTTP status; undefined when no response arrived (connection reset, timeout, DNS). */
  readonly status: number | undefined;
  readonly headers: HeaderBag | undefined;
  readonly message: string;
}

/** GitHub says to wait at least a minute after a secondary limit that names no time. */
export const SECONDARY_LIMIT_DEFAULT_WAIT_MS = 60_000;

function retryAfterMs(headers: HeaderBag | undefined): number | undefined {
  const seconds = num(headers?.['retry-after']);
  return seconds === undefined ? undefined : Math.max(0, seconds * 1000);
}

export function classifyFailure(facts: FailureFacts, now: number): FailureVerdict {
  const { status, headers, message } = facts;
  if (status === undefined) return { kind: 'network-error' };
  if (status === 401) return { kind: 'bad-credentials' };
  if (status === 403 || status === 429) {
    const wait = retryAfterMs(headers);
    if (wait !== undefined) return { kind: 'secondary-limit', retryAt: now + wait };
    if (String(headers?.['x-ratelimit-remaining']) === '0') {
      const reset = num(headers?.['x-ratelimit-reset']);
      return {
        kind: 'primary-limit',
        resetAt: reset === undefined ? now + SECONDARY_LIMIT_DEFAULT_WAIT_MS : reset * 1000,
      };
    }
    if (status === 429 || /secondary rate limit|abuse/i.test(message)) {
      return { kind: 'secondary-limit', retryAt: now + SECONDARY_LIMIT_DEFAULT_WAIT_MS };
    }
    return { kind: 'fatal' };
  }
  if (status >= 500) return { kind: 'server-error', retryAfterMs: retryAfterMs(headers) };
  return { kind: 'fatal' };
}

/** Whether a GraphQL body reports an exhausted budget (HTTP 200, `errors[].type === "RATE_LIMITED"`). */
export function isGraphQLRateLimited(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return false;
  const errors = (data as { errors?: unknown }).errors;
  return (
    Array.isArray(errors) && errors.some((e) => (e as { type?: unknown } | null)?.type === 'RATE_LIMITED')
  );
}
