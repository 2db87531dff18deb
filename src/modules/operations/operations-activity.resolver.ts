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
import { fromProgressPayload, isFinished } from '../harvest/harvest-progress';
import { HarvestJobNode, HarvestProgressEvent } from '../harvest/harvest.types';
import { countryHarvestState } from '../rankings/country-harvest-state';
import type { JobState } from '../../platform/queue/job-queue';
import { CountryHarvestNode, CountryHarvestProgressNode, CountryNode } from '../rankings/rankings.types';

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
  harvestActivity(
    @Root() event: HarvestProgressPayload | ResyncMarker,
    @Ctx() _context: GraphQLContext,
  ): HarvestProgressEvent {
    if (isResync(event))
      return Object.assign(new HarvestProgressEvent(), {
        login: '',
        resync: true,
        finished: false,
        harvest: null,
      });
    const state = fromProgressPayload(event);
    return Object.assign(new HarvestProgressEvent(), {
      login: event.login,
      resync: false,
      finished: isFinished(state.status),
      harvest: HarvestJobNode.from(state),
    });
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
    return Object.assign(new CountryHarvestNode(), {
      id: event.id,
      country: Object.assign(new CountryNode(), {
        code: event.country,
        name: loaders.countries.name(event.country) ?? event.country,
      }),
      state: countryHarvestState(state),
      progress: Object.assign(new CountryHarvestProgressNode(), event.progress),
      error: event.error,
      createdAt: new Date(event.createdAt),
      finishedAt: event.finishedAt ? new Date(event.finishedAt) : null,
    });
  }
}
