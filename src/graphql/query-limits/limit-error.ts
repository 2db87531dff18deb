import { DomainError } from '../../core/errors';

/** The limits an operation can exceed; `extensions.limit` of a QUERY_TOO_COMPLEX error. */
export type QueryLimitName = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost';

const LABELS: Readonly<Record<QueryLimitName, string>> = {
  depth: 'depth',
  aliases: 'alias',
  directives: 'directive',
  tokens: 'token',
  cost: 'cost',
};

/**
 * The refusal of an over-limit operation: the message names the limit and the allowed value, and
 * `extensions` carries them for programs (`limit`, `allowed`, and `actual` when it is known).
 */
export function queryTooComplex(limit: QueryLimitName, allowed: number, actual?: number): DomainError {
  const known = actual !== undefined && Number.isFinite(actual);
  const found = known ? ` (found ${actual})` : '';
  return new DomainError(
    'QUERY_TOO_COMPLEX',
    `Query exceeds the ${LABELS[limit]} limit of ${allowed}${found}.`,
    {
      limit,
      allowed,
      ...(known ? { actual } : {}),
    },
  );
}

/** A document nested so deeply that parsing it would exhaust the stack (no number is known). */
export function nestedTooDeeply(): DomainError {
  return new DomainError('QUERY_TOO_COMPLEX', 'Query is nested too deeply to parse.', { limit: 'depth' });
}
