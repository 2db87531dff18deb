import { DomainError } from '../../core/errors';
import type { LocationResolver, PlaceData } from '../location';

/** What rankings need to know about countries (from the location module's data). */
export interface CountryDirectory {
  /** The ISO code a client's `country` argument names (code or English name), or null. */
  resolve(input: string): string | null;
  /** English name of a code, or null when unknown. */
  name(code: string): string | null;
  /** The country's largest cities (names as people write them), most populous first. */
  largestCities(code: string, count: number): readonly string[];
}

export const COUNTRY_INPUT_FORM =
  "country must be an ISO 3166-1 alpha-2 code (such as DE) or a country's English name (such as Germany)";

/** The country a client asked for, or BAD_USER_INPUT naming the accepted form. */
export function requireCountry(countries: CountryDirectory, input: string, argument = 'country'): string {
  const code = countries.resolve(input);
  if (!code)
    throw new DomainError('BAD_USER_INPUT', `${COUNTRY_INPUT_FORM}; got "${input.slice(0, 60)}"`, {
      argument,
    });
  return code;
}

/** Country names resolve only as countries: "Berlin" is a city, not a way to write Germany. */
const COUNTRY_METHODS: ReadonlySet<string> = new Set(['country-name', 'country-code', 'flag']);

/**
 * The directory over the location resolver. `places` is read once, on the first `largestCities`,
 * and only the largest cities of each country are kept.
 */
export class LocationCountryDirectory implements CountryDirectory {
  private cities: Map<string, string[]> | undefined;

  constructor(
    private readonly resolver: LocationResolver,
    private readonly places: () => PlaceData,
    private readonly keepPerCountry = 25,
  ) {}

  resolve(input: string): string | null {
    const text = input.trim();
    if (text.length === 0 || text.length > 100) return null;
    if (/^[A-Za-z]{2}$/.test(text)) return this.resolver.isCountryCode(text) ? text.toUpperCase() : null;
    const lower = text.toLowerCase();
    const listed = this.resolver.listCountries().find((c) => c.name.toLowerCase() === lower);
    if (listed) return listed.code;
    const match = this.resolver.resolveLocation(text);
    return match && COUNTRY_METHODS.has(match.method) ? match.code : null;
  }

  name(code: string): string | null {
    return this.resolver.countryName(code);
  }

  largestCities(code: string, count: number): readonly string[] {
    if (!this.cities) {
      const byCountry = new Map<string, { name: string; population: number }[]>();
      for (const city of this.places().cities) {
        const name = city.names[0];
        if (!name) continue;
        const list = byCountry.get(city.country) ?? [];
        list.push({ name, population: city.population });
        byCountry.set(city.country, list);
      }
      this.cities = new Map(
        [...byCountry].map(([country, list]) => [
          country,
          list
            .sort((a, b) => b.population - a.population)
            .slice(0, this.keepPerCountry)
            .map((c) => c.name),
        ]),
      );
    }
    return (this.cities.get(code.toUpperCase()) ?? []).slice(0, count);
  }
}
