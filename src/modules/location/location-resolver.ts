import { DEFAULT_DECISION_OPTIONS, decideCountry, type DecisionOptions } from './location-decision';
import { packageLocationDataSource, type PackageLocationDataOptions } from './location-data-source';
import { buildLocationIndex } from './location-index';
import type { LocationIndex } from './location-index.types';
import { findMentions } from './location-matcher';
import { nameKey, tokenizeLocation } from './location-text';
import type {
  CountryCode,
  CountryData,
  CountryInfo,
  LocationDataSource,
  LocationMatch,
  PlaceData,
} from './location.types';

/** GitHub caps `location` well below this; longer input is cut so one odd value cannot cost much. */
const MAX_INPUT_LENGTH = 256;
const DEFAULT_CACHE_SIZE = 10_000;

export interface LocationResolverOptions extends Partial<DecisionOptions> {
  /** How many recent answers to keep (0: none). */
  readonly cacheSize?: number;
}

interface CountryTables {
  readonly data: CountryData;
  readonly names: ReadonlyMap<CountryCode, string>;
  readonly list: readonly CountryInfo[];
  readonly isCountry: (code: string) => boolean;
  /** Folded country name or code -> code; names that mean several countries are left out. */
  readonly byName: ReadonlyMap<string, CountryCode>;
}

function codesByName(
  entries: readonly (readonly [CountryCode, readonly string[]])[],
): Map<string, Set<CountryCode>> {
  const codes = new Map<string, Set<CountryCode>>();
  for (const [code, names] of entries) {
    for (const name of names) {
      const key = nameKey(name);
      if (!key) continue;
      const set = codes.get(key) ?? new Set<CountryCode>();
      set.add(code);
      codes.set(key, set);
    }
  }
  return codes;
}

function buildCountryTables(data: CountryData): CountryTables {
  const names = new Map(data.countries.map((country) => [country.code, country.name] as const));
  const list = data.countries.map((country): CountryInfo => ({ code: country.code, name: country.name }));
  // English names and codes first; a name in another language only where no English name has it.
  // A name that means several countries ("Congo") maps to none.
  const english = codesByName(
    data.countries.map((c) => [c.code, [c.code, c.alpha3, ...c.englishNames, ...c.aliases]]),
  );
  const other = codesByName(data.countries.map((c) => [c.code, c.otherNames]));
  const byName = new Map<string, CountryCode>();
  for (const [key, codes] of [...other, ...english]) {
    const [code] = codes;
    if (code && codes.size === 1) byName.set(key, code);
    else byName.delete(key);
  }
  return { data, names, list, byName, isCountry: (code) => names.has(code) };
}

/**
 * Resolves free-text locations to ISO 3166-1 alpha-2 country codes.
 *
 * Create one per process in the composition root and share it: the first call builds the indexes (a few
 * hundred milliseconds, from the data source), every later call only reads them. It holds no other state.
 */
export class LocationResolver {
  private countries: CountryTables | undefined;
  private index: LocationIndex | undefined;
  private places: PlaceData | undefined;
  private readonly options: DecisionOptions;
  private readonly cacheSize: number;
  /**
   * Recent answers by input. Locations repeat a lot ("Berlin, Germany" thousands of times in a
   * migration), so a small cache saves most of the work; it is emptied whenever it fills up, which
   * bounds its memory without the bookkeeping of an LRU.
   */
  private readonly cache = new Map<string, LocationMatch | null>();

  constructor(
    private readonly source: LocationDataSource,
    options: LocationResolverOptions = {},
  ) {
    const { cacheSize, ...decision } = options;
    this.options = { ...DEFAULT_DECISION_OPTIONS, ...decision };
    this.cacheSize = cacheSize ?? DEFAULT_CACHE_SIZE;
  }

  /** Builds the indexes now rather than on first use (for example when a worker starts). */
  warmUp(): void {
    this.placeIndex();
  }

  /**
   * The country a free-text location names, how it was recognised and which words decided it; `null`
   * when it names no place, several countries, or a place too ambiguous to call ("Earth", "Remote",
   * "Germany & USA", "Cambridge").
   */
  resolveLocation(text: string | null | undefined): LocationMatch | null {
    if (typeof text !== 'string') return null;
    const input = text.slice(0, MAX_INPUT_LENGTH);
    const cached = this.cache.get(input);
    if (cached !== undefined) return cached;
    const match = this.resolveUncached(input);
    if (this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) this.cache.clear();
      this.cache.set(input, match);
    }
    return match;
  }

  private resolveUncached(input: string): LocationMatch | null {
    const location = tokenizeLocation(input);
    if (location.tokens.length === 0 && location.flags.length === 0) return null;
    const tables = this.countryTables();
    const mentions = findMentions(location, this.placeIndex(), tables.isCountry);
    const match = decideCountry(mentions, this.options);
    // Cached answers are shared between callers, so they must not be changed by one of them.
    return match && Object.freeze(match);
  }

  /** English name of a country ("DE" -> "Germany"), or null for an unknown code. */
  countryName(code: string): string | null {
    return this.countryTables().names.get(code.trim().toUpperCase()) ?? null;
  }

  /** Whether `code` is a known ISO 3166-1 alpha-2 code (in any case). */
  isCountryCode(code: string): boolean {
    return this.countryTables().names.has(code.trim().toUpperCase());
  }

  /**
   * Maps a country name stored by the old service (UserRankings.country: "United States", "Viet Nam",
   * "Czech Republic", "Türkiye", ...) to its code. Country names and codes in any spelling the data sets
   * know come first; anything else goes through the full resolver, so "England" still becomes GB.
   */
  countryFromLegacyName(name: string | null | undefined): CountryCode | null {
    if (typeof name !== 'string') return null;
    const { byName } = this.countryTables();
    const key = nameKey(name);
    if (!key) return null;
    // ISO-style inverted names: "Iran, Islamic Republic of" -> "Iran".
    const head = name.includes(',') ? nameKey(name.slice(0, name.indexOf(','))) : '';
    return byName.get(key) ?? byName.get(head) ?? this.resolveLocation(name)?.code ?? null;
  }

  /** Every country (ISO 3166-1 plus Kosovo), sorted by code. */
  listCountries(): readonly CountryInfo[] {
    return this.countryTables().list;
  }

  private countryTables(): CountryTables {
    this.countries ??= buildCountryTables(this.source.loadCountries());
    return this.countries;
  }

  /** The place data behind the index, loaded once: the country directory reads its largest cities. */
  placeData(): PlaceData {
    this.places ??= this.source.loadPlaces();
    return this.places;
  }

  private placeIndex(): LocationIndex {
    this.index ??= buildLocationIndex(this.countryTables().data, this.placeData());
    return this.index;
  }
}

export interface CreateLocationResolverOptions {
  readonly data?: PackageLocationDataOptions;
  readonly resolver?: LocationResolverOptions;
}

/** The resolver over the npm data packages, for the composition root. */
export function createLocationResolver(options: CreateLocationResolverOptions = {}): LocationResolver {
  return new LocationResolver(packageLocationDataSource(options.data), options.resolver);
}
