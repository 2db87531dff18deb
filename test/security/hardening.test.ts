import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config';
import { startTestApp, type TestApp } from '../support/app-harness';
import { exchange } from './hostile/raw-http';
import {
  overSocket,
  socketClient,
  startTestSchemaServer,
  type TestSchemaServer,
} from './hostile/test-schema-server';

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function request(
  url: string,
  init: RequestInit & { path?: string } = {},
): Promise<{ status: number; headers: Headers; body: Body; text: string }> {
  const response = await fetch(`${url}${init.path ?? '/graphql'}`, {
    ...init,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  let body: Body = {};
  try {
    body = JSON.parse(text) as Body;
  } catch {
    // not JSON: the assertions look at `text`
  }
  return { status: response.status, headers: response.headers, body, text };
}

const json = { 'content-type': 'application/json' };
const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  request(url, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(payload) });
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const codeOf = (body: Body): unknown => body.errors?.[0]?.extensions?.code;

describe('the real app with default settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  describe('security headers', () => {
    it.each([
      ['a GraphQL answer', () => post(t.url, { query: '{ systemHealth { status } }' })],
      ['health', () => request(t.url, { path: '/api/system/health' })],
      ['an unknown route', () => request(t.url, { path: '/nowhere' })],
      ['an HTTP-level error', () => request(t.url, { method: 'POST', headers: json, body: '{' })],
    ])('are on %s, with no server banner', async (_name, send) => {
      const { headers } = await send();
      expect(headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(headers.get('cache-control')).toMatch(/no-store/);
      expect(headers.get('x-powered-by')).toBeNull();
      expect(headers.get('server')).toBeNull();
      // Headers only HTML documents act on are the browser pages' (OWASP REST Security Cheat Sheet).
      expect(headers.get('cross-origin-opener-policy')).toBeNull();
      expect(headers.get('x-dns-prefetch-control')).toBeNull();
    });
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const simple = await post(
      t.url,
      { query: '{ systemHealth { status } }' },
      { origin: 'https://evil.example' },
    );
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await request(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses batched requests', async () => {
    const res = await post(t.url, [{ query: '{ systemHealth { status } }' }, { query: '{ __typename }' }]);
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe('BAD_REQUEST');
  });

  it('prevents CSRF: simple requests need a preflight header, GET never runs a mutation', async () => {
    const plain = await request(t.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ systemHealth { status } }' }),
    });
    expect(plain.status).toBe(400);
    expect(codeOf(plain.body)).toBe('BAD_REQUEST');
    const query = encodeURIComponent('{ systemHealth { status } }');
    expect((await request(t.url, { path: `/graphql?query=${query}` })).status).toBe(400);
    const allowed = await request(t.url, {
      path: `/graphql?query=${query}`,
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(allowed.status).toBe(200);
    const mutation = encodeURIComponent('mutation { __typename }');
    const viaGet = await request(t.url, {
      path: `/graphql?query=${mutation}`,
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(viaGet.status).toBe(405);
  });

  it('refuses a body over HTTP_BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post(t.url, {
      query: '{ systemHealth { status } }',
      variables: { pad: 'x'.repeat(110_000) },
    });
    expect(res.status).toBe(413);
    expect(codeOf(res.body)).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.errors?.[0].message).toContain('102400');
  });

  it('closes a WebSocket that sends a frame over the limit (1009), and keeps serving', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(110_000) } }));
    expect(await closed).toBe(1009);
    expect((await request(t.url, { path: '/api/system/health' })).status).toBe(200);
  });

  describe('automatic persisted queries in the shared cache', () => {
    const query = '{ systemHealth { status } }';
    const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

    it('asks for the query, stores it, then runs it by hash on every instance', async () => {
      const hash = sha256(query);
      const unknown = await post(t.url, { extensions: apq(hash) });
      expect(codeOf(unknown.body)).toBe('PERSISTED_QUERY_NOT_FOUND');
      const registered = await post(t.url, { query, extensions: apq(hash) });
      expect(registered.body.errors).toBeUndefined();
      expect(registered.body.data).toMatchObject({ systemHealth: { status: 'OK' } });
      const byHash = await post(t.url, { extensions: apq(hash) });
      expect(byHash.body.data).toMatchObject({ systemHealth: { status: 'OK' } });

      // A second instance sharing the Valkey key prefix knows it without being told.
      const other = await startTestApp({ env: { REDIS_KEY_PREFIX: t.config.redis.keyPrefix } });
      try {
        // Its Valkey connection may still be opening (a cache that is not ready reads as a miss).
        let elsewhere = await post(other.url, { extensions: apq(hash) });
        for (let i = 0; i < 30 && codeOf(elsewhere.body) === 'PERSISTED_QUERY_NOT_FOUND'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          elsewhere = await post(other.url, { extensions: apq(hash) });
        }
        expect(elsewhere.body.data).toMatchObject({ systemHealth: { status: 'OK' } });
      } finally {
        await other.close();
      }
    });

    it('refuses a hash that does not match its query, and ignores malformed hashes', async () => {
      const mismatch = await post(t.url, { query, extensions: apq(sha256('{ __typename }')) });
      expect(mismatch.status).toBe(400);
      for (const hash of ['ZZ', '../../etc/passwd', `${sha256(query)}\r\nDEL x`, 'x'.repeat(5_000)]) {
        const res = await post(t.url, { extensions: apq(hash) });
        expect(res.status).toBeLessThan(500);
        expect(codeOf(res.body)).toBe('PERSISTED_QUERY_NOT_FOUND');
      }
    });
  });

  it('keeps secrets out of the logs, by path', async () => {
    const secrets = {
      bearer: 'gia_BEARERSECRET0000000000000000',
      password: 'hunter2-PASSWORD-7f3a',
      token: 'ghp_TOKENSECRET111111111111111111',
      query: 'QUERYSTRINGSECRET-9b1c',
      paths: ['S1-auth', 'S2-pass', 'S3-nested', 'S4-token', 'S5-header', 'S6-cookie', 'S7-params', 'S8-var'],
    };
    await post(
      t.url,
      {
        query: '{ systemHealth { status } }',
        variables: { password: secrets.password, token: secrets.token },
      },
      { authorization: `Bearer ${secrets.bearer}`, cookie: `session=${secrets.token}` },
    );
    await request(t.url, {
      path: `/graphql?query=${encodeURIComponent('{ __typename }')}&token=${secrets.query}`,
      headers: { 'apollo-require-preflight': '1', authorization: `Bearer ${secrets.bearer}` },
    });
    const client = socketClient(t.url, {
      authorization: `Bearer ${secrets.bearer}`,
      password: secrets.password,
    });
    await overSocket(client, { query: '{ __typename }', variables: { token: secrets.token } }).catch(
      () => undefined,
    );
    await client.dispose();
    const [s1, s2, s3, s4, s5, s6, s7, s8] = secrets.paths;
    t.app.logger.info(
      {
        req: { headers: { authorization: `Bearer ${s1}` } },
        password: s2,
        config: { database: { password: s3 } },
        token: s4,
        headers: { authorization: s5, cookie: s6 },
        connectionParams: { authorization: s7 },
        variables: { input: { token: s8 } },
      },
      'a line carrying secrets in every redacted place',
    );
    const logs = t.logs.text();
    expect(logs).toContain('a line carrying secrets');
    expect(logs).toContain('[redacted]');
    for (const secret of [secrets.bearer, secrets.password, secrets.token, secrets.query, ...secrets.paths]) {
      expect(logs, secret).not.toContain(secret);
    }
  });
});

describe('errors reveal nothing from inside the server', () => {
  for (const nodeEnv of ['test', 'production'] as const) {
    it(`in ${nodeEnv}: a resolver failure and a route failure are masked, and logged`, async () => {
      const server = await startTestSchemaServer(
        { NODE_ENV: nodeEnv, DB_HOST: '127.0.0.1', REDIS_HOST: '127.0.0.1' },
        (fastify) =>
          fastify.get('/explode', async () => {
            throw new Error('connect ECONNREFUSED 10.0.3.7:5432 at /srv/app/dist/db.js:42');
          }),
      );
      try {
        const resolver = await post(server.url, { query: '{ boom viewer { login } }' });
        expect(resolver.status).toBe(200);
        expect(resolver.body.data).toMatchObject({ boom: null, viewer: { login: 'octocat' } });
        expect(resolver.body.errors).toEqual([
          {
            message: 'Internal server error',
            path: ['boom'],
            locations: [{ line: 1, column: 3 }],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ]);
        const route = await request(server.url, { path: '/explode' });
        expect(route.status).toBe(500);
        expect(route.body).toEqual({
          errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
        for (const text of [resolver.text, route.text]) {
          expect(text).not.toMatch(/insert into|relation "user"|ECONNREFUSED|10\.0\.3\.7|\.js:\d|\n\s+at /);
        }
        const logs = server.logs.text();
        expect(logs).toContain('relation \\"user\\" does not exist');
        expect(logs).toContain('ECONNREFUSED');
      } finally {
        await server.close();
      }
    });
  }
});

describe('production defaults: no introspection, no field suggestions, no landing page', () => {
  const production = { NODE_ENV: 'production', DB_HOST: '127.0.0.1', REDIS_HOST: '127.0.0.1' };
  let locked: TestSchemaServer;
  let opened: TestSchemaServer;
  beforeAll(async () => {
    locked = await startTestSchemaServer(production);
    opened = await startTestSchemaServer({
      ...production,
      GRAPHQL_INTROSPECTION: 'true',
      GRAPHQL_FIELD_SUGGESTIONS: 'true',
    });
  });
  afterAll(async () => {
    await locked?.close();
    await opened?.close();
  });

  const introspection = '{ __schema { queryType { name } } }';
  const typo = '{ viewer { logni } }';

  it('refuses introspection over HTTP and WebSocket', async () => {
    const http = await post(locked.url, { query: introspection });
    expect(http.status).toBe(400);
    expect(codeOf(http.body)).toBe('GRAPHQL_VALIDATION_FAILED');
    const typeQuery = await post(locked.url, { query: '{ __type(name: "User") { name } }' });
    expect(codeOf(typeQuery.body)).toBe('GRAPHQL_VALIDATION_FAILED');
    const client = socketClient(locked.url);
    try {
      const ws = await overSocket(client, { query: introspection });
      expect(ws.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(ws.data).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it('hides "Did you mean" suggestions over HTTP and WebSocket', async () => {
    const http = await post(locked.url, { query: typo });
    expect(http.body.errors?.[0].message).toContain('logni');
    expect(http.body.errors?.[0].message).not.toMatch(/did you mean|login/i);
    const client = socketClient(locked.url);
    try {
      const ws = await overSocket(client, { query: typo });
      expect(ws.errors?.[0].message).toContain('logni');
      expect(ws.errors?.[0].message).not.toMatch(/did you mean|login/i);
    } finally {
      await client.dispose();
    }
  });

  it('serves no HTML page at /graphql (GraphiQL is off with introspection)', async () => {
    const res = await request(locked.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(res.status).toBe(404);
  });

  it('allows introspection and suggestions when the settings turn them on', async () => {
    const http = await post(opened.url, { query: introspection });
    expect(http.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const suggested = await post(opened.url, { query: typo });
    expect(suggested.body.errors?.[0].message).toMatch(/Did you mean "login"\?/);
    const client = socketClient(opened.url);
    try {
      expect((await overSocket(client, { query: introspection })).data).toEqual({
        __schema: { queryType: { name: 'Query' } },
      });
    } finally {
      await client.dispose();
    }
  });
});

describe('CORS allow-list', () => {
  let server: TestSchemaServer;
  const allowed = 'https://app.example.com';
  beforeAll(async () => {
    server = await startTestSchemaServer({ CORS_ORIGINS: `${allowed}, https://admin.example.com` });
  });
  afterAll(() => server?.close());

  it('answers an allowed origin, preflight included', async () => {
    const preflight = await request(server.url, {
      method: 'OPTIONS',
      headers: {
        origin: allowed,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await post(server.url, { query: '{ viewer { login } }' }, { origin: allowed });
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });

  it('gives other origins no CORS headers', async () => {
    const res = await post(server.url, { query: '{ viewer { login } }' }, { origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await request(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a malformed origin in the setting at start-up', async () => {
    for (const bad of ['https://app.example.com/', 'app.example.com', 'https://a.example.com/path']) {
      await expect(loadConfig({ env: { CORS_ORIGINS: bad } })).rejects.toThrow(ConfigError);
    }
  });
});

describe('transport rules on a schema with subscriptions', () => {
  let server: TestSchemaServer;
  beforeAll(async () => {
    server = await startTestSchemaServer();
  });
  afterAll(() => server?.close());

  it('refuses a subscription over HTTP and runs it over WebSocket', async () => {
    const query = 'subscription { ticks(count: 3) }';
    const http = await post(server.url, { query });
    expect(http.status).toBe(400);
    expect(codeOf(http.body)).toBe('BAD_REQUEST');
    expect(http.body.errors?.[0].message).toMatch(/WebSocket/);
    const client = socketClient(server.url);
    try {
      expect((await overSocket(client, { query })).data).toEqual({ ticks: 3 });
    } finally {
      await client.dispose();
    }
  });

  it('refuses text with NUL characters (PostgreSQL cannot store them) as BAD_USER_INPUT', async () => {
    const literal = '{ search(text: "a\\u0000b") { login } }';
    const variable = {
      query: 'query Q($t: String) { search(text: $t) { login } }',
      variables: { t: 'a\u0000b' },
    };
    for (const payload of [
      { query: literal },
      variable,
      { ...variable, variables: { t: ['x', { k: 'a\u0000' }] } },
    ]) {
      const res = await post(server.url, payload);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(codeOf(res.body)).toBe('BAD_USER_INPUT');
    }
    const client = socketClient(server.url);
    try {
      for (const payload of [{ query: literal }, variable]) {
        expect((await overSocket(client, payload)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      }
    } finally {
      await client.dispose();
    }
    expect((await post(server.url, { ...variable, variables: { t: 'plain' } })).status).toBe(200);
  });

  it('answers a request without a usable Host header with 400, not a crash', async () => {
    for (const head of [
      'GET /graphql?query=%7B__typename%7D HTTP/1.0',
      'GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nhost: bad host',
    ]) {
      const res = await exchange(server.url, {
        method: '',
        path: '',
        raw: `${head}\r\napollo-require-preflight: 1\r\nconnection: close\r\n\r\n`,
      });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).errors[0].extensions.code).toBe('BAD_REQUEST');
    }
  });

  it('reports variables of the wrong type over WebSocket as BAD_USER_INPUT, as HTTP does', async () => {
    const payload = {
      query: 'query Q($n: Int!) { users(first: $n) { totalCount } }',
      variables: { n: 'many' },
    };
    const http = await post(server.url, payload);
    expect(codeOf(http.body)).toBe('BAD_USER_INPUT');
    const client = socketClient(server.url);
    try {
      const ws = await overSocket(client, payload);
      expect(ws.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(ws.errors?.[0].message).toContain('$n');
    } finally {
      await client.dispose();
    }
  });
});

describe('timeouts', () => {
  let server: TestSchemaServer;
  let slowClients: TestSchemaServer;
  beforeAll(async () => {
    server = await startTestSchemaServer({ HTTP_HANDLER_TIMEOUT_MS: '400', HTTP_REQUEST_TIMEOUT_MS: '1000' });
    // No handler timeout here: it would answer a slow body with 503 before the request timeout.
    slowClients = await startTestSchemaServer({
      HTTP_HANDLER_TIMEOUT_MS: '0',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await server?.close();
    await slowClients?.close();
  });

  /** Sends `partial` and never the rest; resolves with what the server wrote before closing. */
  const sendSlowly = (partial: string): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(slowClients.url).port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.write(partial);
      setTimeout(() => reject(new Error('slow client never cut off')), 8_000).unref();
    });

  it('answers 503 SERVICE_UNAVAILABLE when a request takes too long, and aborts its work', async () => {
    const started = Date.now();
    const res = await post(server.url, { query: '{ slow(ms: 10000) }' });
    expect(res.status).toBe(503);
    expect(codeOf(res.body)).toBe('SERVICE_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(3_000);
    const fast = await post(server.url, { query: '{ slow(ms: 10) }' });
    expect(fast.body.data).toEqual({ slow: 'done' });
    // The aborted work ended (the resolver saw the signal) and its late answer was dropped quietly.
    expect(server.logs.text()).toContain('request timed out');
    expect(server.logs.text()).not.toContain('already sent');
  });

  it.each([
    [
      'a body',
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    ],
    ['headers', 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: appl'],
  ])('cuts off a client that sends %s too slowly (408)', async (_name, partial) => {
    const started = Date.now();
    expect(await sendSlowly(partial)).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('keeps idle connections open longer than a load balancer does (60 s)', async () => {
    const { config } = await loadConfig({ env: {} });
    expect(config.security.keepAliveTimeoutMs).toBeGreaterThan(60_000);
    expect(server.http.fastify.server.keepAliveTimeout).toBe(config.security.keepAliveTimeoutMs);
    expect(server.http.fastify.server.requestTimeout).toBe(1_000);
  });
});
