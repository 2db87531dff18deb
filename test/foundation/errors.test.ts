import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { formatError } from '../../src/graphql/errors';

/** Apollo wraps resolver errors in a GraphQLError whose originalError is the thrown value. */
function resolverError(thrown: Error, code = 'INTERNAL_SERVER_ERROR') {
  const wrapped = new GraphQLError(thrown.message, { originalError: thrown, path: ['user'] });
  return {
    formatted: {
      message: thrown.message,
      path: ['user'],
      extensions: { code, stacktrace: ['at x (y.ts:1)'] },
    },
    wrapped,
  };
}

describe('formatError', () => {
  it('masks an unexpected error: no message, SQL or stack reaches the client', () => {
    const { formatted, wrapped } = resolverError(
      new Error(
        'insert into "user" ("login") values ($1) - duplicate key value violates unique constraint "user_pkey"',
      ),
    );
    const out = formatError(formatted, wrapped);
    expect(out).toEqual({
      message: 'Internal server error',
      path: ['user'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('passes a DomainError through with its code and extra extensions', () => {
    const error = new DomainError('RATE_LIMITED', 'Too many requests', { retryAfterSeconds: 12 });
    const { formatted, wrapped } = resolverError(error, 'RATE_LIMITED');
    expect(formatError(formatted, wrapped)).toMatchObject({
      message: 'Too many requests',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 12 },
    });
  });

  it('turns class-validator problems into BAD_USER_INPUT with field messages and no echoed values', () => {
    const validation = new GraphQLError('Argument Validation Error', {
      extensions: {
        code: 'BAD_USER_INPUT',
        validationErrors: [
          {
            property: 'login',
            value: "x'; drop table users;--",
            constraints: { matches: 'login must be a GitHub login' },
          },
        ],
      },
    });
    const out = formatError(
      { message: validation.message, extensions: { code: 'BAD_USER_INPUT' } },
      validation,
    );
    expect(out.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'login', message: 'login must be a GitHub login' }],
    });
    expect(out.message).toBe('Invalid input: login must be a GitHub login');
    expect(JSON.stringify(out)).not.toContain('drop table');
  });

  it("maps type-graphql's UNAUTHORIZED to FORBIDDEN", () => {
    const error = new GraphQLError('Access denied!', { extensions: { code: 'UNAUTHORIZED' } });
    expect(
      formatError({ message: error.message, extensions: { code: 'UNAUTHORIZED' } }, error).extensions,
    ).toEqual({
      code: 'FORBIDDEN',
    });
  });
});
