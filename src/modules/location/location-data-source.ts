import { loadCountryData, type CountryDataOptions } from './country-data.loader';
import { loadPlaceData, type PlaceDataOptions } from './place-data.loader';
import type { LocationDataSource } from './location.types';

export type PackageLocationDataOptions = CountryDataOptions & PlaceDataOptions;

/** The production data source: the npm data packages, read when the resolver first needs them. */
export function packageLocationDataSource(options: PackageLocationDataOptions = {}): LocationDataSource {
  return {
    loadCountries: () => loadCountryData(options),
    loadPlaces: () => loadPlaceData(options),
  };
}
