import type { CountryCode, LocationMatchMethod } from './location.types';

/**
 * When a reading applies, given how the words were written:
 * - `any`: in any case ("germany", "Lagos");
 * - `upper`: only in capitals (short abbreviations among GeoNames' alternate names: "LA", "KL");
 * - `code`: a code, written in capitals as its own segment or as the last word ("DE", "Berlin DE"), or
 *   in lower case as a segment after a separator ("london, uk"). So "IN" in "I LIVE IN GERMANY" is a word;
 * - `qualifier`: like `code`, and only after another word: a state abbreviation qualifies a city
 *   ("Austin, TX"); a lone "CA" is Canada's code, never California.
 */
export type ReadingRule = 'any' | 'upper' | 'code' | 'qualifier';

export interface Reading {
  readonly country: CountryCode;
  readonly method: LocationMatchMethod;
  /**
   * How explicitly the words name the country: 5 flag, 4 country name, 3 code, 2 subdivision, 0 a city
   * (a city only suggests a country: many names exist in several).
   */
  readonly weight: number;
  /** For cities: population, to pick between same-named places. */
  readonly population: number;
  readonly rule: ReadingRule;
  /** A name that a big city elsewhere outweighs (see demoteShadowedReadings). */
  readonly shadowable?: true;
}

export const WEIGHT = { flag: 5, countryName: 4, code: 3, subdivision: 2, city: 0 } as const;

export interface IndexEntry {
  /**
   * Words that are no place ("earth", "south america"): unless one of the readings applies (a noise
   * word can still be a code written as one: "OR", "IN"), they consume the words and say nothing.
   */
  readonly noise: boolean;
  readonly readings: readonly Reading[];
  /** Whether some reading depends on how the words are written (saves filtering the common case). */
  readonly conditional: boolean;
  /** A region spanning countries ("Europe", "EU", "APAC"): the countries it can contain. */
  readonly region?: ReadonlySet<CountryCode>;
}

export interface LocationIndex {
  readonly entries: ReadonlyMap<string, IndexEntry>;
  /** Longest key in words, to bound the phrase scan. */
  readonly maxPhraseWords: number;
  /** Leading words of every multi-word key ("new", "new south"): the scan extends a run only along these. */
  readonly prefixes: ReadonlySet<string>;
}
