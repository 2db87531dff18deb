import type { JobState } from '../../platform/queue/job-queue';
import { type EnumValue, graphqlEnum } from '../../graphql/enums';

/** Where a country harvest stands (its queue job's state). */
export const CountryHarvestState = graphqlEnum('CountryHarvestState', 'Where a country harvest stands.', {
  QUEUED: 'Waiting for a worker.',
  RUNNING: 'Searching GitHub and asking for harvests; see `progress`.',
  DELAYED: "Waiting to run again: a retry after a failure, or GitHub's search rate limit to reset.",
  COMPLETED: 'Every search done; the harvests it asked for run on their own.',
  FAILED: 'Gave up after its attempts; see `error`.',
  UNKNOWN: 'The queue reports a state this API does not know (should not happen).',
});
export type CountryHarvestState = EnumValue<typeof CountryHarvestState>;

const STATES: Record<JobState, CountryHarvestState> = {
  waiting: CountryHarvestState.QUEUED,
  active: CountryHarvestState.RUNNING,
  delayed: CountryHarvestState.DELAYED,
  completed: CountryHarvestState.COMPLETED,
  failed: CountryHarvestState.FAILED,
  unknown: CountryHarvestState.UNKNOWN,
};

export function countryHarvestState(state: JobState): CountryHarvestState {
  return STATES[state];
}
