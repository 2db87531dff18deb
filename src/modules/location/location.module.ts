import { defineModule, moduleKey } from '../../core/module';
import { createLocationResolver, type LocationResolver } from './location-resolver';

export interface LocationExports {
  /** Country of a free-text location (harvests), legacy country names (import), place data (rankings). */
  readonly locations: LocationResolver;
}

/**
 * The location resolver as a module of its own: harvest stores the country of each profile's
 * location, rankings list countries and cities. Its data loads on first use; the worker part
 * builds the index at start-up so the first harvest does not pay for it.
 */
export const LOCATION = moduleKey<LocationExports>('location');

export const locationModule = defineModule({
  key: LOCATION,
  entities: [],
  resolvers: [],
  create() {
    const locations = createLocationResolver();
    return {
      start: {
        async worker() {
          locations.warmUp();
        },
      },
      exports: { locations },
    };
  },
});
