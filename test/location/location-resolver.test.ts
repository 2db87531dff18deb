import { describe, expect, it } from 'vitest';
import {
  LocationResolver,
  type CityRecord,
  type CountryData,
  type CountryRecord,
  type LocationDataSource,
  type PlaceData,
} from '../../src/modules/location';
import { nameKey, tokenizeLocation } from '../../src/modules/location/location-text';

// A small hand-made world, so the decision rules can be checked without the npm data sets.
function country(code: string, name: string, extra: Partial<CountryRecord> = {}): CountryRecord {
  return {
    code,
    alpha3: `${code}X`,
    name,
    englishNames: [name],
    aliases: [],
    otherNames: [],
    continents: ['EU'],
    ...extra,
  };
}

function city(country: string, name: string, population: number, alternateNames: string[] = []): CityRecord {
  return { country, population, names: [name], alternateNames };
}

const COUNTRIES: CountryData = {
  countries: [
    country('DE', 'Germany', { otherNames: ['Deutschland'] }),
    country('FR', 'France'),
    country('GE', 'Georgia', { continents: ['AS', 'EU'] }),
    country('JM', 'Jamaica', { continents: ['NA'] }),
    country('US', 'United States', { englishNames: ['United States', 'USA'], continents: ['NA'] }),
  ],
  continents: [
    { code: 'AS', name: 'Asia' },
    { code: 'EU', name: 'Europe' },
    { code: 'NA', name: 'North America' },
  ],
};

const PLACES: PlaceData = {
  subdivisions: [
    { country: 'US', name: 'Texas', major: true, abbreviation: 'TX' },
    { country: 'US', name: 'Georgia', major: true, abbreviation: 'GA' },
    { country: 'JM', name: 'Portland', major: false },
  ],
  cities: [
    city('DE', 'Berlin', 3_400_000, ['Berlín']),
    city('DE', 'Munich', 1_260_000, ['München']),
    city('FR', 'Paris', 2_100_000),
    city('US', 'Paris', 25_000),
    city('US', 'Portland', 650_000),
    city('US', 'Atlanta', 500_000),
    city('GE', 'Tbilisi', 1_100_000),
    city('DE', 'Twinsville', 100_000),
    city('FR', 'Twinsville', 90_000),
    city('US', 'Smallville', 6_000),
  ],
};

function countingSource(): LocationDataSource & { calls: { countries: number; places: number } } {
  const calls = { countries: 0, places: 0 };
  return {
    calls,
    loadCountries: () => {
      calls.countries += 1;
      return COUNTRIES;
    },
    loadPlaces: () => {
      calls.places += 1;
      return PLACES;
    },
  };
}

describe('LocationResolver with injected data', () => {
  it('loads country data on first use, place data only to resolve text, each once', () => {
    const source = countingSource();
    const resolver = new LocationResolver(source);
    expect(source.calls).toEqual({ countries: 0, places: 0 });
    expect(resolver.countryName('de')).toBe('Germany');
    expect(resolver.listCountries().map((c) => c.code)).toEqual(['DE', 'FR', 'GE', 'JM', 'US']);
    expect(source.calls).toEqual({ countries: 1, places: 0 });
    resolver.resolveLocation('Berlin');
    resolver.resolveLocation('Paris');
    expect(source.calls).toEqual({ countries: 1, places: 1 });
  });

  it('applies the decision rules', () => {
    const resolver = new LocationResolver(countingSource());
    const code = (text: string): string | null => resolver.resolveLocation(text)?.code ?? null;
    expect(code('München')).toBe('DE');
    expect(code('Deutschland')).toBe('DE');
    expect(code('Paris')).toBe('FR');
    expect(code('Paris, TX')).toBe('US');
    expect(code('Paris, USA')).toBe('US');
    // A minor subdivision loses to a big city of the same name elsewhere, unless named with its country.
    expect(code('Portland')).toBe('US');
    expect(code('Portland, Jamaica')).toBe('JM');
    // The country over the US state, unless a city says otherwise.
    expect(code('Georgia')).toBe('GE');
    expect(code('Atlanta, Georgia')).toBe('US');
    expect(code('Tbilisi, Georgia')).toBe('GE');
    // Too close to call, several places, small towns alone, regions.
    expect(code('Twinsville')).toBeNull();
    expect(code('Berlin / Paris')).toBeNull();
    expect(code('Germany & USA')).toBeNull();
    expect(code('Smallville')).toBeNull();
    expect(code('Smallville, TX')).toBe('US');
    expect(code('Europe')).toBeNull();
    expect(code('Europe/Berlin')).toBe('DE');
    expect(code('North America/Berlin')).toBeNull();
  });

  it('takes decision thresholds as options', () => {
    const resolver = new LocationResolver(countingSource(), { ambiguityRatio: 1.05 });
    expect(resolver.resolveLocation('Twinsville')?.code).toBe('DE');
  });
});

describe('location text', () => {
  it('folds case, diacritics and punctuation to one key', () => {
    expect(nameKey('München')).toBe('munchen');
    expect(nameKey('MUNCHEN')).toBe('munchen');
    expect(nameKey('Łódź')).toBe('lodz');
    expect(nameKey('U.S.A.')).toBe('u s a');
    expect(nameKey("Côte d'Ivoire")).toBe('cote divoire');
    expect(nameKey('Trinidad & Tobago')).toBe('trinidad and tobago');
    expect(nameKey('東京')).toBe('東京');
  });

  it('splits segments at separators, not at dots or inner hyphens', () => {
    const location = tokenizeLocation('St. Louis, MO / Baden-Württemberg');
    expect(location.tokens.map((t) => [t.key, t.segment])).toEqual([
      ['st', 0],
      ['louis', 0],
      ['mo', 1],
      ['baden', 2],
      ['wurttemberg', 2],
    ]);
    expect(location.tokens[2]?.upper).toBe(true);
  });

  it('reads flag emoji, including subdivision flags', () => {
    expect(tokenizeLocation('🇯🇵 Tokyo').flags.map((f) => f.code)).toEqual(['JP']);
    expect(tokenizeLocation('🏴󠁧󠁢󠁳󠁣󠁴󠁿').flags.map((f) => f.code)).toEqual(['GB']);
    expect(tokenizeLocation('🚀✨').flags).toEqual([]);
  });
});
