import { ConnectionException } from '@mikro-orm/core';
import { DatabaseAuthenticationError, isAuthenticationFailure } from './rotating-login';

/** Network failures of a connection (refused, reset, timed out, unreachable host or name). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/**
 * SQLSTATEs meaning "the server cannot serve you now": class 08 (connection exception), 53300
 * too_many_connections, 57P01-57P03 (admin or crash shutdown, cannot connect now: starting up).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[1-3])$/;

/**
 * What pg and knex say when a connection dies or none can be had (they carry no code); knex puts
 * the SQL in front of a failed query's message, so these are not anchored.
 */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Timeout acquiring a connection|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/;

/**
 * True when `error` (or an error it wraps) means PostgreSQL cannot be reached or will not let us
 * in, as opposed to a failing query: requests then fail fast with SERVICE_UNAVAILABLE, and reads
 * may be served from the shared cache.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof DatabaseAuthenticationError || e instanceof ConnectionException) return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (isAuthenticationFailure(e)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
