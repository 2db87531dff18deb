import * as i18nCountries from 'i18n-iso-countries';
import { continents, countries as countriesList, type ICountry } from 'countries-list';
import type { CountryData, CountryRecord } from './location.types';

/**
 * Country names from two maintained npm data sets:
 * - `i18n-iso-countries`: the ISO 3166-1 code list (alpha-2, alpha-3) and names in ~80 languages;
 * - `countries-list`: common English names ("South Korea" rather than "Korea, Republic of"), aliases
 *   ("Holland", "UAE"), native names and each country's languages.
 */

/**
 * Languages whose country names are indexed for every country, besides English and the country's own
 * languages: the languages GitHub users most often write a location in when it is not their country's
 * ("Berlin, Alemania"). Each added language adds name collisions, which the index resolves by
 * dropping names that mean several countries.
 */
export const DEFAULT_EXTRA_LANGUAGES: readonly string[] = [
  'de',
  'es',
  'fr',
  'pt',
  'it',
  'nl',
  'ru',
  'zh',
  'ja',
];

export interface CountryDataOptions {
  readonly extraLanguages?: readonly string[];
}

type CountryListEntry = ICountry;

function countryListEntry(code: string): CountryListEntry | undefined {
  return (countriesList as Partial<Record<string, CountryListEntry>>)[code];
}

function namesIn(lang: string): Record<string, string[]> {
  return i18nCountries.getNames(lang, { select: 'all' });
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value.trim().length > 0))];
}

/** Builds the country list: every ISO 3166-1 alpha-2 code `i18n-iso-countries` knows (with Kosovo). */
export function loadCountryData(options: CountryDataOptions = {}): CountryData {
  const supported = new Set(i18nCountries.langs());
  const extraLanguages = (options.extraLanguages ?? DEFAULT_EXTRA_LANGUAGES).filter((lang) =>
    supported.has(lang),
  );
  const namesByLanguage = new Map<string, Record<string, string[]>>();
  const names = (lang: string): Record<string, string[]> => {
    let found = namesByLanguage.get(lang);
    if (!found) {
      found = supported.has(lang) ? namesIn(lang) : {};
      namesByLanguage.set(lang, found);
    }
    return found;
  };

  const countries: CountryRecord[] = [];
  for (const [code, alpha3] of Object.entries(i18nCountries.getAlpha2Codes())) {
    const listed = countryListEntry(code);
    const english = names('en')[code] ?? [];
    const languages = unique([...(listed?.languages ?? []), ...extraLanguages]).filter(
      (lang) => lang !== 'en',
    );
    countries.push({
      code,
      alpha3,
      name: listed?.name ?? english[0] ?? code,
      englishNames: unique([...(listed ? [listed.name] : []), ...english]),
      aliases: unique(listed?.alias ?? []).filter((alias) => !english.includes(alias)),
      continents: unique([...(listed ? [listed.continent] : []), ...(listed?.continents ?? [])]),
      otherNames: unique([
        ...(listed ? [listed.native] : []),
        ...languages.flatMap((lang) => names(lang)[code] ?? []),
      ]),
    });
  }
  countries.sort((a, b) => a.code.localeCompare(b.code));
  return {
    countries,
    continents: Object.entries(continents).map(([code, name]) => ({ code, name })),
  };
}
