import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Config, RateLimitConfig } from '../config/config';
import { budgetIdentity, type Viewer } from '../core/viewer';
import type { Logger } from '../platform/logging/logger';
import { rateLimitHeaders, retryAfterSeconds } from '../platform/rate-limit/rate-limit-headers';
import type { RateLimitStore } from '../platform/rate-limit/rate-limit-store';
import type { RateLimitDecision } from '../platform/rate-limit/rate-limiter';
import type { GraphQLContext } from './context';
import { DomainError, httpStatusOf } from '../core/errors';
import { toGraphQLError } from './errors';
import type { GraphqlGuards } from './guards';
import { estimateCost } from './query-limits';
import { andThen } from '../core/maybe-promise';

export interface RateLimitGuardOptions {
  readonly config: Pick<Config, 'rateLimit'>;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  /** Where budgets are kept; the composition root builds it (and closes it, and reports it in health). */
  readonly store: RateLimitStore;
  /** How operations are priced; the query limits' `estimateCost` unless a test prices them. */
  readonly estimate?: typeof estimateCost;
}

/** Whose budget a caller spends, and its size: the key for key holders, the address group otherwise. */
export function rateLimitSubject(
  viewer: Viewer,
  budgets: RateLimitConfig['budgets'],
): { readonly identity: string; readonly limit: number } {
  return {
    identity: budgetIdentity(viewer),
    limit: viewer.kind === 'apiKey' ? budgets[viewer.role] : budgets.anonymous,
  };
}

/**
 * Charges a cached answer's cost: its RateLimit-* headers, or undefined when refused. Decided
 * without waiting (no promise) when this process holds the units (a lease; the memory store of
 * embedded mode).
 */
export type AdmitCached = (
  viewer: Viewer,
  cost: number,
) => Record<string, string> | undefined | Promise<Record<string, string> | undefined>;

/** The guard parts, plus the charge the response cache makes for answers it serves itself. */
export interface RateLimitGuard extends Partial<GraphqlGuards> {
  readonly admitCached?: AdmitCached;
}

/** The outcome of asking for an operation's cost: a decision, or the error refusing it. */
type Admission =
  | { readonly decision: RateLimitDecision; readonly error?: undefined }
  | { readonly decision?: RateLimitDecision; readonly error: DomainError };

/**
 * Rate limits per API key and per client address, over HTTP and WebSocket alike: each operation
 * spends its cost (from `estimateCost`; at least 1) from the caller's budget per sliding window, and
 * is refused with RATE_LIMITED (HTTP 429 and Retry-After) before it executes when the budget is
 * spent. Every HTTP GraphQL response carries RateLimit-* headers; requests that fail before an
 * operation is known (parse or validation errors) spend 1, so invalid traffic is limited too.
 */
export function createRateLimitGuard(options: RateLimitGuardOptions): RateLimitGuard {
  const { config, schema, logger } = options;
  const { windowMs, budgets } = config.rateLimit;
  if (!config.rateLimit.enabled) {
    logger.warn('rate limits are off (RATE_LIMIT_ENABLED=false)');
    return {};
  }
  const { limiter } = options.store;
  const estimate = options.estimate ?? estimateCost;

  const price = (
    document: DocumentNode,
    variables: Record<string, unknown>,
    operationName?: string,
  ): number => {
    let cost: number;
    try {
      cost = estimate(schema, document, variables, operationName);
    } catch (error) {
      // Bad variables fail the operation with a proper message when it executes; price it at 1.
      logger.debug({ error: (error as Error).message }, 'rate limits: cost estimate failed; counting 1');
      return 1;
    }
    return Number.isFinite(cost) ? Math.max(1, Math.ceil(cost)) : Number.MAX_SAFE_INTEGER;
  };

  /** Decided without waiting (no promise) when the limiter can decide in this process (`consumeNow`). */
  const admit = (viewer: Viewer, cost: number): Admission | Promise<Admission> => {
    const { identity, limit } = rateLimitSubject(viewer, budgets);
    // Waiting cannot help an operation dearer than the whole budget: say so instead of "retry".
    if (cost > limit) return { error: tooCostly(cost, limit, windowMs) };
    const judge = (decision: RateLimitDecision): Admission => {
      if (decision.allowed) return { decision };
      logger.debug({ identity, cost, retryAfterMs: decision.retryAfterMs }, 'rate limited');
      return { decision, error: refusal(decision, cost, windowMs) };
    };
    const now = limiter.consumeNow?.(identity, cost, limit);
    return now ? judge(now) : limiter.consume(identity, cost, limit).then(judge);
  };

  return {
    apolloPlugins: [httpPlugin(admit, price, windowMs)],
    admitCached: (viewer, cost) =>
      andThen(admit(viewer, cost), ({ decision, error }) =>
        error ? undefined : rateLimitHeaders(decision, windowMs),
      ),
    async beforeSocketOperation(context, document, variables) {
      const { error } = await admit(context.viewer, price(document, variables));
      if (error) throw error;
    },
  };
}

function httpPlugin(
  admit: (viewer: Viewer, cost: number) => Admission | Promise<Admission>,
  price: (document: DocumentNode, variables: Record<string, unknown>, operationName?: string) => number,
  windowMs: number,
): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let decision: RateLimitDecision | undefined;
      return {
        // Runs once every plugin has accepted the operation (didResolveOperation), so an operation
        // the query limits refuse is not charged its cost; a response returned here replaces execution.
        async responseForOperation({ contextValue, document, request, operationName }) {
          const cost = price(document, request.variables ?? {}, operationName ?? undefined);
          const admission = await admit(contextValue.viewer, cost);
          decision = admission.decision;
          if (!admission.error) return null;
          return {
            http: { status: httpStatusOf(admission.error.code), headers: new HeaderMap() },
            // The error's JSON is what formatError would show: message and extensions.
            body: { kind: 'single', singleResult: { errors: [toGraphQLError(admission.error).toJSON()] } },
          };
        },
        // Every response, including those that failed before an operation was known (charged 1).
        async willSendResponse({ contextValue, response }) {
          decision ??= (await admit(contextValue.viewer, 1)).decision;
          if (!decision) return;
          for (const [name, value] of Object.entries(rateLimitHeaders(decision, windowMs))) {
            response.http.headers.set(name, value);
          }
        },
      };
    },
  };
}

function refusal(decision: RateLimitDecision, cost: number, windowMs: number): DomainError {
  const seconds = retryAfterSeconds(decision);
  return new DomainError(
    'RATE_LIMITED',
    `Rate limit exceeded: this operation costs ${cost} and ${decision.remaining} of your ` +
      `${decision.limit} per ${windowText(windowMs)} remain. Retry after ${seconds} s.`,
    { retryAfterSeconds: seconds },
  );
}

function tooCostly(cost: number, limit: number, windowMs: number): DomainError {
  return new DomainError(
    'QUERY_TOO_COMPLEX',
    `This operation costs ${cost}, more than your whole rate-limit budget of ${limit} per ` +
      `${windowText(windowMs)}: ask for fewer items (a smaller \`first\`), or use an API key with a larger budget.`,
    // The extensions of the query limits' refusals, with `budget` as the limit exceeded.
    { limit: 'budget', allowed: limit, actual: cost },
  );
}

function windowText(windowMs: number): string {
  return windowMs % 1000 === 0 ? `${windowMs / 1000} s` : `${windowMs} ms`;
}
