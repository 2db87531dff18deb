import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeDataset } from './dataset-types';
import { FailureControls, type SecondaryLimitPlan } from './failure-controls';
import { answerGraphQL } from './graphql-endpoint';
import { commonHeaders, DOCS, errorBody, etagMatches, httpDate, requestId, weakEtag } from './github-http';
import {
  ANONYMOUS,
  AUTHENTICATED_LIMITS,
  type FakeResource,
  RateLimitLedger,
  type RateWindow,
  type ResourcePolicies,
  type ResourcePolicy,
  UNAUTHENTICATED_LIMITS,
} from './rate-limit-ledger';
import { FakeGitHubCounters } from './request-counters';
import { matchRoute } from './rest-route';
import { restRoutes } from './rest-routes';
import { SearchTimeouts, type SearchTimeoutPlan } from './rest-search';
import { GITHUB_SECONDARY_LIMITS, SecondaryLimiter, type SecondaryLimitPolicy } from './secondary-limits';
import { generateStandardDataset, type StandardDatasetOptions } from './standard-dataset';

export interface FakeGitHubOptions {
  /** The data to serve (default: `generateStandardDataset(datasetOptions)`). */
  readonly dataset?: FakeDataset;
  readonly datasetOptions?: StandardDatasetOptions;
  /** The stand-in's clock in epoch ms (rate-limit windows and resets follow it). */
  readonly now?: () => number;
  /** Tokens the stand-in accepts; others get 401. Default: any token is accepted. */
  readonly tokens?: readonly string[];
  /** Overrides of GitHub's limits per resource, e.g. `{ core: { limit: 3, windowMs: 1000 } }`. */
  readonly limits?: Partial<Record<FakeResource, Partial<ResourcePolicy>>>;
  readonly unauthenticatedLimits?: Partial<Record<FakeResource, Partial<ResourcePolicy>>>;
  /** Status of an exhausted primary limit: GitHub sends 403 (and sometimes 429). */
  readonly primaryLimitStatus?: 403 | 429;
  /**
   * Which tokens belong to which account (token -> account name). GitHub's primary limit and
   * secondary limits are the account's: personal tokens of one account share 5,000 an hour.
   * Default: every token is its own account.
   */
  readonly accounts?: Readonly<Record<string, string>>;
  /** GitHub's secondary limits (default: the documented ones); `false` turns them off. */
  readonly secondaryLimits?: Partial<SecondaryLimitPolicy> | false;
  /**
   * A GraphQL query that makes GitHub walk more than this many commits (author-filtered
   * `history` counts scan a branch's whole history) runs past GitHub's 10-second limit and is
   * answered 502 with GitHub's timeout message (default 2,000,000).
   */
  readonly heavyQueryCommits?: number;
  /** How long each answer takes (default 0); concurrency limits need requests that overlap. */
  readonly latencyMs?: number;
}

export interface FakeGitHub {
  /** Base URL, e.g. `http://127.0.0.1:43123` (use as GITHUB_API_URL). */
  readonly url: string;
  /** The live dataset: change it and the next responses (and ETags) change. */
  readonly data: FakeDataset;
  readonly counters: FakeGitHubCounters;
  /** Current budget of a token (undefined: unauthenticated) for a resource. */
  budget(token: string | undefined, resource?: FakeResource): RateWindow;
  setBudget(token: string | undefined, resource: FakeResource, remaining: number, resetAt?: number): void;
  /** Spends a token's whole budget: the next request gets GitHub's "API rate limit exceeded". */
  exhaust(token: string | undefined, resource?: FakeResource, resetAt?: number): void;
  /** The token now answers 401 Bad credentials. */
  revokeToken(token: string): void;
  acceptToken(token: string): void;
  /** Arms a secondary rate limit (403/429 with `retry-after`). */
  secondaryLimit(plan?: SecondaryLimitPlan): void;
  /** The next `count` requests answer `status` (default 502). */
  failNextRequests(count: number, status?: number): void;
  /** The next `count` requests have their connection destroyed before any answer. */
  resetNextConnections(count: number): void;
  /** User searches matching more than `plan.above` users time out: partial results, `incomplete_results: true`. */
  searchTimesOut(plan: SearchTimeoutPlan): void;
  close(): Promise<void>;
}

function policies(base: ResourcePolicies, overrides: FakeGitHubOptions['limits']): ResourcePolicies {
  const out = { ...base };
  for (const [resource, override] of Object.entries(overrides ?? {}) as [
    FakeResource,
    Partial<ResourcePolicy>,
  ][]) {
    out[resource] = { ...base[resource], ...override };
  }
  return out;
}

function tokenOf(req: IncomingMessage): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function rateHeaders(resource: FakeResource, w: RateWindow): Record<string, string> {
  return {
    'x-ratelimit-limit': String(w.limit),
    'x-ratelimit-remaining': String(w.remaining),
    'x-ratelimit-reset': String(Math.floor(w.resetAt / 1000)),
    'x-ratelimit-used': String(w.used),
    'x-ratelimit-resource': resource,
  };
}

/** Starts a GitHub stand-in on 127.0.0.1 with a free port. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const now = options.now ?? Date.now;
  const data =
    options.dataset ?? generateStandardDataset({ today: new Date(now()), ...options.datasetOptions });
  const ledger = new RateLimitLedger(
    now,
    policies(AUTHENTICATED_LIMITS, options.limits),
    policies(UNAUTHENTICATED_LIMITS, options.unauthenticatedLimits),
  );
  const failures = new FailureControls(options.tokens ? new Set(options.tokens) : undefined);
  const counters = new FakeGitHubCounters();
  const searchTimeouts = new SearchTimeouts();
  const secondaryLimiter = new SecondaryLimiter(
    options.secondaryLimits === false ? false : { ...GITHUB_SECONDARY_LIMITS, ...options.secondaryLimits },
    now,
  );
  const accountOf = (token: string | undefined): string =>
    token === undefined ? ANONYMOUS : (options.accounts?.[token] ?? token);
  const routes = restRoutes(searchTimeouts);
  let url = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const requestUrl = new URL(req.url ?? '/', url);
    const body = method === 'POST' ? await readBody(req) : '';
    const token = tokenOf(req);
    const identity = token ?? ANONYMOUS;
    // Budgets belong to the account: tokens of one account share them.
    const account = accountOf(token);
    const isGraphQL = method === 'POST' && requestUrl.pathname === '/graphql';
    const matched = isGraphQL ? undefined : matchRoute(routes, method, requestUrl.pathname);
    const resource: FakeResource = isGraphQL ? 'graphql' : (matched?.route.resource ?? 'core');
    const routeName = isGraphQL ? 'POST /graphql' : (matched?.route.template ?? `${method} (unknown)`);
    const id = requestId();
    const conditional =
      req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined;
    const record = (status: number, points: number, secondaryLimited = false): void =>
      counters.record({
        secondaryLimited,
        method,
        url: req.url ?? '/',
        route: routeName,
        identity,
        resource,
        status,
        points,
        conditional,
      });
    const send = (
      status: number,
      payload: unknown,
      headers: Record<string, string> = {},
      window?: RateWindow,
    ): void => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      const all = {
        ...commonHeaders(now(), token !== undefined),
        'x-github-request-id': id,
        ...rateHeaders(resource, window ?? ledger.window(account, resource)),
        ...headers,
      };
      if (status === 304) delete (all as Record<string, string>)['content-type'];
      res.writeHead(status, all);
      res.end(method === 'HEAD' || status === 304 ? undefined : text);
    };

    if (failures.takeReset()) {
      record(0, 0);
      req.socket.destroy();
      return;
    }
    const serverError = failures.takeServerError();
    if (serverError !== undefined) {
      record(serverError, 0);
      const message = serverError === 503 ? 'Service Unavailable' : 'Server Error';
      return send(serverError, errorBody(serverError, message, DOCS.rest));
    }
    if (token !== undefined && !failures.isValidToken(token)) {
      record(401, 0);
      return send(401, errorBody(401, 'Bad credentials', DOCS.rest), {}, ledger.window(ANONYMOUS, resource));
    }
    if (!isGraphQL && !matched) {
      record(404, 0);
      return send(404, errorBody(404, 'Not Found', DOCS.rest));
    }
    if (isGraphQL && token === undefined) {
      record(401, 0);
      return send(401, errorBody(401, 'This endpoint requires you to be authenticated.', DOCS.graphqlAuth));
    }
    const verdict = secondaryLimiter.enter(account, isGraphQL ? 'graphql' : 'rest');
    res.once('close', () => secondaryLimiter.leave(account));
    const secondary =
      failures.takeSecondaryLimit(identity) ??
      (verdict.limited ? { status: 403 as const, retryAfterSeconds: verdict.retryAfterSeconds } : undefined);
    if (secondary) {
      record(secondary.status, 0, true);
      const message = `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${id}.`;
      const headers: Record<string, string> =
        secondary.retryAfterSeconds === null ? {} : { 'retry-after': String(secondary.retryAfterSeconds) };
      return send(secondary.status, errorBody(secondary.status, message, DOCS.secondaryLimit), headers);
    }
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const charged = isGraphQL || (matched?.route.charged ?? true);
    const window = ledger.window(account, resource);
    if (charged && !isGraphQL && window.remaining <= 0) {
      record(options.primaryLimitStatus ?? 403, 0);
      const who =
        token === undefined
          ? "127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)"
          : `user ID ${userIdFor(token)}.`;
      const status = options.primaryLimitStatus ?? 403;
      return send(status, errorBody(status, `API rate limit exceeded for ${who}`, DOCS.primaryLimit));
    }

    if (isGraphQL) {
      const answer = await answerGraphQL({
        body,
        data,
        now: now(),
        userIdForMessages: userIdFor(token ?? ''),
        budget: () => ledger.window(account, resource),
        spend: (points) => ledger.spend(account, resource, points),
        heavyQueryCommits: options.heavyQueryCommits ?? 2_000_000,
      });
      record(answer.status, answer.points);
      return send(answer.status, answer.body, { 'cache-control': 'no-cache' });
    }

    const route = matched!.route;
    const result = route.handle({
      data,
      api: url,
      params: matched!.params,
      query: requestUrl.searchParams,
      now: now(),
      budget: (r) => ledger.window(account, r),
    });
    const headers: Record<string, string> = { ...result.headers };
    if (route.cacheable && result.status === 200) {
      // ETags are per token (responses vary on Authorization): another token's ETag never matches.
      const etag = weakEtag(`${token ?? ''}\n${JSON.stringify(result.body)}`);
      headers.etag = etag;
      headers['cache-control'] =
        resource === 'search' ? 'no-cache' : `${token ? 'private' : 'public'}, max-age=60, s-maxage=60`;
      if (result.lastModified) headers['last-modified'] = httpDate(Date.parse(result.lastModified));
      const ifNoneMatch = req.headers['if-none-match'];
      const ifModifiedSince = req.headers['if-modified-since'];
      // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2), as on GitHub.
      const unchanged =
        ifNoneMatch !== undefined
          ? etagMatches(ifNoneMatch, etag)
          : ifModifiedSince !== undefined &&
            result.lastModified !== undefined &&
            Math.floor(Date.parse(result.lastModified) / 1000) <=
              Math.floor(Date.parse(ifModifiedSince) / 1000);
      if (unchanged) {
        // GitHub: "Making a conditional request does not count against your primary rate limit
        // if a 304 response is returned and the request was made while correctly authorized".
        const points = token === undefined && route.charged ? 1 : 0;
        const after304 = points ? ledger.spend(account, resource, points) : undefined;
        record(304, points);
        return send(304, undefined, headers, after304);
      }
    }
    const after = route.charged ? ledger.spend(account, resource, 1) : ledger.window(account, resource);
    record(result.status, route.charged ? 1 : 0);
    return send(result.status, result.body, headers, after);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake GitHub failed to answer', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Server Error (stand-in bug)', status: '500' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    data,
    counters,
    budget: (token, resource = 'core') => ledger.window(accountOf(token), resource),
    setBudget: (token, resource, remaining, resetAt) =>
      ledger.set(accountOf(token), resource, remaining, resetAt),
    exhaust: (token, resource = 'core', resetAt) => ledger.set(accountOf(token), resource, 0, resetAt),
    revokeToken: (token) => failures.revoke(token),
    acceptToken: (token) => failures.accept(token),
    secondaryLimit: (plan = {}) => failures.armSecondaryLimit(plan),
    failNextRequests: (count, status = 502) => failures.failNext(count, status),
    resetNextConnections: (count) => failures.resetNext(count),
    searchTimesOut: (plan) => searchTimeouts.arm(plan),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A stable fake numeric user id for a token, for GitHub's "for user ID n" messages. */
function userIdFor(token: string): number {
  return 1 + (createHash('sha256').update(token).digest().readUInt32BE(0) % 10_000_000);
}
