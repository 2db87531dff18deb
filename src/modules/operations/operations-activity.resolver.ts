import { Authorized, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import {
  type CountryHarvestActivityPayload,
  type HarvestProgressPayload,
  isResync,
  type ResyncMarker,
  TOPICS,
} from '../../core/topics';
import { requireOperator } from '../../graphql/auth-checker';
import type { GraphQLContext } from '../../graphql/context';
import { fromProgressPayload } from '../harvest/harvest-progress';
import { HarvestProgressEvent } from '../harvest/harvest.types';
import { countryHarvestState } from '../rankings/country-harvest-state';
import type { JobState } from '../../platform/queue/job-queue';
import { countryHarvestNode } from '../rankings/country-harvest.jobs';
import { CountryHarvestNode } from '../rankings/rankings.types';

const JOB_STATES: readonly string[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];

/** The operator console's live feeds: every developer harvest and every country harvest. */
@Resolver()
export class OperationsActivityResolver {
  @Authorized('operator')
  @Subscription(() => HarvestProgressEvent, {
    topics: ({ context }) => {
      requireOperator((context as GraphQLContext).viewer);
      return TOPICS.HARVEST_ACTIVITY;
    },
    description:
      'Operators and admins: progress of every developer harvest (any login), whichever process runs it. After a lost pub/sub link one event with `resync: true`, an empty `login` and no `harvest` says events may have been missed: re-read `operations { harvests }`.',
  })
  harvestActivity(@Root() event: HarvestProgressPayload | ResyncMarker): HarvestProgressEvent {
    return isResync(event)
      ? HarvestProgressEvent.of('', true, null)
      : HarvestProgressEvent.of(event.login, false, fromProgressPayload(event));
  }

  @Authorized('operator')
  @Subscription(() => CountryHarvestNode, {
    topics: ({ context }) => {
      requireOperator((context as GraphQLContext).viewer);
      return TOPICS.COUNTRY_HARVEST_ACTIVITY;
    },
    // A resync carries no country harvest: it is not sent (re-read `operations { countryHarvests }`).
    filter: ({ payload }) => !isResync(payload),
    description:
      'Operators and admins: every change of every country harvest (running, progress after each searched location, completed, failed, or delayed for a retry), whichever worker runs it.',
  })
  countryHarvestActivity(
    @Root() event: CountryHarvestActivityPayload,
    @Ctx() { loaders }: GraphQLContext,
  ): CountryHarvestNode {
    const state = (JOB_STATES.includes(event.state) ? event.state : 'unknown') as JobState;
    return countryHarvestNode(event.country, loaders.countries.name(event.country), {
      id: event.id,
      state: countryHarvestState(state),
      progress: event.progress,
      error: event.error,
      createdAt: new Date(event.createdAt),
      finishedAt: event.finishedAt ? new Date(event.finishedAt) : null,
    });
  }
}
