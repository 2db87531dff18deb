import { boundedArgument } from './arguments';
import { DomainError } from './errors';

/** Page size when `first` is not given, and the most a client may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** One page of a list, in the Relay connection shape the GraphQL layer serves. */
export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  totalCount: number;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** `first`, defaulted and bounded; anything else is BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined): number {
  return boundedArgument('first', first ?? DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
}

/** Cursors are opaque to clients: base64url of a JSON array of the sort key values. */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

const invalid = () =>
  new DomainError('BAD_USER_INPUT', 'after is not a cursor from this list', { argument: 'after' });

export function decodeCursor(cursor: string, arity: number): (string | number | null)[] {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const valid =
    Array.isArray(values) &&
    values.length === arity &&
    values.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)));
  if (!valid) throw invalid();
  return values as (string | number | null)[];
}

/**
 * Builds a connection from `size + 1` fetched rows (the extra row tells whether a next page exists).
 */
export function toConnection<T>(
  rows: readonly T[],
  size: number,
  totalCount: number,
  hasPrevious: boolean,
  cursorOf: (row: T) => string,
): ConnectionShape<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Cursor value checks for `decodeTaggedCursor`. */
export const isCursorInt = (v: unknown): v is number => Number.isSafeInteger(v);
export const isCursorTime = (v: unknown): v is string =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v));

/**
 * The values of a cursor made by `encodeCursor([tag, ...values])`: a cursor of another list (or
 * ordering, or country) has another tag, and one whose values fail `valid` was forged; both are
 * BAD_USER_INPUT rather than a wrong page or a database error.
 */
export function decodeTaggedCursor(
  cursor: string,
  tag: string,
  arity: number,
  valid: (values: readonly (string | number | null)[]) => boolean,
): (string | number | null)[] {
  const [cursorTag, ...values] = decodeCursor(cursor, arity + 1);
  if (cursorTag !== tag || !valid(values)) throw invalid();
  return values;
}

/**
 * A keyset ordering of a list: the tag its cursors carry (a cursor of another ordering is refused),
 * its SQL order, the condition for rows after a cursor, and the cursor values of a row.
 */
export interface KeysetOrdering<R> {
  readonly tag: string;
  readonly orderBy: string;
  /** Keyset condition after the cursor's values (one `?` per value). */
  readonly after: string;
  readonly values: (row: R) => (string | number)[];
  readonly valid: (values: readonly unknown[]) => boolean;
}

/** The cursor values after which a page starts; null without `after`; BAD_USER_INPUT for a foreign cursor. */
export function keysetAfter<R>(
  ordering: KeysetOrdering<R>,
  after: string | null | undefined,
  arity: number,
): (string | number)[] | null {
  return after
    ? (decodeTaggedCursor(after, ordering.tag, arity, ordering.valid) as (string | number)[])
    : null;
}

/** A connection from `size + 1` rows in `ordering`: cursors from the rows, nodes built by `toNode`. */
export function keysetPage<R, N>(
  rows: readonly R[],
  page: { readonly size: number; readonly totalCount: number; readonly hasPrevious: boolean },
  ordering: KeysetOrdering<R>,
  toNode: (row: R) => N,
): ConnectionShape<N> {
  const connection = toConnection(rows, page.size, page.totalCount, page.hasPrevious, (row) =>
    encodeCursor([ordering.tag, ...ordering.values(row)]),
  );
  const edges = connection.edges.map(({ cursor, node }) => ({ cursor, node: toNode(node) }));
  return { ...connection, edges, nodes: edges.map((edge) => edge.node) };
}
