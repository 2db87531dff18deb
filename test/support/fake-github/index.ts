/** A faithful, local GitHub stand-in for tests: REST + GraphQL over real HTTP on 127.0.0.1. */
export { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './fake-github-server';
export type { SecondaryLimitPlan } from './failure-controls';
export { FakeGitHubCounters, type RecordedRequest, type CountersSnapshot } from './request-counters';
export {
  AUTHENTICATED_LIMITS,
  UNAUTHENTICATED_LIMITS,
  type FakeResource,
  type RateWindow,
  type ResourcePolicy,
} from './rate-limit-ledger';
export {
  generateStandardDataset,
  STANDARD_LOGINS,
  SEARCH_LOCATIONS,
  CROWDED_LOCATION,
  LEGACY_LOCATION,
  type StandardDatasetOptions,
} from './standard-dataset';
export {
  buildUser,
  buildOrganization,
  randomRepository,
  IdSequence,
  emptyContributions,
} from './dataset-builders';
export { SeededRandom } from './seeded-random';
export { GITHUB_SECONDARY_LIMITS, type SecondaryLimitPolicy } from './secondary-limits';
export type * from './dataset-types';
export {
  gitHubSchema,
  checkGitHubQuery,
  validateGitHubQuery,
  assertValidGitHubQuery,
  type GitHubQueryCheck,
} from './github-graphql-schema';
export type { GitHubGraphQLError } from './graphql-errors';
export { SEARCH_RESULT_CAP } from './rest-search';
export { EVENTS_MAX, EVENTS_MAX_AGE_DAYS } from './rest-events';
