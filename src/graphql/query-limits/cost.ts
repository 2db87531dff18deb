import {
  type DocumentNode,
  getNamedType,
  type GraphQLField,
  type GraphQLSchema,
  isLeafType,
  TypeInfo,
  ValidationContext,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { type ComplexityEstimatorArgs, createComplexityRule } from 'graphql-query-complexity';

/**
 * The cost model (README "Security" documents it for clients):
 *
 * - a field whose type is an object, interface or union (a lookup or a fetch) costs 1;
 * - a scalar or enum field costs 0 (it comes with its parent);
 * - a field declares another own cost with the `complexity` extension
 *   (type-graphql `@Field({ complexity: 5 })`), e.g. a computed scalar that queries the database;
 * - a field with a `first` or `last` argument (any paginated list, today or later) costs its own
 *   cost plus `first` (or `last`, the larger when both) times the cost of what is selected inside
 *   it, since that selection is resolved for every item: `users(first: 100) { nodes { login } }`
 *   costs 1 + 100 × 1 = 101, and a `first: 100` list inside it multiplies again.
 *
 * `@skip`/`@include` with a known value count only what runs; fragments count where spread; a
 * document with several operations costs the named one (or all of them summed when none is named).
 */
export function fieldCost({ field, args, childComplexity }: ComplexityEstimatorArgs): number {
  return ownCost(field) + pageSize(args) * childComplexity;
}

function ownCost(field: GraphQLField<unknown, unknown>): number {
  const declared = field.extensions?.complexity;
  if (typeof declared === 'number' && Number.isFinite(declared) && declared >= 0) return declared;
  return isLeafType(getNamedType(field.type)) ? 0 : 1;
}

/** The page a list argument asks for; a missing, negative or non-numeric one counts as 1 item. */
function pageSize(args: Record<string, unknown>): number {
  const sizes = [args.first, args.last].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  );
  return sizes.length > 0 ? Math.max(...sizes) : 1;
}

/**
 * Selections the cost walk may visit, counting each fragment every time it is spread. Past this the
 * document is refused outright: it is how fragment bombs (fragments spreading fragments, doubling
 * at every level) look, and walking them further would itself be the attack.
 */
export const MAX_EVALUATED_SELECTIONS = 10_000;

/**
 * The cost of an operation under the model above, or `Infinity` when the document expands past
 * MAX_EVALUATED_SELECTIONS. Never throws for bad input: invalid variables or arguments add nothing
 * here (validation and execution report them with their own codes).
 */
/** Prices kept per document (Apollo hands the same parsed document for the same query text). */
const MEMO_PER_DOCUMENT = 64;
const memo = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();

/**
 * The cost of an operation, computed once per document, operation and variables: the cost limit
 * and the rate limit both price every request, and a hot query is the same document each time.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  let documents = memo.get(schema);
  if (!documents) memo.set(schema, (documents = new WeakMap()));
  let prices = documents.get(document);
  if (!prices) documents.set(document, (prices = new Map()));
  const key = memoKey(variables, operationName);
  if (key === undefined) return computeCost(schema, document, variables, operationName);
  const known = prices.get(key);
  if (known !== undefined) return known;
  const cost = computeCost(schema, document, variables, operationName);
  if (prices.size >= MEMO_PER_DOCUMENT) prices.delete(prices.keys().next().value as string);
  prices.set(key, cost);
  return cost;
}

/**
 * The variables as far as they can change the price: numbers (`first`, `last`) and booleans
 * (`@skip`, `@include`). A string (a login, a search, an enum value) never does (one where a page
 * size is expected is invalid, and invalid variables add nothing), so every string is written the
 * same: a profile read for each of 10,000 developers is priced once, not once per login.
 * Undefined for variables JSON cannot write (nested past the stack): priced without the memo.
 *
 * Flat variables (the usual kind) are written without `JSON.stringify`'s replacer, which cost 2.5 %
 * of `{ __typename }` under load. Names and the operation name are JSON-quoted, so no two inputs
 * give one key; the nested form holds a newline, which the flat form never does.
 */
function memoKey(variables: Record<string, unknown>, operationName: string | undefined): string | undefined {
  let key = JSON.stringify(operationName ?? '');
  for (const name of Object.keys(variables)) {
    const value = variables[name];
    if (typeof value === 'string') key += `,${JSON.stringify(name)}`;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null)
      key += `,${JSON.stringify(name)}:${String(value)}`;
    else return nestedMemoKey(variables, operationName);
  }
  return key;
}

function nestedMemoKey(
  variables: Record<string, unknown>,
  operationName: string | undefined,
): string | undefined {
  try {
    return `${JSON.stringify(operationName ?? '')}\n${JSON.stringify(variables, (_key, value: unknown) => (typeof value === 'string' ? '' : value))}`;
  } catch {
    return undefined;
  }
}

function computeCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  const typeInfo = new TypeInfo(schema);
  // Problems the walk finds (bad variables, unknown fields) are other rules' to report: ignored.
  const context = new ValidationContext(schema, document, typeInfo, () => undefined);
  const walker = createComplexityRule({
    maximumComplexity: Number.MAX_SAFE_INTEGER,
    estimators: [fieldCost],
    variables,
    operationName,
    maxQueryNodes: MAX_EVALUATED_SELECTIONS,
  })(context);
  try {
    visit(document, visitWithTypeInfo(typeInfo, walker));
  } catch {
    // graphql-query-complexity throws once MAX_EVALUATED_SELECTIONS is passed. Anything else it
    // throws comes from input other rules refuse: the cost counted so far stands.
    if (walker.evaluatedNodes >= MAX_EVALUATED_SELECTIONS) return Number.POSITIVE_INFINITY;
  }
  return walker.complexity;
}
