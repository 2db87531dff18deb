import { nameKey } from './location-text';
import { NOISE_PHRASES, NOISE_WORDS, PLACE_ALIASES, REGION_CONTINENTS } from './location-vocabulary';
import type { CountryCode, CountryData, PlaceData } from './location.types';
import {
  WEIGHT,
  type IndexEntry,
  type LocationIndex,
  type Reading,
  type ReadingRule,
} from './location-index.types';

/** A city at least this big elsewhere makes a same-named subdivision ambiguous. */
const SHADOWING_CITY_POPULATION = 100_000;
const ALTERNATE_NAME_SHARE = 0.1;
const MIN_ABBREVIATED_CITY_POPULATION = 1_000_000;
/** Longer names (GeoNames has some of 20 words) are never written as a location. */
const MAX_PHRASE_WORDS = 6;
const LATIN_LETTER = /^[A-Za-z\u00C0-\u024F]/u;
const UPPER_LATIN_START = /^[A-Z\u00C0-\u00DE]/u;
const HAS_DIGIT = /\p{N}/u;
const ABBREVIATION = /^[A-Z]{2,3}$/;

const LATIN_KEY = /^[a-z0-9 ]+$/;

function wordCount(key: string): number {
  let words = 1;
  for (let i = key.indexOf(' '); i >= 0; i = key.indexOf(' ', i + 1)) words += 1;
  return words;
}

function letterCount(key: string): number {
  return key.length - wordCount(key) + 1;
}

/**
 * Whether a key is too short to stand for a place. Only Latin keys are held to `minLetters`: two
 * characters are a whole name in Chinese or Japanese ("日本", "東京").
 */
function tooShort(key: string, minLetters: number): boolean {
  return LATIN_KEY.test(key) && letterCount(key) < minLetters;
}

class IndexBuilder {
  readonly readings = new Map<string, Reading[]>();
  readonly noise = new Set<string>();
  readonly regions = new Map<string, ReadonlySet<CountryCode>>();

  add(name: string, reading: Reading, minLetters = 1): void {
    const key = nameKey(name);
    if (!key || tooShort(key, minLetters) || wordCount(key) > MAX_PHRASE_WORDS) return;
    const notAPlace = this.noise.has(key) || this.regions.has(key);
    if (notAPlace && reading.rule !== 'code' && reading.rule !== 'qualifier') return;
    const list = this.readings.get(key);
    if (list) list.push(reading);
    else this.readings.set(key, [reading]);
  }

  build(): LocationIndex {
    const entries = new Map<string, IndexEntry>();
    for (const [key, found] of this.readings) {
      const readings = found.length > 1 ? demoteShadowedReadings(dedupe(found)) : found;
      let conditional = false;
      for (const reading of readings) conditional ||= reading.rule !== 'any';
      // A noise word keeps the readings that only apply when written as a code ("OR" in "Portland, OR").
      entries.set(key, this.entry(key, readings, conditional));
    }
    for (const key of [...this.noise, ...this.regions.keys()]) {
      if (!entries.has(key)) entries.set(key, this.entry(key, [], false));
    }
    addAliases(entries);
    const prefixes = new Set<string>();
    let maxPhraseWords = 1;
    for (const key of entries.keys()) {
      let words = 1;
      for (let space = key.indexOf(' '); space >= 0; space = key.indexOf(' ', space + 1)) {
        prefixes.add(key.slice(0, space));
        words += 1;
      }
      maxPhraseWords = Math.max(maxPhraseWords, words);
    }
    return { entries, maxPhraseWords, prefixes };
  }

  private entry(key: string, readings: readonly Reading[], conditional: boolean): IndexEntry {
    const region = this.regions.get(key);
    const noise = region !== undefined || this.noise.has(key);
    return region ? { noise, readings, conditional, region } : { noise, readings, conditional };
  }
}

/**
 * A minor subdivision or a foreign-language country name spelt like a big city in another country
 * ("Portland" the Jamaican parish, "London" the borough, "Granada" Grenada in Spanish) stops being
 * explicit: read alone, the words more likely mean the city. It then counts like a city without
 * population, so "Portland" alone is the US and "Portland, Jamaica" still works. States and provinces
 * of major federal countries keep their weight ("Ontario" over Ontario, California).
 */
function demoteShadowedReadings(readings: readonly Reading[]): readonly Reading[] {
  if (!readings.some((r) => r.shadowable)) return readings;
  const bigCities = readings.filter((r) => r.method === 'city' && r.population >= SHADOWING_CITY_POPULATION);
  return readings.map((r) =>
    r.shadowable && bigCities.some((city) => city.country !== r.country) ? { ...r, weight: WEIGHT.city } : r,
  );
}

/** One reading per country, method and rule: the biggest population, the strongest weight. */
function dedupe(readings: readonly Reading[]): Reading[] {
  const best = new Map<string, Reading>();
  for (const reading of readings) {
    const id = `${reading.country}|${reading.method}|${reading.rule}`;
    const seen = best.get(id);
    if (!seen || reading.weight > seen.weight || reading.population > seen.population) best.set(id, reading);
  }
  return [...best.values()];
}

function countryName(country: CountryCode, rule: ReadingRule, shadowable: boolean): Reading {
  const reading: Reading = {
    country,
    method: 'country-name',
    weight: WEIGHT.countryName,
    population: 0,
    rule,
  };
  return shadowable ? { ...reading, shadowable } : reading;
}

function addCountries(builder: IndexBuilder, data: CountryData): void {
  // English names first; aliases ("Holland", "Gold Coast") and names in other languages only where no
  // English name has the words, and they yield to a big city of the same name elsewhere.
  const english = new Set<string>();
  for (const country of data.countries) {
    for (const name of country.englishNames) {
      const key = nameKey(name);
      english.add(key);
      // Two-letter names ("US", "UK") are written like codes and follow their rule.
      builder.add(name, countryName(country.code, letterCount(key) <= 2 ? 'code' : 'any', false));
    }
  }
  for (const country of data.countries) {
    for (const name of country.aliases) {
      if (!english.has(nameKey(name))) builder.add(name, countryName(country.code, 'any', true));
    }
  }
  const other = new Map<string, Set<CountryCode>>();
  for (const country of data.countries) {
    for (const name of country.otherNames) {
      const key = nameKey(name);
      if (english.has(key)) continue;
      const codes = other.get(key) ?? new Set<CountryCode>();
      codes.add(country.code);
      other.set(key, codes);
    }
  }
  for (const [key, codes] of other) {
    // A foreign name shared by several countries is too vague to keep ("Congo" in many languages).
    const [code] = codes;
    if (code && codes.size === 1 && !tooShort(key, 3)) builder.add(key, countryName(code, 'any', true));
  }
  for (const country of data.countries) {
    for (const code of [country.code, country.alpha3]) {
      builder.add(code, {
        country: country.code,
        method: 'country-code',
        weight: WEIGHT.code,
        population: 0,
        rule: 'code',
      });
    }
  }
}

function addPlaces(builder: IndexBuilder, data: PlaceData): void {
  for (const subdivision of data.subdivisions) {
    const reading: Reading = {
      country: subdivision.country,
      method: 'subdivision',
      weight: WEIGHT.subdivision,
      population: 0,
      rule: 'any',
      ...(subdivision.major ? {} : { shadowable: true as const }),
    };
    // Very short subdivision names ("Bay", "Est", "Mon") are mostly ordinary words elsewhere.
    builder.add(subdivision.name, reading, 4);
    if (subdivision.abbreviation) builder.add(subdivision.abbreviation, { ...reading, rule: 'qualifier' });
  }
  for (const city of data.cities) {
    const reading: Reading = {
      country: city.country,
      method: 'city',
      weight: WEIGHT.city,
      population: city.population,
      rule: 'any',
    };
    for (const name of city.names) builder.add(name, reading, 3);
    // Alternate names count for a tenth of the population: besides translations they hold historical
    // names of other places (Amman was "Philadelphia", Austin was "Waterloo"), which must not outweigh
    // the cities that carry those names today.
    const alternate: Reading = { ...reading, population: Math.round(city.population * ALTERNATE_NAME_SHARE) };
    for (const name of city.alternateNames) {
      if (!name || HAS_DIGIT.test(name)) continue;
      if (ABBREVIATION.test(name)) {
        // Only the biggest cities' abbreviations are what people mean by them ("NYC", "KL"); smaller
        // ones' are mostly airport codes ("ROC" for Rochester).
        if (city.population < MIN_ABBREVIATED_CITY_POPULATION) continue;
        // "NYC", "KL": abbreviations count only when written in capitals, and then name the place as
        // plainly as a code does.
        builder.add(name, { ...alternate, weight: WEIGHT.code, rule: 'upper' });
      } else if (!LATIN_LETTER.test(name) || UPPER_LATIN_START.test(name)) {
        // Lower-case Latin alternate names in GeoNames are mostly machine transliterations
        // ("mi wnik", "san fan shi") that collide with ordinary words.
        // Short Latin alternates are mostly transliterations that double as words ("Sol" for Seoul).
        builder.add(name, alternate, 4);
      }
    }
  }
}

/**
 * Points each colloquial alias at the country its target most plainly means: the most explicit reading,
 * then the most populous ("Silicon Valley" -> "San Jose" -> San Jose, California, not Costa Rica's).
 * An alias replaces whatever the data says about the same words.
 */
function addAliases(entries: Map<string, IndexEntry>): void {
  for (const [alias, target] of Object.entries(PLACE_ALIASES)) {
    const candidates = (entries.get(nameKey(target))?.readings ?? []).filter(
      (reading) => reading.rule === 'any',
    );
    const best = [...candidates].sort((a, b) => b.weight - a.weight || b.population - a.population)[0];
    if (!best) continue;
    const readings = candidates
      .filter((reading) => reading.country === best.country)
      .map((reading): Reading => ({ ...reading, method: 'alias' }));
    entries.set(nameKey(alias), { noise: false, readings, conditional: false });
  }
}

function addRegions(builder: IndexBuilder, data: CountryData): void {
  const countriesOn = (continentName: string): CountryCode[] => {
    const continent = data.continents.find((c) => c.name === continentName);
    return continent
      ? data.countries.filter((c) => c.continents.includes(continent.code)).map((c) => c.code)
      : [];
  };
  for (const continent of data.continents)
    builder.regions.set(nameKey(continent.name), new Set(countriesOn(continent.name)));
  for (const [region, continents] of Object.entries(REGION_CONTINENTS)) {
    builder.regions.set(nameKey(region), new Set(continents.flatMap(countriesOn)));
  }
}

/** Builds the phrase index: folded name -> what it can mean. */
export function buildLocationIndex(countries: CountryData, places: PlaceData | undefined): LocationIndex {
  const builder = new IndexBuilder();
  for (const phrase of [...NOISE_WORDS, ...NOISE_PHRASES]) builder.noise.add(nameKey(phrase));
  addRegions(builder, countries);
  addCountries(builder, countries);
  if (places) addPlaces(builder, places);
  return builder.build();
}
