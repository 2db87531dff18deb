import { buildSchema, parse, printSchema } from 'graphql';
import { expect, it } from 'vitest';
import { operationCost } from '../../src/graphql/query-limits/cost';

/**
 * Issue 10: prices are remembered per document and the variables that can change them (numbers and
 * booleans), so a query read for many logins is priced once. The price itself must not change.
 */
const schema = buildSchema(`
  type Repo { name: String, owner: User }
  type User { login: String, repos(first: Int, orderBy: String): [Repo] }
  type Query { user(login: String!): User }
`);
const document = parse(`query Q($login: String!, $n: Int, $order: String, $withRepos: Boolean!) {
  user(login: $login) { login repos(first: $n, orderBy: $order) @include(if: $withRepos) { owner { login } } }
}`);
const price = (variables: Record<string, unknown>) => operationCost(schema, document, variables, 'Q');

it('prices the same for any login or enum-like string, and follows page sizes and @include', () => {
  const base = { login: 'alice', n: 10, order: 'STARS', withRepos: true };
  expect(price(base)).toBe(1 + 1 + 10 * 1); // user, repos, an owner for each of 10 repos
  expect(price({ ...base, login: 'bob', order: 'NAME' })).toBe(price(base));
  expect(price({ ...base, n: 20 })).toBe(1 + 1 + 20);
  expect(price({ ...base, withRepos: false })).toBe(1);
  // A string where a page size is expected is refused elsewhere; its price does not depend on it.
  expect(price({ ...base, n: '500' })).toBe(price({ ...base, n: '7' }));
});

it('never takes a price remembered for a crafted operation name or another shape of value', () => {
  // Each would share a key with the next if names and values were joined unquoted.
  const sequence: [Record<string, unknown>, string][] = [
    [{ login: 'alice', withRepos: true }, 'Q,"n":30'],
    [{ login: 'alice', withRepos: true }, 'Q","n":30'],
    [{ login: 'alice', n: [30], withRepos: true }, 'Q'],
    [{ login: 'alice', n: null, withRepos: true }, 'Q'],
    [{ login: 'alice', n: '30', withRepos: true }, 'Q'],
    [{ login: 'alice', withRepos: true }, 'Q'],
    [{ n: 30, login: 'alice', withRepos: true }, 'Q'],
  ];
  for (const [variables, name] of sequence) {
    const unremembered = operationCost(buildSchema(printSchema(schema)), document, variables, name);
    expect(operationCost(schema, document, variables, name)).toBe(unremembered);
  }
  expect(operationCost(schema, document, { n: 30, login: 'alice', withRepos: true }, 'Q')).toBe(1 + 1 + 30);
});
