import { DomainError } from '../../core/errors';
import { type KeyedTopic, keyedTopic } from '../../core/topics';

/**
 * Logins GitHub serves, today's and historical: 1-39 letters, digits and hyphens, not starting
 * with a hyphen. Today's sign-up rules also refuse a trailing hyphen and two hyphens in a row,
 * but accounts created before those rules keep such logins (`someone-`, `old--timer`).
 * Enterprise Managed Users add `_` and their enterprise's short code (`mona_acme`).
 */
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:_[A-Za-z0-9]{1,39})?$/;

export function isValidLogin(login: string): boolean {
  return LOGIN.test(login);
}

/** The login's case-insensitive key (GitHub treats logins case-insensitively). */
export function loginKey(login: string): string {
  return login.toLowerCase();
}

/** The name's case-insensitive key (`name_key`, which `users(search:)` matches by prefix). */
export function nameKey(name: string | null | undefined): string | null {
  return name == null ? null : name.toLowerCase();
}

/**
 * The `topics` of a subscription per developer: its `login` argument, validated, keyed as the
 * publisher keys the event (`loginKey`).
 */
export function loginTopic(topic: KeyedTopic) {
  return ({ args }: { readonly args: Readonly<Record<string, unknown>> }): string =>
    keyedTopic(topic, loginKey(assertValidLogin(String(args.login))));
}

/** Rejects an invalid login with BAD_USER_INPUT before anything (a query, a GitHub call) is spent on it. */
export function assertValidLogin(login: string, argument = 'login'): string {
  if (!isValidLogin(login)) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${argument} must be a GitHub login: 1-39 letters, digits or hyphens, not starting with a hyphen (an Enterprise Managed User adds _ and a short code)`,
      { argument },
    );
  }
  return login;
}
