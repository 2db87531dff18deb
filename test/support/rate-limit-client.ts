import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Helpers of the rate-limit tests: GraphQL calls from a chosen client address, and what limits said. */

/** A query every schema answers, cheap under any cost model (the limiter charges at least 1). */
export const CHEAP_QUERY = '{ __typename }';

export interface LimitedResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** POSTs a query to `<baseUrl>/graphql`; with `ip`, as if an ALB had forwarded it for that client. */
export async function postGraphql(
  baseUrl: string,
  query: string,
  options: { readonly ip?: string; readonly headers?: Record<string, string> } = {},
): Promise<LimitedResponse> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as LimitedResponse['body'],
  };
}

export interface RateLimitHeaders {
  readonly limit: number | undefined;
  readonly remaining: number | undefined;
  readonly reset: number | undefined;
  readonly policy: string | null;
  readonly retryAfter: number | undefined;
}

export function rateLimitHeaders(headers: Headers): RateLimitHeaders {
  const num = (name: string) => (headers.has(name) ? Number(headers.get(name)) : undefined);
  return {
    limit: num('RateLimit-Limit'),
    remaining: num('RateLimit-Remaining'),
    reset: num('RateLimit-Reset'),
    policy: headers.get('RateLimit-Policy'),
    retryAfter: num('Retry-After'),
  };
}

/** Sends the cheap query `count` times, one after another, and returns the responses. */
export async function spend(baseUrl: string, count: number, ip?: string): Promise<LimitedResponse[]> {
  const responses: LimitedResponse[] = [];
  for (let i = 0; i < count; i++) responses.push(await postGraphql(baseUrl, CHEAP_QUERY, { ip }));
  return responses;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A graphql-ws client on `<baseUrl>/graphql` (no retries: a refusal must surface, not be retried). */
export function socketClient(baseUrl: string): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
}

export type SocketOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly errors: { message: string; extensions?: Record<string, unknown> }[] };

/** Runs one query over an open socket client: its result, or the errors the server refused it with. */
export function socketQuery(client: Client, query: string): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    let result: unknown;
    client.subscribe(
      { query },
      {
        next: (value) => (result = value),
        error: (error: unknown) =>
          Array.isArray(error) ? resolve({ ok: false, errors: error as never }) : reject(error),
        complete: () => resolve({ ok: true, result }),
      },
    );
  });
}
