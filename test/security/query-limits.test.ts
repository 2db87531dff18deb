import { getIntrospectionQuery, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/graphql/query-limits';
import { startTestApp, type TestApp } from '../support/app-harness';
import { buildTestSchema } from './hostile/test-schema';
import {
  overSocket,
  socketClient,
  startTestSchemaServer,
  type TestSchemaServer,
} from './hostile/test-schema-server';

interface GraphqlError {
  message: string;
  extensions?: Record<string, unknown>;
}

async function post(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; data?: unknown; errors?: GraphqlError[] }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as { data?: unknown; errors?: GraphqlError[] };
  return { status: response.status, ...body };
}

const repeat = (n: number, make: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => make(i)).join(' ');

describe('cost model (estimateCost on a schema with paginated lists)', () => {
  const schema = buildTestSchema();
  const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string): number =>
    estimateCost(schema, parse(query), variables, operationName);

  it.each([
    ['an object field costs 1, its scalars 0', '{ viewer { login name } }', 1],
    ['a scalar-only query still costs at least 1', '{ __typename }', 1],
    ['a declared `complexity` extension is the field cost', '{ expensive }', 50],
    ['first: 100 multiplies what is selected inside', '{ users(first: 100) { nodes { login } } }', 101],
    ['last multiplies like first', '{ users(last: 50) { nodes { login } } }', 51],
    ['first and last together count the larger', '{ users(first: 10, last: 50) { nodes { login } } }', 51],
    ['a default `first` (20) counts', '{ viewer { repositories { nodes { name } } } }', 22],
    [
      'nested first: 10 lists multiply',
      '{ users(first: 10) { nodes { repositories(first: 10) { nodes { name } } } } }',
      121,
    ],
    [
      'nested first: 100 lists multiply again',
      '{ users(first: 100) { nodes { repositories(first: 100) { nodes { name } } } } }',
      10_201,
    ],
    ['a negative first counts one item', '{ users(first: -5) { nodes { login } } }', 2],
    [
      'a fragment counts where it is spread',
      '{ users(first: 10) { nodes { ...F } } } fragment F on User { friend { login } }',
      21,
    ],
    [
      '@skip(if: true) removes what it skips',
      '{ users(first: 100) @skip(if: true) { nodes { login } } viewer { login } }',
      1,
    ],
  ])('%s', (_name, query, expected) => {
    expect(cost(query)).toBe(expected);
  });

  it('prices `first: $n` from the variables', () => {
    const query = 'query ($n: Int) { users(first: $n) { nodes { login } } }';
    expect(cost(query, { n: 30 })).toBe(31);
    expect(cost(query, { n: 100 })).toBe(101);
  });

  it('prices the named operation of a document with several', () => {
    const query = 'query A { viewer { login } } query B { users(first: 100) { nodes { login } } }';
    expect(cost(query, {}, 'A')).toBe(1);
    expect(cost(query, {}, 'B')).toBe(101);
    expect(cost(query)).toBe(102);
  });

  it('never throws on bad variables, and prices a fragment bomb as unaffordable', () => {
    expect(() =>
      cost('query ($n: Int) { users(first: $n) { nodes { login } } }', { n: 'many' }),
    ).not.toThrow();
    const levels = 20;
    const bomb =
      '{ ...F0 } ' +
      Array.from(
        { length: levels },
        (_, i) =>
          `fragment F${i} on Query { ${i + 1 < levels ? `a${i}: viewer { login } ...F${i + 1} ...F${i + 1}` : 'viewer { login }'} }`,
      ).join(' ');
    expect(cost(bomb)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

/** Each limit: an over-limit document and the refusal it must get. */
interface LimitCase {
  readonly limit: 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost';
  readonly allowed: number;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly actual?: number;
}

function expectRefusal(errors: readonly GraphqlError[] | undefined, c: LimitCase): void {
  expect(errors, `no refusal for the ${c.limit} limit`).toBeDefined();
  const error = errors!.find((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX');
  expect(error, JSON.stringify(errors)).toBeDefined();
  expect(error!.extensions).toMatchObject({ limit: c.limit, allowed: c.allowed });
  if (c.actual !== undefined) expect(error!.extensions?.actual).toBe(c.actual);
  expect(error!.message).toContain(`limit of ${c.allowed}`);
  expect(error!.extensions).not.toHaveProperty('http');
}

describe('query limits on a schema with paginated lists, over HTTP and WebSocket', () => {
  let server: TestSchemaServer;
  const limits = { depth: 5, aliases: 3, directives: 3, tokens: 200, cost: 5_000 };
  beforeAll(async () => {
    server = await startTestSchemaServer({
      GRAPHQL_MAX_DEPTH: String(limits.depth),
      GRAPHQL_MAX_ALIASES: String(limits.aliases),
      GRAPHQL_MAX_DIRECTIVES: String(limits.directives),
      GRAPHQL_MAX_TOKENS: String(limits.tokens),
      GRAPHQL_MAX_COST: String(limits.cost),
    });
  });
  afterAll(() => server?.close());

  const overLimit: LimitCase[] = [
    {
      limit: 'depth',
      allowed: limits.depth,
      actual: 6,
      query: '{ viewer { friend { friend { friend { friend { login } } } } } }',
    },
    {
      limit: 'depth',
      allowed: limits.depth,
      actual: 6,
      query: '{ viewer { ...A } } fragment A on User { friend { friend { friend { friend { login } } } } }',
    },
    {
      limit: 'aliases',
      allowed: limits.aliases,
      actual: 4,
      query: `{ ${repeat(4, (i) => `a${i}: viewer { login }`)} }`,
    },
    {
      limit: 'aliases',
      allowed: limits.aliases,
      actual: 4,
      query: `{ ${repeat(4, (i) => `t${i}: __typename`)} }`,
    },
    {
      limit: 'directives',
      allowed: limits.directives,
      actual: 4,
      query: `{ viewer { ${repeat(4, () => 'login @include(if: true)')} } }`,
    },
    { limit: 'tokens', allowed: limits.tokens, query: `{ viewer { ${repeat(300, () => 'login')} } }` },
    {
      limit: 'cost',
      allowed: limits.cost,
      actual: 10_201,
      query: '{ users(first: 100) { nodes { repositories(first: 100) { nodes { name } } } } }',
    },
    {
      limit: 'cost',
      allowed: limits.cost,
      actual: 10_201,
      query: 'query Q($n: Int) { users(first: $n) { nodes { repositories(first: $n) { nodes { name } } } } }',
      variables: { n: 100 },
    },
  ];

  const withinLimits: [string, string, Record<string, unknown>?][] = [
    ['depth 5', '{ viewer { friend { friend { friend { login } } } } }'],
    ['3 aliases', `{ ${repeat(3, (i) => `a${i}: viewer { login }`)} }`],
    ['3 directives', `{ viewer { ${repeat(3, () => 'login @include(if: true)')} } }`],
    [
      'nested first: 10 lists (cost 121)',
      '{ users(first: 10) { nodes { repositories(first: 10) { nodes { name } } } } }',
    ],
    [
      'the same document as the refused one, with n: 10',
      'query Q($n: Int) { users(first: $n) { nodes { repositories(first: $n) { nodes { name } } } } }',
      { n: 10 },
    ],
  ];

  it.each(overLimit.map((c) => [`${c.limit}: ${c.query.slice(0, 60)}`, c] as const))(
    'HTTP refuses %s with 400 QUERY_TOO_COMPLEX',
    async (_name, c) => {
      const res = await post(server.url, c.query, c.variables);
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      expectRefusal(res.errors, c);
    },
  );

  it.each(withinLimits)('HTTP answers %s', async (_name, query, variables) => {
    const res = await post(server.url, query, variables);
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it('refuses literals nested too deeply to parse, over HTTP and WebSocket', async () => {
    // Within the token limit of the default settings, yet deep enough to exhaust the parser's stack.
    const deep = await startTestSchemaServer();
    const query = `{ search(text: ${'['.repeat(1_999)}${']'.repeat(1_999)}) { login } }`;
    const client = socketClient(deep.url);
    try {
      for (const errors of [
        (await post(deep.url, query)).errors,
        (await overSocket(client, { query })).errors,
      ]) {
        // Which comes first, the stack or the token limit, depends on the machine's stack size.
        expect(errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
        expect(['depth', 'tokens']).toContain(errors?.[0].extensions?.limit);
        expect(JSON.stringify(errors)).not.toMatch(/stack|Maximum call/i);
      }
    } finally {
      await client.dispose();
      await deep.close();
    }
  });

  it('prices every request by its own variables (a cached document is not a pass)', async () => {
    const query =
      'query Q($n: Int) { users(first: $n) { nodes { repositories(first: $n) { nodes { name } } } } }';
    expect((await post(server.url, query, { n: 10 })).status).toBe(200);
    expect((await post(server.url, query, { n: 100 })).status).toBe(400);
    expect((await post(server.url, query, { n: 10 })).status).toBe(200);
  });

  it.each(overLimit.map((c) => [`${c.limit}: ${c.query.slice(0, 60)}`, c] as const))(
    'WebSocket refuses %s with QUERY_TOO_COMPLEX',
    async (_name, c) => {
      const client = socketClient(server.url);
      try {
        const res = await overSocket(client, { query: c.query, variables: c.variables });
        expect(res.data).toBeUndefined();
        expectRefusal(res.errors, c);
      } finally {
        await client.dispose();
      }
    },
  );

  it('WebSocket answers documents within the limits', async () => {
    const client = socketClient(server.url);
    try {
      for (const [, query, variables] of withinLimits) {
        const res = await overSocket(client, { query, variables });
        expect(res.errors, query).toBeUndefined();
        expect(res.data).toBeDefined();
      }
    } finally {
      await client.dispose();
    }
  });
});

describe('query limits on the real app, over HTTP and WebSocket', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        GRAPHQL_MAX_DEPTH: '2',
        GRAPHQL_MAX_ALIASES: '1',
        GRAPHQL_MAX_DIRECTIVES: '1',
        GRAPHQL_MAX_TOKENS: '40',
        GRAPHQL_MAX_COST: '1',
      },
    });
  });
  afterAll(() => t?.close());

  const cases: LimitCase[] = [
    { limit: 'depth', allowed: 2, actual: 3, query: '{ systemHealth { components { name } } }' },
    {
      limit: 'aliases',
      allowed: 1,
      actual: 2,
      query: '{ a: systemHealth { status } b: systemHealth { status } }',
    },
    {
      limit: 'directives',
      allowed: 1,
      actual: 2,
      query: '{ systemHealth { status @include(if: true) version @skip(if: false) } }',
    },
    { limit: 'tokens', allowed: 40, query: `{ systemHealth { ${repeat(40, () => 'status')} } }` },
    {
      limit: 'cost',
      allowed: 1,
      actual: 2,
      query: '{ systemHealth { status } again: systemHealth { version } }',
    },
  ];

  it('answers a query within every limit', async () => {
    const res = await t.graphql('{ systemHealth { status } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it.each(cases.map((c) => [c.limit, c] as const))('HTTP refuses an over-%s query', async (_name, c) => {
    const res = await t.graphql(c.query);
    expect(res.status).toBe(400);
    expectRefusal(res.body.errors, c);
  });

  it.each(cases.map((c) => [c.limit, c] as const))('WebSocket refuses an over-%s query', async (_name, c) => {
    const client = socketClient(t.url);
    try {
      expectRefusal((await overSocket(client, { query: c.query })).errors, c);
    } finally {
      await client.dispose();
    }
  });
});

describe('default limits', () => {
  it('let tools introspect the real schema (GraphiQL, codegen)', async () => {
    const t = await startTestApp();
    try {
      const res = await t.graphql(getIntrospectionQuery());
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.__schema.queryType.name).toBe('Query');
    } finally {
      await t.close();
    }
  });
});
