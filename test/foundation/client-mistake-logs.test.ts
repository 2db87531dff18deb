import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-harness';

// A client's mistake is the client's: answered with a code, logged below `error` and without a
// stack, so an operator's error log holds only what needs a human.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

async function post(body: unknown): Promise<{ status: number; code: unknown }> {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return { status: response.status, code: json.errors?.[0]?.extensions?.code };
}

describe('client mistakes in the logs', () => {
  it('are answered with their codes and never logged at error level or with a stack', async () => {
    const before = t.logs.lines.length;
    const query = '{ systemHealth { status } }';
    const answers = [
      await post({ extensions: apq(sha256('{ never sent }')) }), // unknown persisted query
      await post({ query, extensions: apq(sha256('{ something else }')) }), // hash of another text
      await post({ query, extensions: apq('not-a-hash') }), // malformed hash
      await post({ query: '{ systemHealth { nope } }' }), // validation
      await post({ query: '{ systemHealth ' }), // syntax
      await post({ query, variables: { x: 1 }, operationName: 'Missing' }), // unknown operation
    ];
    expect(answers.map((a) => a.code)).toEqual([
      'PERSISTED_QUERY_NOT_FOUND',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_PARSE_FAILED',
      'OPERATION_RESOLUTION_FAILURE',
    ]);
    const lines = t.logs.lines.slice(before);
    const loud = lines.filter(
      (l) => ['error', 'fatal'].includes(String(l.level)) || /"stack"/.test(JSON.stringify(l)),
    );
    expect(loud.map((l) => l.msg)).toEqual([]);
  });
});
