import { registerEnumType } from 'type-graphql';
import type { JobState } from '../../platform/queue/job-queue';

/** Where a country harvest stands (its queue job's state). */
export enum CountryHarvestState {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  DELAYED = 'DELAYED',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(CountryHarvestState, {
  name: 'CountryHarvestState',
  description: 'Where a country harvest stands.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker.' },
    RUNNING: { description: 'Searching GitHub and asking for harvests; see `progress`.' },
    DELAYED: {
      description: "Waiting to run again: a retry after a failure, or GitHub's search rate limit to reset.",
    },
    COMPLETED: { description: 'Every search done; the harvests it asked for run on their own.' },
    FAILED: { description: 'Gave up after its attempts; see `error`.' },
    UNKNOWN: { description: 'The queue reports a state this API does not know (should not happen).' },
  },
});

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
