export {
  LocationResolver,
  createLocationResolver,
  type CreateLocationResolverOptions,
  type LocationResolverOptions,
} from './location-resolver';
export { packageLocationDataSource, type PackageLocationDataOptions } from './location-data-source';
export { DEFAULT_DECISION_OPTIONS, type DecisionOptions } from './location-decision';
export { DEFAULT_EXTRA_LANGUAGES } from './country-data.loader';
export { DEFAULT_PLACE_DATA_OPTIONS } from './place-data.loader';
export * from './location.types';
