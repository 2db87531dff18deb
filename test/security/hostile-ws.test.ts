import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-harness';
import { leaks, uncodedErrors } from './hostile/checks';
import { type HostileCase, hostileHttpCases } from './hostile/http-cases';
import { INJECTIONS } from './hostile/payloads';
import { overSocket, socketClient, type SocketResult } from './hostile/test-schema-server';

/**
 * The hostile-input suite over WebSocket (graphql-ws): every HTTP case that is a GraphQL request
 * (malformed documents, bombs, huge values, unicode, injections) sent as a `subscribe` message,
 * and protocol-level abuse of the socket itself (malformed frames and messages, wrong order,
 * oversize and invalid UTF-8 frames). Never an internal error, a leak or a hang; the server keeps
 * answering health.
 */

const BATCH = 8;
let t: TestApp;
let executed = 0;

beforeAll(async () => {
  t = await startTestApp({ env: { RATE_LIMIT_MAX_REQUESTS: '10000000' } });
});
afterAll(() => t?.close());

async function health(): Promise<number> {
  const res = await fetch(`${t.url}/api/system/health`, { signal: AbortSignal.timeout(5_000) });
  await res.arrayBuffer();
  return res.status;
}

interface SocketCase {
  readonly name: string;
  readonly payload: { query: string; variables?: Record<string, unknown>; operationName?: string };
  readonly mayAnswer: boolean;
  readonly codes?: readonly string[];
}

/** The HTTP cases that are GraphQL requests, as `subscribe` payloads. */
function socketCases(cases: readonly HostileCase[]): SocketCase[] {
  return cases.flatMap((c): SocketCase[] => {
    if (c.request.method !== 'POST' || c.request.raw !== undefined || typeof c.request.body !== 'string')
      return [];
    if (c.request.headers?.['content-type'] !== 'application/json') return [];
    let body: unknown;
    try {
      body = JSON.parse(c.request.body);
    } catch {
      return [];
    }
    const { query, variables, operationName } = (body ?? {}) as Record<string, unknown>;
    if (typeof query !== 'string') return [];
    // Non-object variables are refused by graphql-ws's message validation (raw frames below).
    const objectVariables = typeof variables === 'object' && variables !== null && !Array.isArray(variables);
    if (variables !== undefined && !objectVariables) return [];
    if (operationName !== undefined && typeof operationName !== 'string') return [];
    // Frames have the same size limit as bodies; the oversize cases are the raw ones below.
    if (c.request.body.length > 100_000) return [];
    // The graphql-ws client cannot serialize thousands of nesting levels; a raw frame below can.
    try {
      JSON.stringify(body);
    } catch {
      return [];
    }
    return [
      {
        name: `[${c.category}] ${c.name}`,
        payload: { query, variables: variables as Record<string, unknown> | undefined, operationName },
        // graphql-ws reads frames with plain JSON.parse: `__proto__` keys arrive as inert data
        // (checked at the end: no prototype was polluted), so those requests are simply answered.
        mayAnswer: Boolean(c.mayAnswer) || query.replace(/\s/g, '') === '{__typename}',
        codes: c.codes?.includes('QUERY_TOO_COMPLEX') ? c.codes : undefined,
      },
    ];
  });
}

function judge(c: SocketCase, result: SocketResult): string[] {
  const errors = result.errors ?? [];
  const problems = [...leaks(JSON.stringify(result)), ...uncodedErrors(errors)];
  if (errors.length === 0 && !c.mayAnswer) problems.push('answered without an error');
  if (c.codes && !errors.some((e) => c.codes!.includes(String(e.extensions?.code)))) {
    problems.push(
      `codes ${errors.map((e) => e.extensions?.code).join(',') || 'none'}, expected ${c.codes.join(' or ')}`,
    );
  }
  return problems;
}

/** Sends raw frames on a fresh socket; resolves with the close code and what the server sent. */
function rawSocket(
  frames: readonly (string | Buffer)[],
  options: { protocol?: string | null; waitMs?: number } = {},
): Promise<{ code: number; messages: string[] }> {
  const protocol = options.protocol === undefined ? 'graphql-transport-ws' : options.protocol;
  return new Promise((resolve, reject) => {
    const socket =
      protocol === null
        ? new WebSocket(`${t.url.replace('http', 'ws')}/graphql`)
        : new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, protocol);
    const messages: string[] = [];
    const timer = setTimeout(() => {
      // Still open after the wait: the server accepted what it got; close it ourselves.
      socket.close(1000);
    }, options.waitMs ?? 1_500);
    const hang = setTimeout(() => reject(new Error('socket never closed')), 8_000);
    // After a connection_init, the rest waits for the server's ack, as the protocol requires.
    const [first, ...rest] = frames;
    const waitsForAck = first === init;
    socket.on('message', (data) => {
      messages.push(String(data));
      if (waitsForAck && String(data).includes('"connection_ack"')) {
        for (const frame of rest) socket.send(frame, { binary: Buffer.isBuffer(frame) });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(hang);
      resolve({ code, messages });
    });
    socket.on('open', () => {
      for (const frame of waitsForAck ? [first] : frames)
        socket.send(frame, { binary: Buffer.isBuffer(frame) });
    });
  });
}

const init = JSON.stringify({ type: 'connection_init' });
const subscribe = (id: string, payload: unknown) => JSON.stringify({ id, type: 'subscribe', payload });

describe('hostile input over WebSocket', () => {
  const cases = socketCases(hostileHttpCases());

  it(`GraphQL requests from the HTTP suite as subscribe messages (${cases.length})`, async () => {
    expect(cases.length).toBeGreaterThan(200);
    const failures: string[] = [];
    for (let i = 0; i < cases.length; i += BATCH) {
      const batch = cases.slice(i, i + BATCH);
      const client = socketClient(t.url);
      const results = await Promise.all(
        batch.map((c) => overSocket(client, c.payload).catch((e: Error) => e)),
      );
      await client.dispose();
      batch.forEach((c, j) => {
        const result = results[j];
        const problems = result instanceof Error ? [`no answer: ${result.message}`] : judge(c, result);
        if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')}`);
      });
      executed += batch.length;
      if ((await health()) !== 200) failures.push(`health failed after ${batch[batch.length - 1].name}`);
    }
    expect(failures).toEqual([]);
  });

  const bigFrame = 'x'.repeat(110_000);
  const frames: [string, (string | Buffer)[], readonly number[], { protocol?: string | null }?][] = [
    ['not JSON', ['not json'], [4400]],
    ['a JSON array', ['[]'], [4400]],
    ['a JSON string', ['"connection_init"'], [4400]],
    ['an unknown message type', [JSON.stringify({ type: 'hack' })], [4400]],
    [
      'a non-object connection_init payload',
      [JSON.stringify({ type: 'connection_init', payload: 'x' })],
      [4400],
    ],
    ['subscribe before connection_init', [subscribe('1', { query: '{ __typename }' })], [4401]],
    ['two connection_init messages', [init, init], [4429]],
    [
      'subscribe without an id',
      [init, JSON.stringify({ type: 'subscribe', payload: { query: '{ __typename }' } })],
      [4400],
    ],
    ['a numeric query', [init, subscribe('1', { query: 123 })], [4400]],
    ['string variables', [init, subscribe('1', { query: '{ __typename }', variables: 'x' })], [4400]],
    [
      'a duplicate subscription id',
      [
        init,
        subscribe('1', { query: 'subscription { __typename }' }),
        subscribe('1', { query: '{ __typename }' }),
      ],
      [4409, 1000],
    ],
    ['binary garbage', [Buffer.from([0xff, 0x00, 0xfe, 0x01])], [4400]],
    [
      'variables nested 5,000 deep',
      [
        init,
        `{"id":"d","type":"subscribe","payload":{"query":"query Q($name: String!) { __type(name: $name) { name } }","variables":{"name":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}}}`,
      ],
      [1000],
    ],
    [
      'a __proto__ payload',
      [
        init,
        '{"id":"p","type":"subscribe","payload":{"query":"{ __typename }","variables":{"__proto__":{"isAdmin":true}},"__proto__":{"isAdmin":true}}}',
      ],
      [1000],
    ],
    ['an invalid UTF-8 text frame', [Buffer.from('not used')], [1007, 4400]],
    ['a frame over the size limit', [bigFrame], [1009]],
    [
      'a connection_init over the size limit',
      [JSON.stringify({ type: 'connection_init', payload: { pad: bigFrame } })],
      [1009],
    ],
    // A refused handshake ends before the socket opens (1006 on the client side).
    ['the legacy subprotocol', [init], [4406, 1002, 1006], { protocol: 'graphql-ws' }],
    ['no subprotocol', [init], [4406, 1002, 1006, 1000], { protocol: null }],
    ['a 5,000-character id', [init, subscribe('i'.repeat(5_000), { query: '{ __typename }' })], [1000]],
    ['complete for an unknown id', [init, JSON.stringify({ id: 'nope', type: 'complete' })], [1000]],
    ['ping and pong', [init, JSON.stringify({ type: 'ping' }), JSON.stringify({ type: 'pong' })], [1000]],
    [
      'a flood of 200 operations on one socket',
      [init, ...Array.from({ length: 200 }, (_, i) => subscribe(`f${i}`, { query: '{ __typename }' }))],
      [1000],
    ],
    ...INJECTIONS.slice(0, 12).map(([name, value]): [string, string[], number[]] => [
      `connectionParams carrying ${name}`,
      [
        JSON.stringify({
          type: 'connection_init',
          payload: { authorization: `Bearer ${value}`, [value]: value },
        }),
      ],
      [1000, 4403, 4401, 4400],
    ]),
  ];

  it.each(frames)(
    'a socket sending %s is closed with a client-error code (or left open)',
    async (_name, send, codes, options) => {
      const invalidUtf8 = _name === 'an invalid UTF-8 text frame';
      const result = invalidUtf8 ? await invalidUtf8Frame() : await rawSocket(send, options);
      executed++;
      expect(codes).toContain(result.code);
      for (const message of result.messages) {
        expect(leaks(message)).toEqual([]);
      }
      expect(await health()).toBe(200);
    },
  );

  it('ran at least 200 cases; the server is healthy and logged no unexpected error', async () => {
    console.log(`hostile WebSocket cases run: ${executed}`);
    expect(executed).toBeGreaterThanOrEqual(200);
    expect(await health()).toBe(200);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const unexpected = t.logs.lines.filter((l) => l.level === 'error' || l.level === 'fatal');
    expect(unexpected.map((l) => `${l.msg} ${JSON.stringify(l.err ?? l.error ?? '')}`.slice(0, 300))).toEqual(
      [],
    );
  });
});

/** `ws` will not send invalid UTF-8 as text; this writes such a frame by hand after the handshake. */
function invalidUtf8Frame(): Promise<{ code: number; messages: string[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const hang = setTimeout(() => reject(new Error('socket never closed')), 8_000);
    socket.on('error', () => undefined);
    socket.on('close', (code) => {
      clearTimeout(hang);
      resolve({ code, messages: [] });
    });
    socket.on('open', () => {
      // A masked text frame (opcode 1) whose payload is 0xC0 0xAF (an overlong, invalid sequence).
      const payload = Buffer.from([0xc0, 0xaf]);
      const mask = Buffer.from([1, 2, 3, 4]);
      const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
      const raw = (socket as unknown as { _socket: import('node:net').Socket })._socket;
      raw.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
    });
  });
}
