import { connect } from 'node:net';

/** One HTTP/1.1 exchange, byte for byte: what a hostile client can send that `fetch` would refuse. */
export interface RawRequest {
  readonly method: string;
  /** Path and query, sent as given (already encoded, or deliberately not). */
  readonly path: string;
  /** Header lines after `Host`; a header's value is sent as given, CR/LF and all. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body; `Content-Length` is added unless `headers` sets it or `rawHead` is used. */
  readonly body?: string | Buffer;
  /** Replaces the whole request (request line, headers, body) for protocol-level cases. */
  readonly raw?: Buffer | string;
}

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Everything the server wrote, for leak checks. */
  readonly text: string;
}

function encode(request: RawRequest, host: string): Buffer {
  if (request.raw !== undefined)
    return Buffer.isBuffer(request.raw) ? request.raw : Buffer.from(request.raw, 'latin1');
  const body =
    request.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(request.body)
        ? request.body
        : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string> = { ...request.headers };
  const names = Object.keys(headers).map((h) => h.toLowerCase());
  if (
    !names.includes('content-length') &&
    !names.includes('transfer-encoding') &&
    (body.length > 0 || request.method === 'POST')
  ) {
    headers['content-length'] = String(body.length);
  }
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `host: ${host}`, 'connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  // Header values go out as UTF-8 bytes: non-ASCII values are part of what is being tested.
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body]);
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parse(raw: Buffer): RawResponse {
  const text = raw.toString('utf8');
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: 0, headers: {}, body: '', text };
  const [statusLine, ...headerLines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(headEnd + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status, headers, body: body.toString('utf8'), text };
}

/**
 * Sends `request` on a fresh connection and reads until the server closes it. Rejects when no
 * answer comes within `timeoutMs` (a hang is a failure of the server under test).
 */
export function exchange(url: string, request: RawRequest, timeoutMs = 5_000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise<RawResponse>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server may reset a connection it refuses while we are still writing: what it said counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks)));
    });
    // Written, not ended: a client that half-closes makes Node drop the request unanswered.
    socket.write(encode(request, `${hostname}:${port}`));
  });
}
