/** One load run with autocannon: fixed connections, a fixed time, one scenario's requests. */
import autocannon from 'autocannon';
import type { Operation } from './scenarios';

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Responses the server said its response cache answered (`x-response-cache: hit...`). */
  readonly responseCacheHits: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** Requests per second over all connections (undefined: as fast as the server answers). */
  readonly rate?: number;
  readonly next: () => Operation;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let responseCacheHits = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(options.next()) }) }],
    setupClient(client) {
      client.on('headers', (parsed) => {
        // autocannon hands the parser's result (`headers`: a flat name/value list), not Node's object.
        const { headers } = parsed as unknown as { headers: (string | Buffer)[] };
        for (let i = 0; i < headers.length; i += 2) {
          if (String(headers[i]).toLowerCase() !== 'x-response-cache') continue;
          if (String(headers[i + 1]).startsWith('hit')) responseCacheHits++;
        }
      });
    },
  });
  return {
    requests: result.requests.total,
    rps: result.requests.total / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    responseCacheHits,
  };
}

/** One request outside the load, to check the answer (no GraphQL errors) and measure its size. */
export async function answerOf(url: string, operation: Operation): Promise<{ bytes: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(operation),
  });
  const body = await response.text();
  if (!response.ok || body.includes('"errors"')) {
    throw new Error(`bad answer (${response.status}): ${body.slice(0, 500)}`);
  }
  return { bytes: Buffer.byteLength(body), body };
}
