import { ANONYMOUS, type FakeResource } from './rate-limit-ledger';

/** One request as the stand-in saw it (the token is kept: this is test support, not production). */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** Route template, e.g. `GET /users/{username}/repos` or `POST /graphql`. */
  readonly route: string;
  /** The token, or `anonymous`. */
  readonly identity: string;
  readonly resource: FakeResource;
  readonly status: number;
  /** Rate-limit points this request cost (0 for a 304, a rejected or failed request). */
  readonly points: number;
  readonly conditional: boolean;
  /** Refused by a secondary rate limit (403/429 "You have exceeded a secondary rate limit"). */
  readonly secondaryLimited?: boolean;
}

export interface CountersSnapshot {
  readonly total: number;
  readonly notModified: number;
  readonly byIdentity: Readonly<Record<string, number>>;
  readonly byRoute: Readonly<Record<string, number>>;
  readonly notModifiedByIdentity: Readonly<Record<string, number>>;
  /** identity -> resource -> points spent. */
  readonly points: Readonly<Record<string, Readonly<Partial<Record<FakeResource, number>>>>>;
}

/** What the stand-in counts, for tests to assert on (requests, 304s, points per token). */
export class FakeGitHubCounters {
  private readonly records: RecordedRequest[] = [];

  record(request: RecordedRequest): void {
    this.records.push(request);
  }

  /** Every request so far, oldest first. */
  get log(): readonly RecordedRequest[] {
    return this.records;
  }

  get total(): number {
    return this.records.length;
  }

  /** Requests refused by a secondary rate limit. */
  get secondaryLimited(): number {
    return this.records.filter((r) => r.secondaryLimited === true).length;
  }

  get notModified(): number {
    return this.records.filter((r) => r.status === 304).length;
  }

  /** Requests made with a token (or without one: pass nothing). */
  requestsFor(token?: string): number {
    const identity = token ?? ANONYMOUS;
    return this.records.filter((r) => r.identity === identity).length;
  }

  notModifiedFor(token?: string): number {
    const identity = token ?? ANONYMOUS;
    return this.records.filter((r) => r.identity === identity && r.status === 304).length;
  }

  /** Requests that matched a route template, e.g. `GET /users/{username}/repos`. */
  routeCount(route: string): number {
    return this.records.filter((r) => r.route === route).length;
  }

  /** Points spent, optionally for one token (undefined = all identities) and one resource. */
  pointsSpent(filter: { token?: string; anonymous?: boolean; resource?: FakeResource } = {}): number {
    return this.records
      .filter((r) => filter.token === undefined || r.identity === filter.token)
      .filter((r) => !filter.anonymous || r.identity === ANONYMOUS)
      .filter((r) => filter.resource === undefined || r.resource === filter.resource)
      .reduce((sum, r) => sum + r.points, 0);
  }

  /** Forget everything counted so far (e.g. between a first and a second harvest). */
  reset(): void {
    this.records.length = 0;
  }

  snapshot(): CountersSnapshot {
    const byIdentity: Record<string, number> = {};
    const byRoute: Record<string, number> = {};
    const notModifiedByIdentity: Record<string, number> = {};
    const points: Record<string, Partial<Record<FakeResource, number>>> = {};
    for (const r of this.records) {
      byIdentity[r.identity] = (byIdentity[r.identity] ?? 0) + 1;
      byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
      if (r.status === 304) notModifiedByIdentity[r.identity] = (notModifiedByIdentity[r.identity] ?? 0) + 1;
      const perResource = (points[r.identity] ??= {});
      perResource[r.resource] = (perResource[r.resource] ?? 0) + r.points;
    }
    return {
      total: this.total,
      notModified: this.notModified,
      byIdentity,
      byRoute,
      notModifiedByIdentity,
      points,
    };
  }
}
