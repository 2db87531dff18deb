import { type Client, createClient } from 'graphql-ws';
import { graphqlHttpUrl, graphqlWsUrl } from '../shared/endpoints';

/** A GraphQL error as the API sends it: a message and `extensions.code`. */
export interface ApiError {
  readonly message: string;
  readonly extensions?: { readonly code?: string };
}

/** The API refused the operation (every error's code and message), or could not be reached. */
export class ApiRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The first error's code, so callers can tell FORBIDDEN (a reader key) from UNAUTHENTICATED. */
function failure(errors: readonly ApiError[]): ApiRequestError {
  const first = errors[0];
  return new ApiRequestError(first?.extensions?.code ?? 'UNKNOWN', first?.message ?? 'The request failed');
}

/**
 * The public GraphQL API, as any client uses it: queries over HTTP POST with `Authorization:
 * Bearer <key>`, subscriptions over graphql-ws on the same path with the key in connectionParams.
 */
export class ConsoleApi {
  constructor(private readonly key: string) {}

  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(graphqlHttpUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new ApiRequestError('NETWORK', 'The server could not be reached');
    }
    let body: { data?: T | null; errors?: ApiError[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ApiRequestError(`HTTP_${response.status}`, `The server answered ${response.status}`);
    }
    if (body.errors?.length) throw failure(body.errors);
    if (!body.data) throw new ApiRequestError(`HTTP_${response.status}`, 'The answer had no data');
    return body.data;
  }

  /** A graphql-ws client that reconnects for ever; `on` reports its state to the page. */
  socket(on: { connected: (wasRetry: boolean) => void; closed: () => void }): Client {
    return createClient({
      url: graphqlWsUrl(),
      connectionParams: { authorization: `Bearer ${this.key}` },
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      // 0.5 s, 1 s, 2 s, ... at most 10 s between attempts.
      retryWait: (retries) =>
        new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries))),
      on: {
        connected: (_socket, _payload, wasRetry) => on.connected(wasRetry),
        closed: () => on.closed(),
      },
    });
  }
}

/** Runs a subscription until `stop()`; each result's data goes to `next`, errors to `error`. */
export function subscribe<T>(
  client: Client,
  query: string,
  next: (data: T) => void,
  error: (e: ApiRequestError) => void,
): () => void {
  return client.subscribe<T>(
    { query },
    {
      next: (result) => {
        if (result.errors?.length) error(failure(result.errors as ApiError[]));
        else if (result.data) next(result.data);
      },
      error: (e) => {
        if (Array.isArray(e)) error(failure(e as ApiError[]));
        // A closed socket is retried by the client; only an operation refused for good reaches here.
        else error(new ApiRequestError('SUBSCRIPTION', 'A live update stopped'));
      },
      complete: () => undefined,
    },
  );
}
