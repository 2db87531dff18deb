/**
 * Public and data-source types of the location resolver.
 *
 * The resolver turns a GitHub profile's free-text `location` into an ISO 3166-1 alpha-2 country code.
 * It never guesses: a location that names no place, several countries, or a place that is too ambiguous
 * resolves to `null`.
 */

/** ISO 3166-1 alpha-2 code in upper case, e.g. `'DE'`. */
export type CountryCode = string;

/**
 * What decided the country, strongest first. Stored next to the code so that operators can see (and
 * re-run) how a user was placed.
 */
export type LocationMatchMethod =
  | 'flag' // a flag emoji, e.g. "🇯🇵 Tokyo"
  | 'country-name' // a country's name in English or another language, e.g. "Deutschland"
  | 'country-code' // an ISO code written as such, e.g. "DE", "USA"
  | 'subdivision' // a state or province, its name or postal abbreviation, e.g. "Austin, TX"
  | 'city' // a city or town, e.g. "Lagos"
  | 'alias'; // a colloquial name, e.g. "SF Bay Area", "NYC"

export const LOCATION_MATCH_METHODS: readonly LocationMatchMethod[] = [
  'flag',
  'country-name',
  'country-code',
  'subdivision',
  'city',
  'alias',
];

export interface LocationMatch {
  /** ISO 3166-1 alpha-2 code. */
  readonly code: CountryCode;
  /** The kind of evidence that decided the code. */
  readonly method: LocationMatchMethod;
  /** The part of the input that decided it, as written (e.g. "Brasil" in "São Paulo, Brasil"). */
  readonly matched: string;
}

export interface CountryInfo {
  readonly code: CountryCode;
  /** Common English name ("United States", "South Korea"), not the ISO long form. */
  readonly name: string;
}

// ---------------------------------------------------------------------------------------------
// Data the resolver indexes. A `LocationDataSource` supplies it; the default one reads npm data
// packages, tests can hand in a small fixture.
// ---------------------------------------------------------------------------------------------

export interface CountryRecord {
  readonly code: CountryCode;
  readonly alpha3: string;
  /** Display name (common English). */
  readonly name: string;
  /** English names: "United States of America", "United States", "USA", ... */
  readonly englishNames: readonly string[];
  /**
   * Informal and former English names ("America", "Holland", "Gold Coast", "Persia"): they count as the
   * country unless a big city elsewhere has the name ("Gold Coast", Australia).
   */
  readonly aliases: readonly string[];
  /** Names in other languages: "Deutschland", "Allemagne", "ドイツ", ... */
  readonly otherNames: readonly string[];
  /** Continent codes ("EU"; two for transcontinental countries such as Türkiye). */
  readonly continents: readonly string[];
}

export interface ContinentRecord {
  readonly code: string;
  readonly name: string;
}

export interface SubdivisionRecord {
  readonly country: CountryCode;
  readonly name: string;
  /**
   * A state or province of a federal country people name as readily as the country ("Texas",
   * "Ontario", "Maharashtra"): its name outweighs a same-named city elsewhere.
   */
  readonly major: boolean;
  /** Postal abbreviation of a major subdivision, written after a city ("TX", "ON", "NSW", "SP"). */
  readonly abbreviation?: string;
}

export interface CityRecord {
  readonly country: CountryCode;
  readonly population: number;
  /** Primary names (GeoNames name and ASCII name). */
  readonly names: readonly string[];
  /** Alternate names (other languages, abbreviations); only kept for larger cities. */
  readonly alternateNames: readonly string[];
}

export interface CountryData {
  readonly countries: readonly CountryRecord[];
  /**
   * Continents ("Europe", "South America"): never a country themselves, but they rule out countries
   * elsewhere ("EU/US" is no single country; "Paris, Europe" is not Paris, Texas).
   */
  readonly continents: readonly ContinentRecord[];
}

export interface PlaceData {
  readonly subdivisions: readonly SubdivisionRecord[];
  readonly cities: readonly CityRecord[];
}

/**
 * Where the resolver's data comes from. Both methods are called at most once per resolver, on first
 * use: country data is small and needed for names; place data (cities) is larger and only needed to
 * resolve free text.
 */
export interface LocationDataSource {
  loadCountries(): CountryData;
  loadPlaces(): PlaceData;
}
