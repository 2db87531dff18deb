import { beforeAll, describe, expect, it } from 'vitest';
import { createLocationResolver, type LocationResolver } from '../../src/modules/location';

/** Country names as the old service stored them in UserRankings.country, with the code each means. */
const LEGACY_NAMES: readonly (readonly [string, string])[] = [
  ['United States', 'US'],
  ['United States of America', 'US'],
  ['USA', 'US'],
  ['United Kingdom', 'GB'],
  ['UK', 'GB'],
  ['Great Britain', 'GB'],
  ['England', 'GB'],
  ['Russia', 'RU'],
  ['Russian Federation', 'RU'],
  ['South Korea', 'KR'],
  ['Korea, Republic of', 'KR'],
  ['Republic of Korea', 'KR'],
  ['North Korea', 'KP'],
  ['Viet Nam', 'VN'],
  ['Vietnam', 'VN'],
  ['Czech Republic', 'CZ'],
  ['Czechia', 'CZ'],
  ['Türkiye', 'TR'],
  ['Turkey', 'TR'],
  ['Turkiye', 'TR'],
  ['Iran', 'IR'],
  ['Iran, Islamic Republic of', 'IR'],
  ['Taiwan', 'TW'],
  ['Taiwan, Province of China', 'TW'],
  ['Hong Kong', 'HK'],
  ['Macau', 'MO'],
  ['Macao', 'MO'],
  ['China', 'CN'],
  ['Germany', 'DE'],
  ['India', 'IN'],
  ['Brazil', 'BR'],
  ['Canada', 'CA'],
  ['France', 'FR'],
  ['Netherlands', 'NL'],
  ['The Netherlands', 'NL'],
  ['Japan', 'JP'],
  ['Nigeria', 'NG'],
  ['Macedonia', 'MK'],
  ['North Macedonia', 'MK'],
  ['Ivory Coast', 'CI'],
  ["Côte d'Ivoire", 'CI'],
  ["Cote d'Ivoire", 'CI'],
  ['Bolivia', 'BO'],
  ['Venezuela', 'VE'],
  ['Venezuela, Bolivarian Republic of', 'VE'],
  ['Tanzania', 'TZ'],
  ['Tanzania, United Republic of', 'TZ'],
  ['Moldova', 'MD'],
  ['Syria', 'SY'],
  ['Syrian Arab Republic', 'SY'],
  ['Laos', 'LA'],
  ['Brunei', 'BN'],
  ['Palestine', 'PS'],
  ['Kosovo', 'XK'],
  ['Burma', 'MM'],
  ['Myanmar', 'MM'],
  ['Swaziland', 'SZ'],
  ['Eswatini', 'SZ'],
  ['Cape Verde', 'CV'],
  ['East Timor', 'TL'],
  ['Timor-Leste', 'TL'],
  ['Vatican City', 'VA'],
  ['UAE', 'AE'],
  ['United Arab Emirates', 'AE'],
  ['Bosnia and Herzegovina', 'BA'],
  ['Trinidad and Tobago', 'TT'],
  ['Democratic Republic of the Congo', 'CD'],
  ['Republic of the Congo', 'CG'],
  ['The Bahamas', 'BS'],
  ['Gambia', 'GM'],
  ['Curaçao', 'CW'],
  ['Réunion', 'RE'],
  ['Aland Islands', 'AX'],
  ['Kyrgyz Republic', 'KG'],
  ['Micronesia, Federated States of', 'FM'],
  ['São Tomé and Príncipe', 'ST'],
  ['Guinea-Bissau', 'GW'],
  ['  united states  ', 'US'],
  ['GERMANY', 'DE'],
];

describe('countries', () => {
  let resolver: LocationResolver;

  beforeAll(() => {
    resolver = createLocationResolver();
  });

  it('maps the old service country names to codes', () => {
    const wrong = LEGACY_NAMES.filter(([name, code]) => resolver.countryFromLegacyName(name) !== code).map(
      ([name, code]) => `${name}: expected ${code}, got ${resolver.countryFromLegacyName(name)}`,
    );
    expect(wrong).toEqual([]);
  });

  it('maps names that mean no single country to null', () => {
    for (const name of ['', '   ', 'Unknown', 'Congo', 'Korea', 'Earth', null, undefined]) {
      expect(resolver.countryFromLegacyName(name)).toBeNull();
    }
    // Not a name the data sets know, and its words must not fall through to a town (Republic, Missouri).
    expect(resolver.countryFromLegacyName('Slovak Republic')).toBeNull();
  });

  it('names countries in English by code, in any case', () => {
    expect(resolver.countryName('DE')).toBe('Germany');
    expect(resolver.countryName('us')).toBe('United States');
    expect(resolver.countryName('GB')).toBe('United Kingdom');
    expect(resolver.countryName('KR')).toBe('South Korea');
    expect(resolver.countryName('RU')).toBe('Russia');
    expect(resolver.countryName('XK')).toBe('Kosovo');
    expect(resolver.countryName('XX')).toBeNull();
    expect(resolver.countryName('')).toBeNull();
    expect(resolver.isCountryCode('jp')).toBe(true);
    expect(resolver.isCountryCode('EU')).toBe(false);
  });

  it('lists every ISO 3166-1 country once, sorted by code, with a name', () => {
    const countries = resolver.listCountries();
    expect(countries.length).toBeGreaterThanOrEqual(249);
    expect(countries.length).toBeLessThanOrEqual(252);
    const codes = countries.map((country) => country.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
    for (const country of countries) {
      expect(country.code).toMatch(/^[A-Z]{2}$/);
      expect(country.name.trim().length).toBeGreaterThan(0);
    }
    expect(countries).toContainEqual({ code: 'DE', name: 'Germany' });
    expect(new Set(countries.map((country) => country.name)).size).toBe(countries.length);
  });
});
