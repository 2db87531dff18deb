import type { FakeDataset } from './dataset-types';
import type { FakeResource, RateWindow } from './rate-limit-ledger';

export interface RestContext {
  readonly data: FakeDataset;
  /** The stand-in's base URL (`http://127.0.0.1:PORT`): API URLs in bodies and links use it. */
  readonly api: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The stand-in's clock, epoch ms. */
  readonly now: number;
  /** The budget of the calling identity for a resource (for GET /rate_limit). */
  readonly budget: (resource: FakeResource) => RateWindow;
}

export interface RestResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** ISO time the resource last changed: sent as Last-Modified and compared with If-Modified-Since. */
  readonly lastModified?: string;
}

export interface RestRoute {
  /** Octokit-style template, e.g. `GET /users/{username}/repos`; counters are keyed by it. */
  readonly template: string;
  readonly resource: FakeResource;
  /** Whether the request costs rate-limit budget (GET /rate_limit does not). */
  readonly charged: boolean;
  /** Whether ETag and conditional requests apply to its 200 answers. */
  readonly cacheable: boolean;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
  handle(context: RestContext): RestResult;
}

export function defineRoute(
  template: string,
  resource: FakeResource,
  handle: (context: RestContext) => RestResult,
  options: { charged?: boolean; cacheable?: boolean } = {},
): RestRoute {
  const path = template.slice(template.indexOf(' ') + 1);
  const paramNames = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)')}/?$`);
  return {
    template,
    resource,
    charged: options.charged ?? true,
    cacheable: options.cacheable ?? true,
    pattern,
    paramNames,
    handle,
  };
}

export function matchRoute(
  routes: readonly RestRoute[],
  method: string,
  pathname: string,
): { route: RestRoute; params: Record<string, string> } | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? '')));
    return { route, params };
  }
  return undefined;
}
