import { DomainError } from '../../core/errors';

/** Region codes Intl names that are not countries (groupings, pseudo-locales, unknown). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** Whether `code` is an assigned ISO 3166-1 alpha-2 country code (as the ICU data knows them). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return false;
  return regionNames.of(code) !== code;
}

/**
 * A subscription's `country` argument, checked when the subscription starts (the decorator's
 * topic function has no services, so the check needs no data file): the upper-cased code, or
 * BAD_USER_INPUT naming the form.
 */
export function requireCountryCode(input: string, argument = 'country'): string {
  const code = input.trim().toUpperCase();
  if (!isCountryCode(code)) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${argument} must be an ISO 3166-1 alpha-2 country code (such as DE); got "${input.slice(0, 60)}"`,
      { argument },
    );
  }
  return code;
}
