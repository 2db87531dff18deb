/**
 * A plain HTTP endpoint a module serves outside GraphQL (GitHub webhooks), without knowing the
 * HTTP framework: the http layer registers it, hands it the raw body (for signatures) and the
 * headers, and answers with what it returns. A thrown DomainError is answered with its code and
 * the status `httpStatusOf` maps it to, like every REST route.
 */
export interface HttpEndpoint {
  readonly method: 'POST';
  readonly path: string;
  /** Largest body accepted; a larger one is answered 413 PAYLOAD_TOO_LARGE before `handle` runs. */
  readonly bodyLimitBytes: number;
  /** Content types accepted (`application/json`); others are answered 415. */
  readonly contentTypes: readonly string[];
  handle(request: EndpointRequest): Promise<EndpointResponse>;
}

export interface EndpointRequest {
  /** Header names lower-cased; repeated headers joined by `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received (UTF-8). */
  readonly body: string;
  readonly requestId: string;
}

export interface EndpointResponse {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}
