import { GitHubTypedError } from './graphql-errors';

/**
 * Relay connections as GitHub serves them: `totalCount`, `pageInfo`, `nodes`, `edges { cursor
 * node }`, paged by `first`/`after` or `last`/`before`. Cursors are opaque base64 strings (GitHub's
 * are `cursor:v2:` + a packed offset; these are `cursor:v2:` + the offset).
 */
export interface ConnectionArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

/** A GraphQL object for the stand-in: a field is a value or `(args) => value`. */
export type GraphQLModel = Record<string, unknown>;

export function encodeCursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64');
}

function decodeCursor(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match)
    throw new GitHubTypedError(
      'INVALID_CURSOR_ARGUMENTS',
      `\`${cursor}\` does not appear to be a valid cursor.`,
    );
  return Number(match[1]);
}

export function connection<T>(
  items: readonly T[],
  args: ConnectionArgs,
  toNode: (item: T) => unknown,
  extra: GraphQLModel = {},
): GraphQLModel {
  let start = 0;
  let end = items.length;
  if (args.after) start = Math.max(start, decodeCursor(args.after) + 1);
  if (args.before) end = Math.min(end, decodeCursor(args.before));
  if (args.first !== undefined && args.first !== null) end = Math.min(end, start + args.first);
  if (args.last !== undefined && args.last !== null) start = Math.max(start, end - args.last);
  end = Math.max(start, end);
  const slice = items.slice(start, end);
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? encodeCursor(start) : null,
      endCursor: slice.length > 0 ? encodeCursor(end - 1) : null,
    },
    nodes: () => slice.map(toNode),
    edges: () => slice.map((item, i) => ({ cursor: encodeCursor(start + i), node: toNode(item) })),
    ...extra,
  };
}

/** A connection the stand-in knows only the size of (followers, gists, stargazers). */
export function countOnly(totalCount: number): GraphQLModel {
  return connection([], {}, () => null, { totalCount });
}
