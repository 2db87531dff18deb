import { ERROR_CODES } from '../../../src/core/errors';

/** A stack frame (`    at fn (file:1:2)`) as Node prints it. */
const STACK_FRAME = /\n\s+at\s+\S|\bat\s+[\w.<>]+\s+\([^)]*:\d+:\d+\)/;
/** A source path or module location of the server. */
const SOURCE_PATH = /\/(work|srv|home|usr|app|opt|tmp)\/[\w./-]+|node_modules|\.(ts|js|cjs|mjs):\d+/;
/**
 * SQL the server wrote (quoted identifiers as knex and MikroORM write them) or PostgreSQL's own
 * error text; hostile payloads echoed back as data have neither.
 */
const SQL_TEXT =
  /"[a-z0-9_]+"\."[a-z0-9_]+"|\bfrom "[a-z0-9_]+"|insert into "[a-z0-9_]+"|syntax error at or near|invalid input syntax for|relation "[^"]+" does not exist|column "[^"]+" does not exist|violates [a-z ]*constraint|duplicate key value|SQLSTATE/i;

/** What must never be in anything a client receives. Returns the problems found. */
export function leaks(text: string): string[] {
  const problems: string[] = [];
  if (STACK_FRAME.test(text)) problems.push('stack trace');
  if (SOURCE_PATH.test(text)) problems.push(`source path (${SOURCE_PATH.exec(text)?.[0]})`);
  if (SQL_TEXT.test(text)) problems.push(`SQL text (${SQL_TEXT.exec(text)?.[0]})`);
  if (/INTERNAL_SERVER_ERROR|Internal server error/.test(text)) problems.push('an internal error');
  return problems;
}

export interface GraphqlErrorLike {
  readonly message?: unknown;
  readonly extensions?: { readonly code?: unknown };
}

/** Errors without a documented code. */
export function uncodedErrors(errors: readonly GraphqlErrorLike[]): string[] {
  return errors
    .filter((e) => typeof e.extensions?.code !== 'string' || !(e.extensions.code in ERROR_CODES))
    .map((e) => `error without a documented code: ${JSON.stringify(e).slice(0, 200)}`);
}
