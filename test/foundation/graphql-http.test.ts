import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { SystemHealthDocument } from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';

let t: TestApp;
let operatorKey: string;
beforeAll(async () => {
  t = await startTestApp();
  operatorKey = (await createKeyWithCli(t.config, 'operator')).key;
});
afterAll(async () => {
  await t?.close();
});

describe('GraphQL over HTTP', () => {
  it('answers systemHealth with every component (typed document from codegen)', async () => {
    const res = await t.execute(SystemHealthDocument, {}, bearer(operatorKey));
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    const health = res.data!.systemHealth;
    expect(health.components.map((c) => c.name)).toEqual([
      'database',
      'cache',
      'queue',
      'secrets',
      'github',
      'mail',
      'rateLimits',
    ]);
    expect(health.status).toBe('OK');
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Date.parse(health.checkedAt)).not.toBeNaN();
    expect(health.components.find((c) => c.name === 'secrets')).toMatchObject({
      status: 'DISABLED',
      message: 'no AWS_*_SECRET_NAME configured',
    });
    expect(health.components.find((c) => c.name === 'database')?.details).toEqual({
      mode: 'external',
      loginRotations: 0,
    });
  });

  it('echoes a sane x-request-id and makes one otherwise', async () => {
    const given = await t.graphql('{ systemHealth { status } }', undefined, {
      'x-request-id': 'trace-1234abcd',
    });
    expect(given.headers.get('x-request-id')).toBe('trace-1234abcd');
    const hostile = await t.graphql('{ systemHealth { status } }', undefined, {
      'x-request-id': 'bad id with spaces',
    });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports a schema mismatch with GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await t.graphql('{ systemHealth { nope } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0].message).toContain('nope');
  });

  it('reports a syntax error with GRAPHQL_PARSE_FAILED', async () => {
    const res = await t.graphql('{ systemHealth { ');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers malformed JSON with a GraphQL-shaped BAD_REQUEST and no internals', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('refuses a GET without a CSRF preflight header', async () => {
    const response = await fetch(
      `${t.url}/graphql?query=${encodeURIComponent('{ systemHealth { status } }')}`,
    );
    expect(response.status).toBe(400);
    const allowed = await fetch(
      `${t.url}/graphql?query=${encodeURIComponent('{ systemHealth { status } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(allowed.status).toBe(200);
  });

  it('answers unknown routes with NOT_FOUND in the same error shape', async () => {
    const response = await fetch(`${t.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(
      ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code,
    ).toBe('NOT_FOUND');
  });
});

describe('GraphQL over WebSocket (graphql-ws on /graphql)', () => {
  it('runs a query over the graphql-transport-ws protocol', async () => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe(
          { query: '{ systemHealth { status components { name } } }' },
          { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
        );
      });
      expect(result).toMatchObject({ data: { systemHealth: { status: 'OK' } } });
    } finally {
      await client.dispose();
    }
  });

  it('returns validation errors with codes over WebSocket', async () => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: '{ systemHealth { nope } }' },
          { next: () => {}, error: resolve, complete: () => resolve(undefined) },
        );
      });
      expect(Array.isArray(errors)).toBe(true);
      const [first] = errors as { message: string; extensions?: { code?: string } }[];
      expect(first.message).toContain('nope');
      expect(first.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await client.dispose();
    }
  });
});
